/**
 * Staff authentication for the console and its API: the session cookie, CSRF on every
 * state-changing request, roles, and a login rate limit.
 *
 *   cookie     staff_session=<token>; HttpOnly; SameSite=Strict; Path=/staff; Secure unless
 *              turned off for plain-HTTP development (STAFF_COOKIE_SECURE=false)
 *   CSRF       every POST carries the session's token: header X-CSRF-Token (API, console script)
 *              or form field _csrf (the logout form); the login form uses a double-submit cookie
 *   roles      staff < editor < admin (editor: also canned replies; admin: also users, audit log)
 *   login      at most 5 failed logins per username and 30 per address in 15 minutes (429)
 */
import type { NextFunction, Request, Response } from 'express';
import { type Session, type StaffSessions, sameToken } from './sessions';
import type { Role, StaffUser } from './users';

export const SESSION_COOKIE = 'staff_session';
export const PRELOGIN_COOKIE = 'staff_prelogin';

const RANK: Record<Role, number> = { staff: 1, editor: 2, admin: 3 };
export const hasRole = (u: StaffUser, role: Role) => RANK[u.role] >= RANK[role];

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403 | 429,
    readonly code: string,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSec?: number;
}

export function cookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/staff', 'HttpOnly', 'SameSite=Strict'];
  if (o.secure) parts.push('Secure');
  if (o.maxAgeSec !== undefined) parts.push(`Max-Age=${o.maxAgeSec}`);
  return parts.join('; ');
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: Session;
  }
}

/** Loads the session (if any) onto req.staff. */
export function loadSession(sessions: StaffSessions) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.staff = await sessions.get(readCookie(req, SESSION_COOKIE));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A signed-in user with at least `role`; state-changing methods also need the CSRF token. */
export function requireStaff(role: Role = 'staff') {
  return (req: Request, _res: Response, next: NextFunction) => {
    const s = req.staff;
    if (!s) return next(new AuthError(401, 'unauthenticated', 'sign in first'));
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined);
      if (!sameToken(sent, s.csrf)) return next(new AuthError(403, 'csrf', 'missing or wrong CSRF token'));
    }
    if (!hasRole(s.user, role)) return next(new AuthError(403, 'forbidden', `this needs the ${role} role`));
    next();
  };
}

/**
 * Failed-login counting in memory: per username (`maxFailures`) and per address (`maxPerAddress`,
 * higher: a whole office may sign in from one address, and one person's typos must not lock out
 * colleagues).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxPerAddress = 30,
  ) {}

  private limitOf(key: string): number {
    return key.startsWith('ip:') ? this.maxPerAddress : this.maxFailures;
  }

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait when any key is over its limit, else 0. */
  blockedFor(keys: string[]): number {
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k);
      if (list.length >= this.limitOf(k)) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    for (const k of keys) {
      const list = this.recent(k);
      list.push(this.now());
      this.failures.set(k, list);
    }
    if (this.failures.size > 100_000) this.failures.clear();
  }

  /** A successful sign-in clears its username's count (not the address's). */
  succeed(keys: string[]): void {
    for (const k of keys) if (!k.startsWith('ip:')) this.failures.delete(k);
  }
}
