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

/**
 * At most `max` records, masked on the way in; older ones fall out as new ones arrive. Listed
 * newest first; retention drops those older than a cutoff.
 */
class BoundedSink<T extends { at: string }> {
  private readonly list_: T[] = [];
  constructor(
    readonly max: number,
    private readonly mask: (r: T) => T,
  ) {}
  get records(): readonly T[] {
    return this.list_;
  }
  async record(r: T): Promise<void> {
    this.list_.push(this.mask(r));
    if (this.list_.length > this.max) this.list_.splice(0, this.list_.length - this.max);
  }
  async list(q?: ListQuery): Promise<T[]> {
    return newestFirst(this.list_, q);
  }
  /** Retention: drops records older than `cutoffMs`; returns how many. */
  purgeBefore(cutoffMs: number): number {
    const cutoffIso = new Date(cutoffMs).toISOString();
    const before = this.list_.length;
    const kept = this.list_.filter((r) => r.at >= cutoffIso);
    this.list_.splice(0, this.list_.length, ...kept);
    return before - kept.length;
  }
}

export class BoundedFeedbackSink extends BoundedSink<FeedbackRecord> implements FeedbackSink {
  constructor(max = 5_000) {
    super(max, (r) => ({ ...r, question: r.question === undefined ? undefined : storedText(r.question) }));
  }
}

export class BoundedUnansweredSink extends BoundedSink<UnansweredRecord> implements UnansweredSink {
  constructor(max = 5_000) {
    super(max, (r) => ({ ...r, question: storedText(r.question) }));
  }
}
