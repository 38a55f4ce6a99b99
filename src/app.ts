/**
 * createApp(deps): the Express app with every HTTP route, without listening, so tests drive it
 * with supertest. Routes: GET /healthz, POST /api/messages (Bot Framework), GET /api/kb/search,
 * and each channel's router. Bad input gets a clear 4xx; nothing a client sends can crash it.
 */
import type { CloudAdapter } from 'botbuilder';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from 'pino';
import type { BotLogic } from './bot/in-process-adapter';
import type { Channel } from './channels/channel';
import { LOCALES, type Locale } from './content/schema';
import type { KnowledgeSearch } from './search/types';

export interface AppDeps {
  logger: Logger;
  search: KnowledgeSearch;
  /** Bot Framework hosting for /api/messages (Emulator, Azure Bot Service, expectReplies). */
  cloudAdapter: CloudAdapter;
  bot: BotLogic;
  channels?: Channel[];
  /** Readiness details for /healthz (entries loaded, index age, store). */
  health?: () => Record<string, unknown>;
}

export const MAX_QUERY_CHARS = 2000;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...(deps.health?.() ?? {}) });
  });

  app.get('/api/kb/search', (req, res) => {
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

  app.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    await deps.cloudAdapter.process(req, res, deps.bot);
  });

  for (const ch of deps.channels ?? []) app.use(ch.mountPath, ch.router);

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
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
    res.status(status).json({ error: message });
  };
  app.use(onError);
  return app;
}
