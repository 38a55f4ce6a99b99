/** Shared by the step handlers: following a `next`, retrying a prompt, remembering an answer. */
import { CODE_TEMPLATES, type StepId } from '../ids';
import type { Reply, StepContext, StepOutcome } from '../runtime';

export const follow = (next: string | undefined): StepOutcome => (next ? { type: 'next', step: next as StepId } : { type: 'end' });

/** One more failed answer: ask again, or after maxRetries go to onFail (or end politely). */
export async function retryOrFail(
  step: { maxRetries: number; onFail?: string },
  ctx: StepContext,
  again: () => Reply,
): Promise<StepOutcome> {
  ctx.state.retries += 1;
  if (ctx.state.retries > step.maxRetries) {
    ctx.state.retries = 0;
    if (step.onFail) return { type: 'next', step: step.onFail as StepId };
    await ctx.send({ text: ctx.render(CODE_TEMPLATES.gaveUp), suggestions: [] });
    return { type: 'end' };
  }
  await ctx.send({ ...again(), expectsInput: true });
  return { type: 'wait' };
}
