/**
 * A small keyed store whose entries expire: what channels remember for a bounded time (WeChat's
 * message de-duplication, signed-URL nonces). Two implementations behind one interface:
 *   MemoryExpiringStore   lru-cache with a size cap and per-entry TTL (one process, lost on restart)
 *   SqliteExpiringStore   a table in the STATE_STORE file, so the memory survives a restart or kill -9
 * (the scale-out work adds Redis: SET key value PX ttl NX is exactly putIfAbsent).
 *
 * Contract: get() never returns an expired value; putIfAbsent() is atomic (true for exactly one
 * caller per live key); set() overwrites and restarts the TTL; purgeExpired() frees expired rows.
 */
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { openDatabase } from './sqlite-file';

export interface ExpiringStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only when no live entry exists; true when this call stored it. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}

export class MemoryExpiringStore implements ExpiringStore {
  private readonly cache: LRUCache<string, string>;
  constructor(maxEntries = 100_000, now: () => number = Date.now) {
    // perf.now-based TTLs would ignore a test clock; lru-cache takes our clock.
    this.cache = new LRUCache<string, string>({ max: maxEntries, ttl: 3600_000, ttlAutopurge: false, perf: { now } });
  }
  get size(): number {
    return this.cache.size;
  }
  async get(key: string): Promise<string | undefined> {
    return this.cache.get(key);
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.cache.set(key, value, { ttl: ttlMs });
  }
  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.cache.has(key)) return false;
    this.cache.set(key, value, { ttl: ttlMs });
    return true;
  }
  async delete(key: string): Promise<void> {
    this.cache.delete(key);
  }
  async purgeExpired(): Promise<number> {
    const before = this.cache.size;
    this.cache.purgeStale();
    return before - this.cache.size;
  }
  async close(): Promise<void> {
    this.cache.clear();
  }
}

export class SqliteExpiringStore implements ExpiringStore {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string, string, number], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string, string, number]>;
  private readonly insertStmt: Database.Statement<[string, string, string, number]>;
  private readonly clearExpired: Database.Statement<[string, string, number]>;
  private readonly delStmt: Database.Statement<[string, string]>;
  private readonly purgeStmt: Database.Statement<[number]>;

  /** `namespace` keeps users of one file apart ("wechat-dedupe", "wechat-nonce"). */
  constructor(
    file: string,
    private readonly namespace: string,
    private readonly now: () => number = Date.now,
  ) {
    this.db = openDatabase(file);
    this.db.exec(`CREATE TABLE IF NOT EXISTS expiring (
      ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL,
      PRIMARY KEY (ns, key)
    );
    CREATE INDEX IF NOT EXISTS expiring_at ON expiring(expires_at);`);
    this.getStmt = this.db.prepare('SELECT value FROM expiring WHERE ns = ? AND key = ? AND expires_at > ?');
    this.setStmt = this.db.prepare(
      'INSERT INTO expiring (ns, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    );
    this.insertStmt = this.db.prepare('INSERT OR IGNORE INTO expiring (ns, key, value, expires_at) VALUES (?, ?, ?, ?)');
    this.clearExpired = this.db.prepare('DELETE FROM expiring WHERE ns = ? AND key = ? AND expires_at <= ?');
    this.delStmt = this.db.prepare('DELETE FROM expiring WHERE ns = ? AND key = ?');
    this.purgeStmt = this.db.prepare('DELETE FROM expiring WHERE expires_at <= ?');
  }

  async get(key: string): Promise<string | undefined> {
    return this.getStmt.get(this.namespace, key, this.now())?.value;
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.setStmt.run(this.namespace, key, value, this.now() + ttlMs);
  }
  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    // One statement pair in one synchronous call: no other caller of this process interleaves, and
    // SQLite's primary key decides between processes sharing the file.
    this.clearExpired.run(this.namespace, key, this.now());
    return this.insertStmt.run(this.namespace, key, value, this.now() + ttlMs).changes === 1;
  }
  async delete(key: string): Promise<void> {
    this.delStmt.run(this.namespace, key);
  }
  async purgeExpired(): Promise<number> {
    return this.purgeStmt.run(this.now()).changes;
  }
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
