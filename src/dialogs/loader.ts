/**
 * Reads and validates everything in dialogs/: flows (*.yaml), templates/<locale>/*.hbs,
 * locales/<lng>/*.json and lexicon/*.yaml (choices, commands, context, emergency signals, routes).
 *
 *   checkDialogs(dir, kb)  every issue found (errors and warnings, each with file and step/field)
 *   loadFlows(dir, kb)     the loaded flows, or a DialogValidationError listing all errors
 *
 * Errors: schema violations; unknown flow, step, template, i18n key, knowledge entry or topic;
 * a template or UI string missing in one locale; a step no path reaches; steps that loop without
 * waiting for the citizen; a core flow/template/key the engine needs is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodType } from 'zod';
import { formatIssues } from '../content/errors';
import type { KnowledgeBase } from '../content/knowledge';
import { LOCALES, OFFICE_KINDS } from '../content/schema';
import { loadLocales } from '../i18n/i18n';
import { loadTemplates, type TemplateSet } from '../i18n/templates';
import { buildChoiceLexicon, type ChoiceLexicon, choiceLexiconFileSchema } from './choice-recognizer';
import { buildCommandLexicon, commandsFileSchema } from './commands';
import { buildContextLexicon, contextFileSchema } from './context';
import { compileEmergencyRules, type EmergencyRules, emergencyFileSchema } from './emergency';
import { enteredSteps, loopsWithoutInput, type ParsedFlow, referenceIssues, stepGraph, templatesUsed, unreachableSteps } from './flow-graph';
import { flowFileSchema } from './flow-schema';
import { CODE_KEYS, CODE_TEMPLATES, CORE_FLOWS, CORE_STEPS, type FlowId } from './ids';
import type { DialogIssue, Flow, FlowOffer, LoadedFlows } from './model';
import { normalizeForMatch } from './input';
import { directoryNumbers, officeKeyOf, routesFileSchema } from './route-view';

export type { DialogIssue, Flow, LoadedFlows } from './model';

export class DialogValidationError extends Error {
  constructor(readonly issues: DialogIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`dialogs are invalid (${errors.length} errors):\n${formatIssues(errors)}`);
    this.name = 'DialogValidationError';
  }
}

const err = (file: string, field: string, message: string): DialogIssue => ({ severity: 'error', file, field, message });

function readYaml(dir: string, file: string, issues: DialogIssue[]): unknown {
  const path = join(dir, file);
  if (!existsSync(path)) {
    issues.push(err(file, '', 'file is missing'));
    return undefined;
  }
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    issues.push(err(file, '', `not valid YAML: ${(e as Error).message.split('\n')[0]}`));
    return undefined;
  }
}

function parseWith<T>(schema: ZodType<T>, data: unknown, file: string, issues: DialogIssue[], fieldOf?: (path: PropertyKey[]) => string): T | undefined {
  if (data === undefined) return undefined;
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push(err(file, fieldOf ? fieldOf(i.path) : i.path.map(String).join('.'), i.message));
  return undefined;
}

/** "steps.3.options.1.label" → "steps.ask-district.options.1.label": editors know steps by id. */
function stepField(raw: unknown): (path: PropertyKey[]) => string {
  return (path) => {
    const parts = path.map(String);
    if (parts[0] === 'steps' && parts[1] !== undefined) {
      const s = (raw as { steps?: { id?: unknown }[] })?.steps?.[Number(parts[1])];
      if (s && typeof s.id === 'string') parts[1] = s.id;
    }
    return parts.join('.');
  };
}

/**
 * Only lexicon/choices.yaml, for a channel that reads replies to its own numbered options (WeChat)
 * with the engine's one recogniser when it has no LoadedFlows at hand. Throws DialogValidationError.
 */
export function loadChoiceLexicon(dir: string): ChoiceLexicon {
  const issues: DialogIssue[] = [];
  const data = parseWith(choiceLexiconFileSchema, readYaml(dir, 'lexicon/choices.yaml', issues), 'lexicon/choices.yaml', issues);
  if (!data) throw new DialogValidationError(issues);
  return buildChoiceLexicon(data);
}

/** The lexicon files, parsed (undefined where a file has errors, which are in `issues`). */
function readLexicons(dir: string, kb: KnowledgeBase, issues: DialogIssue[]) {
  const choices = parseWith(choiceLexiconFileSchema, readYaml(dir, 'lexicon/choices.yaml', issues), 'lexicon/choices.yaml', issues);
  const commands = parseWith(commandsFileSchema, readYaml(dir, 'lexicon/commands.yaml', issues), 'lexicon/commands.yaml', issues);
  const context = parseWith(contextFileSchema, readYaml(dir, 'lexicon/context.yaml', issues), 'lexicon/context.yaml', issues);
  const emergencyFile = parseWith(emergencyFileSchema, readYaml(dir, 'lexicon/emergency.yaml', issues), 'lexicon/emergency.yaml', issues);
  const routes = parseWith(routesFileSchema, readYaml(dir, 'lexicon/routes.yaml', issues), 'lexicon/routes.yaml', issues);
  let emergency: EmergencyRules | undefined;
  if (emergencyFile) {
    try {
      emergency = compileEmergencyRules(emergencyFile);
    } catch (e) {
      issues.push(err('lexicon/emergency.yaml', '', `cannot compile the danger patterns: ${(e as Error).message}`));
    }
  }
  if (routes) {
    for (const [r, def] of Object.entries(routes.routes)) {
      if (!kb.hotline(def.hotline)) issues.push(err('lexicon/routes.yaml', `routes.${r}.hotline`, `unknown hotline "${def.hotline}" (knowledge/directory)`));
    }
    for (const t of Object.keys(routes.topic_offices)) {
      if (!kb.topic(t)) issues.push(err('lexicon/routes.yaml', `topic_offices.${t}`, `unknown topic "${t}"`));
    }
  }
  return { choices, commands, context, emergency, routes };
}

/** Every dialogs/*.yaml flow that passes its schema; its id must be its file name and unique. */
function readFlowFiles(dir: string, issues: DialogIssue[]): ParsedFlow[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
  if (!files.length) issues.push(err('.', '', `no flow files (*.yaml) in ${dir}`));
  const parsed: ParsedFlow[] = [];
  for (const file of files) {
    const raw = readYaml(dir, file, issues);
    const flow = parseWith(flowFileSchema, raw, file, issues, stepField(raw));
    if (!flow) continue;
    if (flow.id !== basename(file, '.yaml')) issues.push(err(file, 'id', `flow id "${flow.id}" must match the file name "${basename(file, '.yaml')}"`));
    if (parsed.some((p) => p.flow.id === flow.id)) issues.push(err(file, 'id', `flow id "${flow.id}" is used twice`));
    parsed.push({ file, flow });
  }
  return parsed;
}

/** The flows' `topics`, `offer` and `triggers`, indexed (each topic and trigger claimed once). */
function flowIndexes(parsed: readonly ParsedFlow[], kb: KnowledgeBase, hasKey: (k: string) => boolean, issues: DialogIssue[]) {
  const topicFlows = new Map<string, FlowId>();
  const offers = new Map<string, FlowOffer[]>();
  const triggers: { phrase: string; flow: FlowId }[] = [];
  for (const { file, flow } of parsed) {
    for (const topic of flow.topics) {
      if (!kb.topic(topic)) issues.push(err(file, 'topics', `unknown topic "${topic}" (knowledge/topics.yaml)`));
      const prev = topicFlows.get(topic);
      if (prev) issues.push(err(file, 'topics', `topic "${topic}" is already handled by flow ${prev}`));
      topicFlows.set(topic, flow.id);
    }
    if (flow.offer) {
      if (!hasKey(flow.offer.label)) issues.push(err(file, 'offer.label', `unknown i18n key "${flow.offer.label}" (needed in every locale)`));
      for (const topic of flow.offer.topics) {
        if (!kb.topic(topic)) issues.push(err(file, 'offer.topics', `unknown topic "${topic}" (knowledge/topics.yaml)`));
        offers.set(topic, [...(offers.get(topic) ?? []), { flow: flow.id, label: flow.offer.label }]);
      }
    }
    for (const tr of flow.triggers) {
      const phrase = normalizeForMatch(tr);
      if (phrase.length < 2) {
        issues.push(err(file, 'triggers', `trigger "${tr}" is too short`));
        continue;
      }
      const dup = triggers.find((x) => x.phrase === phrase);
      if (dup) issues.push(err(file, 'triggers', `trigger "${tr}" is already used by flow ${dup.flow}`));
      else triggers.push({ phrase, flow: flow.id });
    }
  }
  return { topicFlows, offers, triggers: triggers.sort((a, b) => b.phrase.length - a.phrase.length) };
}

/** The flows, steps, templates and UI strings the engine's code uses must exist in the data. */
function engineNeeds(parsed: readonly ParsedFlow[], templates: TemplateSet, hasKey: (k: string) => boolean): DialogIssue[] {
  const issues: DialogIssue[] = [];
  const byId = new Map(parsed.map((p) => [p.flow.id, p]));
  for (const f of Object.values(CORE_FLOWS)) if (!byId.has(f)) issues.push(err(`${f}.yaml`, '', `the engine needs a flow "${f}"`));
  for (const s of Object.values(CORE_STEPS)) {
    const f = byId.get(s.flow);
    if (f && !f.flow.steps.some((x) => x.id === s.step)) issues.push(err(f.file, 'steps', `the engine needs step "${s.step}" in flow ${s.flow}`));
  }
  for (const tpl of Object.values(CODE_TEMPLATES)) if (!templates.has(tpl)) issues.push(err(`templates/*/${tpl}.hbs`, '', `the engine needs template "${tpl}" in every locale`));
  for (const k of [...Object.values(CODE_KEYS), ...OFFICE_KINDS.map(officeKeyOf)]) if (!hasKey(k)) issues.push(err('locales', k, `the engine needs UI string "${k}" in every locale`));
  return issues;
}

/** Reachability within each flow, and loops that never wait for the citizen (flow-graph.ts). */
function graphIssues(parsed: readonly ParsedFlow[], topicFlows: ReadonlyMap<string, FlowId>): DialogIssue[] {
  const issues: DialogIssue[] = [];
  const graph = stepGraph(parsed, [...new Set(topicFlows.values())]);
  const entered = new Set([...enteredSteps(parsed), ...Object.values(CORE_STEPS).map((s) => `${s.flow}#${s.step}`)]);
  for (const { file, flow } of parsed) {
    for (const id of unreachableSteps(flow, graph, entered)) issues.push(err(file, `steps.${id}`, `step "${id}" is never reached (no step leads to it)`));
  }
  const fileOf = new Map<string, string>(parsed.map((p) => [p.flow.id, p.file]));
  for (const loop of loopsWithoutInput(graph)) {
    const [f, st] = loop[loop.length - 1]!.split('#');
    issues.push(err(fileOf.get(f!) ?? `${f}.yaml`, `steps.${st}`, `steps loop without waiting for the citizen: ${loop.join(' → ')}`));
  }
  return issues;
}

interface Analysis {
  issues: DialogIssue[];
  loaded?: LoadedFlows;
}

function analyse(dir: string, kb: KnowledgeBase): Analysis {
  const issues: DialogIssue[] = [];
  const lexicons = readLexicons(dir, kb, issues);

  // Strings and templates (missing translations are reported by the loaders).
  const { translator, issues: localeIssues } = loadLocales(join(dir, 'locales'));
  issues.push(...localeIssues);
  const { templates, issues: templateIssues } = loadTemplates(join(dir, 'templates'), translator, { telNumbers: () => directoryNumbers(kb) });
  issues.push(...templateIssues);
  const hasKey = (k: string) => LOCALES.every((l) => translator.has(l, k));

  const parsed = readFlowFiles(dir, issues);
  issues.push(...referenceIssues(parsed, { template: (t) => templates.has(t), key: hasKey, entry: (id) => !!kb.entry(id), hotline: (id) => !!kb.hotline(id) }));
  const { topicFlows, offers, triggers } = flowIndexes(parsed, kb, hasKey, issues);
  issues.push(...engineNeeds(parsed, templates, hasKey));
  issues.push(...graphIssues(parsed, topicFlows));

  const used = new Set<string>([...Object.values(CODE_TEMPLATES), ...templatesUsed(parsed)]);
  for (const name of templates.names()) {
    if (!used.has(name)) issues.push({ severity: 'warning', file: `templates/*/${name}.hbs`, field: '', message: `template "${name}" is not used by any flow` });
  }

  const { choices, commands, context, emergency, routes } = lexicons;
  if (issues.some((i) => i.severity === 'error') || !choices || !commands || !context || !emergency || !routes) return { issues };

  const flows = new Map<FlowId, Flow>();
  for (const { file, flow } of parsed) {
    flows.set(flow.id, {
      id: flow.id,
      file,
      description: flow.description,
      first: flow.steps[0]!.id,
      steps: new Map(flow.steps.map((s) => [s.id, s])),
      triggers: flow.triggers,
      topics: flow.topics,
    });
  }
  return {
    issues,
    loaded: {
      dir,
      flows,
      templates,
      translator,
      choices: buildChoiceLexicon(choices),
      commands: buildCommandLexicon(commands),
      context: buildContextLexicon(context),
      emergency,
      routes,
      triggers,
      topicFlows,
      offers,
      warnings: issues.filter((i) => i.severity === 'warning'),
    },
  };
}

/** Every problem in dialogs/ (errors and warnings), for `npm run kb -- check`. Never throws. */
export function checkDialogs(dialogsDir: string, kb: KnowledgeBase): DialogIssue[] {
  try {
    return analyse(dialogsDir, kb).issues;
  } catch (e) {
    return [err('.', '', `could not read dialogs: ${(e as Error).message}`)];
  }
}

/** The validated flows; throws DialogValidationError listing every error. */
export function loadFlows(dialogsDir: string, kb: KnowledgeBase): LoadedFlows {
  const { issues, loaded } = analyse(dialogsDir, kb);
  if (!loaded) throw new DialogValidationError(issues);
  return loaded;
}
