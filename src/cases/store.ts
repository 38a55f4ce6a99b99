/**
 * CaseStore: the one interface staff, the bot's live-handoff hook and exports use for cases, and
 * its implementation over SqlDb (SQLite or PostgreSQL; the same queries on both).
 *
 * Guarantees: a case is written before create() resolves (it survives a restart); state changes
 * are single conditional UPDATEs (`… WHERE status = 'waiting'`), so of two staff claiming one
 * case at the same moment exactly one wins and the other gets CaseConflictError — on both
 * databases, without locks held across awaits. The queue is urgent first, then oldest.
 */
import { randomBytes } from 'node:crypto';
import type { SqlDb, SqlValue } from './db';
import {
  type AuditEntry,
  type Case,
  type CaseFilter,
  type CaseId,
  type CaseStatus,
  type CaseWithTranscript,
  CaseConflictError,
  type EntryKind,
  LIVE_STATUSES,
  type NewCase,
  type Outcome,
  type Rating,
  type TranscriptEntry,
} from './model';

export interface CaseStore {
  create(c: NewCase): Promise<Case>;
  get(id: CaseId): Promise<Case | undefined>;
  getWithTranscript(id: CaseId): Promise<CaseWithTranscript | undefined>;
  list(f?: CaseFilter): Promise<Case[]>;
  /** The open (waiting/active) or rating-pending (returned) case of a conversation, newest. */
  findForConversation(channelId: string, conversationId: string): Promise<Case | undefined>;
  /** 1-based place in the waiting queue (undefined unless waiting). */
  queuePosition(id: CaseId): Promise<number | undefined>;
  /** waiting → active for `staff`; CaseConflictError when someone else was first. */
  claim(id: CaseId, staff: string, at?: string): Promise<Case>;
  /** Adds a transcript entry; citizen entries stamp lastCitizenAt, the first staff entry firstResponseAt. */
  append(id: CaseId, entry: TranscriptEntry): Promise<void>;
  /** active (held by `from`) → active held by `to`. */
  transfer(id: CaseId, from: string, to: string, at?: string): Promise<Case>;
  /** active → returned; the bot asks the citizen for a rating. */
  handBack(id: CaseId, staff: string, at?: string): Promise<Case>;
  /** Any open status → closed with an outcome. */
  close(id: CaseId, outcome: Outcome, at?: string): Promise<Case>;
  /** The citizen's rating (only while one is awaited). */
  rate(id: CaseId, rating: Rating | undefined): Promise<void>;
  markUrgent(id: CaseId): Promise<void>;
  audit(e: AuditEntry): Promise<void>;
  auditLog(caseId?: CaseId, limit?: number): Promise<AuditEntry[]>;
}

export const newCaseId = (): CaseId => `c_${randomBytes(12).toString('base64url')}` as CaseId;

interface CaseRow {
  id: string;
  status: string;
  channel_id: string;
  conversation_id: string;
  reference: string;
  locale: string;
  topic: string | null;
  route: string | null;
  district_code: string | null;
  district_name: string | null;
  urgent: number | string;
  summary: string;
  consent_callback: number | string;
  contact: string | null;
  assignee: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  first_response_at: string | null;
  last_citizen_at: string | null;
  handed_back_at: string | null;
  closed_at: string | null;
  outcome: string | null;
  awaiting_rating: number | string;
  rating: number | string | null;
  rating_comment: string | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toCase(r: CaseRow): Case {
  const c: Case = {
    id: r.id as CaseId,
    status: r.status as CaseStatus,
    channelId: r.channel_id,
    conversationId: r.conversation_id,
    reference: JSON.parse(r.reference),
    locale: r.locale,
    urgent: Number(r.urgent) === 1,
    summary: JSON.parse(r.summary),
    consentCallback: Number(r.consent_callback) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    awaitingRating: Number(r.awaiting_rating) === 1,
  };
  const o: Partial<Case> = {
    topic: opt(r.topic),
    route: opt(r.route),
    district: r.district_code ? { code: r.district_code, name: r.district_name ?? r.district_code } : undefined,
    contact: opt(r.contact),
    assignee: opt(r.assignee),
    claimedAt: opt(r.claimed_at),
    firstResponseAt: opt(r.first_response_at),
    lastCitizenAt: opt(r.last_citizen_at),
    handedBackAt: opt(r.handed_back_at),
    closedAt: opt(r.closed_at),
    outcome: opt(r.outcome) as Outcome | undefined,
    rating: r.rating === null ? undefined : { score: Number(r.rating) as Rating['score'], ...(r.rating_comment ? { comment: r.rating_comment } : {}) },
  };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (c as unknown as Record<string, unknown>)[k] = v;
  return c;
}

const QUEUE_ORDER = 'ORDER BY urgent DESC, created_at ASC, id ASC';

export class SqlCaseStore implements CaseStore {
  constructor(
    readonly db: SqlDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private ts(at?: string): string {
    return at ?? this.now().toISOString();
  }

  async create(n: NewCase): Promise<Case> {
    const id = newCaseId();
    const at = this.ts(n.at);
    const urgent = n.summary.urgency.length > 0 ? 1 : 0;
    await this.db.tx(async (t) => {
      await t.run(
        `INSERT INTO cases (id, status, channel_id, conversation_id, reference, locale, topic, route, district_code, district_name,
           urgent, summary, summary_line, consent_callback, contact, created_at, updated_at, last_citizen_at, awaiting_rating)
         VALUES (?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        [
          id,
          n.channelId,
          n.conversationId,
          JSON.stringify(n.reference),
          n.locale,
          n.topic ?? null,
          n.route ?? null,
          n.summary.district?.code ?? null,
          n.summary.district?.name ?? null,
          urgent,
          JSON.stringify(n.summary),
          n.summary.line,
          n.consentCallback ? 1 : 0,
          n.contact ?? null,
          at,
          at,
          at,
        ],
      );
      for (const e of n.transcript) await this.insertEntry(t, id, e);
    });
    return (await this.get(id))!;
  }

  private insertEntry(t: SqlDb, id: CaseId, e: TranscriptEntry): Promise<number> {
    return t.run('INSERT INTO case_entries (case_id, at, kind, author, text) VALUES (?, ?, ?, ?, ?)', [id, e.at, e.kind, e.author ?? null, e.text]);
  }

  async get(id: CaseId): Promise<Case | undefined> {
    const [r] = await this.db.all<CaseRow>('SELECT * FROM cases WHERE id = ?', [id]);
    return r ? toCase(r) : undefined;
  }

  async getWithTranscript(id: CaseId): Promise<CaseWithTranscript | undefined> {
    const c = await this.get(id);
    if (!c) return undefined;
    const rows = await this.db.all<{ at: string; kind: EntryKind; author: string | null; text: string }>(
      'SELECT at, kind, author, text FROM case_entries WHERE case_id = ? ORDER BY id ASC',
      [id],
    );
    const entries = rows.map((r) => ({ at: r.at, kind: r.kind, text: r.text, ...(r.author ? { author: r.author } : {}) }));
    return { ...c, transcript: entries.filter((e) => e.kind !== 'note'), notes: entries.filter((e) => e.kind === 'note') };
  }

  async list(f: CaseFilter = {}): Promise<Case[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const statuses = f.status === undefined ? [] : Array.isArray(f.status) ? f.status : [f.status];
    if (statuses.length) {
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (f.district) where.push('district_code = ?'), params.push(f.district);
    if (f.topic) where.push('topic = ?'), params.push(f.topic);
    if (f.assignee) where.push('assignee = ?'), params.push(f.assignee);
    if (f.closedSince) where.push('closed_at >= ?'), params.push(f.closedSince);
    const limit = Math.max(1, Math.min(f.limit ?? 500, 10_000));
    // LIMIT is a parameter: a text per limit would be one more prepared statement each (see db.ts).
    const rows = await this.db.all<CaseRow>(`SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${QUEUE_ORDER} LIMIT ?`, [...params, limit]);
    return rows.map(toCase);
  }

  async findForConversation(channelId: string, conversationId: string): Promise<Case | undefined> {
    const [r] = await this.db.all<CaseRow>(
      `SELECT * FROM cases WHERE channel_id = ? AND conversation_id = ? AND (status IN ('waiting', 'active') OR (status IN ('returned', 'closed') AND awaiting_rating = 1))
       ORDER BY created_at DESC LIMIT 1`,
      [channelId, conversationId],
    );
    return r ? toCase(r) : undefined;
  }

  async queuePosition(id: CaseId): Promise<number | undefined> {
    const c = await this.get(id);
    if (!c || c.status !== 'waiting') return undefined;
    const [r] = await this.db.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM cases WHERE status = 'waiting' AND (urgent > ? OR (urgent = ? AND (created_at < ? OR (created_at = ? AND id < ?))))`,
      [c.urgent ? 1 : 0, c.urgent ? 1 : 0, c.createdAt, c.createdAt, c.id],
    );
    return Number(r?.n ?? 0) + 1;
  }

  /** Runs a conditional UPDATE; when no row changed, says why (missing or in the wrong status). */
  private async change(id: CaseId, action: string, sql: string, params: SqlValue[]): Promise<Case> {
    const changed = await this.db.run(sql, params);
    const c = await this.get(id);
    if (!changed || !c) throw new CaseConflictError(id, action, c?.status ?? 'missing');
    return c;
  }

  claim(id: CaseId, staff: string, at?: string): Promise<Case> {
    const t = this.ts(at);
    return this.change(id, 'claim', `UPDATE cases SET status = 'active', assignee = ?, claimed_at = ?, updated_at = ? WHERE id = ? AND status = 'waiting'`, [staff, t, t, id]);
  }

  async append(id: CaseId, e: TranscriptEntry): Promise<void> {
    await this.db.tx(async (t) => {
      const n = await this.insertEntry(t, id, e);
      if (!n) throw new CaseConflictError(id, 'append', 'missing');
      if (e.kind === 'citizen') await t.run('UPDATE cases SET last_citizen_at = ?, updated_at = ? WHERE id = ?', [e.at, e.at, id]);
      else if (e.kind === 'staff') {
        await t.run('UPDATE cases SET first_response_at = COALESCE(first_response_at, ?), updated_at = ? WHERE id = ?', [e.at, e.at, id]);
      } else await t.run('UPDATE cases SET updated_at = ? WHERE id = ?', [e.at, id]);
    });
  }

  transfer(id: CaseId, from: string, to: string, at?: string): Promise<Case> {
    const t = this.ts(at);
    return this.change(id, 'transfer', `UPDATE cases SET assignee = ?, updated_at = ? WHERE id = ? AND status = 'active' AND assignee = ?`, [to, t, id, from]);
  }

  handBack(id: CaseId, staff: string, at?: string): Promise<Case> {
    const t = this.ts(at);
    return this.change(
      id,
      'hand back',
      `UPDATE cases SET status = 'returned', handed_back_at = ?, awaiting_rating = 1, updated_at = ? WHERE id = ? AND status = 'active' AND assignee = ?`,
      [t, t, id, staff],
    );
  }

  close(id: CaseId, outcome: Outcome, at?: string): Promise<Case> {
    const t = this.ts(at);
    // A citizen who cancels is not asked for a rating; a case closed by staff keeps a pending one.
    const rating = outcome === 'cancelled' ? ', awaiting_rating = 0' : '';
    return this.change(id, 'close', `UPDATE cases SET status = 'closed', outcome = ?, closed_at = ?, updated_at = ?${rating} WHERE id = ? AND status <> 'closed'`, [outcome, t, t, id]);
  }

  async rate(id: CaseId, rating: Rating | undefined): Promise<void> {
    await this.db.run('UPDATE cases SET rating = ?, rating_comment = ?, awaiting_rating = 0, updated_at = ? WHERE id = ? AND awaiting_rating = 1', [
      rating?.score ?? null,
      rating?.comment ?? null,
      this.ts(),
      id,
    ]);
  }

  async markUrgent(id: CaseId): Promise<void> {
    await this.db.run('UPDATE cases SET urgent = 1, updated_at = ? WHERE id = ?', [this.ts(), id]);
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.db.run('INSERT INTO audit_log (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)', [e.at, e.actor, e.action, e.caseId ?? null, e.detail ?? null]);
  }

  async auditLog(caseId?: CaseId, limit = 200): Promise<AuditEntry[]> {
    const rows = await this.db.all<{ at: string; actor: string; action: string; case_id: string | null; detail: string | null }>(
      `SELECT at, actor, action, case_id, detail FROM audit_log ${caseId ? 'WHERE case_id = ?' : ''} ORDER BY id DESC LIMIT ?`,
      [...(caseId ? [caseId] : []), Math.max(1, Math.min(limit, 10_000))],
    );
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, ...(r.case_id ? { caseId: r.case_id as CaseId } : {}), ...(r.detail ? { detail: r.detail } : {}) }));
  }
}

export { LIVE_STATUSES };
