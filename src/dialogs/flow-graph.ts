/**
 * Checks over the parsed flows as a graph of steps, each a pure function of the flows (and, for
 * references, of predicates saying what exists), so each can be tested on a small in-memory flow:
 *   referenceIssues     unknown steps, flows, templates, UI strings, knowledge entries and
 *                       hotlines; step ids and option values used twice
 *   stepGraph           steps → the steps they can continue to (within and across flows; a
 *                       search may continue in any flow that claims a topic), and which steps wait
 *   unreachableSteps    steps no path reaches from their flow's start or an outside entry
 *   loopsWithoutInput   cycles through steps that never wait for the citizen (a turn would spin)
 * loader.ts runs them at start-up and for `npm run kb -- check`.
 */
import { INPUT_KINDS, type FlowFile } from './flow-schema';
import { type FlowId, type FlowRef, SLOTS, type TemplateName } from './ids';
import type { DialogIssue } from './model';
import { targetsOf } from './steps';

export interface ParsedFlow {
  file: string;
  flow: FlowFile;
}

/** What exists outside the flows (templates, UI strings, knowledge). */
export interface Known {
  template(name: TemplateName): boolean;
  key(key: string): boolean;
  entry(id: string): boolean;
  hotline(id: string): boolean;
}

/** "flow#step": one node of the step graph. */
export type StepNode = string;
const node = (flow: string, step: string): StepNode => `${flow}#${step}`;

const err = (file: string, field: string, message: string): DialogIssue => ({ severity: 'error', file, field, message });

/** Every reference a flow makes that points nowhere, with file and step. */
export function referenceIssues(flows: readonly ParsedFlow[], known: Known): DialogIssue[] {
  const issues: DialogIssue[] = [];
  const byId = new Map(flows.map((p) => [p.flow.id, p.flow]));
  for (const { file, flow } of flows) {
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
        const target = byId.get(ref.flow);
        if (!target) issues.push(err(file, at, `unknown flow "${ref.flow}"`));
        else if (ref.step && !target.steps.some((x) => x.id === ref.step)) issues.push(err(file, at, `unknown step "${ref.step}" in flow ${ref.flow}`));
      }
      for (const tpl of t.templates) if (!known.template(tpl)) issues.push(err(file, at, `unknown template "${tpl}" (dialogs/templates/<locale>/${tpl}.hbs, every locale)`));
      for (const k of t.keys) if (!known.key(k)) issues.push(err(file, at, `unknown i18n key "${k}" (needed in every locale)`));
      const sets: [string, Record<string, unknown> | undefined][] = [[at, s.set]];
      if (s.kind === 'choice') s.options.forEach((o) => sets.push([`${at}.options.${o.value}`, o.set]));
      for (const [field, set] of sets) {
        const e = set?.[SLOTS.entry];
        if (e !== undefined && e !== '' && !known.entry(String(e))) issues.push(err(file, field, `unknown knowledge entry "${String(e)}"`));
      }
      if (s.kind === 'choice') {
        const values = new Set<string>();
        for (const o of s.options) {
          if (values.has(o.value)) issues.push(err(file, `${at}.options.${o.value}`, `option value "${o.value}" is used twice`));
          values.add(o.value);
          if (o.dial && !known.hotline(o.dial)) issues.push(err(file, `${at}.options.${o.value}.dial`, `unknown hotline "${o.dial}" (knowledge/directory)`));
        }
      }
    }
  }
  return issues;
}

/** Templates the flows render (the engine's own are added by the caller). */
export function templatesUsed(flows: readonly ParsedFlow[]): Set<TemplateName> {
  return new Set(flows.flatMap(({ flow }) => flow.steps.flatMap((s) => targetsOf(s).templates)));
}

/** Steps entered from outside their flow by a "flow#step" reference. */
export function enteredSteps(flows: readonly ParsedFlow[]): Set<StepNode> {
  const out = new Set<StepNode>();
  for (const { flow } of flows) for (const s of flow.steps) for (const ref of targetsOf(s).flows) if (ref.step) out.add(node(ref.flow, ref.step));
  return out;
}

export interface StepGraph {
  /** Where each step can continue ("flow#step" → "flow#step"). */
  edges: ReadonlyMap<StepNode, StepNode[]>;
  /** Steps that always wait for the citizen (an input kind without skipIf). */
  waits: ReadonlySet<StepNode>;
}

/** The steps of all flows as a graph; `searchFlows` are the flows a search step may continue in. */
export function stepGraph(flows: readonly ParsedFlow[], searchFlows: readonly FlowId[]): StepGraph {
  const byId = new Map(flows.map((p) => [p.flow.id, p.flow]));
  const edges = new Map<StepNode, StepNode[]>();
  const waits = new Set<StepNode>();
  for (const { flow } of flows) {
    for (const s of flow.steps) {
      const here = node(flow.id, s.id);
      const t = targetsOf(s);
      const out = t.steps.map((n) => node(flow.id, n));
      const refs: FlowRef[] = [...t.flows, ...(s.kind === 'search' ? searchFlows.map((f) => ({ flow: f })) : [])];
      for (const ref of refs) {
        const target = byId.get(ref.flow);
        if (target) out.push(node(ref.flow, ref.step ?? target.steps[0]!.id));
      }
      edges.set(here, out);
      if (INPUT_KINDS.has(s.kind) && !t.skippable) waits.add(here);
    }
  }
  return { edges, waits };
}

/** Steps of `flow` reached from neither its first step nor a step entered from outside. */
export function unreachableSteps(flow: FlowFile, graph: StepGraph, entered: ReadonlySet<StepNode>): string[] {
  const seen = new Set<string>();
  const queue: string[] = [flow.steps[0]!.id, ...flow.steps.filter((s) => entered.has(node(flow.id, s.id))).map((s) => s.id)];
  const prefix = `${flow.id}#`;
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of graph.edges.get(node(flow.id, id)) ?? []) if (n.startsWith(prefix)) queue.push(n.slice(prefix.length));
  }
  return flow.steps.filter((s) => !seen.has(s.id)).map((s) => s.id);
}

/**
 * Cycles through steps that never wait, each once: the nodes of the loop with its first node
 * repeated at the end ("a → b → a"). Depth-first search with colours; waiting steps cut paths.
 */
export function loopsWithoutInput(graph: StepGraph): StepNode[][] {
  const colour = new Map<StepNode, 1 | 2>();
  const stack: StepNode[] = [];
  const reported = new Set<string>();
  const loops: StepNode[][] = [];
  const visit = (at: StepNode): void => {
    colour.set(at, 1);
    stack.push(at);
    if (!graph.waits.has(at)) {
      for (const n of graph.edges.get(at) ?? []) {
        if (graph.waits.has(n)) continue;
        if (colour.get(n) === 1) {
          const loop = stack.slice(stack.indexOf(n));
          const key = [...loop].sort().join(',');
          if (!reported.has(key)) {
            reported.add(key);
            loops.push([...loop, n]);
          }
        } else if (!colour.has(n)) visit(n);
      }
    }
    stack.pop();
    colour.set(at, 2);
  };
  for (const n of graph.edges.keys()) if (!colour.has(n)) visit(n);
  return loops;
}
