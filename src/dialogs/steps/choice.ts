/**
 * choice: ask with buttons. The answer may be the number, the option text, a synonym, a close
 * paraphrase or 是/不是 (choice-recognizer.ts). Options with `when` are offered only when it holds;
 * `dynamic: candidates` lists the search's closest entries first (picked → `entry` slot, onPick).
 * An answer that matches nothing is asked again (otherwise: retry) or treated as a new question
 * (otherwise: question) — the menu and follow-up prompts never trap a citizen. A number the
 * prompt does not have ("5" of three) is asked again either way: it is a pick, not a question.
 * Even where a pick is required (otherwise: retry), a real question search is sure about is
 * answered rather than asked again.
 */
import { parseNumber, recognizeChoice } from '../choice-recognizer';
import { looksLikeQuestion } from '../context';
import type { StepOf } from '../flow-schema';
import { evalCondition } from '../condition';
import { CODE_KEYS, CODE_TEMPLATES, SLOTS, type TemplateName } from '../ids';
import type { Reply, ShownOption, StepContext, StepHandler, StepOutcome } from '../step-contract';
import { follow, retryOrFail } from './common';

function shownOptions(step: StepOf<'choice'>, ctx: StepContext): ShownOption[] {
  const out: ShownOption[] = [];
  if (step.dynamic === 'candidates') {
    const ids = ctx.getSlot(SLOTS.candidates);
    for (const id of Array.isArray(ids) ? ids : []) {
      const e = ctx.services.kb.entry(id, ctx.locale);
      if (e) out.push({ value: e.id, label: e.title, synonyms: [], source: 'entry' });
    }
  }
  for (const o of step.options) {
    if (o.when && !evalCondition(o.when, (s) => ctx.getSlot(s))) continue;
    out.push({ value: o.value, label: ctx.t(o.label), synonyms: o.synonyms, source: 'static' });
  }
  return out;
}

function prompt(step: StepOf<'choice'>, ctx: StepContext, template: TemplateName, retry: boolean): Reply {
  const shown = ctx.state.shown;
  const rendered = ctx.render(template, { options: shown.map((o) => o.label), retry });
  const dial: Record<string, string> = {};
  for (const o of step.options) {
    const number = o.dial ? ctx.services.kb.hotline(o.dial)?.number : undefined;
    if (number) dial[ctx.t(o.label)] = number;
  }
  return {
    ...rendered,
    suggestions: shown.map((o) => o.label),
    dial,
    // One convention everywhere: when the text asks for a number, the buttons show theirs.
    numbered: rendered.text.includes(ctx.t(CODE_KEYS.byNumber)),
  };
}

function pick(step: StepOf<'choice'>, ctx: StepContext, chosen: ShownOption): StepOutcome {
  if (chosen.source === 'entry') {
    ctx.setSlot(SLOTS.entry, chosen.value);
    return follow(step.onPick);
  }
  const def = step.options.find((o) => o.value === chosen.value)!;
  for (const [k, v] of Object.entries(def.set ?? {})) ctx.setSlot(k, v);
  if (step.slot) {
    ctx.setSlot(step.slot, def.value);
    ctx.state.labels[step.slot] = def.label;
  }
  if (def.next) return { type: 'next', step: def.next };
  return def.goto ? { type: 'goto', ...def.goto } : { type: 'end' };
}

export const choice: StepHandler<'choice'> = {
  kind: 'choice',
  async enter(step, ctx, { reprompt }) {
    ctx.state.shown = shownOptions(step, ctx);
    if (!reprompt) {
      ctx.state.retries = 0;
      if (step.skipIf && evalCondition(step.skipIf, (s) => ctx.getSlot(s)) && step.slot) {
        const have = ctx.getSlot(step.slot);
        const known = ctx.state.shown.find((o) => o.source === 'static' && o.value === String(have));
        if (known) return pick(step, ctx, known);
      }
    }
    if (!ctx.state.shown.length) {
      // Every option was filtered out (e.g. no candidates): nothing to ask.
      return follow(step.onFail);
    }
    await ctx.send({ ...prompt(step, ctx, step.prompt, false), expectsInput: true });
    return { type: 'wait' };
  },
  async input(step, ctx, text) {
    if (!ctx.state.shown.length) ctx.state.shown = shownOptions(step, ctx);
    const lex = ctx.services.flows.choices;
    const m = recognizeChoice(text, ctx.state.shown, lex, { freeText: step.otherwise === 'question' });
    if (m) return pick(step, ctx, ctx.state.shown[m.index]!);
    const n = parseNumber(text, lex, ctx.state.shown.length);
    if (n !== undefined && n > ctx.state.shown.length) {
      return retryOrFail(step, ctx, () => prompt(step, ctx, step.retry ?? CODE_TEMPLATES.choiceRetry, true));
    }
    if (step.otherwise === 'question') return { type: 'question', text };
    // A question typed where a pick was expected ("申请后几天给答复？") is answered, not met with
    // "请回复序号": only when it asks something and search is sure what it asks.
    if (looksLikeQuestion(text, ctx.services.flows.context) && ctx.services.search.search(text, { top: 1, locale: ctx.locale }).confident) {
      return { type: 'question', text };
    }
    return retryOrFail(step, ctx, () => prompt(step, ctx, step.retry ?? step.prompt, true));
  },
  targets: (step) => ({
    steps: [...step.options.flatMap((o) => (o.next ? [o.next] : [])), ...(step.onPick ? [step.onPick] : []), ...(step.onFail ? [step.onFail] : [])],
    flows: step.options.flatMap((o) => (o.goto ? [o.goto] : [])),
    skippable: !!step.skipIf,
    templates: [step.prompt, step.retry ?? CODE_TEMPLATES.choiceRetry],
    keys: [...step.options.map((o) => o.label), CODE_KEYS.byNumber],
  }),
};
