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
import type { ContentIssue } from '../content/errors';
import { formatIssues } from '../content/errors';
import type { KnowledgeBase } from '../content/knowledge';
import { LOCALES, OFFICE_KINDS } from '../content/schema';
import { loadLocales, type Translator } from '../i18n/i18n';
import { loadTemplates, type TemplateSet } from '../i18n/templates';
import { buildChoiceLexicon, type ChoiceLexicon, choiceLexiconFileSchema } from './choice';
import { buildCommandLexicon, type CommandLexicon, commandsFileSchema } from './commands';
import { buildContextLexicon, type ContextLexicon, contextFileSchema } from './context';
import { compileEmergencyRules, type EmergencyRules, emergencyFileSchema } from './emergency';
import { type FlowFile, flowFileSchema, INPUT_KINDS, type StepDef } from './flow-schema';
import { CODE_KEYS, CODE_TEMPLATES, CORE_FLOWS, CORE_STEPS, type FlowId, SLOTS, type StepId } from './ids';
import { parseFlowRef } from './runtime';
import { targetsOf } from './steps';
import { normalizeForMatch } from './text';
import { directoryNumbers, officeKeyOf, type RoutesFile, routesFileSchema } from './views';

export type DialogIssue = ContentIssue;

export class DialogValidationError extends Error {
  constructor(readonly issues: DialogIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`dialogs are invalid (${errors.length} errors):\n${formatIssues(errors)}`);
    this.name = 'DialogValidationError';
  }
}

export interface Flow {
  id: FlowId;
  file: string;
  description: string;
  first: StepId;
  steps: ReadonlyMap<StepId, StepDef>;
  triggers: string[];
  topics: string[];
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
  /** Topic id → flows offered as buttons after an answer in it (label = i18n key). */
  offers: ReadonlyMap<string, { flow: FlowId; label: string }[]>;
  warnings: DialogIssue[];
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

interface Analysis {
  issues: DialogIssue[];
  loaded?: LoadedFlows;
}

function analyse(dir: string, kb: KnowledgeBase): Analysis {
  const issues: DialogIssue[] = [];

  // Lexicon files.
  const choicesFile = parseWith(choiceLexiconFileSchema, readYaml(dir, 'lexicon/choices.yaml', issues), 'lexicon/choices.yaml', issues);
  const commandsFile = parseWith(commandsFileSchema, readYaml(dir, 'lexicon/commands.yaml', issues), 'lexicon/commands.yaml', issues);
  const contextFile = parseWith(contextFileSchema, readYaml(dir, 'lexicon/context.yaml', issues), 'lexicon/context.yaml', issues);
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

  // Strings and templates (missing translations are reported by the loaders).
  const { translator, issues: localeIssues } = loadLocales(join(dir, 'locales'));
  issues.push(...localeIssues);
  const { templates, issues: templateIssues } = loadTemplates(join(dir, 'templates'), translator, { telNumbers: () => directoryNumbers(kb) });
  issues.push(...templateIssues);
  const hasKey = (k: string) => LOCALES.every((l) => translator.has(l, k));

  // Flow files.
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
  if (!files.length) issues.push(err('.', '', `no flow files (*.yaml) in ${dir}`));
  const parsed: { file: string; flow: FlowFile }[] = [];
  for (const file of files) {
    const raw = readYaml(dir, file, issues);
    const flow = parseWith(flowFileSchema, raw, file, issues, stepField(raw));
    if (!flow) continue;
    if (flow.id !== basename(file, '.yaml')) issues.push(err(file, 'id', `flow id "${flow.id}" must match the file name "${basename(file, '.yaml')}"`));
    if (parsed.some((p) => p.flow.id === flow.id)) issues.push(err(file, 'id', `flow id "${flow.id}" is used twice`));
    parsed.push({ file, flow });
  }
  const byId = new Map(parsed.map((p) => [p.flow.id, p]));

  const usedTemplates = new Set<string>(Object.values(CODE_TEMPLATES));
  const topicFlows = new Map<string, FlowId>();
  const offers = new Map<string, { flow: FlowId; label: string }[]>();
  const triggers: { phrase: string; flow: FlowId }[] = [];
  /** Steps entered from outside their flow ("flow#step" references and the engine's own). */
  const entered = new Set<string>(Object.values(CORE_STEPS).map((s) => `${s.flow}#${s.step}`));

  for (const { file, flow } of parsed) {
    const ids = new Set<string>();
    for (const s of flow.steps) {
      if (ids.has(s.id)) issues.push(err(file, `steps.${s.id}`, `step id "${s.id}" is used twice`));
      ids.add(s.id);
    }
    for (const s of flow.steps) {
      const at = `steps.${s.id}`;
      const t = targetsOf(s);
      for (const n of t.steps) if (!ids.has(n)) issues.push(err(file, at, `unknown step "${n}" in flow ${flow.id}`));
      for (const ref of t.flows) {
        const { flow: f, step } = parseFlowRef(ref);
        const target = byId.get(f);
        if (!target) issues.push(err(file, at, `unknown flow "${f}"`));
        else if (step) {
          if (!target.flow.steps.some((x) => x.id === step)) issues.push(err(file, at, `unknown step "${step}" in flow ${f}`));
          entered.add(`${f}#${step}`);
        }
      }
      for (const tpl of t.templates) {
        usedTemplates.add(tpl);
        if (!templates.has(tpl)) issues.push(err(file, at, `unknown template "${tpl}" (dialogs/templates/<locale>/${tpl}.hbs, every locale)`));
      }
      for (const k of t.keys) if (!hasKey(k)) issues.push(err(file, at, `unknown i18n key "${k}" (needed in every locale)`));
      const sets: [string, Record<string, unknown> | undefined][] = [[at, s.set]];
      if (s.kind === 'choice') s.options.forEach((o) => sets.push([`${at}.options.${o.value}`, o.set]));
      for (const [field, set] of sets) {
        const e = set?.[SLOTS.entry];
        if (e !== undefined && e !== '' && !kb.entry(String(e))) issues.push(err(file, field, `unknown knowledge entry "${String(e)}"`));
      }
      if (s.kind === 'choice') {
        const values = new Set<string>();
        for (const o of s.options) {
          if (values.has(o.value)) issues.push(err(file, `${at}.options.${o.value}`, `option value "${o.value}" is used twice`));
          values.add(o.value);
          if (o.dial && !kb.hotline(o.dial)) issues.push(err(file, `${at}.options.${o.value}.dial`, `unknown hotline "${o.dial}" (knowledge/directory)`));
        }
      }
    }
    for (const topic of flow.topics) {
      if (!kb.topic(topic)) issues.push(err(file, 'topics', `unknown topic "${topic}" (knowledge/topics.yaml)`));
      const prev = topicFlows.get(topic);
      if (prev) issues.push(err(file, 'topics', `topic "${topic}" is already handled by flow ${prev}`));
      topicFlows.set(topic, flow.id as FlowId);
    }
    if (flow.offer) {
      if (!hasKey(flow.offer.label)) issues.push(err(file, 'offer.label', `unknown i18n key "${flow.offer.label}" (needed in every locale)`));
      for (const topic of flow.offer.topics) {
        if (!kb.topic(topic)) issues.push(err(file, 'offer.topics', `unknown topic "${topic}" (knowledge/topics.yaml)`));
        offers.set(topic, [...(offers.get(topic) ?? []), { flow: flow.id as FlowId, label: flow.offer.label }]);
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
      else triggers.push({ phrase, flow: flow.id as FlowId });
    }
  }

  // What the engine needs from the data.
  for (const f of Object.values(CORE_FLOWS)) if (!byId.has(f)) issues.push(err(`${f}.yaml`, '', `the engine needs a flow "${f}"`));
  for (const s of Object.values(CORE_STEPS)) {
    const f = byId.get(s.flow);
    if (f && !f.flow.steps.some((x) => x.id === s.step)) issues.push(err(f.file, 'steps', `the engine needs step "${s.step}" in flow ${s.flow}`));
  }
  for (const tpl of Object.values(CODE_TEMPLATES)) if (!templates.has(tpl)) issues.push(err(`templates/*/${tpl}.hbs`, '', `the engine needs template "${tpl}" in every locale`));
  for (const k of [...Object.values(CODE_KEYS), ...OFFICE_KINDS.map(officeKeyOf)]) if (!hasKey(k)) issues.push(err('locales', k, `the engine needs UI string "${k}" in every locale`));

  // Graph checks: reachability within each flow, and loops that never wait for the citizen.
  const searchFlows = [...new Set(topicFlows.values())];
  const edges = new Map<string, string[]>();
  const waits = new Set<string>();
  for (const { flow } of parsed) {
    for (const s of flow.steps) {
      const node = `${flow.id}#${s.id}`;
      const t = targetsOf(s);
      const out = [...t.steps.map((n) => `${flow.id}#${n}`)];
      for (const ref of [...t.flows, ...(s.kind === 'search' ? searchFlows : [])]) {
        const { flow: f, step } = parseFlowRef(ref);
        const target = byId.get(f)?.flow;
        if (target) out.push(`${f}#${step ?? target.steps[0]!.id}`);
      }
      edges.set(node, out);
      if (INPUT_KINDS.has(s.kind) && !t.skippable) waits.add(node);
    }
  }
  for (const { file, flow } of parsed) {
    const seen = new Set<string>();
    const queue = [flow.steps[0]!.id, ...flow.steps.filter((s) => entered.has(`${flow.id}#${s.id}`)).map((s) => s.id)];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const n of edges.get(`${flow.id}#${id}`) ?? []) if (n.startsWith(`${flow.id}#`)) queue.push(n.slice(flow.id.length + 1));
    }
    for (const s of flow.steps) if (!seen.has(s.id)) issues.push(err(file, `steps.${s.id}`, `step "${s.id}" is never reached (no step leads to it)`));
  }
  // Cycles in the graph of steps that do not wait (Tarjan-free: DFS with colours).
  const colour = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (node: string): void => {
    colour.set(node, 1);
    stack.push(node);
    if (!waits.has(node)) {
      for (const n of edges.get(node) ?? []) {
        if (waits.has(n)) continue;
        if (colour.get(n) === 1) {
          const loop = stack.slice(stack.indexOf(n));
          const key = [...loop].sort().join(',');
          if (!reported.has(key)) {
            reported.add(key);
            const [f, st] = n.split('#');
            issues.push(err(byId.get(f as string)?.file ?? `${f}.yaml`, `steps.${st}`, `steps loop without waiting for the citizen: ${[...loop, n].join(' → ')}`));
          }
        } else if (!colour.has(n)) visit(n);
      }
    }
    stack.pop();
    colour.set(node, 2);
  };
  for (const node of edges.keys()) if (!colour.has(node)) visit(node);

  for (const name of templates.names()) {
    if (!usedTemplates.has(name)) issues.push({ severity: 'warning', file: `templates/*/${name}.hbs`, field: '', message: `template "${name}" is not used by any flow` });
  }

  if (issues.some((i) => i.severity === 'error') || !choicesFile || !commandsFile || !contextFile || !emergency || !routes) return { issues };

  const flows = new Map<FlowId, Flow>();
  for (const { file, flow } of parsed) {
    flows.set(flow.id as FlowId, {
      id: flow.id as FlowId,
      file,
      description: flow.description,
      first: flow.steps[0]!.id as StepId,
      steps: new Map(flow.steps.map((s) => [s.id as StepId, s])),
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
      choices: buildChoiceLexicon(choicesFile),
      commands: buildCommandLexicon(commandsFile),
      context: buildContextLexicon(contextFile),
      emergency,
      routes,
      triggers: triggers.sort((a, b) => b.phrase.length - a.phrase.length),
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
