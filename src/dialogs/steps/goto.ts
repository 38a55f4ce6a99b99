/** goto: continue in another flow (its first step, or "flow#step"). Slots carry over. */
import { parseFlowRef, type StepHandler } from '../runtime';

export const goto: StepHandler<'goto'> = {
  kind: 'goto',
  async enter(step) {
    return { type: 'goto', ...parseFlowRef(step.flow) };
  },
  targets: (step) => ({ steps: [], flows: [step.flow], templates: [], keys: [] }),
};
