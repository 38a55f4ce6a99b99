/**
 * The one per-conversation serial queue: jobs with the same key run one after another, in the
 * order they were queued; jobs with different keys run freely. The bot queues its turns per
 * conversation (two quick messages, or a channel retry, never interleave over one state), Direct
 * Line queues a conversation's posts, WeChat queues a user's turns and customer-service messages.
 *
 * Contract:
 * - run(key, job) resolves or rejects with the job's own outcome; a job that throws or rejects
 *   does not stop the jobs queued after it.
 * - Bounded: a key takes memory only while it has jobs; the last one to finish removes it, so
 *   the map holds at most the keys with work in flight (`size`). With `maxPendingPerKey`, a key
 *   that already has that many jobs waiting or running refuses the next: run() rejects with
 *   QueueFullError and the job never runs (a flood from one conversation is turned away, not
 *   buffered).
 * - idle() resolves when every job queued so far, and any queued meanwhile, has finished.
 */

export class QueueFullError extends Error {
  constructor(readonly pending: number) {
    super(`${pending} jobs are already queued for this key`);
    this.name = 'QueueFullError';
  }
}

export interface KeyedQueueOptions {
  /** Jobs (running + waiting) one key may have before run() refuses; default unbounded. */
  maxPendingPerKey?: number;
}

interface Lane {
  /** Settles (never rejects) when the last job queued on this key has finished. */
  tail: Promise<void>;
  pending: number;
}

export class KeyedQueue<K> {
  private readonly lanes = new Map<K, Lane>();
  private readonly maxPending: number;

  constructor(opts: KeyedQueueOptions = {}) {
    this.maxPending = opts.maxPendingPerKey ?? Infinity;
  }

  run<T>(key: K, job: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { tail: Promise.resolve(), pending: 0 }));
    if (lane.pending >= this.maxPending) return Promise.reject(new QueueFullError(lane.pending));
    lane.pending++;
    const mine = lane.tail.then(job);
    const entry = lane;
    lane.tail = mine.then(
      () => this.release(key, entry),
      () => this.release(key, entry),
    );
    return mine;
  }

  /** Jobs running or waiting for `key`. */
  pending(key: K): number {
    return this.lanes.get(key)?.pending ?? 0;
  }

  /** Keys with jobs in flight (idle keys are not kept). */
  get size(): number {
    return this.lanes.size;
  }

  async idle(): Promise<void> {
    while (this.lanes.size) await Promise.all([...this.lanes.values()].map((l) => l.tail));
  }

  private release(key: K, lane: Lane): void {
    lane.pending--;
    if (!lane.pending && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}
