/**
 * Bot Framework `Storage` on SQLite (better-sqlite3): conversation and user state survive a
 * process restart on one machine. Same semantics as MemoryStorage: items are JSON, every write
 * gets a new eTag, a write with a stale eTag fails (optimistic concurrency), "*" or no eTag
 * overwrites. WAL mode, so readers do not block the writer; several processes may share the file.
 * Free text is masked before it is written (mask-state.ts); purgeBefore() is the retention cut.
 * Contract: read/write/delete never leave a half-written batch (one transaction per call).
 */
import type Database from 'better-sqlite3';
import type { Storage, StoreItems } from 'botbuilder';
import { openDatabase } from './sqlite-file';
import { checkETag, readItems, storedJson } from './storage-items';

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly readOne: Database.Statement<[string], { value: string; etag: string }>;
  private readonly upsert: Database.Statement<[string, string, string, number]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly purge: Database.Statement<[number]>;
  private readonly writeBatch: (changes: StoreItems) => void;

  constructor(readonly file: string) {
    this.db = openDatabase(file);
    this.db.exec(`CREATE TABLE IF NOT EXISTS bot_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      etag TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    this.readOne = this.db.prepare('SELECT value, etag FROM bot_state WHERE key = ?');
    this.upsert = this.db.prepare(
      'INSERT INTO bot_state (key, value, etag, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at',
    );
    this.remove = this.db.prepare('DELETE FROM bot_state WHERE key = ?');
    this.purge = this.db.prepare('DELETE FROM bot_state WHERE updated_at < ?');
    this.writeBatch = this.db.transaction((changes: StoreItems) => {
      for (const [key, item] of Object.entries(changes)) {
        checkETag(key, item, () => this.readOne.get(key)?.etag);
        const etag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
        this.upsert.run(key, storedJson(item), etag, Date.now());
      }
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    return readItems(keys, (key) => {
      const row = this.readOne.get(key);
      return row && { json: row.value, etag: row.etag };
    });
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    this.writeBatch(changes);
  }

  async delete(keys: string[]): Promise<void> {
    const del = this.db.transaction((ks: string[]) => {
      for (const k of ks) this.remove.run(k);
    });
    del(keys);
  }

  /** Retention: state not written since `cutoffMs` (a conversation or user gone quiet) is deleted. */
  purgeBefore(cutoffMs: number): number {
    return this.purge.run(cutoffMs).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
