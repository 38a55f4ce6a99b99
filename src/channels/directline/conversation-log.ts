/**
 * Per-conversation activity log behind the Direct Line endpoint: every activity a client may read
 * (the user's own messages echoed back, the bot's replies, proactive staff messages) in order,
 * each with a sequence number that is its watermark.
 *
 * Contract (any backing store — memory here, Redis for scale-out — must keep it):
 * - append() stores JSON copies, stamps `id` = "<conversationId>|<seq>" and returns the stored copies.
 * - Sequence numbers only grow within a conversation, and a conversation created again (evicted,
 *   restart) starts above any number it handed out before: they start at the wall clock in ms, so a
 *   client's old watermark never hides new activities.
 * - read(after) returns activities with seq > after, oldest first, at most `limit`, and the watermark
 *   to ask with next time. A watermark ahead of the log (it was reset) reads from the start.
 * - The log is bounded: oldest activities are dropped past a count or byte budget per conversation,
 *   least recently used conversations past a count, idle ones after a time. Conversations in which
 *   the citizen has not written yet (a page opened, a token taken) go first: anonymous token +
 *   conversation pairs, however many, cannot push out the history of someone who spoke.
 * - An activity is stored only as JSON it can serve back (bodies are depth-limited before they get
 *   here; one that cannot be serialised is refused, not stored, so a read can never fail on it).
 * - subscribe() calls back after each append to that conversation (WebSocket streams push on it).
 */
import type { Activity } from 'botbuilder';
import { EventEmitter } from 'node:events';
import type { ConversationId } from './tokens';

/** An activity as stored and served: plain JSON, `id` assigned by the log. */
export type LoggedActivity = Partial<Activity> & { id: string };

export interface ActivityPage {
  activities: LoggedActivity[];
  /** Watermark for the next read; "" only when the conversation has never had an activity. */
  watermark: string;
}

export interface ConversationLog {
  /** Creates the conversation when unknown; `created` says whether it was new. */
  open(conversationId: ConversationId): Promise<{ created: boolean }>;
  append(conversationId: ConversationId, activities: Partial<Activity>[]): Promise<LoggedActivity[]>;
  read(conversationId: ConversationId, after: number | undefined, limit: number): Promise<ActivityPage>;
  subscribe(conversationId: ConversationId, onAppend: () => void): () => void;
  close(): Promise<void>;
}

export interface MemoryLogLimits {
  maxActivitiesPerConversation?: number;
  /** Approximate JSON bytes kept per conversation. */
  maxBytesPerConversation?: number;
  maxConversations?: number;
  /** Conversations with no append or read for this long are dropped. */
  idleTtlMs?: number;
  now?: () => number;
}

interface Entry {
  seq: number;
  bytes: number;
  activity: LoggedActivity;
}

interface Conversation {
  nextSeq: number;
  entries: Entry[];
  bytes: number;
  touched: number;
  /** The user has written in it (it then lives in the `spoken` tier). */
  spoken: boolean;
}

/** An activity from the citizen (the echo of what they sent), as opposed to the bot's. */
export const fromUser = (a: Partial<Activity>): boolean => a.from?.role === 'user';

export class MemoryConversationLog implements ConversationLog {
  /** Two LRU tiers (Map order = least recently used first): silent ones are evicted first. */
  private readonly silent = new Map<ConversationId, Conversation>();
  private readonly spoken = new Map<ConversationId, Conversation>();
  private readonly events = new EventEmitter();
  private readonly maxActivities: number;
  private readonly maxBytes: number;
  private readonly maxConversations: number;
  private readonly idleTtlMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(limits: MemoryLogLimits = {}) {
    this.maxActivities = limits.maxActivitiesPerConversation ?? 500;
    this.maxBytes = limits.maxBytesPerConversation ?? 256 * 1024;
    this.maxConversations = limits.maxConversations ?? 5000;
    this.idleTtlMs = limits.idleTtlMs ?? 24 * 3600 * 1000;
    this.now = limits.now ?? Date.now;
    // Every open stream subscribes; the default warning at 10 is noise, not a leak.
    this.events.setMaxListeners(0);
  }

  get size(): number {
    return this.silent.size + this.spoken.size;
  }

  async open(conversationId: ConversationId): Promise<{ created: boolean }> {
    const existed = this.silent.has(conversationId) || this.spoken.has(conversationId);
    this.touch(conversationId);
    return { created: !existed };
  }

  async append(conversationId: ConversationId, activities: Partial<Activity>[]): Promise<LoggedActivity[]> {
    const conv = this.touch(conversationId);
    const stored: LoggedActivity[] = [];
    for (const a of activities) {
      const seq = conv.nextSeq++;
      const json = JSON.stringify({ ...a, id: `${conversationId}|${seq}` });
      if (fromUser(a) && !conv.spoken) {
        conv.spoken = true;
        this.silent.delete(conversationId);
        this.spoken.set(conversationId, conv);
      }
      const activity = JSON.parse(json) as LoggedActivity;
      conv.entries.push({ seq, bytes: json.length, activity });
      conv.bytes += json.length;
      stored.push(JSON.parse(json) as LoggedActivity);
    }
    // Keep at least the newest activity even if it alone is over the byte budget.
    while (conv.entries.length > 1 && (conv.entries.length > this.maxActivities || conv.bytes > this.maxBytes)) {
      conv.bytes -= conv.entries.shift()!.bytes;
    }
    if (stored.length) this.events.emit(conversationId);
    return stored;
  }

  async read(conversationId: ConversationId, after: number | undefined, limit: number): Promise<ActivityPage> {
    const conv = this.touch(conversationId);
    const last = conv.entries.at(-1)?.seq;
    if (last === undefined) return { activities: [], watermark: after === undefined ? '' : String(after) };
    const from = after === undefined || after > last ? -Infinity : after;
    const page: Entry[] = [];
    // Entries are in seq order; scan from the end since readers are almost always near it.
    let i = conv.entries.length;
    while (i > 0 && conv.entries[i - 1]!.seq > from) i--;
    for (; i < conv.entries.length && page.length < limit; i++) page.push(conv.entries[i]!);
    const watermark = page.length ? page.at(-1)!.seq : Math.max(from, last);
    return { activities: page.map((e) => structuredClone(e.activity)), watermark: String(watermark) };
  }

  subscribe(conversationId: ConversationId, onAppend: () => void): () => void {
    this.events.on(conversationId, onAppend);
    return () => this.events.off(conversationId, onAppend);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
    this.silent.clear();
    this.spoken.clear();
  }

  private touch(conversationId: ConversationId): Conversation {
    const now = this.now();
    this.sweep(now);
    let conv = this.silent.get(conversationId) ?? this.spoken.get(conversationId);
    if (conv) {
      // Re-insert so Map order is least recently used first.
      (conv.spoken ? this.spoken : this.silent).delete(conversationId);
    } else {
      conv = { nextSeq: Math.max(1, Math.floor(now)), entries: [], bytes: 0, touched: now, spoken: false };
      while (this.size >= this.maxConversations) {
        const tier = this.silent.size ? this.silent : this.spoken;
        tier.delete(tier.keys().next().value as ConversationId);
      }
    }
    conv.touched = now;
    (conv.spoken ? this.spoken : this.silent).set(conversationId, conv);
    return conv;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const tier of [this.silent, this.spoken]) {
      for (const [id, conv] of tier) {
        if (now - conv.touched <= this.idleTtlMs) break; // LRU order: the rest are newer
        tier.delete(id);
      }
    }
  }
}
