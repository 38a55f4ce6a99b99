/**
 * Storage selection from config STATE_STORE:
 *   memory            BoundedMemoryStorage (default; LRU + TTL, state is lost on restart)
 *   sqlite:<file>     SqliteStorage — conversations survive a restart; the same file also holds
 *                     the feedback and unanswered-question records
 *   redis://…         not yet: the scale-out issue adds it (a clear error until then)
 *
 *   createStorage(spec, memory?) → Storage
 *   createRecordSinks(spec, maxInMemory?) → { feedback, unanswered } (bounded memory or SQLite)
 *   createExpiringStore(spec, namespace, maxInMemory?) → ExpiringStore (WeChat dedupe, nonces)
 * Both throw StateStoreConfigError for a spec they do not understand.
 */
import { resolve } from 'node:path';
import type { Storage } from 'botbuilder';
import type { FeedbackSink, UnansweredSink } from '../dialogs';
import { type ExpiringStore, MemoryExpiringStore, SqliteExpiringStore } from './expiring';
import { BoundedFeedbackSink, BoundedUnansweredSink } from './memory-records';
import { BoundedMemoryStorage, type MemoryStorageLimits } from './memory-storage';
import { SqliteFeedbackSink, SqliteUnansweredSink } from './records';
import { SqliteStorage } from './sqlite-storage';

export { SqliteStorage } from './sqlite-storage';
export { StorageConflictError } from './storage-items';
export { SqliteFeedbackSink, SqliteUnansweredSink } from './records';
export { BoundedMemoryStorage } from './memory-storage';
export { BoundedFeedbackSink, BoundedUnansweredSink } from './memory-records';
export { type ExpiringStore, MemoryExpiringStore, SqliteExpiringStore } from './expiring';

export class StateStoreConfigError extends Error {
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`STATE_STORE="${spec}": ${reason} (use "memory" or "sqlite:<file>")`);
    this.name = 'StateStoreConfigError';
  }
}

export type StoreSpec = { kind: 'memory' } | { kind: 'sqlite'; file: string };

export function parseStoreSpec(spec: string): StoreSpec {
  const s = spec.trim();
  if (s === '' || s === 'memory') return { kind: 'memory' };
  if (s.startsWith('sqlite:')) {
    const file = s.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new StateStoreConfigError(spec, 'sqlite needs a file name, e.g. sqlite:data/state.db');
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }
  if (/^rediss?:\/\//.test(s)) throw new StateStoreConfigError(spec, 'Redis state is not available yet');
  throw new StateStoreConfigError(spec, 'unknown store');
}

export function createStorage(spec: string, memory?: MemoryStorageLimits): Storage {
  const p = parseStoreSpec(spec);
  return p.kind === 'memory' ? new BoundedMemoryStorage(memory) : new SqliteStorage(p.file);
}

export function createRecordSinks(spec: string, maxInMemory = 5_000): { feedback: FeedbackSink; unanswered: UnansweredSink } {
  const p = parseStoreSpec(spec);
  if (p.kind === 'memory') return { feedback: new BoundedFeedbackSink(maxInMemory), unanswered: new BoundedUnansweredSink(maxInMemory) };
  return { feedback: new SqliteFeedbackSink(p.file), unanswered: new SqliteUnansweredSink(p.file) };
}

export function createExpiringStore(spec: string, namespace: string, maxInMemory = 100_000): ExpiringStore {
  const p = parseStoreSpec(spec);
  return p.kind === 'memory' ? new MemoryExpiringStore(maxInMemory) : new SqliteExpiringStore(p.file, namespace);
}
