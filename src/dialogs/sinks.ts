/**
 * Where the conversation engine reports what editors and staff need, behind small interfaces:
 *   FeedbackSink    "这个回答有帮助吗？" answers, per entry
 *   UnansweredSink  questions search could not answer confidently (what content is missing)
 *   HandoffSink     a citizen asked for a person; the handoff issue builds the staff side
 * Implementations here keep records in memory (tests, single process); src/state/records.ts keeps
 * feedback and unanswered questions in SQLite. Stored question text is always masked
 * (maskPersonalData) and cut to MAX_STORED_QUESTION; a handoff's call-back number is the only raw
 * personal datum, given with the citizen's consent for the call-back and never logged.
 */
import type { ConversationReference } from 'botbuilder';
import type { Locale } from '../content/schema';
import { maskPersonalData } from '../logger';
import type { SearchResult } from '../search/types';
import { cut } from './input';

export const MAX_STORED_QUESTION = 500;

/** Masked and bounded text for storage; never the raw message. */
export function storedText(text: string): string {
  return cut(maskPersonalData(text), MAX_STORED_QUESTION);
}

export interface ListQuery {
  /** ISO timestamp; only records at or after it. */
  since?: string;
  /** Newest first; at most this many (default 100). */
  limit?: number;
}

export interface FeedbackRecord {
  at: string;
  entryId: string;
  helpful: boolean;
  locale: Locale;
  channelId: string;
  /** The question that led to the answer (masked), when there was one. */
  question?: string;
}

export interface FeedbackSink {
  record(r: FeedbackRecord): Promise<void>;
  list(q?: ListQuery): Promise<FeedbackRecord[]>;
}

export interface UnansweredRecord {
  at: string;
  question: string;
  reason: SearchResult['reason'];
  /** Ids of the closest entries (may be empty). */
  candidates: string[];
  locale: Locale;
  channelId: string;
}

export interface UnansweredSink {
  record(r: UnansweredRecord): Promise<void>;
  list(q?: ListQuery): Promise<UnansweredRecord[]>;
}

export interface HandoffEvent {
  type: 'handoff';
  id: string;
  at: string;
  /** Enough to reply into the conversation later (adapter.send / continueConversation). */
  reference: Partial<ConversationReference>;
  channelId: string;
  locale: Locale;
  district?: { code: string; name: string };
  /** Call-back phone number the citizen chose to give (raw: staff need it to call). */
  contact?: string;
  /** One line for staff, masked. */
  summary: string;
  /** What the conversation collected (screening answers etc.), as label → answer text, masked. */
  answers: Record<string, string>;
  /** The last question asked before the handoff, masked. */
  lastQuestion?: string;
}

export interface HandoffSink {
  emit(e: HandoffEvent): Promise<void>;
}

function newestFirst<T extends { at: string }>(items: T[], q: ListQuery = {}): T[] {
  const since = q.since;
  return items
    .filter((r) => !since || r.at >= since)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, Math.max(0, q.limit ?? 100));
}

export class MemoryFeedbackSink implements FeedbackSink {
  readonly records: FeedbackRecord[] = [];
  async record(r: FeedbackRecord): Promise<void> {
    this.records.push({ ...r, question: r.question === undefined ? undefined : storedText(r.question) });
  }
  async list(q?: ListQuery): Promise<FeedbackRecord[]> {
    return newestFirst([...this.records], q);
  }
}

export class MemoryUnansweredSink implements UnansweredSink {
  readonly records: UnansweredRecord[] = [];
  async record(r: UnansweredRecord): Promise<void> {
    this.records.push({ ...r, question: storedText(r.question) });
  }
  async list(q?: ListQuery): Promise<UnansweredRecord[]> {
    return newestFirst([...this.records], q);
  }
}

/** Keeps events and calls listeners (the staff side subscribes here until it has its own store). */
export class MemoryHandoffSink implements HandoffSink {
  readonly events: HandoffEvent[] = [];
  private readonly listeners: ((e: HandoffEvent) => void | Promise<void>)[] = [];
  on(listener: (e: HandoffEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }
  async emit(e: HandoffEvent): Promise<void> {
    this.events.push(e);
    for (const l of this.listeners) await l(e);
  }
}
