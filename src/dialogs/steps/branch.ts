/** branch: the first case whose `when` holds decides the next step; otherwise `else`. */
import type { StepId } from '../ids';
import { evalCondition, type StepHandler } from '../runtime';

export const branch: StepHandler<'branch'> = {
  kind: 'branch',
  async enter(step, ctx) {
    const hit = step.cases.find((c) => evalCondition(c.when, (s) => ctx.getSlot(s)));
    return { type: 'next', step: (hit?.next ?? step.else) as StepId };
  },
  targets: (step) => ({ steps: [...step.cases.map((c) => c.next), step.else], flows: [], templates: [], keys: [] }),
};
