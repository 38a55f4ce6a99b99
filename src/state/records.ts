/**
 * SQLite implementations of the engine's record sinks (src/dialogs/sinks.ts): feedback on answers
 * and unanswered questions, for the editors' pages. Text arriving here is masked again on the way
 * in (storedText), so no raw phone number or ID reaches the file even if a caller forgets.
 * One file may hold both tables and the bot state (SqliteStorage); each class opens its own handle.
 */
import type Database from 'better-sqlite3';
import type { Locale } from '../content/schema';
import {
  type FeedbackRecord,
  type FeedbackSink,
  type ListQuery,
  storedText,
  type UnansweredRecord,
  type UnansweredSink,
} from '../dialogs';
import { openDatabase } from './sqlite-file';

const open = openDatabase;

const limitOf = (q?: ListQuery) => Math.max(0, Math.min(q?.limit ?? 100, 10_000));

/** One table in its own file connection; statements are prepared once, not per record. */
abstract class SqliteRecords {
  protected readonly db: Database.Database;
  protected readonly insert: Database.Statement;
  protected readonly select: Database.Statement;
  private readonly purge: Database.Statement<[string]>;
  constructor(file: string, table: 'feedback' | 'unanswered', schema: string, insert: string, select: string) {
    this.db = open(file);
    this.db.exec(schema);
    this.insert = this.db.prepare(insert);
    this.select = this.db.prepare(select);
    this.purge = this.db.prepare(`DELETE FROM ${table} WHERE at < ?`);
  }
  /** Retention: deletes records older than `cutoffMs`; returns how many. */
  purgeBefore(cutoffMs: number): number {
    return this.purge.run(new Date(cutoffMs).toISOString()).changes;
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}

export class SqliteFeedbackSink extends SqliteRecords implements FeedbackSink {
  constructor(file: string) {
    super(
      file,
      'feedback',
      `CREATE TABLE IF NOT EXISTS feedback (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL, entry_id TEXT NOT NULL, helpful INTEGER NOT NULL,
      locale TEXT NOT NULL, channel_id TEXT NOT NULL, question TEXT
    );
    CREATE INDEX IF NOT EXISTS feedback_at ON feedback(at);
    CREATE INDEX IF NOT EXISTS feedback_entry ON feedback(entry_id);`,
      'INSERT INTO feedback (at, entry_id, helpful, locale, channel_id, question) VALUES (?, ?, ?, ?, ?, ?)',
      'SELECT at, entry_id, helpful, locale, channel_id, question FROM feedback WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
  }
  async record(r: FeedbackRecord): Promise<void> {
    this.insert.run(r.at, r.entryId, r.helpful ? 1 : 0, r.locale, r.channelId, r.question === undefined ? null : storedText(r.question));
  }
  async list(q?: ListQuery): Promise<FeedbackRecord[]> {
    const rows = this.select.all(q?.since ?? '', limitOf(q)) as { at: string; entry_id: string; helpful: number; locale: Locale; channel_id: string; question: string | null }[];
    return rows.map((r) => ({
      at: r.at,
      entryId: r.entry_id,
      helpful: r.helpful === 1,
      locale: r.locale,
      channelId: r.channel_id,
      ...(r.question === null ? {} : { question: r.question }),
    }));
  }
}

export class SqliteUnansweredSink extends SqliteRecords implements UnansweredSink {
  constructor(file: string) {
    super(
      file,
      'unanswered',
      `CREATE TABLE IF NOT EXISTS unanswered (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL, question TEXT NOT NULL, reason TEXT NOT NULL, candidates TEXT NOT NULL,
      locale TEXT NOT NULL, channel_id TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS unanswered_at ON unanswered(at);`,
      'INSERT INTO unanswered (at, question, reason, candidates, locale, channel_id) VALUES (?, ?, ?, ?, ?, ?)',
      'SELECT at, question, reason, candidates, locale, channel_id FROM unanswered WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
  }
  async record(r: UnansweredRecord): Promise<void> {
    this.insert.run(r.at, storedText(r.question), r.reason, JSON.stringify(r.candidates), r.locale, r.channelId);
  }
  async list(q?: ListQuery): Promise<UnansweredRecord[]> {
    const rows = this.select.all(q?.since ?? '', limitOf(q)) as { at: string; question: string; reason: UnansweredRecord['reason']; candidates: string; locale: Locale; channel_id: string }[];
    return rows.map((r) => ({
      at: r.at,
      question: r.question,
      reason: r.reason,
      candidates: JSON.parse(r.candidates) as string[],
      locale: r.locale,
      channelId: r.channel_id,
    }));
  }
}
