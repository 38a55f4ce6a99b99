/**
 * Direct Line tokens: compact JWTs (HS256, HMAC-SHA256 over header.payload with the channel secret)
 * that bind one conversation and one user. The `user` claim is where Web Chat and
 * botframework-directlinejs look for the user id (they decode the payload, never verify it), so
 * a page cannot choose or forge its user: ids prefixed "dl_" are reserved for this.
 *
 * Two kinds: "access" tokens (30 minutes by default, exchanged for a fresh one by refresh or
 * reconnect while still valid) and short-lived "stream" tokens carried in a WebSocket streamUrl,
 * which can open that conversation's stream and nothing else.
 *
 * Contract: verify() returns claims or throws DirectLineError (401 missing/malformed/forged,
 * 403 expired or wrong kind). Nothing in a token is secret; only its signature matters.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DirectLineError } from './errors';

declare const conversationBrand: unique symbol;
declare const userBrand: unique symbol;
/** A Direct Line conversation id we issued (URL-safe, 22–64 chars). */
export type ConversationId = string & { readonly [conversationBrand]: true };
/** A Direct Line user id: "dl_" + random for users we created, or chosen by a secret holder. */
export type DirectLineUserId = string & { readonly [userBrand]: true };

export type TokenKind = 'access' | 'stream';

export interface TokenClaims {
  conv: ConversationId;
  user: DirectLineUserId;
  kind: TokenKind;
  /** Issued at / expires at, seconds since the epoch (JWT convention). */
  iat: number;
  exp: number;
}

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
  /** Seconds until expiry, as Direct Line reports it. */
  expiresIn: number;
}

const ISSUER = 'legal-aid-bot/directline';
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const MAX_TOKEN_CHARS = 2048;
const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** User ids a secret holder may choose: printable, no separators that could confuse logs or keys. */
const USER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function newConversationId(): ConversationId {
  return randomBytes(16).toString('base64url') as ConversationId;
}

export function newUserId(): DirectLineUserId {
  return `dl_${randomBytes(12).toString('base64url')}` as DirectLineUserId;
}

export function parseConversationId(raw: unknown): ConversationId | undefined {
  return typeof raw === 'string' && ID_PATTERN.test(raw) ? (raw as ConversationId) : undefined;
}

export function parseUserId(raw: unknown): DirectLineUserId | undefined {
  return typeof raw === 'string' && USER_ID_PATTERN.test(raw) ? (raw as DirectLineUserId) : undefined;
}

export interface TokenServiceOptions {
  /** HMAC key. Must be the same on every instance and across restarts for tokens to survive them. */
  secret: string;
  accessTtlSeconds?: number;
  streamTtlSeconds?: number;
  /** Clock in milliseconds (tests move it). */
  now?: () => number;
}

export class TokenService {
  readonly accessTtlSeconds: number;
  readonly streamTtlSeconds: number;
  private readonly key: Buffer;
  private readonly now: () => number;

  constructor(opts: TokenServiceOptions) {
    if (!opts.secret || opts.secret.length < 16) {
      throw new Error('Direct Line token secret must be at least 16 characters');
    }
    this.key = Buffer.from(opts.secret, 'utf8');
    this.accessTtlSeconds = opts.accessTtlSeconds ?? 1800;
    this.streamTtlSeconds = opts.streamTtlSeconds ?? 60;
    this.now = opts.now ?? Date.now;
  }

  issue(conv: ConversationId, user: DirectLineUserId, kind: TokenKind = 'access'): IssuedToken {
    const ttl = kind === 'access' ? this.accessTtlSeconds : this.streamTtlSeconds;
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = { conv, user, kind, iat, exp: iat + ttl };
    const payload = base64url(JSON.stringify({ iss: ISSUER, ...claims }));
    const signed = `${HEADER}.${payload}`;
    return { token: `${signed}.${this.sign(signed)}`, claims, expiresIn: ttl };
  }

  /** Checks signature, expiry and kind. Throws DirectLineError; never returns unverified claims. */
  verify(token: string | undefined, kind: TokenKind): TokenClaims {
    if (!token) throw new DirectLineError(401, 'Unauthorized', 'missing token: send "Authorization: Bearer <token>"');
    if (token.length > MAX_TOKEN_CHARS) throw new DirectLineError(401, 'Unauthorized', 'malformed token');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw new DirectLineError(401, 'Unauthorized', 'malformed token');
    const [, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${HEADER}.${payload}`), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DirectLineError(401, 'Unauthorized', 'invalid token signature', { suspicious: true });
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new DirectLineError(401, 'Unauthorized', 'malformed token');
    }
    const conv = parseConversationId(raw.conv);
    const user = parseUserId(raw.user);
    if (raw.iss !== ISSUER || !conv || !user || typeof raw.iat !== 'number' || typeof raw.exp !== 'number' || (raw.kind !== 'access' && raw.kind !== 'stream')) {
      throw new DirectLineError(401, 'Unauthorized', 'malformed token');
    }
    if (raw.kind !== kind) throw new DirectLineError(403, 'Forbidden', `a ${raw.kind} token cannot be used here`);
    if (raw.exp * 1000 <= this.now()) throw new DirectLineError(403, 'TokenExpired', 'token expired');
    return { conv, user, kind, iat: raw.iat, exp: raw.exp };
  }

  /** True when `candidate` is the channel secret itself (Azure lets a secret holder call generate/start). */
  isSecret(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const a = createHmac('sha256', 'cmp').update(candidate).digest();
    const b = createHmac('sha256', 'cmp').update(this.key).digest();
    return timingSafeEqual(a, b);
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function base64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
