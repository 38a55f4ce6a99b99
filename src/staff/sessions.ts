/**
 * Staff sessions in the case database. The cookie holds a random 256-bit token; the table holds
 * only its SHA-256 (a leaked table opens no session), the user, a per-session CSRF token and the
 * expiry. A session of a disabled user, or past its expiry, is no session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlDb } from '../cases/db';
import type { StaffUser } from './users';

export interface Session {
  user: StaffUser;
  csrf: string;
  expiresAt: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class StaffSessions {
  constructor(
    private readonly db: SqlDb,
    private readonly ttlMs = 12 * 3600_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(username: string): Promise<{ token: string; csrf: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const at = this.now();
    await this.db.run('INSERT INTO staff_sessions (id_hash, username, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
      digest(token),
      username,
      csrf,
      at.toISOString(),
      new Date(at.getTime() + this.ttlMs).toISOString(),
    ]);
    return { token, csrf };
  }

  async get(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined;
    const [r] = await this.db.all<{ csrf: string; expires_at: string; username: string; display_name: string; role: string; disabled: number | string; created_at: string }>(
      `SELECT s.csrf, s.expires_at, u.username, u.display_name, u.role, u.disabled, u.created_at
       FROM staff_sessions s JOIN staff_users u ON u.username = s.username WHERE s.id_hash = ?`,
      [digest(token)],
    );
    if (!r || Number(r.disabled) === 1 || r.expires_at <= this.now().toISOString()) return undefined;
    return {
      csrf: r.csrf,
      expiresAt: r.expires_at,
      user: { username: r.username, displayName: r.display_name, role: r.role as StaffUser['role'], disabled: false, createdAt: r.created_at },
    };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.db.run('DELETE FROM staff_sessions WHERE id_hash = ?', [digest(token)]);
  }

  /** Ends every session of a user (disabled, password changed). */
  async destroyAll(username: string): Promise<void> {
    await this.db.run('DELETE FROM staff_sessions WHERE username = ?', [username]);
  }

  async purgeExpired(): Promise<number> {
    return this.db.run('DELETE FROM staff_sessions WHERE expires_at <= ?', [this.now().toISOString()]);
  }
}
