/**
 * The recent lines of each conversation (what the citizen wrote and what the bot answered), kept
 * so a case starts with the conversation that led to it. Bounded: the last `perConversation`
 * lines of at most `conversations` conversations, the least recently active dropped first.
 * In memory: after a restart a new case starts with what was said since.
 */
import type { TranscriptEntry } from './model';

export const conversationKey = (channelId: string, conversationId: string) => `${channelId}/${conversationId}`;

export class RecentTranscripts {
  private readonly lines = new Map<string, TranscriptEntry[]>();

  constructor(
    private readonly perConversation = 40,
    private readonly conversations = 20_000,
  ) {}

  add(key: string, entry: TranscriptEntry): void {
    const list = this.lines.get(key) ?? [];
    this.lines.delete(key);
    list.push({ ...entry, text: entry.text.slice(0, 4000) });
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
