/**
 * Opens the case database the configuration names: PostgreSQL when DATABASE_URL is set, else a
 * SQLite file (CASES_DB, default data/cases.db), and brings its schema up to date.
 */
import { PgDb, type SqlDb, SqliteDb } from './db';
import { migrate } from './migrations';
import { SqlCaseStore } from './store';

export interface CaseDatabaseOptions {
  databaseUrl?: string;
  /** PostgreSQL schema (default public). */
  schema?: string;
  sqliteFile?: string;
}

export async function openCaseDatabase(opts: CaseDatabaseOptions): Promise<{ db: SqlDb; cases: SqlCaseStore }> {
  const db: SqlDb = opts.databaseUrl ? new PgDb({ connectionString: opts.databaseUrl, schema: opts.schema }) : new SqliteDb(opts.sqliteFile ?? 'data/cases.db');
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, cases: new SqlCaseStore(db) };
}
