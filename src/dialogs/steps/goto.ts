/** goto: continue in another flow (its first step, or "flow#step"). Slots carry over. */
import type { StepHandler } from '../step-contract';

export const goto: StepHandler<'goto'> = {
  kind: 'goto',
  async enter(step) {
    return { type: 'goto', ...step.flow };
  },
  targets: (step) => ({ steps: [], flows: [step.flow], templates: [], keys: [] }),
};
