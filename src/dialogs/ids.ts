/**
 * Typed identifiers for flows, steps, templates and slots. Flow files are data, so ids arrive as
 * strings; the flow schema (flow-schema.ts) brands them once, as it validates them, with the
 * as* functions below — the only casts to these types — and everything after sees branded ids.
 * The engine itself needs a handful of flows to exist (CORE_FLOWS); the loader checks they do.
 * Bottom layer of src/dialogs: imports nothing.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type FlowId = Brand<string, 'FlowId'>;
export type StepId = Brand<string, 'StepId'>;
export type SlotName = Brand<string, 'SlotName'>;
export type TemplateName = Brand<string, 'TemplateName'>;
export type I18nKey = Brand<string, 'I18nKey'>;

export const asFlowId = (s: string) => s as FlowId;
export const asStepId = (s: string) => s as StepId;
export const asSlot = (s: string) => s as SlotName;
export const asTemplate = (s: string) => s as TemplateName;
export const asKey = (s: string) => s as I18nKey;

/** Where a goto leads: another flow's first step, or the step named in "flow#step". */
export interface FlowRef {
  flow: FlowId;
  step?: StepId;
}

/** Flows the engine starts by itself; every one must exist in dialogs/. */
export const CORE_FLOWS = {
  welcome: asFlowId('welcome'),
  answer: asFlowId('answer'),
  emergency: asFlowId('emergency'),
  handoff: asFlowId('handoff'),
} as const;

/** Steps the engine enters directly (the menu for "菜单", the answer view for a picked entry). */
export const CORE_STEPS = {
  welcomeMenu: { flow: CORE_FLOWS.welcome, step: asStepId('menu') },
} as const;

/** Slots the engine itself reads or writes; flows may use any other slot names freely. */
export const SLOTS = {
  question: asSlot('question'),
  entry: asSlot('entry'),
  candidates: asSlot('candidates'),
  misses: asSlot('misses'),
  /** The search's reason (strong, weak, ambiguous, no-match, empty, topic): flows branch on it. */
  verdict: asSlot('verdict'),
  /** True when the question was read as a follow-up of the entry on screen (or stayed in its topic). */
  followup: asSlot('followup'),
  /** The topic title a "您想问的是" was narrowed to (a follow-up read in the topic on screen). */
  narrowed: asSlot('narrowed'),
  emergency: asSlot('emergency'),
  /** Numbers to call in an emergency ("110" first). */
  calls: asSlot('calls'),
  summary: asSlot('summary'),
  contact: asSlot('contact'),
  /** Remembered for the user across conversations (UserState), not per flow. */
  district: asSlot('district'),
} as const;

/** Slots stored on the user profile (its fields of the same name) rather than in the flow. */
const PROFILE_SLOT_NAMES = new Set<string>([SLOTS.district]);
export const PROFILE_SLOTS = { has: (slot: string): slot is 'district' => PROFILE_SLOT_NAMES.has(slot) };

/** Templates and UI strings the engine renders from code (checked at load like flow references). */
export const CODE_TEMPLATES = {
  answer: asTemplate('answer'),
  /** The whole entry behind the short answer (展开全文, and WeChat's full-answer page). */
  answerFull: asTemplate('answer-full'),
  /** Danger words with an unclear time: one 110 line before the answer. */
  emergencyCaution: asTemplate('emergency-caution'),
  route: asTemplate('route'),
  help: asTemplate('help'),
  languageSwitched: asTemplate('language-switched'),
  /** "你会说英语吗": how to switch, in both languages, with what the bot does. */
  languageOffer: asTemplate('language-offer'),
  nonText: asTemplate('non-text'),
  handoffSummary: asTemplate('handoff-summary'),
  handoffFailed: asTemplate('handoff-failed'),
  gaveUp: asTemplate('gave-up'),
  districtNoted: asTemplate('district-noted'),
  welcome: asTemplate('you-are-welcome'),
  acknowledged: asTemplate('acknowledged'),
  smallTalk: asTemplate('small-talk'),
  /** A choice answered with a number it does not have, or not understood where no retry text is given. */
  choiceRetry: asTemplate('choice-retry'),
} as const;

export const CODE_KEYS = {
  apology: asKey('error.apology'),
  helpful: asKey('feedback.helpful'),
  unhelpful: asKey('feedback.unhelpful'),
  skip: asKey('choice.skip'),
  noneOfThese: asKey('choice.none-of-these'),
  /** The words in a prompt that ask for a number: the buttons then carry their numbers. */
  byNumber: asKey('choice.by-number'),
  /** The button after an answer's follow-ups that shows the whole entry. */
  fullText: asKey('answer.more'),
  backNothing: asKey('nav.back-nothing'),
} as const;
