/**
 * A Direct Line 3.0-compatible service for our own bot, so Microsoft's Web Chat and
 * botframework-directlinejs talk to us with `domain` pointed here, with no Azure subscription.
 *
 * Routes (under mountPath, default /v3/directline), shapes as in Azure's Direct Line 3.0:
 *   POST /tokens/generate        Bearer <secret>  → 200 {conversationId, token, expires_in}
 *   POST /tokens/refresh         Bearer <token>   → 200 {conversationId, token, expires_in}
 *   POST /conversations          Bearer <token|secret> → 201 new / 200 already started
 *                                {conversationId, token, expires_in, streamUrl, referenceGrammarId}
 *   GET  /conversations/:id?watermark=      reconnect: fresh token and streamUrl
 *   POST /conversations/:id/activities      → 200 {id}; the turn's replies go to the log
 *   GET  /conversations/:id/activities?watermark= → 200 {activities, watermark}
 *   WS   /conversations/:id/stream?t=&watermark=  (after attach(server))
 * Pages get tokens without the secret from the web chat module (issueToken()).
 *
 * Guarantees: a token reaches only its own conversation (403 otherwise) and `from.id` is always the
 * token's user; turns of one conversation run one at a time, in order; the user's activity is
 * echoed into the log before the turn so Web Chat sees it confirmed; replies and proactive
 * messages (InProcessAdapter sink "directline") land in the same log. Errors are JSON
 * {"error": {"code", "message"}}; no request can crash the process.
 *
 * Bounds: JSON bodies are size-, depth- and count-limited (src/http/json-body.ts: a 5,000-level
 * body is a 400, never stored); with `limits`, every route is limited per IP (generous), token
 * creation per IP (a flood of anonymous conversations is refused early — and cannot evict the
 * history of anyone who wrote, see conversation-log.ts), and posting per conversation (tight).
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import { type ErrorRequestHandler, type NextFunction, type Request, type Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ProactiveSink, TurnRunner } from '../../bot/in-process-adapter';
import type { CitizenDelivery } from '../../cases/delivery';
import { BodyRejectedError, type JsonLimits, jsonBody } from '../../http/json-body';
import { ipOf, RateLimitedError, type RateLimits } from '../../http/rate-limits';
import type { Channel } from '../channel';
import { CHANNEL_ID, type Participants, activityFromBot, activityFromClient, normaliseLocale } from './activities';
import { type ConversationLog, MemoryConversationLog } from './conversation-log';
import { DirectLineError } from './errors';
import { StreamServer, parseWatermark } from './stream';
import {
  type ConversationId,
  type DirectLineUserId,
  type TokenClaims,
  TokenService,
  newConversationId,
  newUserId,
  parseConversationId,
  parseUserId,
} from './tokens';

export { DirectLineError } from './errors';
export { type ConversationLog, type LoggedActivity, MemoryConversationLog } from './conversation-log';
export type { ConversationId, DirectLineUserId } from './tokens';

export interface DirectLineChannelOptions {
  runner: TurnRunner & { registerSink(channelId: string, sink: ProactiveSink): void };
  /** Signs tokens (≥ 16 chars); also accepted as a Bearer secret by generate/start. Random when absent (dev). */
  secret?: string;
  logger: Logger;
  log?: ConversationLog;
  /** https://bot.example.org — used for streamUrl; otherwise taken from the request. */
  publicBaseUrl?: string;
  mountPath?: string;
  accessTokenTtlSeconds?: number;
  /** The bot as it appears in `from` of its messages. */
  bot?: ChannelAccount;
  /** POST activities answers after this even if the turn is still running; its replies still arrive. */
  turnTimeoutMs?: number;
  /** Pending turns allowed per conversation before 429. */
  maxQueuedTurns?: number;
  pageSize?: number;
  bodyLimit?: string;
  jsonLimits?: Partial<Omit<JsonLimits, 'limit'>>;
  limits?: RateLimits;
  now?: () => number;
}

/** Direct Line's token response (generate, refresh). */
export interface TokenResponse {
  conversationId: string;
  token: string;
  expires_in: number;
}

export interface DirectLineChannel extends Channel {
  readonly tokens: TokenService;
  readonly log: ConversationLog;
  /** A token for a new conversation and a new "dl_" user (what the web page gets). */
  issueToken(): TokenResponse;
  /** Serve WebSocket streams on this server (call once after listen). */
  attach(server: Server): void;
  /** Staff messages to a citizen: appended to the conversation log (and its stream). */
  readonly delivery: CitizenDelivery;
}

const REFERENCE_GRAMMAR_ID = 'b6f01ee2-e4e6-4a06-ad9c-1c47e3b03c4f';
const CORS_HEADERS = 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with';

export function createDirectLineChannel(opts: DirectLineChannelOptions): DirectLineChannel {
  const logger = opts.logger.child({ channel: CHANNEL_ID });
  const mountPath = opts.mountPath ?? '/v3/directline';
  const now = opts.now ?? Date.now;
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  if (!opts.secret) logger.warn('DIRECTLINE_SECRET not set: using a random per-process secret; web chat tokens end with this process');
  const tokens = new TokenService({ secret, accessTtlSeconds: opts.accessTokenTtlSeconds, now });
  const log = opts.log ?? new MemoryConversationLog({ now });
  const bot: ChannelAccount = { id: 'bot', name: 'legal-aid-bot', ...opts.bot, role: 'bot' };
  const pageSize = opts.pageSize ?? 100;
  const turnTimeoutMs = opts.turnTimeoutMs ?? 15_000;
  const maxQueued = opts.maxQueuedTurns ?? 10;
  const streams = new StreamServer({ mountPath, tokens, log, logger, pageSize });
  const queues = new Map<ConversationId, { tail: Promise<unknown>; pending: number }>();

  const participants = (conversationId: ConversationId, userId: DirectLineUserId): Participants => ({ conversationId, userId, bot });

  const proactive: ProactiveSink = async (reference, activities) => {
    const conversationId = parseConversationId(reference.conversation?.id);
    if (!conversationId) throw new DirectLineError(404, 'NotFound', 'proactive message without a Direct Line conversation id');
    const userId = parseUserId(reference.user?.id) ?? ('' as DirectLineUserId);
    const p = participants(conversationId, userId);
    await log.append(conversationId, activities.map((a) => activityFromBot(a, p, new Date(now()))));
  };
  opts.runner.registerSink(CHANNEL_ID, proactive);
  const delivery: CitizenDelivery = {
    channelId: CHANNEL_ID,
    async deliver(reference, activities) {
      await proactive(reference, activities);
      return { status: 'delivered' };
    },
  };

  /** Runs turns of one conversation one after another; refuses a flood. */
  function enqueue<T>(conversationId: ConversationId, fn: () => Promise<T>): Promise<T> {
    let q = queues.get(conversationId);
    if (!q) queues.set(conversationId, (q = { tail: Promise.resolve(), pending: 0 }));
    if (q.pending >= maxQueued) throw new DirectLineError(429, 'TooManyRequests', 'too many messages at once; wait for the answer');
    q.pending++;
    const run = q.tail.then(fn, fn);
    const entry = q;
    q.tail = run.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      entry.pending--;
      if (!entry.pending && queues.get(conversationId) === entry) queues.delete(conversationId);
    });
    return run;
  }

  async function runTurn(activity: Partial<Activity>, p: Participants): Promise<void> {
    const replies = await opts.runner.run(activity);
    if (replies.length) {
      await log.append(p.conversationId, replies.map((r) => activityFromBot(r, p, new Date(now()))));
    }
  }

  function streamUrl(req: Request, claims: TokenClaims, watermark: string): string {
    const base = opts.publicBaseUrl ? opts.publicBaseUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
    const ws = base.replace(/^http/i, 'ws');
    const t = tokens.issue(claims.conv, claims.user, 'stream').token;
    return `${ws}${req.baseUrl}/conversations/${claims.conv}/stream?t=${t}&watermark=${encodeURIComponent(watermark)}`;
  }

  function bearer(req: Request): string | undefined {
    const h = req.get('authorization');
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    return m?.[1];
  }

  function accessClaims(req: Request): TokenClaims {
    const t = bearer(req);
    if (tokens.isSecret(t)) {
      throw new DirectLineError(403, 'Forbidden', 'the secret only generates tokens and starts conversations here; use the token');
    }
    return tokens.verify(t, 'access');
  }

  function claimsFor(req: Request): TokenClaims {
    const claims = accessClaims(req);
    const id = req.params.id;
    if (!parseConversationId(id)) throw new DirectLineError(404, 'NotFound', 'no such conversation');
    if (claims.conv !== id) {
      logger.warn({ tokenConversation: claims.conv, path: req.path }, 'directline: token used for another conversation');
      throw new DirectLineError(403, 'Forbidden', 'this token is for another conversation');
    }
    return claims;
  }

  function tokenResponse(claims: Pick<TokenClaims, 'conv' | 'user'>): TokenResponse {
    const t = tokens.issue(claims.conv, claims.user);
    return { conversationId: claims.conv, token: t.token, expires_in: t.expiresIn };
  }

  /** Start/generate may name a user only when the caller holds the secret. */
  function userFromBody(body: unknown): DirectLineUserId | undefined {
    const user = (body as { user?: { id?: unknown } } | undefined)?.user;
    return parseUserId(user?.id);
  }

  const json = jsonBody({ limit: opts.bodyLimit ?? '256kb', ...opts.jsonLimits });
  const limits = opts.limits;
  const perIp = limits ? [limits.middleware('directLinePerIp', ipOf)] : [];
  const tokenLimit = limits ? [limits.middleware('tokensPerIp', ipOf)] : [];
  /** Only a start that creates a conversation (the secret, not a token it already has) takes a token. */
  const startLimit: typeof tokenLimit = limits
    ? [(req, res, next) => (tokens.isSecret(bearer(req)) ? tokenLimit[0]!(req, res, next) : next())]
    : [];
  const optionalJson = (req: Request, res: Response, next: NextFunction) => (req.is(['application/json', 'application/*+json']) ? json(req, res, next) : next());
  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is(['application/json', 'application/*+json'])) {
      next(new DirectLineError(415, 'UnsupportedMediaType', 'send the activity as application/json'));
      return;
    }
    json(req, res, next);
  };

  const router = Router();
  router.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    // An API for pages on other origins (CORS *): helmet's same-origin CORP does not apply.
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    res.set('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', CORS_HEADERS);
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  });
  if (perIp.length) router.use(...perIp);

  router.post('/tokens/generate', ...tokenLimit, optionalJson, (req, res) => {
    if (!tokens.isSecret(bearer(req))) throw new DirectLineError(401, 'Unauthorized', 'generating a token needs the Direct Line secret');
    res.json(tokenResponse({ conv: newConversationId(), user: userFromBody(req.body) ?? newUserId() }));
  });

  router.post('/tokens/refresh', (req, res) => {
    res.json(tokenResponse(accessClaims(req)));
  });

  router.post('/conversations', ...startLimit, optionalJson, async (req, res) => {
    const t = bearer(req);
    const claims: Pick<TokenClaims, 'conv' | 'user'> = tokens.isSecret(t)
      ? { conv: newConversationId(), user: userFromBody(req.body) ?? newUserId() }
      : tokens.verify(t, 'access');
    const { created } = await log.open(claims.conv);
    const fresh = tokens.issue(claims.conv, claims.user);
    if (created) {
      const locale = normaliseLocale((req.body as { locale?: unknown } | undefined)?.locale);
      const p = participants(claims.conv, claims.user);
      // The bot greets on conversationUpdate; a failed greeting must not fail the start.
      const update: Partial<Activity> = {
        type: 'conversationUpdate',
        channelId: CHANNEL_ID,
        conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: claims.user, name: '', role: 'user' },
        recipient: bot,
        membersAdded: [{ id: claims.user, name: '' }],
        timestamp: new Date(now()),
        ...(locale ? { locale } : {}),
      };
      await enqueue(claims.conv, () => runTurn(update, p)).catch((err: unknown) => {
        logger.error({ err, conversationId: claims.conv }, 'directline: welcome turn failed');
      });
    }
    res.status(created ? 201 : 200).json({
      conversationId: claims.conv,
      token: fresh.token,
      expires_in: fresh.expiresIn,
      streamUrl: streamUrl(req, fresh.claims, ''),
      referenceGrammarId: REFERENCE_GRAMMAR_ID,
    });
  });

  router.get('/conversations/:id', async (req, res) => {
    const claims = claimsFor(req);
    const watermark = parseWatermark(req.query.watermark);
    await log.open(claims.conv);
    const fresh = tokens.issue(claims.conv, claims.user);
    res.json({
      conversationId: claims.conv,
      token: fresh.token,
      expires_in: fresh.expiresIn,
      streamUrl: streamUrl(req, fresh.claims, watermark === undefined ? '' : String(watermark)),
      referenceGrammarId: REFERENCE_GRAMMAR_ID,
    });
  });

  router.get('/conversations/:id/activities', async (req, res) => {
    const claims = claimsFor(req);
    const page = await log.read(claims.conv, parseWatermark(req.query.watermark), pageSize);
    res.json(page);
  });

  router.post('/conversations/:id/activities', requireJson, async (req, res) => {
    const claims = claimsFor(req);
    await limits?.check('directLinePerConversation', claims.conv);
    const p = participants(claims.conv, claims.user);
    const activity = activityFromClient(req.body, p, new Date(now()));
    if (activity.type === 'typing') {
      // Typing is not kept or shown to the bot; acknowledge so the client is content.
      res.json({ id: `${claims.conv}|typing` });
      return;
    }
    const turn = enqueue(claims.conv, async () => {
      const [stored] = await log.append(claims.conv, [activity]);
      await runTurn({ ...activity, id: stored!.id }, p);
      return stored!.id;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), turnTimeoutMs);
    });
    try {
      const outcome = await Promise.race([turn, timedOut]);
      if (outcome === 'timeout') {
        logger.warn({ conversationId: claims.conv, turnTimeoutMs }, 'directline: turn still running; answering the POST now');
        turn.catch((err: unknown) => logger.error({ err, conversationId: claims.conv }, 'directline: late turn failed'));
        res.json({ id: `${claims.conv}|pending` });
        return;
      }
      res.json({ id: outcome });
    } catch (err) {
      if (err instanceof DirectLineError) throw err;
      logger.error({ err, conversationId: claims.conv }, 'directline: turn failed');
      throw new DirectLineError(502, 'BotError', 'the bot could not answer this message; please try again');
    } finally {
      clearTimeout(timer);
    }
  });

  router.post('/conversations/:id/upload', () => {
    throw new DirectLineError(400, 'BadArgument', 'uploads are not accepted; please type the question');
  });

  router.use(() => {
    throw new DirectLineError(404, 'NotFound', 'no such Direct Line resource');
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    let e: DirectLineError;
    if (err instanceof DirectLineError) e = err;
    else if (err?.type === 'entity.too.large') e = new DirectLineError(413, 'BodyTooLarge', 'request body too large');
    else if (err?.type === 'entity.parse.failed') e = new DirectLineError(400, 'BadArgument', 'malformed JSON body');
    else if (err instanceof BodyRejectedError) e = new DirectLineError(400, 'BadArgument', err.message);
    else if (err instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(err.retryAfterSec));
      e = new DirectLineError(429, 'TooManyRequests', err.message, { limit: err.limit });
    }
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      e = new DirectLineError(err.status, 'BadArgument', 'bad request');
    } else {
      logger.error({ err, path: req.path }, 'directline: request failed');
      e = new DirectLineError(500, 'ServiceError', 'internal error');
    }
    // Expired tokens and bad input are everyday; a forged signature is worth a warning.
    if (e.status < 500) logger[e.context.suspicious ? 'warn' : 'debug']({ path: req.path, status: e.status, code: e.code, ip: req.ip, ...e.context }, e.message);
    if (res.headersSent) return;
    res.status(e.status).json(e.toBody());
  };
  router.use(onError);

  return {
    id: CHANNEL_ID,
    mountPath,
    router,
    tokens,
    log,
    delivery,
    issueToken: () => tokenResponse({ conv: newConversationId(), user: newUserId() }),
    attach: (server) => streams.attach(server),
    async close() {
      await streams.close();
      await log.close();
    },
  };
}
