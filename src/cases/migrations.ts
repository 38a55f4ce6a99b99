/**
 * Versioned schema migrations for the case store and the staff console (users, sessions, audit),
 * for SQLite and PostgreSQL. A migration is applied once, inside a transaction, and recorded in
 * schema_migrations; on PostgreSQL an advisory lock keeps two starting processes from migrating at
 * the same time. Add a migration by appending to MIGRATIONS; never edit one that has shipped.
 * `{{serial}}` is the auto-increment key type of the dialect.
 */
import { type Dialect, PgDb, type SqlDb, SqliteDb } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cases, transcript entries, audit log',
    sql: `
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  locale TEXT NOT NULL,
  topic TEXT,
  route TEXT,
  district_code TEXT,
  district_name TEXT,
  urgent INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL,
  summary_line TEXT NOT NULL,
  consent_callback INTEGER NOT NULL DEFAULT 0,
  contact TEXT,
  assignee TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  claimed_at TEXT,
  first_response_at TEXT,
  last_citizen_at TEXT,
  handed_back_at TEXT,
  closed_at TEXT,
  outcome TEXT,
  awaiting_rating INTEGER NOT NULL DEFAULT 0,
  rating INTEGER,
  rating_comment TEXT
);
CREATE INDEX cases_queue ON cases (status, urgent, created_at);
CREATE INDEX cases_conversation ON cases (channel_id, conversation_id, status);
CREATE TABLE case_entries (
  id {{serial}},
  case_id TEXT NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  author TEXT,
  text TEXT NOT NULL
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
CREATE TABLE audit_log (
  id {{serial}},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  case_id TEXT,
  detail TEXT
);
CREATE INDEX audit_log_case ON audit_log (case_id, id)`,
  },
  {
    version: 2,
    name: 'staff users and sessions',
    sql: `
CREATE TABLE staff_users (
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE staff_sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES staff_users(username),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (username)`,
  },
];

const SERIAL: Record<Dialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  pg: 'BIGSERIAL PRIMARY KEY',
};

function statements(m: Migration, dialect: Dialect): string[] {
  return m.sql
    .replaceAll('{{serial}}', SERIAL[dialect])
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate(db: SqlDb, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  if (db instanceof PgDb) await db.run(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
  const create = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';
  if (db instanceof SqliteDb) await db.run(create);
  return db.tx(async (t) => {
    if (t.dialect === 'pg') {
      // One migrator at a time across processes; released at COMMIT.
      await t.all('SELECT pg_advisory_xact_lock(1234812348)');
      await t.run(create);
    }
    const done = new Set((await t.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const s of statements(m, t.dialect)) await t.run(s);
      await t.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
      applied.push(m.version);
    }
    return applied;
  });
}
