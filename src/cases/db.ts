/**
 * One small SQL interface over the two databases the case store runs on, so the store's queries
 * are written once: SQLite (better-sqlite3, the default, one file) and PostgreSQL (`pg`, when
 * DATABASE_URL is set). Queries use `?` placeholders; the PostgreSQL side numbers them ($1, $2 …).
 * Row values come back as plain JS values (PostgreSQL's BIGINT/COUNT strings are the caller's to
 * convert with Number()).
 *
 * Transactions: `tx(fn)` runs fn on one connection inside BEGIN … COMMIT (ROLLBACK on throw). On
 * SQLite there is one connection, so transactions are queued one after another (an async mutex):
 * without it two awaiting callers would interleave statements inside one BEGIN.
 *
 * Prepared statements are cached by SQL text, at most `statementCacheSize` of them (least recently
 * used dropped; better-sqlite3 finalises a statement when it is collected). Unbounded, every
 * distinct text stayed prepared for the life of the process — ~7 KB of native memory each, seen by
 * neither heapUsed nor external: 10,000 `LIMIT n` variants of one query were +70 MB RSS.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Pool, type PoolClient } from 'pg';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;
export type Dialect = 'sqlite' | 'pg';

export interface SqlDb {
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class SqlStoreError extends Error {
  constructor(
    message: string,
    readonly dialect: Dialect,
    cause?: unknown,
  ) {
    super(`${message} (${dialect})`, { cause });
    this.name = 'SqlStoreError';
  }
}

/** Runs async jobs one after another (the SQLite transaction queue). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly txQueue = new Mutex();
  private inTx = false;

  constructor(
    file: string,
    private readonly statementCacheSize = 200,
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
  }

  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s) this.statements.delete(sql);
    else s = this.db.prepare(sql);
    this.statements.set(sql, s);
    if (this.statements.size > this.statementCacheSize) {
      const oldest = this.statements.keys().next();
      if (!oldest.done) this.statements.delete(oldest.value);
    }
    return s;
  }

  /** How many prepared statements are cached now (tests). */
  get cachedStatements(): number {
    return this.statements.size;
  }

  /** Plain statements wait while a transaction is open, so they never land inside it. */
  private outside<T>(fn: () => T): Promise<T> {
    if (!this.inTx) return Promise.resolve().then(fn);
    return this.txQueue.run(async () => fn());
  }

  private direct: SqlDb = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: SqlValue[] = []) => this.prepare(sql).all(...params) as T[],
    run: async (sql: string, params: SqlValue[] = []) => this.prepare(sql).run(...params).changes,
    tx: (fn) => fn(this.direct),
    close: async () => undefined,
  };

  all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.outside(() => this.prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.outside(() => this.prepare(sql).run(...params).changes);
  }

  /** Several statements at once (migrations). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return this.txQueue.run(async () => {
      this.inTx = true;
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn(this.direct);
        this.db.exec('COMMIT');
        return r;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      } finally {
        this.inTx = false;
      }
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** `?` → `$1, $2, …` (our queries never put a question mark inside a string literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export interface PgOptions {
  connectionString: string;
  /** Tables live in this schema (created if missing); tests use a fresh one per run. */
  schema?: string;
  max?: number;
}

export class PgDb implements SqlDb {
  readonly dialect = 'pg' as const;
  readonly pool: Pool;
  readonly schema: string;

  constructor(opts: PgOptions) {
    this.schema = opts.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) throw new SqlStoreError(`bad schema name "${opts.schema}"`, 'pg');
    this.pool = new Pool({
      connectionString: opts.connectionString,
      max: opts.max ?? 10,
      options: `-c search_path=${this.schema}`,
    });
    // An idle client's connection error must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  private static on(client: Pool | PoolClient): SqlDb {
    return {
      dialect: 'pg',
      all: async <T>(sql: string, params: SqlValue[] = []) => (await client.query(numberPlaceholders(sql), params)).rows as T[],
      run: async (sql: string, params: SqlValue[] = []) => (await client.query(numberPlaceholders(sql), params)).rowCount ?? 0,
      tx: () => {
        throw new SqlStoreError('nested transactions are not supported', 'pg');
      },
      close: async () => undefined,
    };
  }

  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return PgDb.on(this.pool).all<T>(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return PgDb.on(this.pool).run(sql, params);
  }

  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const r = await fn(PgDb.on(client));
      await client.query('COMMIT');
      return r;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
