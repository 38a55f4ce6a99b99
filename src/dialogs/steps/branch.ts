/** branch: the first case whose `when` holds decides the next step; otherwise `else`. */
import { evalCondition } from '../condition';
import type { StepHandler } from '../step-contract';

export const branch: StepHandler<'branch'> = {
  kind: 'branch',
  async enter(step, ctx) {
    const hit = step.cases.find((c) => evalCondition(c.when, (s) => ctx.getSlot(s)));
    return { type: 'next', step: hit?.next ?? step.else };
  },
  targets: (step) => ({ steps: [...step.cases.map((c) => c.next), step.else], flows: [], templates: [], keys: [] }),
};
