/**
 * The Direct Line conversation log in SQLite (STATE_STORE=sqlite:<file>), so a web-chat history
 * survives a restart or kill -9: the token the page holds stays valid (DIRECTLINE_SECRET) and the
 * page, reconnecting with its watermark, finds its conversation and every activity it had.
 * Same contract as MemoryConversationLog (conversation-log.ts): ids "<conversationId>|<seq>",
 * sequence numbers starting at the wall clock in ms and only growing, per-conversation count and
 * byte budgets (oldest dropped), silent conversations (the citizen never wrote) purged first when
 * the count of conversations passes its cap. Each append is one transaction (WAL + synchronous
 * NORMAL: committed means on disk for a process crash). subscribe() is in-process (one server per
 * file; the scale-out work moves it to Redis pub/sub).
 */
import type { Activity } from 'botbuilder';
import type Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { openDatabase } from '../../state/sqlite-file';
import { type ActivityPage, type ConversationLog, fromUser, type LoggedActivity, type MemoryLogLimits } from './conversation-log';
import type { ConversationId } from './tokens';

interface ConvRow {
  next_seq: number;
  spoken: number;
}

export class SqliteConversationLog implements ConversationLog {
  private readonly db: Database.Database;
  private readonly events = new EventEmitter();
  private readonly maxActivities: number;
  private readonly maxBytes: number;
  private readonly maxConversations: number;
  private readonly now: () => number;
  private readonly stmts: {
    getConv: Database.Statement<[string], ConvRow>;
    insertConv: Database.Statement<[string, number, number]>;
    touch: Database.Statement<[number, string]>;
    setSeq: Database.Statement<[number, number, number, string]>;
    insertAct: Database.Statement<[string, number, string, number]>;
    trim: Database.Statement<[string, string, number]>;
    trimBytes: Database.Statement<[string, string, number]>;
    page: Database.Statement<[string, number, number], { seq: number; json: string }>;
    last: Database.Statement<[string], { seq: number | null }>;
    count: Database.Statement<[], { n: number }>;
    evictSilent: Database.Statement<[number]>;
    evictAny: Database.Statement<[number]>;
    purgeActs: Database.Statement<[number]>;
    purgeConvs: Database.Statement<[number]>;
  };
  private readonly appendTx: (id: string, activities: Partial<Activity>[]) => LoggedActivity[];
  private readonly openTx: (id: string) => boolean;

  constructor(file: string, limits: MemoryLogLimits = {}) {
    this.db = openDatabase(file);
    this.maxActivities = limits.maxActivitiesPerConversation ?? 500;
    this.maxBytes = limits.maxBytesPerConversation ?? 256 * 1024;
    this.maxConversations = limits.maxConversations ?? 100_000;
    this.now = limits.now ?? Date.now;
    this.events.setMaxListeners(0);
    this.db.exec(`CREATE TABLE IF NOT EXISTS dl_conversation (
      id TEXT PRIMARY KEY, next_seq INTEGER NOT NULL, touched INTEGER NOT NULL, spoken INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS dl_conversation_touched ON dl_conversation(spoken, touched);
    CREATE TABLE IF NOT EXISTS dl_activity (
      conversation TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, bytes INTEGER NOT NULL,
      PRIMARY KEY (conversation, seq)
    );`);
    const db = this.db;
    this.stmts = {
      getConv: db.prepare('SELECT next_seq, spoken FROM dl_conversation WHERE id = ?'),
      insertConv: db.prepare('INSERT INTO dl_conversation (id, next_seq, touched, spoken) VALUES (?, ?, ?, 0)'),
      touch: db.prepare('UPDATE dl_conversation SET touched = ? WHERE id = ?'),
      setSeq: db.prepare('UPDATE dl_conversation SET next_seq = ?, touched = ?, spoken = MAX(spoken, ?) WHERE id = ?'),
      insertAct: db.prepare('INSERT INTO dl_activity (conversation, seq, json, bytes) VALUES (?, ?, ?, ?)'),
      // Keep the newest maxActivities, and (newest first) only as many as fit the byte budget.
      trim: db.prepare('DELETE FROM dl_activity WHERE conversation = ? AND seq < (SELECT MIN(seq) FROM (SELECT seq FROM dl_activity WHERE conversation = ? ORDER BY seq DESC LIMIT ?))'),
      trimBytes: db.prepare(`DELETE FROM dl_activity WHERE conversation = ? AND seq IN (
        SELECT seq FROM (SELECT seq, SUM(bytes) OVER (ORDER BY seq DESC) AS total, ROW_NUMBER() OVER (ORDER BY seq DESC) AS n
          FROM dl_activity WHERE conversation = ?) WHERE total > ? AND n > 1)`),
      page: db.prepare('SELECT seq, json FROM dl_activity WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?'),
      last: db.prepare('SELECT MAX(seq) AS seq FROM dl_activity WHERE conversation = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM dl_conversation'),
      evictSilent: db.prepare('DELETE FROM dl_conversation WHERE id IN (SELECT id FROM dl_conversation WHERE spoken = 0 ORDER BY touched LIMIT ?)'),
      evictAny: db.prepare('DELETE FROM dl_conversation WHERE id IN (SELECT id FROM dl_conversation ORDER BY touched LIMIT ?)'),
      purgeActs: db.prepare('DELETE FROM dl_activity WHERE conversation IN (SELECT id FROM dl_conversation WHERE touched < ?)'),
      purgeConvs: db.prepare('DELETE FROM dl_conversation WHERE touched < ?'),
    };
    this.db.exec(`CREATE TRIGGER IF NOT EXISTS dl_conversation_gone AFTER DELETE ON dl_conversation
      BEGIN DELETE FROM dl_activity WHERE conversation = OLD.id; END;`);
    this.openTx = db.transaction((id: string) => this.ensure(id).created);
    this.appendTx = db.transaction((id: string, activities: Partial<Activity>[]) => {
      const { row } = this.ensure(id);
      let seq = row.next_seq;
      let spoken = row.spoken;
      const stored: LoggedActivity[] = [];
      for (const a of activities) {
        const json = JSON.stringify({ ...a, id: `${id}|${seq}` });
        this.stmts.insertAct.run(id, seq, json, json.length);
        if (fromUser(a)) spoken = 1;
        stored.push(JSON.parse(json) as LoggedActivity);
        seq++;
      }
      this.stmts.setSeq.run(seq, this.now(), spoken, id);
      this.stmts.trim.run(id, id, this.maxActivities);
      this.stmts.trimBytes.run(id, id, this.maxBytes);
      return stored;
    });
  }

  /** The conversation's row, created (evicting past the cap) when unknown. Inside a transaction. */
  private ensure(id: string): { row: ConvRow; created: boolean } {
    const row = this.stmts.getConv.get(id);
    if (row) {
      this.stmts.touch.run(this.now(), id);
      return { row, created: false };
    }
    const over = this.stmts.count.get()!.n - this.maxConversations + 1;
    if (over > 0) {
      const gone = this.stmts.evictSilent.run(over).changes;
      if (gone < over) this.stmts.evictAny.run(over - gone);
    }
    const next = Math.max(1, Math.floor(this.now()));
    this.stmts.insertConv.run(id, next, this.now());
    return { row: { next_seq: next, spoken: 0 }, created: true };
  }

  async open(conversationId: ConversationId): Promise<{ created: boolean }> {
    return { created: this.openTx(conversationId) };
  }

  async append(conversationId: ConversationId, activities: Partial<Activity>[]): Promise<LoggedActivity[]> {
    const stored = this.appendTx(conversationId, activities);
    if (stored.length) this.events.emit(conversationId);
    return stored;
  }

  async read(conversationId: ConversationId, after: number | undefined, limit: number): Promise<ActivityPage> {
    this.openTx(conversationId);
    const last = this.stmts.last.get(conversationId)?.seq ?? null;
    if (last === null) return { activities: [], watermark: after === undefined ? '' : String(after) };
    const from = after === undefined || after > last ? -1 : after;
    const rows = this.stmts.page.all(conversationId, from, limit);
    const watermark = rows.length ? rows.at(-1)!.seq : Math.max(from, last);
    return { activities: rows.map((r) => JSON.parse(r.json) as LoggedActivity), watermark: String(watermark) };
  }

  subscribe(conversationId: ConversationId, onAppend: () => void): () => void {
    this.events.on(conversationId, onAppend);
    return () => this.events.off(conversationId, onAppend);
  }

  /** Retention: conversations untouched since `cutoffMs` are deleted with their activities. */
  purgeBefore(cutoffMs: number): number {
    return this.db.transaction(() => {
      this.stmts.purgeActs.run(cutoffMs);
      return this.stmts.purgeConvs.run(cutoffMs).changes;
    })();
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
    if (this.db.open) this.db.close();
  }
}
