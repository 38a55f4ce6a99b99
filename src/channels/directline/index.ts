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
 * token's user; turns of one conversation run one at a time, in order (bot/keyed-queue.ts; more
 * than maxQueuedTurns pending is a 429); the user's activity is echoed into the log before the
 * turn so Web Chat sees it confirmed; replies and proactive messages (InProcessAdapter sink
 * "directline") land in the same log. Errors are JSON
 * {"error": {"code", "message"}}; no request can crash the process.
 *
 * Who may call and how errors are answered: request.ts; what enters a conversation and how
 * replies are stamped: activities.ts; the log and its streams: conversation-log.ts, stream.ts.
 *
 * Bounds: JSON bodies are size-, depth- and count-limited (src/http/json-body.ts: a 5,000-level
 * body is a 400, never stored); with `limits`, every route is limited per IP (generous), token
 * creation per IP (a flood of anonymous conversations is refused early — and cannot evict the
 * history of anyone who wrote, see conversation-log.ts), and posting per conversation (tight).
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import { type Request, Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ProactiveSink, TurnRunner } from '../../bot/in-process-adapter';
import { KeyedQueue, QueueFullError } from '../../bot/keyed-queue';
import type { CitizenDelivery } from '../../cases/delivery';
import type { JsonLimits } from '../../http/json-body';
import { ipOf, type RateLimits } from '../../http/rate-limits';
import type { Channel } from '../channel';
import { CHANNEL_ID, type Participants, activityFromBot, activityFromClient, normaliseLocale } from './activities';
import { type ConversationLog, MemoryConversationLog } from './conversation-log';
import { DirectLineError } from './errors';
import { Callers, bodyParsers, cors, errorResponder, userFromBody } from './request';
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
  const streams = new StreamServer({ mountPath, tokens, log, logger, pageSize });
  // Turns of one conversation one after another; a flood beyond maxQueuedTurns is refused (429).
  const turns = new KeyedQueue<ConversationId>({ maxPendingPerKey: opts.maxQueuedTurns ?? 10 });
  const callers = new Callers(tokens, logger);

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

  function tokenResponse(claims: Pick<TokenClaims, 'conv' | 'user'>): TokenResponse {
    const t = tokens.issue(claims.conv, claims.user);
    return { conversationId: claims.conv, token: t.token, expires_in: t.expiresIn };
  }

  const { optionalJson, requireJson } = bodyParsers(opts);
  const limits = opts.limits;
  const perIp = limits ? [limits.middleware('directLinePerIp', ipOf)] : [];
  const tokenLimit = limits ? [limits.middleware('tokensPerIp', ipOf)] : [];
  /** Only a start that creates a conversation (the secret, not a token it already has) takes a token. */
  const startLimit: typeof tokenLimit = limits
    ? [(req, res, next) => (callers.hasSecret(req) ? tokenLimit[0]!(req, res, next) : next())]
    : [];

  const router = Router();
  router.use(cors);
  if (perIp.length) router.use(...perIp);

  router.post('/tokens/generate', ...tokenLimit, optionalJson, (req, res) => {
    if (!callers.hasSecret(req)) throw new DirectLineError(401, 'Unauthorized', 'generating a token needs the Direct Line secret');
    res.json(tokenResponse({ conv: newConversationId(), user: userFromBody(req.body) ?? newUserId() }));
  });

  router.post('/tokens/refresh', (req, res) => {
    res.json(tokenResponse(callers.access(req)));
  });

  router.post('/conversations', ...startLimit, optionalJson, async (req, res) => {
    const claims: Pick<TokenClaims, 'conv' | 'user'> = callers.hasSecret(req)
      ? { conv: newConversationId(), user: userFromBody(req.body) ?? newUserId() }
      : callers.access(req);
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
      await turns.run(claims.conv, () => runTurn(update, p)).catch((err: unknown) => {
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
    const claims = callers.forConversation(req);
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
    const claims = callers.forConversation(req);
    const page = await log.read(claims.conv, parseWatermark(req.query.watermark), pageSize);
    res.json(page);
  });

  router.post('/conversations/:id/activities', requireJson, async (req, res) => {
    const claims = callers.forConversation(req);
    await limits?.check('directLinePerConversation', claims.conv);
    const p = participants(claims.conv, claims.user);
    const activity = activityFromClient(req.body, p, new Date(now()));
    if (activity.type === 'typing') {
      // Typing is not kept or shown to the bot; acknowledge so the client is content.
      res.json({ id: `${claims.conv}|typing` });
      return;
    }
    const turn = turns.run(claims.conv, async () => {
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
      if (err instanceof DirectLineError || err instanceof QueueFullError) throw err;
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

  router.use(errorResponder(logger));

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
