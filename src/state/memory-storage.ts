/**
 * Bot Framework `Storage` in memory with bounds: at most `maxItems` state items (least recently
 * used dropped first) and each one forgotten `ttlMs` after its last read or write. Replaces
 * botbuilder's MemoryStorage, which keeps every conversation forever (40,000 conversations took
 * the process from 500 MB to 1 GB, never released). An evicted conversation starts afresh, as
 * after a restart. Free text is masked before it is kept (mask-state.ts). Same semantics as MemoryStorage otherwise: JSON copies, a new eTag per write,
 * a stale eTag fails the write, "*" or no eTag overwrites.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { maskStoredState } from './mask-state';
import { StorageConflictError } from './sqlite-storage';

export interface MemoryStorageLimits {
  maxItems: number;
  ttlMs: number;
}

export class BoundedMemoryStorage implements Storage {
  private readonly items: LRUCache<string, { json: string; etag: string }>;
  private etagSeq = 0;

  constructor(limits: MemoryStorageLimits = { maxItems: 20_000, ttlMs: 24 * 3600_000 }) {
    this.items = new LRUCache({ max: limits.maxItems, ttl: limits.ttlMs, updateAgeOnGet: true });
  }

  get size(): number {
    return this.items.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const out: StoreItems = {};
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) out[key] = { ...(JSON.parse(item.json) as object), eTag: item.etag };
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Check every eTag first so a conflicting batch changes nothing.
    for (const [key, item] of Object.entries(changes)) {
      const wanted = (item as { eTag?: string } | undefined)?.eTag;
      const cur = this.items.peek(key);
      if (wanted && wanted !== '*' && cur && cur.etag !== wanted) throw new StorageConflictError(key);
    }
    for (const [key, item] of Object.entries(changes)) {
      this.items.set(key, { json: JSON.stringify(maskStoredState({ ...(item as object), eTag: undefined })), etag: String(++this.etagSeq) });
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
}
