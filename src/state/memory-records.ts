/**
 * In-memory feedback and unanswered-question records with a bound: the newest `max` of each are
 * kept (the editors' pages read the recent ones; SQLite keeps history). Text is masked on the way
 * in (storedText), as in the SQLite sinks. Used by createRecordSinks for STATE_STORE=memory.
 */
import { type FeedbackRecord, type FeedbackSink, type ListQuery, storedText, type UnansweredRecord, type UnansweredSink } from '../dialogs';

/** Newest-first listing, as every sink answers list(). */
function newestFirst<T extends { at: string }>(items: readonly T[], q: ListQuery = {}): T[] {
  const since = q.since;
  return items
    .filter((r) => !since || r.at >= since)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, Math.max(0, Math.min(q.limit ?? 100, 10_000)));
}

/** A ring of at most `max` records; older ones fall out as new ones arrive. */
class BoundedList<T extends { at: string }> {
  readonly records: T[] = [];
  constructor(readonly max: number) {}
  push(r: T): void {
    this.records.push(r);
    if (this.records.length > this.max) this.records.splice(0, this.records.length - this.max);
  }
  /** Removes records older than the cutoff (ISO time); returns how many. */
  purgeBefore(cutoffIso: string): number {
    const before = this.records.length;
    const kept = this.records.filter((r) => r.at >= cutoffIso);
    this.records.splice(0, this.records.length, ...kept);
    return before - kept.length;
  }
}

export class BoundedFeedbackSink implements FeedbackSink {
  private readonly list_: BoundedList<FeedbackRecord>;
  constructor(max = 5_000) {
    this.list_ = new BoundedList(max);
  }
  get records(): readonly FeedbackRecord[] {
    return this.list_.records;
  }
  async record(r: FeedbackRecord): Promise<void> {
    this.list_.push({ ...r, question: r.question === undefined ? undefined : storedText(r.question) });
  }
  async list(q?: ListQuery): Promise<FeedbackRecord[]> {
    return newestFirst(this.list_.records, q);
  }
  /** Retention: drops records older than `cutoffMs`. */
  purgeBefore(cutoffMs: number): number {
    return this.list_.purgeBefore(new Date(cutoffMs).toISOString());
  }
}

export class BoundedUnansweredSink implements UnansweredSink {
  private readonly list_: BoundedList<UnansweredRecord>;
  constructor(max = 5_000) {
    this.list_ = new BoundedList(max);
  }
  get records(): readonly UnansweredRecord[] {
    return this.list_.records;
  }
  async record(r: UnansweredRecord): Promise<void> {
    this.list_.push({ ...r, question: storedText(r.question) });
  }
  async list(q?: ListQuery): Promise<UnansweredRecord[]> {
    return newestFirst(this.list_.records, q);
  }
  /** Retention: drops records older than `cutoffMs`. */
  purgeBefore(cutoffMs: number): number {
    return this.list_.purgeBefore(new Date(cutoffMs).toISOString());
  }
}
