/**
 * Rate limits for every public entry point, on rate-limiter-flexible (RateLimiterMemory here; its
 * RateLimiterRedis has the same consume() contract, so the scale-out work swaps the class, not the
 * callers). Each named limit is "points per duration" keyed by what it protects: the caller's IP
 * (generous — a mobile carrier's NAT puts many citizens behind one address) or one conversation,
 * token or WeChat user (tight — one person typing).
 *
 *   limits.check(name, key)         → throws RateLimitedError (status 429, retryAfterSec)
 *   limits.middleware(name, keyOf)  → Express middleware doing the same; no key → no check
 * Every HTTP error handler renders RateLimitedError in its endpoint's own error shape and sets
 * Retry-After (rateLimitedHeaders). Disabled limits (RATE_LIMITS=off) never refuse.
 */
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface Rate {
  points: number;
  durationSec: number;
}

export const LIMIT_NAMES = [
  'messagesPerIp',
  'messagesPerConversation',
  'tokensPerIp',
  'directLinePerIp',
  'directLinePerConversation',
  'searchPerIp',
  'wechatPerUser',
  'wechatRefusedPerIp',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type RateLimitSettings = { enabled: boolean } & Record<LimitName, Rate>;

/**
 * Defaults, per minute. Per IP: room for hundreds of citizens behind one carrier NAT. Per
 * conversation/user: a person types at most a message every few seconds; a polling web chat reads
 * once a second (directLinePerConversation counts posts, reads are covered per IP).
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  messagesPerIp: { points: 600, durationSec: 60 },
  messagesPerConversation: { points: 30, durationSec: 60 },
  tokensPerIp: { points: 60, durationSec: 60 },
  directLinePerIp: { points: 6000, durationSec: 60 },
  directLinePerConversation: { points: 30, durationSec: 60 },
  searchPerIp: { points: 300, durationSec: 60 },
  wechatPerUser: { points: 30, durationSec: 60 },
  wechatRefusedPerIp: { points: 120, durationSec: 60 },
};

/** "600/60" (points per seconds) → Rate; undefined when malformed. */
export function parseRate(s: string): Rate | undefined {
  const m = /^\s*(\d{1,7})\s*\/\s*(\d{1,6})\s*s?\s*$/.exec(s);
  if (!m) return undefined;
  const rate = { points: Number(m[1]), durationSec: Number(m[2]) };
  return rate.points > 0 && rate.durationSec > 0 ? rate : undefined;
}

export class RateLimitedError extends Error {
  readonly status = 429;
  constructor(
    readonly limit: LimitName,
    readonly retryAfterSec: number,
  ) {
    super(`too many requests; try again in ${retryAfterSec} s`);
    this.name = 'RateLimitedError';
  }
}

/** Sets Retry-After for a RateLimitedError (call from an error handler before answering). */
export function rateLimitedHeaders(res: Response, err: RateLimitedError): void {
  if (!res.headersSent) res.setHeader('Retry-After', String(err.retryAfterSec));
}

export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterMemory>();

  constructor(readonly settings: RateLimitSettings = DEFAULT_RATE_LIMITS) {
    for (const name of LIMIT_NAMES) {
      const r = settings[name];
      this.limiters.set(name, new RateLimiterMemory({ keyPrefix: name, points: r.points, duration: r.durationSec }));
    }
  }

  static off(): RateLimits {
    return new RateLimits({ ...DEFAULT_RATE_LIMITS, enabled: false });
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  async check(name: LimitName, key: string | undefined): Promise<void> {
    if (!this.settings.enabled || !key) return;
    try {
      await this.limiters.get(name)!.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new RateLimitedError(name, Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
      throw e;
    }
  }

  middleware(name: LimitName, keyOf: (req: Request) => string | undefined): RequestHandler {
    return (req, _res, next) => {
      if (!this.settings.enabled) return next();
      this.check(name, keyOf(req)).then(() => next(), next);
    };
  }
}

/** The caller's address as Express sees it (trust proxy applies), for per-IP keys. */
export const ipOf = (req: Request): string | undefined => req.ip ?? req.socket.remoteAddress;
