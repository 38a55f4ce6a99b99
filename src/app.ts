/**
 * createApp(deps): the Express app with every HTTP route, without listening, so tests drive it
 * with supertest. Routes: GET /healthz, POST /api/messages (Bot Framework), GET /api/kb/search,
 * and each channel's router. Bad input gets a clear 4xx; nothing a client sends can crash it.
 * Every response carries helmet's security headers (pages may set a stricter CSP of their own);
 * /api/messages and search are rate limited when `limits` is given (src/http/rate-limits.ts).
 */
import type { CloudAdapter } from 'botbuilder';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { BotLogic } from './bot/in-process-adapter';
import type { Channel } from './channels/channel';
import { BadActivityError, botEndpoint } from './http/bot-endpoint';
import { BodyRejectedError, type JsonLimits, jsonBody } from './http/json-body';
import { ipOf, RateLimitedError, rateLimitedHeaders, type RateLimits } from './http/rate-limits';
import { LOCALES, type Locale } from './content/schema';
import type { KnowledgeSearch } from './search/types';

export interface AppDeps {
  logger: Logger;
  search: KnowledgeSearch;
  /** Bot Framework hosting for /api/messages (Emulator, Azure Bot Service, expectReplies). */
  cloudAdapter: CloudAdapter;
  bot: BotLogic;
  channels?: Channel[];
  /** Other route groups, e.g. the staff console at /staff. */
  routes?: { mountPath: string; router: Router }[];
  /** Readiness details for /healthz (entries loaded, index age, store). */
  health?: () => Record<string, unknown>;
  /** MicrosoftAppId is configured: CloudAdapter authenticates /api/messages (else expectReplies only). */
  authenticated?: boolean;
  /** Rate limits (none when absent: tests and tools). */
  limits?: RateLimits;
  jsonLimits?: Partial<JsonLimits>;
}

export const MAX_QUERY_CHARS = 2000;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...(deps.health?.() ?? {}) });
  });

  const limit = deps.limits ? deps.limits.middleware.bind(deps.limits) : undefined;
  const searchLimit = limit ? [limit('searchPerIp', ipOf)] : [];
  app.get('/api/kb/search', ...searchLimit, (req, res) => {
    const q = req.query.q;
    if (typeof q !== 'string' || !q.trim()) {
      res.status(400).json({ error: 'query parameter q is required (the question text)' });
      return;
    }
    if (q.length > MAX_QUERY_CHARS) {
      res.status(400).json({ error: `q is too long (${q.length} characters; at most ${MAX_QUERY_CHARS})` });
      return;
    }
    const topRaw = req.query.top === undefined ? 5 : Number(req.query.top);
    if (!Number.isInteger(topRaw) || topRaw < 1 || topRaw > 50) {
      res.status(400).json({ error: 'top must be a whole number from 1 to 50' });
      return;
    }
    const locale = (typeof req.query.locale === 'string' ? req.query.locale : 'zh-CN') as Locale;
    if (!LOCALES.includes(locale)) {
      res.status(400).json({ error: `locale must be one of ${LOCALES.join(', ')}` });
      return;
    }
    const r = deps.search.search(q, { top: topRaw, locale });
    res.json({
      query: r.query,
      confident: r.confident,
      reason: r.reason,
      terms: r.terms,
      results: r.results.map((h) => ({
        id: h.id,
        topic: h.topic,
        title: h.title,
        score: Number(h.score.toFixed(4)),
        resembles: h.resembles,
        explain: h.explain,
      })),
    });
  });

  const messageLimits = limit
    ? [
        limit('messagesPerIp', ipOf),
        limit('messagesPerConversation', (req) => {
          const c = (req.body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
          return typeof c === 'string' ? c.slice(0, 256) : undefined;
        }),
      ]
    : [];
  app.post(
    '/api/messages',
    jsonBody({ limit: '256kb', ...deps.jsonLimits }),
    ...messageLimits,
    botEndpoint({ cloudAdapter: deps.cloudAdapter, bot: deps.bot, logger: deps.logger, authenticated: deps.authenticated ?? false }),
  );

  // Mounted before the channels: the web chat page serves "/" and static files last.
  for (const r of deps.routes ?? []) app.use(r.mountPath, r.router);
  for (const ch of deps.channels ?? []) app.use(ch.mountPath, ch.router);

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof BadActivityError || err instanceof BodyRejectedError) {
      if (err instanceof BodyRejectedError) deps.logger.warn({ path: req.path, status: 400, type: err.type, ip: req.ip }, 'bad request');
      if (!res.headersSent) res.status(400).json({ error: err instanceof BadActivityError ? err.message : 'malformed body', reason: err instanceof BadActivityError ? err.reason : err.message });
      return;
    }
    if (err instanceof RateLimitedError) {
      rateLimitedHeaders(res, err);
      if (!res.headersSent) res.status(429).json({ error: 'too many requests', reason: err.message });
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'request failed');
    else deps.logger.warn({ path: req.path, status, type: err?.type }, 'bad request');
    if (res.headersSent) return;
    const message =
      err?.type === 'entity.too.large'
        ? 'request body too large'
        : err?.type === 'entity.parse.failed'
          ? 'malformed JSON body'
          : status < 500
            ? String(err?.message ?? 'bad request')
            : 'internal error';
    res.status(status).json(status < 500 ? { error: message, reason: message } : { error: message });
  };
  app.use(onError);
  return app;
}
