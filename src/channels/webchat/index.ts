/**
 * The citizen-facing chat page: serves public/ (index.html, css, js, page locales), Microsoft's
 * Web Chat bundle from node_modules at /vendor/webchat.js (no CDN: the page must work where
 * foreign CDNs are slow or blocked), and the two calls the page makes before it connects:
 *
 *   GET  /api/webchat/config → {mode, domain, tokenUrl, webSocket}
 *   POST /api/webchat/token  → {conversationId, token, expires_in}   (Direct Line token response)
 *
 * mode "local": our own Direct Line endpoint issues the token (no secret leaves the server).
 * mode "azure": the server exchanges DIRECTLINE_AZURE_SECRET at Azure's tokens/generate and the
 * page talks to Azure's domain. The page code is the same in both modes.
 *
 * Token requests are limited per IP (`limits`, tokensPerIp): each one is a new conversation, and
 * anonymous conversations must not be mass-produced.
 *
 * Not a Bot Framework channel (it sets no channelId); it has the Channel shape so createApp mounts
 * it like the others, at "/".
 */
import express, { type ErrorRequestHandler, Router } from 'express';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ipOf, RateLimitedError, type RateLimits } from '../../http/rate-limits';
import type { Channel } from '../channel';
import type { DirectLineChannel, TokenResponse } from '../directline';

export interface AzureDirectLineOptions {
  secret: string;
  /** e.g. https://directline.botframework.com/v3/directline (regional bots have their own). */
  domain: string;
  /** Injected in tests; global fetch otherwise. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface WebChatOptions {
  logger: Logger;
  /** Our own Direct Line endpoint (mode "local"). Ignored when `azure` is given. */
  directLine?: Pick<DirectLineChannel, 'issueToken' | 'mountPath'>;
  azure?: AzureDirectLineOptions;
  /** https://bot.example.org — otherwise the domain is taken from the request. */
  publicBaseUrl?: string;
  /** false: the page polls (for proxies that drop WebSocket upgrades). Default true. */
  webSocket?: boolean;
  publicDir?: string;
  limits?: RateLimits;
}

export interface WebChatConfig {
  mode: 'local' | 'azure';
  domain: string;
  tokenUrl: string;
  webSocket: boolean;
}

export class WebChatSetupError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WebChatSetupError';
  }
}

const DEFAULT_PUBLIC_DIR = resolve(__dirname, '../../../public');

/** Web Chat's self-contained browser bundle; the package's exports map hides dist/, so go via lib/. */
export function webChatBundlePath(): string {
  const file = join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
  if (!existsSync(file)) throw new WebChatSetupError('botframework-webchat/dist/webchat.js is missing: run npm ci', { file });
  return file;
}

// Web Chat injects its styles at run time (emotion), so style-src needs 'unsafe-inline'; scripts
// are only our own files and the vendored bundle.
function contentSecurityPolicy(connect: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export function createWebChatChannel(opts: WebChatOptions): Channel {
  const logger = opts.logger.child({ channel: 'webchat' });
  const publicDir = opts.publicDir ?? DEFAULT_PUBLIC_DIR;
  if (!existsSync(join(publicDir, 'index.html'))) throw new WebChatSetupError('the chat page is missing', { publicDir });
  const bundle = webChatBundlePath();
  const mode: WebChatConfig['mode'] = opts.azure ? 'azure' : 'local';
  if (mode === 'local' && !opts.directLine) throw new WebChatSetupError('web chat needs either the local Direct Line channel or Azure Direct Line');
  const webSocket = opts.webSocket ?? true;
  const azureOrigin = opts.azure ? new URL(opts.azure.domain).origin : undefined;
  const csp = contentSecurityPolicy(azureOrigin ? [azureOrigin, azureOrigin.replace(/^http/, 'ws')] : ['ws:', 'wss:']);

  function baseUrl(req: express.Request): string {
    return opts.publicBaseUrl ? opts.publicBaseUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
  }

  async function azureToken(azure: AzureDirectLineOptions): Promise<TokenResponse> {
    const doFetch = azure.fetch ?? fetch;
    const res = await doFetch(`${azure.domain.replace(/\/+$/, '')}/tokens/generate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${azure.secret}`, 'Content-Type': 'application/json' },
      // A "dl_" user id embedded in the token: the page cannot pick or forge its user.
      body: JSON.stringify({ user: { id: `dl_${randomBytes(12).toString('base64url')}` } }),
      signal: AbortSignal.timeout(azure.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new WebChatSetupError('Azure Direct Line refused the token request', { status: res.status });
    const body = (await res.json()) as Partial<TokenResponse>;
    if (typeof body.token !== 'string' || typeof body.conversationId !== 'string') {
      throw new WebChatSetupError('Azure Direct Line sent an unexpected token response');
    }
    return { conversationId: body.conversationId, token: body.token, expires_in: Number(body.expires_in ?? 1800) };
  }

  const router = Router();

  router.get('/api/webchat/config', (req, res) => {
    const config: WebChatConfig = {
      mode,
      domain: opts.azure ? opts.azure.domain.replace(/\/+$/, '') : `${baseUrl(req)}${opts.directLine!.mountPath}`,
      tokenUrl: '/api/webchat/token',
      webSocket,
    };
    res.set('Cache-Control', 'no-store').json(config);
  });

  const tokenLimit = opts.limits ? [opts.limits.middleware('tokensPerIp', ipOf)] : [];
  router.post('/api/webchat/token', ...tokenLimit, async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (opts.azure) {
      try {
        res.json(await azureToken(opts.azure));
      } catch (err) {
        logger.error({ err }, 'webchat: could not get an Azure Direct Line token');
        res.status(502).json({ error: { code: 'ServiceError', message: 'the chat service is not reachable; please try again later' } });
      }
      return;
    }
    res.json(opts.directLine!.issueToken());
  });

  router.get('/vendor/webchat.js', (_req, res, next) => {
    res.sendFile(bundle, { maxAge: '1d', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (err) => err && next(err));
  });

  router.use((req, res, next) => {
    if (req.method === 'GET' && (req.path === '/' || req.path.endsWith('.html'))) {
      res.set('Content-Security-Policy', csp);
      res.set('X-Content-Type-Options', 'nosniff');
      res.set('Referrer-Policy', 'no-referrer');
    }
    next();
  });
  router.use(
    express.static(publicDir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res, file) => {
        // The page and its scripts change with deploys; let clients revalidate rather than guess.
        res.setHeader('Cache-Control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
      },
    }),
  );

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(err.retryAfterSec));
      res.status(429).json({ error: { code: 'TooManyRequests', message: err.message } });
      return;
    }
    logger.error({ err, path: req.path }, 'webchat: request failed');
    res.status(500).json({ error: { code: 'ServiceError', message: 'internal error' } });
  };
  router.use(onError);

  return { id: 'webchat', mountPath: '/', router };
}
