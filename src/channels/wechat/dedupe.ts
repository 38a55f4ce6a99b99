/**
 * One bot turn and one answer per WeChat message, however often WeChat retries it.
 *
 * WeChat retries a message (same MsgId; events: same FromUserName + CreateTime) when it gets no
 * answer within 5 s, three tries in all. Every HTTP attempt — the first and each retry — attaches
 * to the message's key and waits (within its own reply budget) for the turn's answer:
 * - the first attempt to attach runs the turn (`first: true`); later ones only wait;
 * - when the turn finishes, complete() hands the first reply part to every attempt still waiting,
 *   which answer it in their HTTP responses (WeChat keeps only one connection per message, so the
 *   citizen sees it once); if none is waiting, the caller sends it via the customer-service API;
 * - a retry after completion gets the same passive reply again if it went out passively (the
 *   earlier response evidently never reached WeChat), or nothing if it went out asynchronously.
 * Exactly one of "a waiting attempt" or "the caller" delivers, decided in complete().
 *
 * This in-memory store serves one process. A Redis implementation keeps the same contract with:
 * attach = SET key NX (first) + SADD waiters; complete = SPOP all waiters (hand-off when any) +
 * PUBLISH the reply + SET the outcome with a TTL; a waiter that times out SREMs itself, and when
 * SREM returns 0 it was already chosen and must take the published reply.
 */

export type HandOff = { kind: 'reply'; reply: string } | { kind: 'none' };

export interface DedupeStore {
  /**
   * Registers an HTTP attempt for `key` and waits up to `waitMs` (or until `signal` aborts, e.g. the
   * client hung up) for the answer. `first` is true for exactly one attempt per key (within the TTL).
   */
  attach(key: string, waitMs: number, signal?: AbortSignal): Promise<{ first: boolean; outcome: Promise<HandOff> }>;
  /**
   * The turn for `key` finished with `reply` as the first part of its answer (null: nothing to say).
   * Returns passive=true when a waiting attempt took the reply; otherwise the caller must deliver it.
   */
  complete(key: string, reply: string | null): Promise<{ passive: boolean }>;
  close(): Promise<void>;
}

interface Waiter {
  resolve(h: HandOff): void;
}

interface Entry {
  done: boolean;
  /** The reply that went out passively (resent to later retries); undefined when it went out otherwise. */
  passiveReply?: string;
  waiters: Set<Waiter>;
  expiresAt: number;
}

export interface MemoryDedupeOptions {
  /** How long a finished key is remembered; WeChat's retries end ~15 s after the first try. */
  ttlMs?: number;
  /** How long a turn may run before its key is forgotten anyway (a crashed turn must not pin memory). */
  maxRunningMs?: number;
  /** Most keys kept; the oldest finished ones go first. */
  maxEntries?: number;
  clock?: () => number;
}

export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxRunningMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(opts: MemoryDedupeOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.maxRunningMs = opts.maxRunningMs ?? 30 * 60_000;
    this.maxEntries = opts.maxEntries ?? 100_000;
    this.now = opts.clock ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  async attach(key: string, waitMs: number, signal?: AbortSignal): Promise<{ first: boolean; outcome: Promise<HandOff> }> {
    let entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (!entry) {
      if (this.entries.size >= this.maxEntries) this.sweep(true);
      entry = { done: false, waiters: new Set(), expiresAt: this.now() + this.maxRunningMs };
      this.entries.set(key, entry);
      return { first: true, outcome: this.wait(entry, waitMs, signal) };
    }
    if (entry.done) {
      const h: HandOff = entry.passiveReply !== undefined ? { kind: 'reply', reply: entry.passiveReply } : { kind: 'none' };
      return { first: false, outcome: Promise.resolve(h) };
    }
    return { first: false, outcome: this.wait(entry, waitMs, signal) };
  }

  private wait(entry: Entry, waitMs: number, signal?: AbortSignal): Promise<HandOff> {
    return new Promise<HandOff>((resolve) => {
      if (signal?.aborted || waitMs <= 0) return resolve({ kind: 'none' });
      const finish = (h: HandOff): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        entry.waiters.delete(waiter);
        resolve(h);
      };
      const waiter: Waiter = { resolve: finish };
      const onAbort = (): void => finish({ kind: 'none' });
      const timer = setTimeout(() => finish({ kind: 'none' }), waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.waiters.add(waiter);
    });
  }

  async complete(key: string, reply: string | null): Promise<{ passive: boolean }> {
    const entry = this.entries.get(key) ?? { done: false, waiters: new Set<Waiter>(), expiresAt: 0 };
    this.entries.set(key, entry);
    entry.done = true;
    entry.expiresAt = this.now() + this.ttlMs;
    const waiters = [...entry.waiters];
    if (reply === null || waiters.length === 0) {
      for (const w of waiters) w.resolve({ kind: 'none' });
      return { passive: false };
    }
    entry.passiveReply = reply;
    for (const w of waiters) w.resolve({ kind: 'reply', reply });
    return { passive: true };
  }

  private sweep(force = false): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now && e.waiters.size === 0) this.entries.delete(k);
    if (force && this.entries.size >= this.maxEntries) {
      // Map iteration is insertion order: drop the oldest finished keys until there is room.
      for (const [k, e] of this.entries) {
        if (this.entries.size < this.maxEntries * 0.9) break;
        if (e.done && e.waiters.size === 0) this.entries.delete(k);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const e of this.entries.values()) for (const w of [...e.waiters]) w.resolve({ kind: 'none' });
    this.entries.clear();
  }
}
