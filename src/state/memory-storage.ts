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
import { checkETag, readItems, type StoredItem, storedJson } from './storage-items';

export interface MemoryStorageLimits {
  maxItems: number;
  ttlMs: number;
}

export class BoundedMemoryStorage implements Storage {
  private readonly items: LRUCache<string, StoredItem>;
  private etagSeq = 0;

  constructor(limits: MemoryStorageLimits = { maxItems: 20_000, ttlMs: 24 * 3600_000 }) {
    this.items = new LRUCache({ max: limits.maxItems, ttl: limits.ttlMs, updateAgeOnGet: true });
  }

  get size(): number {
    return this.items.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    return readItems(keys, (key) => this.items.get(key));
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Check every eTag first so a conflicting batch changes nothing.
    for (const [key, item] of Object.entries(changes)) checkETag(key, item, () => this.items.peek(key)?.etag);
    for (const [key, item] of Object.entries(changes)) this.items.set(key, { json: storedJson(item), etag: String(++this.etagSeq) });
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
}
