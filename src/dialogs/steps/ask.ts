/**
 * ask: free text with a check.
 *   text      any non-empty line, cut to maxLength
 *   district  a district of the directory named anywhere in the answer ("我在铜山") → remembered
 *             on the citizen's profile for later routes
 *   phone     a mainland mobile (11 digits, 1[3-9]…) or a landline with area code
 * `optional: true` accepts "跳过/不用了/不知道" and leaves the slot empty. `skipIf` skips the
 * question when the answer is already known (the district asked once, remembered).
 * `otherwise: question`: an answer that fails the check but asks something (a question word or
 * mark, lexicon/context.yaml: "他不肯赔呢" when the district was asked) is a new question.
 */
import { looksLikeQuestion } from '../context';
import { isSkip } from '../choice-recognizer';
import type { StepOf } from '../flow-schema';
import { CODE_KEYS } from '../ids';
import { evalCondition } from '../condition';
import type { StepContext, StepHandler } from '../step-contract';
import { cut } from '../input';
import { follow, retryOrFail } from './common';

const MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;
const LANDLINE = /^(0\d{2,3})(\d{7,8})$/;

/** A call-back number in a canonical form, or undefined. */
export function parsePhone(text: string): string | undefined {
  const candidates = text.normalize('NFKC').match(/\+?[\d\s-]{7,20}\d/g) ?? [];
  for (const c of candidates) {
    const digits = c.replace(/[\s-]/g, '');
    const m = MOBILE.exec(digits);
    if (m) return m[1]!;
    const l = LANDLINE.exec(digits);
    if (l) return `${l[1]}-${l[2]}`;
  }
  return undefined;
}

function suggestions(step: StepOf<'ask'>, ctx: StepContext): string[] {
  const out: string[] = [];
  if (step.validate === 'district') {
    for (const d of ctx.services.kb.districts) out.push(ctx.locale === 'en' ? d.name_en : d.name);
  }
  if (step.optional) out.push(ctx.t(CODE_KEYS.skip));
  return out;
}

export const ask: StepHandler<'ask'> = {
  kind: 'ask',
  async enter(step, ctx, { reprompt }) {
    if (!reprompt) {
      ctx.state.retries = 0;
      if (step.skipIf && evalCondition(step.skipIf, (s) => ctx.getSlot(s))) return follow(step.next);
    }
    await ctx.send({ ...ctx.render(step.prompt, { retry: false }), suggestions: suggestions(step, ctx), expectsInput: true });
    return { type: 'wait' };
  },
  async input(step, ctx, text) {
    const lex = ctx.services.flows.choices;
    if (step.optional && (isSkip(text, lex) || text.trim() === ctx.t(CODE_KEYS.skip))) {
      ctx.setSlot(step.slot, undefined);
      return follow(step.next);
    }
    let value: string | undefined;
    if (step.validate === 'district') value = ctx.services.kb.findDistrict(text)?.code;
    else if (step.validate === 'phone') value = parsePhone(text);
    else value = cut(text.trim(), step.maxLength) || undefined;
    if (value === undefined) {
      if (step.otherwise === 'question' && looksLikeQuestion(text, ctx.services.flows.context)) return { type: 'question', text };
      return retryOrFail(step, ctx, () => ({ ...ctx.render(step.retry ?? step.prompt, { retry: true }), suggestions: suggestions(step, ctx) }));
    }
    ctx.setSlot(step.slot, value);
    return follow(step.next);
  },
  targets: (step) => ({
    steps: [...(step.next ? [step.next] : []), ...(step.onFail ? [step.onFail] : [])],
    flows: [],
    skippable: !!step.skipIf,
    templates: [step.prompt, ...(step.retry ? [step.retry] : [])],
    keys: step.optional ? [CODE_KEYS.skip] : [],
  }),
};
