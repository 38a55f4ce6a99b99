/**
 * The recent lines of each conversation (what the citizen wrote and what the bot answered), kept
 * so a case starts with the conversation that led to it. Bounded: the last `perConversation`
 * lines of at most `conversations` conversations, the least recently active dropped first.
 * In memory: after a restart a new case starts with what was said since. The bounds are kept small
 * (bot answers are long): 20 lines of at most 1,000 characters for 5,000 conversations is at most
 * ~200 MB in the worst case and a few MB in practice, where 40 × 4,000 × 20,000 could reach gigabytes.
 */
import type { TranscriptEntry } from './model';

/** A transcript line longer than this keeps its start (staff see the whole answer in the entry). */
export const MAX_LINE_CHARS = 1000;

export const conversationKey = (channelId: string, conversationId: string) => `${channelId}/${conversationId}`;

export class RecentTranscripts {
  private readonly lines = new Map<string, TranscriptEntry[]>();

  constructor(
    private readonly perConversation = 20,
    private readonly conversations = 5_000,
  ) {}

  add(key: string, entry: TranscriptEntry): void {
    const list = this.lines.get(key) ?? [];
    this.lines.delete(key);
    list.push({ ...entry, text: entry.text.slice(0, MAX_LINE_CHARS) });
    while (list.length > this.perConversation) list.shift();
    this.lines.set(key, list);
    if (this.lines.size > this.conversations) {
      const oldest = this.lines.keys().next();
      if (!oldest.done) this.lines.delete(oldest.value);
    }
  }

  get(key: string): TranscriptEntry[] {
    return [...(this.lines.get(key) ?? [])];
  }

  forget(key: string): void {
    this.lines.delete(key);
  }
}
