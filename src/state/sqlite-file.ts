/**
 * Opens a SQLite file the way every store here wants it: directory created, WAL (readers do not
 * block the writer; several handles and processes may share the file), a busy timeout, and
 * synchronous=NORMAL (a committed write survives a process crash — kill -9 — which is the
 * durability the bot needs; only a power cut can lose the last transactions).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}
