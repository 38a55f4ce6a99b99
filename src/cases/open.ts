/**
 * Opens the case database the configuration names: PostgreSQL when DATABASE_URL is set, else a
 * SQLite file (CASES_DB, default data/cases.db), and brings its schema up to date. Opening is
 * synchronous so the app can be wired in one pass; every query waits for the migrations
 * (`ready`), and a failed migration fails each query with its error (and `ready` rejects, which
 * start() awaits before listening).
 */
import { PgDb, type Row, type SqlDb, SqliteDb, type SqlValue } from './db';
import { migrate } from './migrations';
import { SqlCaseStore } from './store';

export interface CaseDatabaseOptions {
  databaseUrl?: string;
  /** PostgreSQL schema (default public). */
  schema?: string;
  sqliteFile?: string;
}

/** An SqlDb whose queries wait until the schema is migrated. */
class MigratedDb implements SqlDb {
  readonly dialect;
  readonly ready: Promise<void>;

  constructor(private readonly inner: SqlDb) {
    this.dialect = inner.dialect;
    this.ready = migrate(inner).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  async all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    await this.ready;
    return this.inner.all<T>(sql, params);
  }

  async run(sql: string, params?: SqlValue[]): Promise<number> {
    await this.ready;
    return this.inner.run(sql, params);
  }

  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    await this.ready;
    return this.inner.tx(fn);
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.inner.close();
  }
}

export interface CaseDatabase {
  db: SqlDb;
  /** The PostgreSQL connection pool, when on PostgreSQL (case events across processes). */
  pg?: PgDb;
  cases: SqlCaseStore;
  ready: Promise<void>;
}

export function openCaseDatabase(opts: CaseDatabaseOptions): CaseDatabase {
  const inner: SqlDb = opts.databaseUrl ? new PgDb({ connectionString: opts.databaseUrl, schema: opts.schema }) : new SqliteDb(opts.sqliteFile ?? 'data/cases.db');
  const db = new MigratedDb(inner);
  return { db, cases: new SqlCaseStore(db), ready: db.ready, ...(inner instanceof PgDb ? { pg: inner } : {}) };
}
