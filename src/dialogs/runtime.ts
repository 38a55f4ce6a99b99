/**
 * What a step handler sees and returns. Handlers are plain functions over this context: no Bot
 * Framework types, so each kind can be tested alone. The interpreter (interpreter.ts) builds the
 * context from the turn, runs handlers until one waits for the citizen, and keeps FlowState in
 * ConversationState (via botbuilder-dialogs) and Profile in UserState.
 */
import type { ConversationReference } from 'botbuilder';
import type { KnowledgeBase } from '../content/knowledge';
import type { Locale } from '../content/schema';
import type { Logger } from '../logger';
import type { KnowledgeSearch } from '../search/types';
import type { Condition, StepKind, StepOf } from './flow-schema';
import type { FlowId, SlotName, StepId, TemplateName } from './ids';
import type { LoadedFlows } from './loader';
import type { FeedbackSink, HandoffSink, UnansweredSink } from './sinks';

export type SlotValue = string | number | boolean | string[];

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
 * slots, which a new question replaces): the entry last answered and its topic. Short follow-ups
 * ("那要带什么材料") are read against it (context.ts); reset and greeting clear it.
 */
export interface TalkContext {
  entry?: string;
  topic?: string;
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
  /** Renders a template (in the citizen's locale unless given) with the common context plus `extra`. */
  render(template: TemplateName | string, extra?: Record<string, unknown>, locale?: Locale): string;
  t(key: string, vars?: Record<string, unknown>): string;
  getSlot(name: SlotName | string): SlotValue | undefined;
  setSlot(name: SlotName | string, value: SlotValue | undefined): void;
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
  steps: string[];
  /** Other flows ("flow" or "flow#step") it can continue in. */
  flows: string[];
  /** An input step with skipIf may pass on without waiting (counts as no input in cycle checks). */
  skippable?: boolean;
  templates: string[];
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

function isEmpty(v: SlotValue | undefined): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Every listed slot must pass: a value, any of a list, {gte}/{lte}, or "$set"/"$unset". */
export function evalCondition(cond: Condition, get: (slot: string) => SlotValue | undefined): boolean {
  return Object.entries(cond).every(([slot, test]) => {
    const v = get(slot);
    if (test === '$set') return !isEmpty(v);
    if (test === '$unset') return isEmpty(v);
    if (typeof test === 'object' && !Array.isArray(test)) {
      const n = typeof v === 'number' ? v : Number(v ?? 0);
      if ('gte' in test) return n >= test.gte;
      return n <= test.lte;
    }
    const wanted = (Array.isArray(test) ? test : [test]).map(String);
    const have = Array.isArray(v) ? v.map(String) : isEmpty(v) ? [] : [String(v)];
    return have.some((h) => wanted.includes(h));
  });
}

export function parseFlowRef(ref: string): { flow: FlowId; step?: StepId } {
  const [flow, step] = ref.split('#');
  return { flow: flow as FlowId, step: step ? (step as StepId) : undefined };
}

export const noTargets = (): StepTargets => ({ steps: [], flows: [], templates: [], keys: [] });
