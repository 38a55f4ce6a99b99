/**
 * The two real databases every store test runs against: a SQLite file in a temporary folder and
 * PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`) in a fresh schema per run, dropped
 * afterwards, so parallel runs never see each other's rows. TEST_DATABASE_URL overrides the URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgDb, type SqlDb, SqliteDb } from '../../src/cases/db';
import { migrate } from '../../src/cases/migrations';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: 'sqlite' | 'postgresql';
  /** A new, migrated, empty database (a new file / a new schema). */
  open(): Promise<SqlDb>;
  /** Opens the same database again (a restart). */
  reopen(): Promise<SqlDb>;
  /** Remove what open() made. */
  cleanup(): Promise<void>;
}

export function sqliteDatabase(): TestDatabase {
  let dir: string | undefined;
  let file = '';
  const opened: SqlDb[] = [];
  return {
    name: 'sqlite',
    async open() {
      dir ??= mkdtempSync(join(tmpdir(), 'cases-'));
      file = join(dir, `${randomBytes(4).toString('hex')}.db`);
      const db = new SqliteDb(file);
      opened.push(db);
      await migrate(db);
      return db;
    },
    async reopen() {
      const db = new SqliteDb(file);
      opened.push(db);
      await migrate(db);
      return db;
    },
    async cleanup() {
      for (const db of opened) await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresDatabase(): TestDatabase {
  const schemas: string[] = [];
  const opened: SqlDb[] = [];
  let schema = '';
  return {
    name: 'postgresql',
    async open() {
      schema = `cases_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      const db = new PgDb({ connectionString: PG_URL, schema, max: 6 });
      opened.push(db);
      await migrate(db);
      return db;
    },
    async reopen() {
      const db = new PgDb({ connectionString: PG_URL, schema, max: 6 });
      opened.push(db);
      await migrate(db);
      return db;
    },
    async cleanup() {
      for (const db of opened) await db.close().catch(() => undefined);
      if (!schemas.length) return;
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      try {
        for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

export const DATABASES: (() => TestDatabase)[] = [sqliteDatabase, postgresDatabase];
