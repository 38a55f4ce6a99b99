/**
 * Signing in and out, once for both doors (the JSON API's POST /login and /logout, and the login
 * and logout forms): the failed-login limit, the password check, a new session in the case
 * database (expired ones purged first, so the table holds only live ones), the audit line, and the
 * session cookie to set or clear. The callers only say the outcome their own way (JSON or a page).
 */
import type { Request } from 'express';
import type { CaseStore } from '../cases/store';
import type { Logger } from '../logger';
import { cookie, type LoginLimiter, readCookie, SESSION_COOKIE } from './auth';
import type { StaffSessions } from './sessions';
import type { StaffUser, StaffUsers } from './users';

export interface SignInDeps {
  users: StaffUsers;
  sessions: StaffSessions;
  cases: Pick<CaseStore, 'audit'>;
  logger: Logger;
  limiter: LoginLimiter;
  cookieSecure: boolean;
  sessionTtlSec: number;
}

export type SignInOutcome =
  /** Signed in: the session's CSRF token and the Set-Cookie value of its cookie. */
  | { ok: true; user: StaffUser; csrf: string; setCookie: string }
  /** Too many failed sign-ins for this address or username: wait this many seconds. */
  | { ok: false; reason: 'blocked'; waitSec: number }
  | { ok: false; reason: 'bad-credentials' };

export interface Credentials {
  username: string;
  password: string;
}

/** One sign-in attempt (an empty username or password is a failed one). */
export async function signIn(deps: SignInDeps, req: Request, { username, password }: Credentials): Promise<SignInOutcome> {
  const keys = [`ip:${req.ip}`, `user:${username.slice(0, 40)}`];
  const waitSec = deps.limiter.blockedFor(keys);
  if (waitSec) return { ok: false, reason: 'blocked', waitSec };
  const user = username && password ? await deps.users.verify(username, password) : undefined;
  if (!user) {
    deps.limiter.fail(keys);
    deps.logger.warn({ ip: req.ip }, 'staff sign-in failed');
    return { ok: false, reason: 'bad-credentials' };
  }
  deps.limiter.succeed(keys);
  await deps.sessions.purgeExpired();
  const s = await deps.sessions.create(user.username);
  await deps.cases.audit({ at: new Date().toISOString(), actor: user.username, action: 'login' });
  return { ok: true, user, csrf: s.csrf, setCookie: cookie(SESSION_COOKIE, s.token, { secure: deps.cookieSecure, maxAgeSec: deps.sessionTtlSec }) };
}

/** Ends the request's session (the caller has checked it is signed in and sent its CSRF token); returns the Set-Cookie value that clears the cookie. */
export async function signOut(deps: Pick<SignInDeps, 'sessions' | 'cases' | 'cookieSecure'>, req: Request, actor: StaffUser): Promise<string> {
  await deps.sessions.destroy(readCookie(req, SESSION_COOKIE));
  await deps.cases.audit({ at: new Date().toISOString(), actor: actor.username, action: 'logout' });
  return cookie(SESSION_COOKIE, '', { secure: deps.cookieSecure, maxAgeSec: 0 });
}

/** The credentials a JSON body or the login form sent: the username trimmed and lower-cased; '' for what is missing. */
export function credentials(body: unknown): Credentials {
  const b = (body ?? {}) as Record<string, unknown>;
  return { username: typeof b.username === 'string' ? b.username.trim().toLowerCase() : '', password: typeof b.password === 'string' ? b.password : '' };
}
