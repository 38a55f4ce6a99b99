/**
 * Typed identifiers for flows, steps and slots. Flow files are data, so ids arrive as strings;
 * the loader brands them once after validation and handlers only ever see the branded types.
 * The engine itself needs a handful of flows to exist (CORE_FLOWS); the loader checks they do.
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

/** Slots stored on the user profile rather than in the flow. */
export const PROFILE_SLOTS: ReadonlySet<SlotName> = new Set([SLOTS.district]);

/** Templates and UI strings the engine renders from code (checked at load like flow references). */
export const CODE_TEMPLATES = {
  answer: asTemplate('answer'),
  /** Danger words with an unclear time: one 110 line before the answer. */
  emergencyCaution: asTemplate('emergency-caution'),
  route: asTemplate('route'),
  help: asTemplate('help'),
  languageSwitched: asTemplate('language-switched'),
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
  backNothing: asKey('nav.back-nothing'),
} as const;
