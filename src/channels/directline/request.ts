/**
 * The way in to the Direct Line endpoint (the counterpart of wechat/request.ts): who is calling,
 * which bodies are read, and how a refused or failed request is answered.
 *
 * Contract:
 * - Callers present `Authorization: Bearer <secret | token>`. The secret only generates tokens and
 *   starts conversations (403 elsewhere); a token must verify as an access token (401 forged or
 *   malformed, 403 expired or a stream token, see tokens.ts), and on /conversations/:id routes it
 *   must be that conversation's (403, logged as a warning: someone tried another's conversation).
 *   Only a secret holder may name the user of a new conversation.
 * - Bodies are JSON only where a route takes one (415 otherwise), size-, depth- and count-limited
 *   (src/http/json-body.ts: 413 / 400).
 * - Every route answers CORS (the API serves pages on other origins; tokens travel in headers,
 *   never cookies) and is not cached.
 * - Every error becomes Direct Line's JSON `{"error": {"code", "message"}}`: DirectLineErrors as
 *   they are, rate limits and a full turn queue 429 (with Retry-After for the former), body errors
 *   400/413, anything else 500 (logged; its message never reaches the client).
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { QueueFullError } from '../../bot/keyed-queue';
import { BodyRejectedError, type JsonLimits, jsonBody } from '../../http/json-body';
import { RateLimitedError } from '../../http/rate-limits';
import { DirectLineError } from './errors';
import { type DirectLineUserId, type TokenClaims, type TokenService, parseConversationId, parseUserId } from './tokens';

const CORS_HEADERS = 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with';
const JSON_TYPES = ['application/json', 'application/*+json'];

export function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

export class Callers {
  constructor(
    private readonly tokens: TokenService,
    private readonly logger: Logger,
  ) {}

  /** The caller holds the Direct Line secret. */
  hasSecret(req: Request): boolean {
    return this.tokens.isSecret(bearer(req));
  }

  /** The claims of the caller's access token (the secret is refused here). */
  access(req: Request): TokenClaims {
    const t = bearer(req);
    if (this.tokens.isSecret(t)) {
      throw new DirectLineError(403, 'Forbidden', 'the secret only generates tokens and starts conversations here; use the token');
    }
    return this.tokens.verify(t, 'access');
  }

  /** Like access(), and the token must be for the conversation in the path (:id). */
  forConversation(req: Request): TokenClaims {
    const claims = this.access(req);
    const id = req.params.id;
    if (!parseConversationId(id)) throw new DirectLineError(404, 'NotFound', 'no such conversation');
    if (claims.conv !== id) {
      this.logger.warn({ tokenConversation: claims.conv, path: req.path }, 'directline: token used for another conversation');
      throw new DirectLineError(403, 'Forbidden', 'this token is for another conversation');
    }
    return claims;
  }
}

/** Start/generate may name a user only when the caller holds the secret (callers check that). */
export function userFromBody(body: unknown): DirectLineUserId | undefined {
  const user = (body as { user?: { id?: unknown } } | undefined)?.user;
  return parseUserId(user?.id);
}

export function bodyParsers(limits: { bodyLimit?: string; jsonLimits?: Partial<Omit<JsonLimits, 'limit'>> }): {
  optionalJson: RequestHandler;
  requireJson: RequestHandler;
} {
  const json = jsonBody({ limit: limits.bodyLimit ?? '256kb', ...limits.jsonLimits });
  return {
    optionalJson: (req: Request, res: Response, next: NextFunction) => (req.is(JSON_TYPES) ? json(req, res, next) : next()),
    requireJson: (req: Request, res: Response, next: NextFunction) => {
      if (!req.is(JSON_TYPES)) {
        next(new DirectLineError(415, 'UnsupportedMediaType', 'send the activity as application/json'));
        return;
      }
      json(req, res, next);
    },
  };
}

export const cors: RequestHandler = (req, res, next) => {
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
};

export function errorResponder(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: DirectLineError;
    if (err instanceof DirectLineError) e = err;
    else if (err?.type === 'entity.too.large') e = new DirectLineError(413, 'BodyTooLarge', 'request body too large');
    else if (err?.type === 'entity.parse.failed') e = new DirectLineError(400, 'BadArgument', 'malformed JSON body');
    else if (err instanceof BodyRejectedError) e = new DirectLineError(400, 'BadArgument', err.message);
    else if (err instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(err.retryAfterSec));
      e = new DirectLineError(429, 'TooManyRequests', err.message, { limit: err.limit });
    } else if (err instanceof QueueFullError) {
      e = new DirectLineError(429, 'TooManyRequests', 'too many messages at once; wait for the answer', { pending: err.pending });
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
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
}
