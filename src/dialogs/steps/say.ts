/** say: show a template, then continue with `next` or end the flow. */
import type { StepHandler } from '../step-contract';
import { follow } from './common';

export const say: StepHandler<'say'> = {
  kind: 'say',
  async enter(step, ctx) {
    await ctx.send({ ...ctx.render(step.template), suggestions: [] });
    return follow(step.next);
  },
  targets: (step) => ({ steps: step.next ? [step.next] : [], flows: [], templates: [step.template], keys: [] }),
};
