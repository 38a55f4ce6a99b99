/**
 * The one table of step kinds → handlers. Adding a kind: its schema in flow-schema.ts, a handler
 * file here, one row below; the loader and the interpreter need no change.
 */
import type { StepDef, StepKind } from '../flow-schema';
import type { StepHandler, StepTargets } from '../runtime';
import { answer } from './answer';
import { ask } from './ask';
import { branch } from './branch';
import { choice } from './choice';
import { goto } from './goto';
import { handoff } from './handoff';
import { route } from './route';
import { say } from './say';
import { search } from './search';

export const HANDLERS: { [K in StepKind]: StepHandler<K> } = {
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

/** The handler for a step, typed for that step. */
export function handlerFor<S extends StepDef>(step: S): StepHandler<S['kind']> {
  return HANDLERS[step.kind] as unknown as StepHandler<S['kind']>;
}

/** What a step refers to (next steps, flows, templates, keys), for validation. */
export function targetsOf(step: StepDef): StepTargets {
  return (HANDLERS[step.kind] as StepHandler<StepKind>).targets(step as never);
}
