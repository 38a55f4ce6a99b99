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
 * Persistence (`persist`, an ExpiringStore: SQLite with STATE_STORE=sqlite:…): every key is also
 * written through as {state: running|done, boot, passiveReply?}, so after a restart — even kill -9 —
 * a retry of a message answered before the crash gets that answer (or nothing), never a second
 * turn. A key still "running" under an earlier boot never finished (the process died mid-turn):
 * its retry runs the turn, since the citizen got no answer.
 *
 * This in-memory store serves one process. A Redis implementation keeps the same contract with:
 * attach = SET key NX (first) + SADD waiters; complete = SPOP all waiters (hand-off when any) +
 * PUBLISH the reply + SET the outcome with a TTL; a waiter that times out SREMs itself, and when
 * SREM returns 0 it was already chosen and must take the published reply.
 */
import { randomBytes } from 'node:crypto';
import type { ExpiringStore } from '../../state/expiring';

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
  /** Write-through copy of every key's outcome (survives restarts). */
  persist?: ExpiringStore;
}

interface PersistedOutcome {
  state: 'running' | 'done';
  boot: string;
  passiveReply?: string;
}

export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxRunningMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly persist?: ExpiringStore;
  /** This process's identity in persisted "running" records. */
  private readonly boot = randomBytes(8).toString('hex');

  constructor(opts: MemoryDedupeOptions = {}) {
    this.persist = opts.persist;
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
      // Registered before any await, so a concurrent attempt in this process sees it.
      entry = { done: false, waiters: new Set(), expiresAt: this.now() + this.maxRunningMs };
      this.entries.set(key, entry);
      if (this.persist && !(await this.claim(key, entry))) {
        // Known from before a restart (or to another process sharing the store).
        if (entry.done) {
          const h: HandOff = entry.passiveReply !== undefined ? { kind: 'reply', reply: entry.passiveReply } : { kind: 'none' };
          return { first: false, outcome: Promise.resolve(h) };
        }
        return { first: false, outcome: this.wait(entry, waitMs, signal) };
      }
      return { first: true, outcome: this.wait(entry, waitMs, signal) };
    }
    if (entry.done) {
      const h: HandOff = entry.passiveReply !== undefined ? { kind: 'reply', reply: entry.passiveReply } : { kind: 'none' };
      return { first: false, outcome: Promise.resolve(h) };
    }
    return { first: false, outcome: this.wait(entry, waitMs, signal) };
  }

  /** True when this process should run the turn for `key` (persisted side). */
  private async claim(key: string, entry: Entry): Promise<boolean> {
    const persist = this.persist!;
    const running = JSON.stringify({ state: 'running', boot: this.boot } satisfies PersistedOutcome);
    if (await persist.putIfAbsent(key, running, this.maxRunningMs)) return true;
    const raw = await persist.get(key);
    const known = raw ? (JSON.parse(raw) as PersistedOutcome) : undefined;
    if (!known) return persist.putIfAbsent(key, running, this.maxRunningMs);
    if (known.state === 'done') {
      entry.done = true;
      entry.passiveReply = known.passiveReply;
      entry.expiresAt = this.now() + this.ttlMs;
      return false;
    }
    if (known.boot !== this.boot) {
      // Started by a process that died before answering: the citizen has nothing yet.
      await persist.set(key, running, this.maxRunningMs);
      return true;
    }
    return false;
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
    const passive = reply !== null && waiters.length > 0;
    if (passive) entry.passiveReply = reply;
    if (this.persist) {
      const done: PersistedOutcome = { state: 'done', boot: this.boot, ...(passive ? { passiveReply: reply } : {}) };
      await this.persist.set(key, JSON.stringify(done), this.ttlMs);
    }
    if (!passive) {
      for (const w of waiters) w.resolve({ kind: 'none' });
      return { passive: false };
    }
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
