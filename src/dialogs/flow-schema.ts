/**
 * The schema of a flow file (dialogs/<flow>.yaml). A flow is a list of steps; the first step is
 * where the flow starts. Each step has one `kind`, and each kind has one handler (steps/). The
 * kinds, in an editor's words:
 *   say      show a template, then go on (`next`) or end the flow
 *   choice   ask with buttons; the answer picks an option (number, text, paraphrase, 是/不是)
 *   ask      ask for free text (a district, a phone number, one line of text) and check it
 *   search   look the question up in the knowledge base: confident / unsure / none
 *   answer   show a knowledge entry with its source, route, follow-ups and "helpful?" buttons
 *   branch   go to a step depending on what was collected (`when` over slots)
 *   goto     continue in another flow ("flow" or "flow#step")
 *   handoff  pass the conversation to a person (12348 staff) with a summary
 *   route    tell the citizen where to go (hotline / office of their district), then end
 * Contract: pure zod schemas and inferred types; cross-references are checked in loader.ts
 * (flow-graph.ts). This is where flow, step and template ids get their branded types (ids.ts),
 * once, as they are validated: the parsed flow carries FlowId / StepId / TemplateName / FlowRef
 * and no later code casts a string into one. Layer: ids → flow-schema → model → step contract.
 */
import { z } from 'zod';
import { OFFICE_KINDS, ROUTES } from '../content/schema';
import { asFlowId, asStepId, asTemplate, type FlowRef } from './ids';

const name = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a lowercase id like "ask-district"');
const flowId = name.transform(asFlowId);
const stepId = name.transform(asStepId);
const templateName = name.transform(asTemplate);
const slotName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'must be a slot name like "hardship"');
const i18nKey = z.string().regex(/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/, 'must be an i18n key like "menu.wages"');
/** "flow" or "flow#step", parsed into its parts. */
const flowRef = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(?:#[a-z][a-z0-9-]*)?$/, 'must be "flow" or "flow#step"')
  .transform((ref): FlowRef => {
    const [flow, step] = ref.split('#');
    return step ? { flow: asFlowId(flow!), step: asStepId(step) } : { flow: asFlowId(flow!) };
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** One slot test: a value, any of a list, a bound, or just "$set"/"$unset". */
const slotTest = z.union([
  scalar,
  z.array(scalar).min(1),
  z.object({ gte: z.number() }).strict(),
  z.object({ lte: z.number() }).strict(),
]);
/** All listed slots must pass. */
export const conditionSchema = z.record(slotName, slotTest).refine((c) => Object.keys(c).length > 0, 'a condition needs at least one slot');
export type Condition = z.infer<typeof conditionSchema>;

const setSchema = z.record(slotName, scalar);

const base = {
  id: stepId,
  /** Slots to set when the step is entered (e.g. result: likely). */
  set: setSchema.optional(),
  /** A note for editors; never shown to citizens. */
  note: z.string().optional(),
};

const inputBase = {
  ...base,
  prompt: templateName,
  /** Template shown (with the prompt's options) when the answer is not understood. */
  retry: templateName.optional(),
  maxRetries: z.number().int().min(0).max(5).default(2),
  /** Where to go when the citizen still has not answered after maxRetries. */
  onFail: stepId.optional(),
  /** Skip the question when this condition already holds (e.g. the district is known). */
  skipIf: conditionSchema.optional(),
};

export const optionSchema = z
  .object({
    value: z.union([name, z.literal('yes'), z.literal('no')]),
    label: i18nKey,
    /** Other words citizens use for this option (any language). */
    synonyms: z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1))).default([]),
    next: stepId.optional(),
    goto: flowRef.optional(),
    set: setSchema.optional(),
    /** Only offer this option when the condition holds. */
    when: conditionSchema.optional(),
    /** A hotline id (knowledge/directory): where buttons can dial, this one dials it (tel:). */
    dial: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => (o.next ? 1 : 0) + (o.goto ? 1 : 0) === 1, 'an option needs exactly one of next or goto');
export type ChoiceOptionDef = z.infer<typeof optionSchema>;

export const DYNAMIC_OPTIONS = ['candidates'] as const;

const sayStep = z.object({ ...base, kind: z.literal('say'), template: templateName, next: stepId.optional() }).strict();

const choiceStep = z
  .object({
    ...inputBase,
    kind: z.literal('choice'),
    /** Stores the picked option's value. */
    slot: slotName.optional(),
    options: z.array(optionSchema).default([]),
    /** Options computed at run time, listed before the fixed ones: candidates = search's top hits. */
    dynamic: z.enum(DYNAMIC_OPTIONS).optional(),
    /** Where a dynamic option leads (its id is stored in the `entry` slot). */
    onPick: stepId.optional(),
    /** What an answer that matches no option means: ask again, or treat it as a new question. */
    otherwise: z.enum(['retry', 'question']).default('retry'),
  })
  .strict()
  .refine((s) => s.options.length + (s.dynamic ? 1 : 0) > 0, 'a choice needs options or dynamic options')
  .refine((s) => !s.dynamic || s.onPick, 'dynamic options need onPick');

export const VALIDATORS = ['text', 'district', 'phone'] as const;
export type ValidatorKind = (typeof VALIDATORS)[number];

const askStep = z
  .object({
    ...inputBase,
    kind: z.literal('ask'),
    slot: slotName,
    validate: z.enum(VALIDATORS).default('text'),
    /** The citizen may decline ("跳过", "不用了"); the slot stays empty. */
    optional: z.boolean().default(false),
    maxLength: z.number().int().min(1).max(2000).default(200),
    next: stepId.optional(),
    /** An answer that fails the check but asks something ("他不肯赔呢"): ask again, or treat it as a new question. */
    otherwise: z.enum(['retry', 'question']).default('retry'),
  })
  .strict();

const searchStep = z
  .object({ ...base, kind: z.literal('search'), query: slotName, confident: stepId, unsure: stepId, none: stepId })
  .strict();

const answerStep = z
  .object({
    ...base,
    kind: z.literal('answer'),
    entry: slotName,
    template: templateName.optional(),
    /** After "有帮助". */
    helpful: stepId,
    /** After "没帮助". */
    unhelpful: stepId,
  })
  .strict();

const branchStep = z
  .object({
    ...base,
    kind: z.literal('branch'),
    cases: z.array(z.object({ when: conditionSchema, next: stepId }).strict()).min(1),
    else: stepId,
  })
  .strict();

const gotoStep = z.object({ ...base, kind: z.literal('goto'), flow: flowRef }).strict();

const handoffStep = z.object({ ...base, kind: z.literal('handoff'), next: stepId.optional() }).strict();

const routeStep = z
  .object({
    ...base,
    kind: z.literal('route'),
    /** A route id, or "entry" for the route of the entry in the `entry` slot. */
    route: z.union([z.enum(ROUTES), z.literal('entry')]),
    /** The office to name for the citizen's district (else the route's default office). */
    office: z.enum(OFFICE_KINDS).optional(),
    /** Shown before the route lines. */
    template: templateName.optional(),
    next: stepId.optional(),
  })
  .strict();

export const stepSchema = z.discriminatedUnion('kind', [
  sayStep,
  choiceStep,
  askStep,
  searchStep,
  answerStep,
  branchStep,
  gotoStep,
  handoffStep,
  routeStep,
]);
export type StepDef = z.infer<typeof stepSchema>;
export type StepKind = StepDef['kind'];
export type StepOf<K extends StepKind> = Extract<StepDef, { kind: K }>;

export const flowFileSchema = z
  .object({
    id: flowId,
    description: z.string().min(1),
    /** Phrases that start this flow from anywhere a question is expected (matched inside the message). */
    triggers: z.array(z.string().min(2)).default([]),
    /** Confident answers in these topics run this flow (with the entry in the `entry` slot). */
    topics: z.array(z.string()).default([]),
    /** After answering an entry in one of these topics, offer this flow as a button. */
    offer: z.object({ topics: z.array(z.string()).min(1), label: i18nKey }).strict().optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type FlowFile = z.infer<typeof flowFileSchema>;

/** Kinds that wait for the citizen; a loop must pass through one of these. */
export const INPUT_KINDS: ReadonlySet<StepKind> = new Set(['choice', 'ask', 'answer']);
