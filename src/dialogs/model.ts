/**
 * What the loader produces from dialogs/: validated flows (steps by branded id) and the lexicons,
 * templates and strings the engine reads. Types only; loader.ts builds a LoadedFlows, everything
 * above it (step contract, steps, interpreter, engine) only reads one.
 * Layer: ids → flow-schema → model → step-contract → steps → loader / interpreter → engine.
 */
import type { ContentIssue } from '../content/errors';
import type { TemplateSet } from '../i18n/templates';
import type { Translator } from '../i18n/i18n';
import type { ChoiceLexicon } from './choice-recognizer';
import type { CommandLexicon } from './commands';
import type { ContextLexicon } from './context';
import type { EmergencyRules } from './emergency';
import type { StepDef } from './flow-schema';
import type { FlowId, StepId } from './ids';
import type { RoutesFile } from './route-view';

export type DialogIssue = ContentIssue;

export interface Flow {
  id: FlowId;
  file: string;
  description: string;
  first: StepId;
  steps: ReadonlyMap<StepId, StepDef>;
  triggers: string[];
  topics: string[];
}

/** A flow offered as a button after an answer in one of its `offer.topics`. */
export interface FlowOffer {
  flow: FlowId;
  /** i18n key of the button label. */
  label: string;
}

export interface LoadedFlows {
  dir: string;
  flows: ReadonlyMap<FlowId, Flow>;
  templates: TemplateSet;
  translator: Translator;
  choices: ChoiceLexicon;
  commands: CommandLexicon;
  /** How short follow-ups are read against the answer on screen. */
  context: ContextLexicon;
  emergency: EmergencyRules;
  routes: RoutesFile;
  /** Normalised trigger phrases → flow, longest first. */
  triggers: { phrase: string; flow: FlowId }[];
  /** Topic id → the flow that handles confident answers in it. */
  topicFlows: ReadonlyMap<string, FlowId>;
  /** Topic id → flows offered as buttons after an answer in it. */
  offers: ReadonlyMap<string, FlowOffer[]>;
  warnings: DialogIssue[];
}
