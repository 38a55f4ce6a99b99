/**
 * The one table of step kinds → handlers. Adding a kind: its schema in flow-schema.ts, a handler
 * file here, one row below; the loader and the interpreter need no change.
 * Callers never index the table themselves: stepHandler(step) binds a step to its own kind's
 * handler, so a parsed StepDef reaches a StepHandler<K> with no cast.
 */
import type { StepDef, StepKind, StepOf } from '../flow-schema';
import type { StepContext, StepHandler, StepOutcome, StepTargets } from '../step-contract';
import { answer } from './answer';
import { ask } from './ask';
import { branch } from './branch';
import { choice } from './choice';
import { goto } from './goto';
import { handoff } from './handoff';
import { route } from './route';
import { say } from './say';
import { search } from './search';

export const HANDLERS: { readonly [K in StepKind]: StepHandler<K> } = {
  say,
  choice,
  ask,
  search,
  answer,
  branch,
  goto,
  handoff,
  route,
};

/** A step together with its handler: what the interpreter and the loader call. */
export interface BoundStep {
  enter(ctx: StepContext, opts: { reprompt: boolean }): Promise<StepOutcome>;
  /** Undefined for kinds that do not wait for the citizen. */
  readonly input?: (ctx: StepContext, text: string) => Promise<StepOutcome>;
  targets(): StepTargets;
}

function bind<K extends StepKind>(handler: StepHandler<K>, step: StepOf<K>): BoundStep {
  const input = handler.input;
  return {
    enter: (ctx, opts) => handler.enter(step, ctx, opts),
    input: input && ((ctx, text) => input.call(handler, step, ctx, text)),
    targets: () => handler.targets(step),
  };
}

/** The handler for a step, bound to it (HANDLERS[K] is StepHandler<K>, so no cast is needed). */
export function stepHandler<K extends StepKind>(step: StepOf<K> & { kind: K }): BoundStep {
  return bind<K>(HANDLERS[step.kind], step);
}

/** What a step refers to (next steps, flows, templates, keys), for validation. */
export function targetsOf(step: StepDef): StepTargets {
  return stepHandler(step).targets();
}
