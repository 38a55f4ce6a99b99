/**
 * search: look the question (slot `query`) up in the knowledge base.
 *   confident → the best entry goes into `entry`; if a flow claims the entry's topic (flow file
 *               `topics:`), continue there instead (e.g. mediation, government affairs)
 *   unsure    → the closest entries go into `candidates` (for a "您想问的是：" choice)
 *   none      → nothing close enough
 * Every not-confident search is recorded for editors (UnansweredSink, masked text) and counts a
 * miss in the `misses` slot, so a flow can offer a person after the second miss.
 */
import type { Locale } from '../../content/schema';
import { SLOTS, type StepId } from '../ids';
import type { StepHandler } from '../runtime';
import { forSearch } from '../text';

/** A candidate is offered only if search says it resembles the question and it is this close to the best. */
export const CANDIDATE_MIN_SHARE = 0.5;
export const MAX_CANDIDATES = 3;

const CJK = /[\u3400-\u9FFF]/;
/** Chinese text is searched in Chinese whatever the chat language; Latin text in English. */
export function searchLocale(text: string, locale: Locale): Locale {
  if (CJK.test(text)) return 'zh-CN';
  return /[a-z]/i.test(text) ? 'en' : locale;
}

export const search: StepHandler<'search'> = {
  kind: 'search',
  async enter(step, ctx) {
    const raw = ctx.getSlot(step.query);
    const q = forSearch(typeof raw === 'string' ? raw : '');
    const locale = searchLocale(q, ctx.locale);
    const r = ctx.services.search.search(q, { top: 5, locale });
    const best = r.results[0];
    if (r.confident && best) {
      ctx.setSlot(SLOTS.entry, best.id);
      ctx.setSlot(SLOTS.candidates, undefined);
      ctx.setSlot(SLOTS.misses, undefined);
      const flow = ctx.services.flows.topicFlows.get(best.topic);
      if (flow && flow !== ctx.state.flow) return { type: 'goto', flow };
      return { type: 'next', step: step.confident as StepId };
    }
    const misses = Number(ctx.getSlot(SLOTS.misses) ?? 0) + 1;
    ctx.setSlot(SLOTS.misses, misses);
    const top = best?.score ?? 0;
    const seen = new Set<string>();
    const candidates = r.results
      .filter((h) => h.resembles && h.score >= top * CANDIDATE_MIN_SHARE)
      .filter((h) => !seen.has(h.id) && seen.add(h.id))
      .slice(0, MAX_CANDIDATES)
      .map((h) => h.id);
    ctx.setSlot(SLOTS.candidates, candidates);
    if (q) {
      try {
        await ctx.services.sinks.unanswered.record({
          at: new Date().toISOString(),
          question: q,
          reason: r.reason,
          candidates,
          locale: ctx.locale,
          channelId: ctx.turn.channelId,
        });
      } catch (err) {
        // Losing one record must not cost the citizen the conversation.
        ctx.services.logger.warn({ err, conversation: ctx.turn.conversationId }, 'could not record unanswered question');
      }
    }
    return { type: 'next', step: (candidates.length ? step.unsure : step.none) as StepId };
  },
  targets: (step) => ({ steps: [step.confident, step.unsure, step.none], flows: [], templates: [], keys: [] }),
};
