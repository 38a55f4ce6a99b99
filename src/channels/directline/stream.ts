/**
 * The Direct Line WebSocket stream: GET <mount>/conversations/:id/stream?t=<stream token>&watermark=
 * upgraded to a WebSocket that pushes ActivitySets ({"activities": [...], "watermark": "n"}) as the
 * conversation's log grows, starting after the given watermark (so a reconnect resumes, and a
 * reloaded page with no watermark gets the whole kept history).
 *
 * Why a separate upgrade handler: WebSocket upgrades reach the http.Server, not Express routers,
 * so the channel attaches itself to the server (DirectLineChannel.attach).
 *
 * Bounds: a stream token is only good for 60 s and one conversation; at most `maxPerConversation`
 * sockets per conversation and `maxStreams` in all; client frames are ignored (Web Chat sends empty
 * keep-alives) and capped at 4 KB; a socket that does not answer pings, or whose send buffer grows
 * past 1 MB, is dropped — the client reconnects with its watermark and loses nothing.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ConversationLog } from './conversation-log';
import { DirectLineError } from './errors';
import { type ConversationId, type TokenService, parseConversationId } from './tokens';

export interface StreamOptions {
  mountPath: string;
  tokens: TokenService;
  log: ConversationLog;
  logger: Logger;
  pageSize: number;
  maxPerConversation?: number;
  maxStreams?: number;
  pingIntervalMs?: number;
}

const MAX_BUFFERED_BYTES = 1024 * 1024;

export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly perConversation = new Map<ConversationId, Set<WebSocket>>();
  private readonly servers = new Set<Server>();
  private readonly pathPattern: RegExp;
  private readonly maxPerConversation: number;
  private readonly maxStreams: number;
  private readonly pinger: NodeJS.Timeout;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private count = 0;

  constructor(private readonly opts: StreamOptions) {
    const prefix = opts.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.pathPattern = new RegExp(`^${prefix}/conversations/([^/]+)/stream/?$`);
    this.maxPerConversation = opts.maxPerConversation ?? 8;
    this.maxStreams = opts.maxStreams ?? 10_000;
    this.pinger = setInterval(() => this.ping(), opts.pingIntervalMs ?? 30_000);
    this.pinger.unref();
  }

  get openStreams(): number {
    return this.count;
  }

  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', this.onUpgrade);
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const s of this.servers) s.off('upgrade', this.onUpgrade);
    this.servers.clear();
    for (const set of this.perConversation.values()) for (const ws of set) ws.terminate();
    this.perConversation.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return reject(socket, new DirectLineError(400, 'BadArgument', 'bad URL'));
    }
    // Other upgrade handlers (none today) may own paths outside our mount.
    if (!url.pathname.startsWith(`${this.opts.mountPath}/`)) return;
    const match = this.pathPattern.exec(url.pathname);
    const conversationId = parseConversationId(match?.[1]);
    if (!conversationId) return reject(socket, new DirectLineError(404, 'NotFound', 'no such stream'));
    let after: number | undefined;
    try {
      const claims = this.opts.tokens.verify(url.searchParams.get('t') ?? undefined, 'stream');
      if (claims.conv !== conversationId) throw new DirectLineError(403, 'Forbidden', 'this token is for another conversation');
      after = parseWatermark(url.searchParams.get('watermark'));
    } catch (e) {
      const err = e instanceof DirectLineError ? e : new DirectLineError(400, 'BadArgument', 'bad stream request');
      if (err.context.suspicious || err.code === 'Forbidden') this.opts.logger.warn({ conversationId, status: err.status }, `directline stream refused: ${err.message}`);
      return reject(socket, err);
    }
    const set = this.perConversation.get(conversationId);
    if (this.count >= this.maxStreams || (set && set.size >= this.maxPerConversation)) {
      this.opts.logger.warn({ conversationId, streams: this.count }, 'directline stream refused: too many streams');
      return reject(socket, new DirectLineError(429, 'TooManyRequests', 'too many open streams'));
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, conversationId, after));
  };

  private serve(ws: WebSocket, conversationId: ConversationId, after: number | undefined): void {
    let set = this.perConversation.get(conversationId);
    if (!set) this.perConversation.set(conversationId, (set = new Set()));
    set.add(ws);
    this.count++;
    this.alive.set(ws, true);

    let cursor = after;
    let pumping = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          for (;;) {
            const page = await this.opts.log.read(conversationId, cursor, this.opts.pageSize);
            if (ws.readyState !== ws.OPEN) return;
            if (!page.activities.length) break;
            cursor = Number(page.watermark);
            ws.send(JSON.stringify(page));
            if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
              this.opts.logger.warn({ conversationId }, 'directline stream dropped: client not reading');
              ws.terminate();
              return;
            }
            if (page.activities.length < this.opts.pageSize) break;
          }
        } while (again);
      } catch (err) {
        this.opts.logger.error({ err, conversationId }, 'directline stream read failed');
        ws.close(1011, 'read failed');
      } finally {
        pumping = false;
      }
    };
    const unsubscribe = this.opts.log.subscribe(conversationId, () => void pump());

    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('message', () => {
      // Clients send "" as keep-alive; nothing else is meaningful on this stream.
      this.alive.set(ws, true);
    });
    ws.on('error', (err) => this.opts.logger.debug({ err, conversationId }, 'directline stream error'));
    ws.on('close', () => {
      unsubscribe();
      set!.delete(ws);
      if (!set!.size) this.perConversation.delete(conversationId);
      this.count--;
    });
    void pump();
  }

  private ping(): void {
    for (const set of this.perConversation.values()) {
      for (const ws of set) {
        if (!this.alive.get(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.set(ws, false);
        ws.ping();
      }
    }
  }
}

/** "" or absent: from the start. Otherwise a non-negative integer that fits a double exactly. */
export function parseWatermark(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) {
    throw new DirectLineError(400, 'BadArgument', 'watermark must be a number from a previous response');
  }
  return Number(raw);
}

function reject(socket: Duplex, err: DirectLineError): void {
  const body = JSON.stringify(err.toBody());
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' }[err.status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${err.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 1000).unref();
}
