/**
 * The HandoffSink that makes the bot's promise true: each handoff from the dialog flows becomes a
 * stored case (store.create resolves only once it is written), with the structured summary, the
 * conversation so far and the contact only when the citizen gave one for a call-back. Staff are
 * notified (CaseEvents). The bot's live-handoff hook asks `takeCreated` after the turn, to tell
 * the citizen their place in the queue and emit the Bot Framework handoff.initiate event.
 */
import type { HandoffEvent, HandoffSink } from '../dialogs';
import type { CaseEvents } from './events';
import type { HandoffLexicon } from './lexicon';
import type { Case } from './model';
import type { CaseStore } from './store';
import { buildSummary } from './summary';
import { conversationKey, type RecentTranscripts } from './transcripts';

export interface Classification {
  topic?: string;
  matterType?: string;
  route?: string;
}

export interface CaseHandoffSinkDeps {
  cases: CaseStore;
  events: CaseEvents;
  transcripts: RecentTranscripts;
  lexicon: HandoffLexicon;
  isEmergency: (text: string) => boolean;
  /** What the conversation was about (topic, its label and route), from the question. */
  classify: (text: string) => Classification | undefined;
}

export class CaseHandoffSink implements HandoffSink {
  private readonly created = new Map<string, Case>();

  constructor(private readonly deps: CaseHandoffSinkDeps) {}

  async emit(e: HandoffEvent): Promise<void> {
    const conversationId = e.reference.conversation?.id ?? '';
    const key = conversationKey(e.channelId, conversationId);
    const transcript = this.deps.transcripts.get(key);
    const citizenLines = transcript.filter((t) => t.kind === 'citizen').map((t) => t.text);
    const about = this.deps.classify([e.lastQuestion, ...citizenLines.slice(-3), e.summary].filter(Boolean).join(' '));
    const summary = buildSummary({ event: e, transcript, lexicon: this.deps.lexicon, isEmergency: this.deps.isEmergency, matterType: about?.matterType });
    const c = await this.deps.cases.create({
      channelId: e.channelId,
      conversationId,
      reference: e.reference,
      locale: e.locale,
      topic: about?.topic,
      route: about?.route,
      summary,
      consentCallback: !!e.contact,
      contact: e.contact,
      transcript,
      at: e.at,
    });
    this.created.set(key, c);
    this.deps.events.emit('created', c.id);
  }

  /** The case this conversation's current turn created, once. */
  takeCreated(channelId: string, conversationId: string): Case | undefined {
    const key = conversationKey(channelId, conversationId);
    const c = this.created.get(key);
    this.created.delete(key);
    return c;
  }
}
