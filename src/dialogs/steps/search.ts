/**
 * search: look the question (slot `query`) up in the knowledge base.
 *   confident → the best entry goes into `entry`; if a flow claims the entry's topic (flow file
 *               `topics:`), continue there instead (e.g. mediation, government affairs)
 *   unsure    → the closest entries go into `candidates` (for a "您想问的是：" choice); also when
 *               search narrows to one topic (reason "topic": one tap among its entries)
 *   none      → nothing close enough; slot `verdict` says why (no-match / empty: not something
 *               the knowledge base covers, so the flow can say what the bot does cover; a weak or
 *               ambiguous result of which no hit resembles the question counts as no-match too)
 * A short follow-up is read against the conversation's current entry and topic (context.ts):
 * "那要带什么材料" after 劳动仲裁 is searched among that topic's entries and the entry's follow-ups
 * (search option `within`) when that reading is the better one. When the topic has nothing sure
 * for the message alone, the words the citizen left out are put back: the topic's title in front,
 * searched among the topic's other entries and the follow-ups (not the entry already on screen).
 * A strong hit there that matched the message's own words answers it ("离婚" + "要多长时间" →
 * 冷静期); otherwise a bare follow-up ("还有呢") is narrowed to the topic — those hits, then the
 * entry's follow-ups, one tap among them, never an entry of another topic.
 * Slot `followup` is true when the answer stays in the topic on screen.
 * Every not-confident search is recorded for editors (UnansweredSink, masked text) and counts a
 * miss in the `misses` slot, so a flow can offer a person after the second miss.
 */
import type { Locale } from '../../content/schema';
import type { SearchResult } from '../../search/types';
import { chooseReading, followupCue, matchesOwnWords } from '../context';
import { SLOTS } from '../ids';
import type { StepContext, StepHandler } from '../step-contract';
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

interface Read {
  result: SearchResult;
  /** The answer stays in the topic on screen. */
  followup: boolean;
  /** A bare follow-up narrowed to the topic on screen: the entries to offer. */
  offer?: string[];
}

/**
 * The words the citizen left out put back: the message with the topic's title in front, among the
 * topic's entries and the entry's follow-ups except the entry already on screen.
 */
function withTopicWords(ctx: StepContext, q: string, locale: Locale, topic: string, entry: string | undefined, followups: readonly string[]): SearchResult | undefined {
  const kb = ctx.services.kb;
  const others = [...new Set([...kb.entries.filter((e) => e.topic === topic).map((e) => e.id), ...followups])].filter((id) => id !== entry);
  if (!others.length) return undefined;
  return ctx.services.search.search(`${kb.topic(topic)?.title ?? ''} ${q}`, { top: 5, locale, within: { ids: others } });
}

/** Sure of one entry (not only of its topic). */
const sure = (r: SearchResult) => r.confident && r.reason !== 'topic';

/** The message searched alone, or read as a follow-up of the conversation's current entry. */
function readInContext(ctx: StepContext, q: string, locale: Locale): Read {
  const search = ctx.services.search;
  const alone = search.search(q, { top: 5, locale });
  const { entry, topic } = ctx.talk;
  if (!topic) return { result: alone, followup: false };
  const cue = followupCue(q, ctx.services.flows.context);
  if (cue === 'none') return { result: alone, followup: alone.confident && alone.results[0]?.topic === topic };
  const followups = (entry ? ctx.services.kb.entry(entry)?.followups : undefined) ?? [];
  const within = search.search(q, { top: 5, locale, within: { topics: [topic], ids: followups } });
  const reading = chooseReading(cue, alone, within, topic);
  if (reading === 'narrow' || (reading === 'within' && !sure(within) && cue !== 'weak')) {
    const expanded = withTopicWords(ctx, q, locale, topic, entry, followups);
    if (expanded && sure(expanded) && matchesOwnWords(expanded.results[0], alone.terms)) return { result: expanded, followup: true };
    if (reading === 'narrow') {
      const offer = [...new Set([...(expanded?.results ?? []).map((h) => h.id), ...followups])].filter((id) => id !== entry).slice(0, MAX_CANDIDATES);
      if (offer.length) return { result: within, followup: true, offer };
    }
  }
  const result = reading === 'within' ? within : alone;
  return { result, followup: reading === 'within' || (alone.confident && alone.results[0]?.topic === topic) };
}

export const search: StepHandler<'search'> = {
  kind: 'search',
  async enter(step, ctx) {
    const raw = ctx.getSlot(step.query);
    const q = forSearch(typeof raw === 'string' ? raw : '');
    const locale = searchLocale(q, ctx.locale);
    const { result: r, followup, offer } = readInContext(ctx, q, locale);
    const best = r.results[0];
    // Search may say it is sure of the topic only ("topic"): one tap among that topic's entries.
    const topicOnly = r.reason === 'topic';
    ctx.setSlot(SLOTS.verdict, r.reason);
    ctx.setSlot(SLOTS.followup, followup || undefined);
    ctx.setSlot(SLOTS.narrowed, undefined);
    if (r.confident && best && !topicOnly) {
      ctx.setSlot(SLOTS.entry, best.id);
      ctx.setSlot(SLOTS.candidates, undefined);
      ctx.setSlot(SLOTS.misses, undefined);
      ctx.talk.entry = best.id;
      ctx.talk.topic = best.topic;
      const flow = ctx.services.flows.topicFlows.get(best.topic);
      if (flow && flow !== ctx.state.flow) return { type: 'goto', flow };
      return { type: 'next', step: step.confident };
    }
    const top = best?.score ?? 0;
    const seen = new Set<string>();
    const candidates =
      offer ??
      r.results
        .filter((h) => (topicOnly ? h.topic === best?.topic : h.resembles && h.score >= top * CANDIDATE_MIN_SHARE))
        .filter((h) => !seen.has(h.id) && seen.add(h.id))
        .slice(0, MAX_CANDIDATES)
        .map((h) => h.id);
    ctx.setSlot(SLOTS.candidates, candidates);
    if (followup && candidates.length && ctx.talk.topic) ctx.setSlot(SLOTS.narrowed, ctx.services.kb.topic(ctx.talk.topic)?.title);
    if (topicOnly && best && candidates.length) {
      // Sure of the topic, not of the entry: a follow-up typed instead of a pick is read in that topic.
      ctx.talk.topic = best.topic;
      delete ctx.talk.entry;
    }
    if (!candidates.length && !r.results.some((h) => h.resembles)) ctx.setSlot(SLOTS.verdict, r.reason === 'empty' ? 'empty' : 'no-match');
    // Narrowed to one topic (search's "topic", or a follow-up in the topic on screen) is no miss.
    if (!(topicOnly || offer) || !candidates.length) ctx.setSlot(SLOTS.misses, Number(ctx.getSlot(SLOTS.misses) ?? 0) + 1);
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
    return { type: 'next', step: candidates.length ? step.unsure : step.none };
  },
  targets: (step) => ({ steps: [step.confident, step.unsure, step.none], flows: [], templates: [], keys: [] }),
};
