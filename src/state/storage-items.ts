/**
 * The Bot Framework `Storage` semantics both state stores keep (memory-storage.ts, sqlite-storage.ts),
 * written once: an item is kept as masked JSON without its eTag (mask-state.ts) and read back as a
 * fresh copy carrying the stored eTag; a write whose eTag is set, not "*", and not the stored one
 * is a conflict ("*" or no eTag overwrites).
 */
import type { StoreItems } from 'botbuilder';
import { maskStoredState } from './mask-state';

export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage: eTag conflict writing "${key}" (changed by another turn)`);
    this.name = 'StorageConflictError';
  }
}

/** A stored item: its JSON and eTag. */
export interface StoredItem {
  json: string;
  etag: string;
}

/** The items of `keys` that are stored, as copies with their eTags. */
export function readItems(keys: string[], get: (key: string) => StoredItem | undefined): StoreItems {
  if (!keys) throw new ReferenceError('Keys are required when reading.');
  const out: StoreItems = {};
  for (const key of keys) {
    const item = get(key);
    if (item) out[key] = { ...(JSON.parse(item.json) as object), eTag: item.etag };
  }
  return out;
}

/** Throws StorageConflictError when `item` was read at another version than the stored one (`stored`: its eTag, looked up only when the item names one). */
export function checkETag(key: string, item: unknown, stored: () => string | undefined): void {
  const wanted = (item as { eTag?: string } | undefined)?.eTag;
  if (!wanted || wanted === '*') return;
  const etag = stored();
  if (etag !== undefined && etag !== wanted) throw new StorageConflictError(key);
}

/** What is stored for an item: masked JSON, without its eTag. */
export const storedJson = (item: unknown): string => JSON.stringify(maskStoredState({ ...(item as object), eTag: undefined }));
