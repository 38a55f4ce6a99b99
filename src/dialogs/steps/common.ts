/** Shared by the step handlers: following a `next`, retrying a prompt, remembering an answer. */
import { CODE_TEMPLATES, type StepId } from '../ids';
import type { Reply, StepContext, StepOutcome } from '../step-contract';

export const follow = (next: StepId | undefined): StepOutcome => (next ? { type: 'next', step: next } : { type: 'end' });

/** One more failed answer: ask again, or after maxRetries go to onFail (or end politely). */
export async function retryOrFail(
  step: { maxRetries: number; onFail?: StepId },
  ctx: StepContext,
  again: () => Reply,
): Promise<StepOutcome> {
  ctx.state.retries += 1;
  if (ctx.state.retries > step.maxRetries) {
    ctx.state.retries = 0;
    if (step.onFail) return { type: 'next', step: step.onFail };
    await ctx.send({ ...ctx.render(CODE_TEMPLATES.gaveUp), suggestions: [] });
    return { type: 'end' };
  }
  await ctx.send({ ...again(), expectsInput: true });
  return { type: 'wait' };
}
