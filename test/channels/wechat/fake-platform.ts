/**
 * A local stand-in for the WeChat platform, on 127.0.0.1 only.
 *
 * Platform → bot: builds message XML, signs it, and in safe/compatible mode encrypts it with the
 * independent `wechat-crypto` package (the same algorithm the platform uses), POSTs it to the bot
 * like WeChat does (dropping the connection after `timeoutMs` and retrying, 3 tries in all), and
 * checks every passive reply: the envelope's MsgSignature verifies and the payload decrypts for
 * our AppID with `wechat-crypto`, and the reply is the expected text XML.
 *
 * Bot → platform: serves /cgi-bin/token, /cgi-bin/message/custom/send and /cgi-bin/menu/create,
 * records the calls, and can be scripted to fail (errcodes 40001, 42001, 45002, 45047, -1, HTTP
 * 500) or to answer slowly.
 */
import { randomBytes } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import WXBizMsgCrypt from 'wechat-crypto';

export type Mode = 'plain' | 'safe' | 'compat';

export interface FakePlatformOptions {
  token: string;
  appId: string;
  appSecret: string;
  encodingAESKey?: string;
  /** Our account's original id (ToUserName of incoming messages). */
  account?: string;
  tokenExpiresInSec?: number;
}

export interface SendOptions {
  mode?: Mode;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  nonce?: string;
  /** Encrypt with this key instead of the configured one (key rotation tests). */
  encodingAESKey?: string;
  /** Encrypt for this AppID instead of ours. */
  appId?: string;
  /** Sign with this token instead of the right one. */
  signToken?: string;
  /** Replace the msg_signature with this value. */
  msgSignature?: string;
  contentType?: string | null;
  /** Drop the connection after this many ms (WeChat: 5000). */
  timeoutMs?: number;
  /** Send exactly this body (after signing the query as usual). */
  rawBody?: string | Buffer;
}

export interface BotResponse {
  status: number;
  body: string;
  /** The reply message, verified and decrypted when encrypted. */
  reply?: Record<string, string>;
  encrypted: boolean;
  timedOut: boolean;
}

export interface CsCall {
  touser: string;
  msgtype: string;
  content: string;
  token: string;
  at: number;
}

type Scripted = { errcode: number; errmsg?: string } | { http: number } | { delayMs: number };

const xml = new XMLParser({
  processEntities: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  trimValues: false,
  cdataPropName: '#cdata',
});

/** Text of each child of the <xml> root (CDATA sections joined). */
export function parseFlatXml(s: string): Record<string, string> {
  const doc = xml.parse(s) as { xml?: Record<string, unknown> };
  if (!doc.xml || typeof doc.xml !== 'object') throw new Error(`not a WeChat XML document: ${s.slice(0, 200)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.xml)) {
    if (v && typeof v === 'object') {
      const c = (v as Record<string, unknown>)['#cdata'];
      out[k] = Array.isArray(c) ? c.join('') : String(c ?? '');
    } else out[k] = String(v ?? '');
  }
  return out;
}

function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Message XML as WeChat writes it; numbers bare, strings in CDATA. */
export function messageXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(v)}</${k}>`))
    .join('');
  return `<xml>${body}</xml>`;
}

export function randomAesKey(): string {
  return randomBytes(32).toString('base64').slice(0, 43);
}

let msgSeq = 7_000_000_000_000_000_000n;
export function nextMsgId(): string {
  msgSeq += 1n;
  return msgSeq.toString();
}

export class FakeWeChatPlatform {
  readonly account: string;
  botUrl = '';
  apiBase = '';
  readonly cs: CsCall[] = [];
  readonly menus: unknown[] = [];
  readonly tokenRequests: { appid: string; secret: string }[] = [];
  /** Replies to send/… calls, consumed in order before normal handling. */
  readonly script: Scripted[] = [];
  /** send/… answers 45002 for content longer than this (UTF-8 bytes). */
  maxContentBytes = Infinity;
  private readonly validTokens = new Set<string>();
  private server?: Server;
  private tokenSeq = 0;

  constructor(readonly opts: FakePlatformOptions) {
    this.account = opts.account ?? 'gh_fake_account';
  }

  async start(): Promise<this> {
    const app = express();
    app.get('/cgi-bin/token', (req, res) => {
      const { appid, secret, grant_type } = req.query as Record<string, string>;
      this.tokenRequests.push({ appid: String(appid), secret: String(secret) });
      if (grant_type !== 'client_credential' || appid !== this.opts.appId || secret !== this.opts.appSecret) {
        res.json({ errcode: 40013, errmsg: 'invalid appid or secret' });
        return;
      }
      const token = `ACCESS_TOKEN_${++this.tokenSeq}`;
      this.validTokens.add(token);
      res.json({ access_token: token, expires_in: this.opts.tokenExpiresInSec ?? 7200 });
    });
    app.post('/cgi-bin/message/custom/send', express.json({ limit: '1mb' }), async (req, res) => {
      const token = String(req.query.access_token ?? '');
      const next = this.script.shift();
      if (next && 'delayMs' in next) await new Promise((r) => setTimeout(r, next.delayMs));
      if (next && 'http' in next) {
        res.status(next.http).send('upstream error');
        return;
      }
      if (next && 'errcode' in next) {
        if (next.errcode === 40001 || next.errcode === 42001) this.validTokens.delete(token);
        res.json({ errcode: next.errcode, errmsg: next.errmsg ?? 'scripted' });
        return;
      }
      if (!this.validTokens.has(token)) {
        res.json({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
        return;
      }
      const body = req.body as { touser?: string; msgtype?: string; text?: { content?: string } };
      const content = body.text?.content ?? '';
      if (Buffer.byteLength(content) > this.maxContentBytes) {
        res.json({ errcode: 45002, errmsg: 'content size out of limit' });
        return;
      }
      this.cs.push({ touser: String(body.touser), msgtype: String(body.msgtype), content, token, at: Date.now() });
      res.json({ errcode: 0, errmsg: 'ok' });
    });
    app.post('/cgi-bin/menu/create', express.json(), (req, res) => {
      if (!this.validTokens.has(String(req.query.access_token ?? ''))) {
        res.json({ errcode: 40001, errmsg: 'invalid credential' });
        return;
      }
      this.menus.push(req.body);
      res.json({ errcode: 0, errmsg: 'ok' });
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.apiBase = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** Invalidate every token handed out (as when another server refreshes it). */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  crypto(key = this.opts.encodingAESKey, appId = this.opts.appId): WXBizMsgCrypt {
    if (!key) throw new Error('no EncodingAESKey configured on the fake platform');
    return new WXBizMsgCrypt(this.opts.token, key, appId);
  }

  /** Standard fields of a user message. */
  text(openId: string, content: string, msgId = nextMsgId()): Record<string, string | number> {
    return { ToUserName: this.account, FromUserName: openId, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: msgId };
  }

  event(openId: string, event: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
    return { ToUserName: this.account, FromUserName: openId, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: event, ...extra };
  }

  /** Signed query + body for one request, as the platform builds it. */
  build(fields: Record<string, string | number>, o: SendOptions = {}): { path: string; body: string | Buffer; encrypted: boolean } {
    const mode = o.mode ?? 'plain';
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = o.nonce ?? String(Math.floor(Math.random() * 1e9));
    const signToken = o.signToken ?? this.opts.token;
    const signature = new WXBizMsgCrypt(signToken, randomAesKey(), 'x').getSignature(timestamp, nonce, '');
    // getSignature sorts [token, timestamp, nonce, ''] — the empty string adds nothing, which is
    // exactly the plain signature over [token, timestamp, nonce].
    const q = new URLSearchParams({ signature, timestamp, nonce, openid: String(fields.FromUserName ?? '') });
    let body: string | Buffer = o.rawBody ?? messageXml(fields);
    let encrypted = false;
    if (mode !== 'plain' && o.rawBody === undefined) {
      const c = this.crypto(o.encodingAESKey, o.appId ?? this.opts.appId);
      const encrypt = c.encrypt(messageXml(fields));
      const msgSignature = o.msgSignature ?? new WXBizMsgCrypt(signToken, randomAesKey(), 'x').getSignature(timestamp, nonce, encrypt);
      q.set('encrypt_type', 'aes');
      q.set('msg_signature', msgSignature);
      body =
        mode === 'safe'
          ? `<xml><ToUserName>${cdata(this.account)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`
          : messageXml(fields).replace('</xml>', `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`);
      encrypted = true;
    } else if (mode !== 'plain') {
      q.set('encrypt_type', 'aes');
      if (o.msgSignature) q.set('msg_signature', o.msgSignature);
      encrypted = true;
    }
    return { path: `/wechat?${q.toString()}`, body, encrypted };
  }

  /** One POST to the bot; the connection is dropped after `timeoutMs` like WeChat does at 5 s. */
  async post(fields: Record<string, string | number>, o: SendOptions = {}): Promise<BotResponse> {
    const { path, body, encrypted } = this.build(fields, o);
    const r = await rawRequest(`${this.botUrl}${path}`, {
      method: 'POST',
      headers: o.contentType === null ? {} : { 'content-type': o.contentType ?? 'text/xml' },
      body,
      timeoutMs: o.timeoutMs ?? 5000,
    });
    const out: BotResponse = { status: r.status, body: r.body, encrypted, timedOut: r.timedOut };
    if (r.status === 200 && r.body && r.body !== 'success') out.reply = this.openReply(r.body, encrypted);
    return out;
  }

  /**
   * WeChat's delivery: up to 3 tries of the same message, each dropped after `timeoutMs`; stops
   * at the first answered try. Returns every try's result.
   */
  async deliver(fields: Record<string, string | number>, o: SendOptions = {}): Promise<BotResponse[]> {
    const tries: BotResponse[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await this.post(fields, o);
      tries.push(r);
      if (!r.timedOut) break;
    }
    return tries;
  }

  /** Checks a passive reply as the platform would; throws when it is not acceptable. */
  openReply(body: string, encrypted: boolean): Record<string, string> {
    let message = body;
    if (encrypted) {
      const env = parseFlatXml(body);
      for (const k of ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']) if (!env[k]) throw new Error(`envelope lacks ${k}`);
      const c = this.crypto();
      const expected = c.getSignature(env.TimeStamp!, env.Nonce!, env.Encrypt!);
      if (expected !== env.MsgSignature) throw new Error('reply MsgSignature does not verify');
      const opened = c.decrypt(env.Encrypt!);
      if (opened.id !== this.opts.appId) throw new Error(`reply encrypted for AppID ${opened.id}`);
      message = opened.message;
    }
    const reply = parseFlatXml(message);
    if (reply.MsgType !== 'text') throw new Error(`unexpected reply MsgType ${reply.MsgType}`);
    if (reply.FromUserName !== this.account) throw new Error('reply FromUserName is not our account');
    if (!/^\d+$/.test(reply.CreateTime ?? '')) throw new Error('reply CreateTime is not a number');
    return reply;
  }

  /** Customer-service texts sent to one user, in order. */
  sentTo(openId: string): string[] {
    return this.cs.filter((c) => c.touser === openId).map((c) => c.content);
  }
}

export interface RawResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  timedOut: boolean;
}

/** A plain HTTP request that tolerates the server answering before the body is sent. */
export function rawRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number; stallAfterBytes?: number },
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false });
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (r: RawResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    if (o.timeoutMs) {
      timer = setTimeout(() => {
        req.destroy();
        settle({ status: 0, body: '', headers: {}, timedOut: true });
      }, o.timeoutMs);
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => settle({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, timedOut: false }));
      res.on('error', (e) => settle(e));
    });
    req.on('error', (e) => {
      // The server may answer (413) and close while we are still writing: wait for the answer.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET') {
        setTimeout(() => settle(e), 200);
      } else settle(e);
    });
    if (o.body !== undefined) {
      if (o.stallAfterBytes !== undefined) {
        const buf = Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
        req.setHeader('content-length', String(buf.length));
        req.write(buf.subarray(0, o.stallAfterBytes)); // and never finish: a slow client
        return;
      }
      req.end(o.body);
    } else req.end();
  });
}
