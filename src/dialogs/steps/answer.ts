/**
 * answer: show the knowledge entry in the `entry` slot — title, summary, body, "依据：" source line,
 * route (hotline, or the verified office of the citizen's district), a disclaimer — with the
 * entry's follow-ups as buttons and "这个回答有帮助吗？" (有帮助/没帮助). The entry becomes the
 * conversation's current entry (ctx.talk), against which short follow-ups are read. Then it waits:
 *   a follow-up (number, title, paraphrase) → that entry is answered the same way
 *   有帮助 / 没帮助, also typed ("有用", "看不懂", "不是我想问的": choice-recognizer.ts) → recorded for editors
 *   (FeedbackSink), then `helpful` / `unhelpful`
 *   展开全文 / 详细步骤 (after the follow-ups) → the entry's whole text (template answer-full); the
 *   same buttons stay, without that one
 *   just a district name ("我在铜山") → the route is shown again for that district
 *   anything else → a new question
 */
import { recognizeChoice } from '../choice-recognizer';
import { looksLikeQuestion } from '../context';
import { CODE_KEYS, CODE_TEMPLATES, SLOTS } from '../ids';
import type { ShownOption, StepContext, StepHandler, StepOutcome } from '../step-contract';
import { onlyNamesDistrict } from '../district';
import { answerView } from '../answer-view';
import { officeFor, routeView } from '../route-view';

/** A button after the follow-ups shows the whole entry (the answer itself is the short form). */
const FULL_TEXT = 'full-text';

function current(ctx: StepContext, slot: string) {
  const id = ctx.getSlot(slot);
  return typeof id === 'string' ? ctx.services.kb.entry(id, ctx.locale) : undefined;
}

async function record(ctx: StepContext, entryId: string, helpful: boolean): Promise<void> {
  const q = ctx.getSlot(SLOTS.question);
  try {
    await ctx.services.sinks.feedback.record({
      at: new Date().toISOString(),
      entryId,
      helpful,
      locale: ctx.locale,
      channelId: ctx.turn.channelId,
      question: typeof q === 'string' ? q : undefined,
    });
  } catch (err) {
    ctx.services.logger.warn({ err, conversation: ctx.turn.conversationId }, 'could not record feedback');
  }
}

export const answer: StepHandler<'answer'> = {
  kind: 'answer',
  async enter(step, ctx) {
    const entry = current(ctx, step.entry);
    if (!entry) {
      // Only reachable if content changed under a saved conversation: treat as not found.
      await ctx.send({ ...ctx.render(CODE_TEMPLATES.gaveUp), suggestions: [] });
      return { type: 'end' };
    }
    ctx.state.retries = 0;
    // Shown for what the citizen said (search's pick, a pick among the entries offered, a follow-up
    // button under the last answer) or not (a menu button): then what was said no longer applies.
    const before = ctx.talk.entry ? ctx.services.kb.entry(ctx.talk.entry) : undefined;
    if (entry.id !== before?.id && entry.id !== ctx.talk.pending && !ctx.talk.offered?.includes(entry.id) && !before?.followups.includes(entry.id)) delete ctx.talk.said;
    ctx.talk.entry = entry.id;
    delete ctx.talk.pending;
    ctx.talk.topic = entry.topic;
    delete ctx.talk.offered;
    const view = answerView(ctx.services.kb, ctx.services.flows.routes, entry, ctx.locale, ctx.profile.district);
    const shown: ShownOption[] = [
      ...view.followups.map((f) => ({ value: f.id, label: f.title, synonyms: [], source: 'entry' as const })),
      // After the follow-ups, so "1" still picks the first follow-up on every channel.
      { value: FULL_TEXT, label: ctx.t(CODE_KEYS.fullText), synonyms: [], source: 'static' },
      ...(ctx.services.flows.offers.get(entry.topic) ?? [])
        .filter((o) => o.flow !== ctx.state.flow)
        .map((o) => ({ value: o.flow, label: ctx.t(o.label), synonyms: [], source: 'flow' as const })),
      { value: 'helpful', label: ctx.t(CODE_KEYS.helpful), synonyms: [], source: 'feedback' },
      { value: 'unhelpful', label: ctx.t(CODE_KEYS.unhelpful), synonyms: [], source: 'feedback' },
    ];
    ctx.state.shown = shown;
    await ctx.send({
      ...ctx.render(step.template ?? CODE_TEMPLATES.answer, { answer: view }),
      suggestions: shown.map((s) => s.label),
      expectsInput: true,
      // WeChat links to it (a full-answer page); on the web it is the 展开全文 button's reply.
      full: ctx.render(CODE_TEMPLATES.answerFull, { answer: view }).text,
    });
    return { type: 'wait' };
  },
  async input(step, ctx, text): Promise<StepOutcome> {
    const entry = current(ctx, step.entry);
    const district = ctx.services.kb.findDistrict(text);
    if (entry && district) {
      // "我在铜山区": only a district, nothing else to ask → show where to go there.
      if (onlyNamesDistrict(text, district)) {
        const route = routeView(ctx.services.kb, ctx.services.flows.routes, entry.route, ctx.locale, district.code, officeFor(ctx.services.flows.routes, entry));
        await ctx.send({ ...ctx.render(CODE_TEMPLATES.route, { route }), suggestions: ctx.state.shown.map((s) => s.label), expectsInput: true });
        return { type: 'wait' };
      }
    }
    // Follow-up buttons sit under an answer: anything but a clear pick is a new question.
    // Feedback with a comment after it ("挺好的 说得很清楚") counts when the comment asks nothing.
    const asks = (t: string) => looksLikeQuestion(t, ctx.services.flows.context);
    const m = recognizeChoice(text, ctx.state.shown, ctx.services.flows.choices, { freeText: true, asks });
    if (!m) return { type: 'question', text };
    const picked = ctx.state.shown[m.index]!;
    if (picked.source === 'static' && picked.value === FULL_TEXT && entry) {
      const view = answerView(ctx.services.kb, ctx.services.flows.routes, entry, ctx.locale, ctx.profile.district);
      ctx.state.shown = ctx.state.shown.filter((s) => s !== picked);
      await ctx.send({ ...ctx.render(CODE_TEMPLATES.answerFull, { answer: view }), suggestions: ctx.state.shown.map((s) => s.label), expectsInput: true });
      return { type: 'wait' };
    }
    if (picked.source === 'entry') {
      ctx.setSlot(step.entry, picked.value);
      return { type: 'next', step: step.id };
    }
    if (picked.source === 'flow') {
      // The flow offered for the entry's topic (the button stores its id as text).
      const offered = entry && ctx.services.flows.offers.get(entry.topic)?.find((o) => o.flow === picked.value);
      return offered ? { type: 'goto', flow: offered.flow } : { type: 'question', text };
    }
    if (entry) await record(ctx, entry.id, picked.value === 'helpful');
    return { type: 'next', step: picked.value === 'helpful' ? step.helpful : step.unhelpful };
  },
  targets: (step) => ({
    steps: [step.id, step.helpful, step.unhelpful],
    flows: [],
    templates: [step.template ?? CODE_TEMPLATES.answer, CODE_TEMPLATES.answerFull],
    keys: [CODE_KEYS.helpful, CODE_KEYS.unhelpful, CODE_KEYS.fullText],
  }),
};
