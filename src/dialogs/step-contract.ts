/**
 * The step contract: what a step handler (steps/) sees and returns. Handlers are plain functions
 * over this context: no Bot Framework types, so each kind can be tested alone with a fake
 * context. The interpreter (interpreter.ts) builds the context from the turn, runs handlers until
 * one waits for the citizen, and keeps FlowState in ConversationState (via botbuilder-dialogs)
 * and Profile in UserState.
 * Layer: ids → flow-schema → model → step-contract → steps (this file imports only below it).
 */
import type { ConversationReference } from 'botbuilder';
import type { KnowledgeBase } from '../content/knowledge';
import type { Locale } from '../content/schema';
import type { Logger } from '../logger';
import type { KnowledgeSearch } from '../search/types';
import type { SlotValue } from './condition';
import type { StepKind, StepOf } from './flow-schema';
import type { FlowId, FlowRef, StepId, TemplateName } from './ids';
import type { LoadedFlows } from './model';
import type { FeedbackSink, HandoffSink, UnansweredSink } from './sinks';

export type { SlotValue } from './condition';

/** An option as shown at the last prompt, so "2" means what the citizen saw as 2. */
export interface ShownOption {
  value: string;
  /** The text shown (already in the citizen's language). */
  label: string;
  synonyms: string[];
  /** "static": an option of the step; "entry": a knowledge entry (dynamic or follow-up);
   *  "flow": another flow offered after an answer (value = flow id); "feedback". */
  source: 'static' | 'entry' | 'flow' | 'feedback';
}

export interface FlowState {
  flow: FlowId;
  step: StepId;
  slots: Record<string, SlotValue>;
  /** For choice slots: the i18n key of the picked option's label (summaries for staff). */
  labels: Record<string, string>;
  retries: number;
  /** Input steps answered so far in this conversation run, for "back". */
  history: { flow: FlowId; step: StepId }[];
  shown: ShownOption[];
}

/**
 * What the conversation is about, kept across turns and flows (ConversationState, not a flow's
 * slots, which a new question replaces): the entry last answered and its topic, or — after a
 * "您想问的是" choice — the entries offered and their topic. Short follow-ups ("那要带什么材料")
 * are read against it (context.ts, aspects.ts); reset and greeting clear it.
 */
export interface TalkContext {
  entry?: string;
  topic?: string;
  /** The entries of the last "您想问的是" choice: a follow-up typed instead of a pick is read among them. */
  offered?: string[];
  /**
   * What the citizen said that the current context came from: the last question searched (and the
   * follow-ups read with it), so an elliptical follow-up can be searched together with it — also
   * when that question was not answered ("您想问的是", "不在范围内"). A menu pick clears it.
   */
  said?: string;
  /**
   * The entry search chose for the last question while a topic's flow has not shown it yet
   * (mediation asks the district first): not on screen (never passed over as already read), but
   * what the next follow-up is about. The answer step clears it when it shows an entry.
   */
  pending?: string;
}

export interface Profile {
  locale?: Locale;
  /** The citizen chose the language themself; the channel's locale no longer overrides it. */
  localeExplicit?: boolean;
  /** District code (knowledge/directory), remembered across conversations. */
  district?: string;
}

export interface Reply {
  text: string;
  /** The template the text was rendered from (channelData.template: transcripts assert it). */
  template?: TemplateName;
  suggestions: string[];
  /** The bot now waits for an answer to a prompt. */
  expectsInput?: boolean;
  /** Buttons (by label) that dial a number where the channel can ("拨打 12348 热线" → tel:12348). */
  dial?: Record<string, string>;
  /** The text asks for a number ("回复序号"): buttons carry their numbers where that is shown. */
  numbered?: boolean;
  /** The whole text behind a short answer (channelData.fullText), for channels that link to it. */
  full?: string;
}

export interface Sinks {
  feedback: FeedbackSink;
  unanswered: UnansweredSink;
  handoff: HandoffSink;
}

export interface EngineServices {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  flows: LoadedFlows;
  sinks: Sinks;
  logger: Logger;
}

export interface TurnInfo {
  channelId: string;
  conversationId: string;
  reference: Partial<ConversationReference>;
}

export interface StepContext {
  readonly services: EngineServices;
  readonly locale: Locale;
  readonly profile: Profile;
  readonly state: FlowState;
  readonly turn: TurnInfo;
  /** The conversation's current entry and topic; steps update it when they answer. */
  readonly talk: TalkContext;
  send(reply: Reply): Promise<void>;
  /**
   * Renders a template (in the citizen's locale unless given) with the common context plus
   * `extra`: the text and the template's name, so `send({ ...ctx.render(t), … })` tags the reply.
   */
  render(template: TemplateName, extra?: Record<string, unknown>, locale?: Locale): Rendered;
  t(key: string, vars?: Record<string, unknown>): string;
  getSlot(name: string): SlotValue | undefined;
  setSlot(name: string, value: SlotValue | undefined): void;
}

/** A rendered template: its text and which template it was. */
export interface Rendered {
  text: string;
  template: TemplateName;
}

export type StepOutcome =
  | { type: 'next'; step: StepId }
  | { type: 'goto'; flow: FlowId; step?: StepId }
  | { type: 'wait' }
  | { type: 'end' }
  /** The citizen's text is a new question, not an answer: start over with it. */
  | { type: 'question'; text: string };

export interface StepTargets {
  /** Steps of the same flow this step can continue to. */
  steps: StepId[];
  /** Other flows ("flow" or "flow#step") it can continue in. */
  flows: FlowRef[];
  /** An input step with skipIf may pass on without waiting (counts as no input in cycle checks). */
  skippable?: boolean;
  templates: TemplateName[];
  keys: string[];
}

export interface StepHandler<K extends StepKind> {
  readonly kind: K;
  /** Shows the step (or does its work). `reprompt` re-shows a waiting step (after "English"). */
  enter(step: StepOf<K>, ctx: StepContext, opts: { reprompt: boolean }): Promise<StepOutcome>;
  /** The citizen's reply to a waiting step. Only kinds that wait implement it. */
  input?(step: StepOf<K>, ctx: StepContext, text: string): Promise<StepOutcome>;
  /** Everything the step refers to, for load-time validation. */
  targets(step: StepOf<K>): StepTargets;
}

export class FlowRuntimeError extends Error {
  constructor(
    message: string,
    readonly flow: string,
    readonly step: string,
  ) {
    super(`${message} (flow ${flow}, step ${step})`);
    this.name = 'FlowRuntimeError';
  }
}
