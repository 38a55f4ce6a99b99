/**
 * Staff accounts in the case database: username, display name, role, argon2id password hash
 * (@node-rs/argon2), disabled flag. There is no default account and no default password: the first
 * admin is made with `npm run users -- add NAME --role admin` (password from standard input).
 * verify() spends the same argon2 work for an unknown user as for a wrong password, so timing does
 * not tell which usernames exist.
 */
import { hash, verify } from '@node-rs/argon2';
import type { SqlDb } from '../cases/db';

export const ROLES = ['staff', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

export interface StaffUser {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly field: 'username' | 'password' | 'role' | 'displayName',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

interface UserRow {
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: number | string;
  created_at: string;
}

const toUser = (r: UserRow): StaffUser => ({
  username: r.username,
  displayName: r.display_name,
  role: r.role as Role,
  disabled: Number(r.disabled) === 1,
  createdAt: r.created_at,
});

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) throw new UserError(`password must be at least ${MIN_PASSWORD} characters`, 'password');
  if (password.length > MAX_PASSWORD) throw new UserError(`password must be at most ${MAX_PASSWORD} characters`, 'password');
}

export class StaffUsers {
  private dummyHash?: Promise<string>;

  constructor(private readonly db: SqlDb) {}

  async add(u: { username: string; displayName?: string; role: Role; password: string }): Promise<StaffUser> {
    if (!USERNAME.test(u.username)) throw new UserError('username: 2–32 lower-case letters, digits, ".", "_" or "-"', 'username');
    if (!isRole(u.role)) throw new UserError(`role must be one of ${ROLES.join(', ')}`, 'role');
    const displayName = (u.displayName ?? u.username).trim().slice(0, 40);
    if (!displayName) throw new UserError('display name is empty', 'displayName');
    checkPassword(u.password);
    if (await this.get(u.username)) throw new UserError(`user "${u.username}" exists already`, 'username');
    const at = new Date().toISOString();
    await this.db.run('INSERT INTO staff_users (username, display_name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)', [
      u.username,
      displayName,
      u.role,
      await hash(u.password),
      at,
    ]);
    return (await this.get(u.username))!;
  }

  async get(username: string): Promise<StaffUser | undefined> {
    const [r] = await this.db.all<UserRow>('SELECT * FROM staff_users WHERE username = ?', [username]);
    return r ? toUser(r) : undefined;
  }

  async list(): Promise<StaffUser[]> {
    return (await this.db.all<UserRow>('SELECT * FROM staff_users ORDER BY username')).map(toUser);
  }

  /** The user when the password is right and the account enabled; otherwise undefined. */
  async verify(username: string, password: string): Promise<StaffUser | undefined> {
    const [r] = typeof username === 'string' && USERNAME.test(username) ? await this.db.all<UserRow>('SELECT * FROM staff_users WHERE username = ?', [username]) : [];
    if (!r || typeof password !== 'string' || password.length > MAX_PASSWORD) {
      this.dummyHash ??= hash('not-a-real-password-0123456789');
      await verify(await this.dummyHash, String(password ?? '').slice(0, MAX_PASSWORD)).catch(() => false);
      return undefined;
    }
    const ok = await verify(r.password_hash, password).catch(() => false);
    if (!ok || Number(r.disabled) === 1) return undefined;
    return toUser(r);
  }

  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return (await this.db.run('UPDATE staff_users SET disabled = ? WHERE username = ?', [disabled ? 1 : 0, username])) > 0;
  }

  async setRole(username: string, role: Role): Promise<boolean> {
    if (!isRole(role)) throw new UserError(`role must be one of ${ROLES.join(', ')}`, 'role');
    return (await this.db.run('UPDATE staff_users SET role = ? WHERE username = ?', [role, username])) > 0;
  }

  async setPassword(username: string, password: string): Promise<boolean> {
    checkPassword(password);
    return (await this.db.run('UPDATE staff_users SET password_hash = ? WHERE username = ?', [await hash(password), username])) > 0;
  }
}
