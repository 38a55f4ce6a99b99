/**
 * Customer-service (客服) delivery: late answers, the remaining parts of long answers, staff
 * replies. Messages to one user go out in order. WeChat's limits are respected rather than
 * discovered: after a user message 5 messages within 48 h, after a menu click / follow / scan
 * 3 within a minute (tracked here per process; WeChat's 45047 is the backstop). A message over the
 * quota or outside the 48-hour window (45047/45015) is deferred, logged, and sent after the
 * user's next message, which reopens the window; a text WeChat finds too long (45002) is split
 * in two and each half sent. Every loop is bounded, and so is memory: quota windows and deferred
 * messages are kept for at most `maxUsers` users each (least recently active dropped first).
 */
import type { Logger } from 'pino';
import { KeyedQueue } from '../../bot/keyed-queue';
import type { WeChatApi } from './api';
import { ERR, WeChatApiError } from './errors';
import type { OpenId } from './messages';
import { splitText, utf8Bytes } from './text';

export type InboundKind = 'message' | 'event';

export interface DeliveryReport {
  sent: number;
  deferred: number;
  failed: number;
  lastError?: WeChatApiError;
}

interface Grant {
  remaining: number;
  expiresAt: number;
}

export interface OutboxOptions {
  api: WeChatApi;
  logger: Logger;
  clock?: () => number;
  /** Messages kept for a user who cannot be reached now; the oldest are dropped beyond this. */
  maxDeferredPerUser?: number;
  /** Deferred messages older than this are dropped (WeChat would refuse them anyway). */
  deferredTtlMs?: number;
  /** How many times a 45002 text may be halved. */
  maxSplitDepth?: number;
  /** Intro line for deferred messages, in the user's language. */
  deferredIntro?: (openId: OpenId) => string;
  /** Users whose quota window, and users whose deferred messages, are remembered (each map). */
  maxUsers?: number;
}

/** Drops the least recently set entries of an insertion-ordered map beyond `max`; how many went. */
function dropOldest<K, V>(map: Map<K, V>, max: number): number {
  let dropped = 0;
  for (const key of map.keys()) {
    if (map.size <= max) break;
    map.delete(key);
    dropped++;
  }
  return dropped;
}

const QUOTA: Record<InboundKind, { count: number; windowMs: number }> = {
  message: { count: 5, windowMs: 48 * 3600_000 },
  event: { count: 3, windowMs: 60_000 },
};

export class Outbox {
  private readonly grants = new Map<OpenId, Grant>();
  private readonly deferred = new Map<OpenId, { text: string; at: number }[]>();
  private readonly chains = new KeyedQueue<OpenId>();
  private readonly now: () => number;
  readonly stats = { sent: 0, deferred: 0, failed: 0, splits: 0 };

  constructor(private readonly opts: OutboxOptions) {
    this.now = opts.clock ?? Date.now;
  }

  private get maxUsers(): number {
    return this.opts.maxUsers ?? 100_000;
  }

  /** A user wrote to us (message) or clicked/followed/scanned (event): the quota starts again. */
  onInbound(openId: OpenId, kind: InboundKind): void {
    const q = QUOTA[kind];
    const cur = this.grants.get(openId);
    const now = this.now();
    // An event's short window never shrinks a still-open message window.
    if (kind === 'event' && cur && cur.expiresAt > now && cur.remaining >= q.count) return;
    this.grants.delete(openId);
    this.grants.set(openId, { remaining: q.count, expiresAt: now + q.windowMs });
    // A forgotten window is "unknown": WeChat's own 45047 then decides, as after a restart.
    dropOldest(this.grants, this.maxUsers);
  }

  /** Sends `texts` in order (after anything already queued for this user). */
  deliver(openId: OpenId, texts: string[]): Promise<DeliveryReport> {
    return this.serial(openId, () => this.deliverNow(openId, texts));
  }

  /** Sends what was deferred for this user (call after their next message's answer). */
  flushDeferred(openId: OpenId): Promise<DeliveryReport> {
    return this.serial(openId, async () => {
      const now = this.now();
      const ttl = this.opts.deferredTtlMs ?? 7 * 24 * 3600_000;
      const queued = (this.deferred.get(openId) ?? []).filter((d) => now - d.at < ttl);
      this.deferred.delete(openId);
      if (!queued.length) return { sent: 0, deferred: 0, failed: 0 };
      return this.deliverNow(
        openId,
        queued.map((d) => d.text),
        this.opts.deferredIntro?.(openId),
      );
    });
  }

  /** Whether customer-service messages can reach this user now, as far as this process knows. */
  windowFor(openId: OpenId): 'open' | 'closed' | 'unknown' {
    const g = this.grants.get(openId);
    if (!g) return 'unknown';
    return g.expiresAt > this.now() && g.remaining > 0 ? 'open' : 'closed';
  }

  deferredFor(openId: OpenId): readonly string[] {
    return (this.deferred.get(openId) ?? []).map((d) => d.text);
  }

  forget(openId: OpenId): void {
    this.grants.delete(openId);
    this.deferred.delete(openId);
  }

  private serial<T>(openId: OpenId, job: () => Promise<T>): Promise<T> {
    return this.chains.run(openId, job);
  }

  /** Waits until everything queued so far has been attempted (shutdown, tests). */
  idle(): Promise<void> {
    return this.chains.idle();
  }

  private consumeQuota(openId: OpenId): boolean {
    const g = this.grants.get(openId);
    // Unknown or expired window (e.g. after a restart): let WeChat decide.
    if (!g || g.expiresAt <= this.now()) return true;
    if (g.remaining <= 0) return false;
    g.remaining--;
    return true;
  }

  private defer(openId: OpenId, text: string, reason: string): void {
    const max = this.opts.maxDeferredPerUser ?? 5;
    const list = this.deferred.get(openId) ?? [];
    list.push({ text, at: this.now() });
    while (list.length > max) {
      list.shift();
      this.opts.logger.warn({ user: maskOpenId(openId) }, 'wechat deferred message dropped (too many queued for this user)');
    }
    this.deferred.delete(openId);
    this.deferred.set(openId, list);
    const forgotten = dropOldest(this.deferred, this.maxUsers);
    if (forgotten) this.opts.logger.warn({ users: forgotten }, 'wechat deferred messages dropped (too many users waiting)');
    this.stats.deferred++;
    this.opts.logger.warn({ user: maskOpenId(openId), reason }, 'wechat customer-service message deferred until the user writes again');
  }

  /** `intro` is put before the first text when (and only when) it is actually sent. */
  private async deliverNow(openId: OpenId, texts: string[], intro?: string): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, deferred: 0, failed: 0 };
    for (const [i, text] of texts.entries()) {
      if (!this.consumeQuota(openId)) {
        for (const rest of texts.slice(i)) this.defer(openId, rest, 'local quota used up');
        report.deferred += texts.length - i;
        break;
      }
      const r = await this.sendOne(openId, i === 0 && intro ? `${intro}\n\n${text}` : text, 0);
      if (r.kind === 'sent') report.sent++;
      else if (r.kind === 'deferred') {
        // WeChat refused for quota or window: everything after this would be refused too.
        const unsent = i === 0 && intro && r.unsent.startsWith(`${intro}\n\n`) ? r.unsent.slice(intro.length + 2) : r.unsent;
        for (const rest of [unsent, ...texts.slice(i + 1)]) this.defer(openId, rest, 'wechat quota or 48-hour window');
        report.deferred += texts.length - i;
        const g = this.grants.get(openId);
        if (g) g.remaining = 0;
        break;
      } else {
        report.failed++;
        report.lastError = r.error;
      }
    }
    this.stats.sent += report.sent;
    this.stats.failed += report.failed;
    return report;
  }

  private async sendOne(openId: OpenId, text: string, depth: number): Promise<SendResult> {
    try {
      await this.opts.api.post('cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content: text } });
      return { kind: 'sent' };
    } catch (err) {
      const e = err instanceof WeChatApiError ? err : new WeChatApiError('cgi-bin/message/custom/send', undefined, String(err));
      if (e.errcode === ERR.OUT_OF_QUOTA || e.errcode === ERR.OUT_OF_RESPONSE_WINDOW) return { kind: 'deferred', unsent: text };
      if (e.errcode === ERR.CONTENT_TOO_LONG && depth < (this.opts.maxSplitDepth ?? 4)) {
        const halves = splitText(text, Math.max(16, Math.ceil(utf8Bytes(text) / 2) + 8));
        if (halves.length > 1) {
          this.stats.splits++;
          this.opts.logger.info({ user: maskOpenId(openId), bytes: utf8Bytes(text), parts: halves.length }, 'wechat text too long (45002); splitting');
          for (const [i, half] of halves.entries()) {
            const unsent = () => halves.slice(i).join('\n');
            // The first half uses the slot already counted; later halves need their own.
            if (i > 0 && !this.consumeQuota(openId)) return { kind: 'deferred', unsent: unsent() };
            const r = await this.sendOne(openId, half, depth + 1);
            if (r.kind === 'deferred') return { kind: 'deferred', unsent: [r.unsent, ...halves.slice(i + 1)].join('\n') };
            if (r.kind === 'failed') return r;
          }
          return { kind: 'sent' };
        }
      }
      this.opts.logger.error({ user: maskOpenId(openId), errcode: e.errcode, http: e.httpStatus, err: e.message }, 'wechat customer-service message failed');
      return { kind: 'failed', error: e };
    }
  }
}

type SendResult = { kind: 'sent' } | { kind: 'deferred'; unsent: string } | { kind: 'failed'; error: WeChatApiError };

/** Enough of an OpenID to correlate log lines, not enough to identify the person elsewhere. */
export function maskOpenId(openId: string): string {
  return openId.length > 8 ? `${openId.slice(0, 4)}…${openId.slice(-2)}` : '…';
}
