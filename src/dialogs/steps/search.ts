/**
 * search: look the question (slot `query`) up in the knowledge base.
 *   confident → the best entry goes into `entry`; if a flow claims the entry's topic (flow file
 *               `topics:`), continue there instead (e.g. mediation, government affairs)
 *   unsure    → the closest entries go into `candidates` (for a "您想问的是：" choice); also when
 *               search narrows to one topic (reason "topic": one tap among its entries)
 *   none      → nothing close enough; slot `verdict` says why (no-match / empty: not something
 *               the knowledge base covers, so the flow can say what the bot does cover; a weak or
 *               ambiguous result of which no hit resembles the question counts as no-match too)
 * A short follow-up is read against the conversation's current entry and topic (context.ts), or
 * after a "您想问的是" choice against the entries offered (and their topic, when most share one).
 * A follow-up that asks only about the answer on screen ("这合法吗", "我能咋办", "先要干啥": context.ts
 * aboutTheAnswer) gets that entry again, not a choice of the topic's others; one that starts so and
 * goes on ("接下来咋弄 找保险还是找他本人") is read as the question it goes on to. An entry a topic's
 * flow chose but has not shown yet (mediation asks the district first; talk.pending) is not on
 * screen: it is what such a follow-up gets, its follow-ups are the context, and it answers an
 * aspect it covers as well as any other entry.
 * A follow-up that names an aspect ("要钱吗", "在哪办", "不服呢", "能赔多少") is answered by the
 * entry there that names it (aspects.ts) — unless the message has words of its own that search is
 * sure of elsewhere (a new question), or search is sure of an entry elsewhere naming more of what
 * it asks. Otherwise "那要带什么材料" after 劳动仲裁 is searched among that topic's entries and the
 * entry's follow-ups (search option `within`) when that reading is the better one — also for a
 * message with a word of its own that search places elsewhere, when the topic is sure too and its
 * answer names that word ("误工的能要吗" after 交通事故). When nothing is sure for the follow-up,
 * the words the citizen left out are put back: the topic's title in front, then what the citizen
 * said before (talk.said: the question this context came from and the follow-ups read with it),
 * searched among the topic's other entries and the follow-ups (not the entry already on screen).
 * A strong hit there that matched the message's own words answers it; otherwise a follow-up made
 * of follow-up words ("还有呢"), or with a word of its own search cannot place at all, is narrowed
 * to the topic — those hits, then the entry's follow-ups, one tap among them, never an entry of
 * another topic. One entry left to offer, of the topic the conversation is in, is answered instead
 * of offered alone. The same reading with what was said before serves a follow-up to a question
 * that was not answered ("您想问的是", not covered, an emergency reply): "我爸是烈士 想打官司" →
 * choice → "像俺们这种还要查家里有没有钱吗" is searched with the first message in front, and
 * answered when search is then sure.
 * Slot `followup` is true when the answer stays in the topic on screen, and when it goes to the
 * topic flow whose question was still open (talk.pending of that flow): no second introduction.
 * Every not-confident search is recorded for editors (UnansweredSink, masked text) and counts a
 * miss in the `misses` slot, so a flow can offer a person after the second miss.
 */
import type { Locale } from '../../content/schema';
import { searchLocale } from '../../search/locale';
import type { SearchResult } from '../../search/types';
import { aspectsCovered, aspectsOf, resolveFollowup } from '../aspects';
import { aboutTheAnswer, afterAboutAnswer, chooseReading, followupCue, looksLikeQuestion, matchesOwnWords, ownTerms, ownTermsMatched } from '../context';
import { SLOTS } from '../ids';
import type { StepContext, StepHandler } from '../step-contract';
import { forSearch } from '../input';

/** A candidate is offered only if search says it resembles the question and it is this close to the best. */
export const CANDIDATE_MIN_SHARE = 0.5;
export const MAX_CANDIDATES = 3;
/** A message with words of its own is read by aspect in the topic only if the topic knows most of them. */
export const OWN_TERMS_IN_TOPIC = 0.5;

interface Read {
  result: SearchResult;
  /** The answer stays in the topic on screen. */
  followup: boolean;
  /** A bare follow-up narrowed to the topic on screen: the entries to offer. */
  offer?: string[];
  /** A follow-up resolved to one entry of the topic on screen by what it asks about (aspects.ts). */
  answer?: string;
  /** Shaped like a follow-up (context.ts followupCue): not a question of its own. */
  elliptical?: boolean;
}

/** What the citizen said before is kept this long at most (its latest characters). */
export const MAX_SAID_CHARS = 120;

/** `said` and the new message, as the context the next follow-up is read with (the latest words kept). */
export function joinSaid(said: string | undefined, q: string): string {
  const joined = said ? `${said} ${q}` : q;
  const cs = Array.from(joined);
  return cs.length > MAX_SAID_CHARS ? cs.slice(cs.length - MAX_SAID_CHARS).join('') : joined;
}

/**
 * The words the citizen left out put back, searched among the topic's entries and the entry's
 * follow-ups except the entry already on screen (with no topic, among the entries offered and
 * their topics, or everywhere): the message with the topic's title in front, then with what the citizen said
 * before (talk.said) in front. The first of them search is sure of wins.
 */
function withWordsBefore(ctx: StepContext, q: string, locale: Locale, topic: string | undefined, entry: string | undefined, ids: readonly string[]): SearchResult | undefined {
  const kb = ctx.services.kb;
  // With no topic, among the entries offered and their topics ("您想问的是" across topics).
  const topics = topic ? [topic] : [...new Set(ids.map((id) => kb.entry(id)?.topic).filter((t) => !!t))];
  const within = topics.length || ids.length ? { ids: [...new Set([...kb.entries.filter((e) => topics.includes(e.topic)).map((e) => e.id), ...ids])].filter((id) => id !== entry) } : undefined;
  if (within && !within.ids.length) return undefined;
  const fronts = [topic ? kb.topic(topic)?.title : undefined, ctx.talk.said];
  let last: SearchResult | undefined;
  for (const front of fronts) {
    if (!front) continue;
    last = ctx.services.search.search(`${front} ${q}`, { top: 5, locale, ...(within ? { within } : {}) });
    if (sure(last)) return last;
  }
  return last;
}

/** Sure of one entry (not only of its topic). */
const sure = (r: SearchResult) => r.confident && r.reason !== 'topic';

/**
 * The message names an aspect ("要钱吗", "在哪办", "不服呢"): the entry of the topic (or of the
 * entry's follow-ups, or of the choice just offered) that names it — aspects.ts. When search is
 * sure of an entry elsewhere that names more of what the message asks than any entry here does
 * ("诉讼费多少 谁出" after 找律师: lawsuit and fees → 诉讼费), that one: the citizen moved on.
 */
function readAspect(ctx: StepContext, q: string, aspects: string[], alone: SearchResult, within: SearchResult, ids: readonly string[]): Read | undefined {
  const { kb } = ctx.services;
  const lex = ctx.services.flows.context.aspects;
  const { topic, entry } = ctx.talk;
  const hotlineNumbers = kb.hotlines.map((h) => h.number);
  const poolIds = [...new Set([...kb.entries.filter((e) => e.topic === topic).map((e) => e.id), ...ids])];
  const pool = poolIds.map((id) => kb.entry(id)).filter((e) => !!e);
  const elsewhere = alone.results[0];
  if (sure(alone) && elsewhere && elsewhere.topic !== topic) {
    const here = Math.max(0, ...pool.map((e) => aspectsCovered(e, aspects, lex, hotlineNumbers)));
    if (aspectsCovered(elsewhere.entry, aspects, lex, hotlineNumbers) > here) return { result: alone, followup: false };
  }
  const r = resolveFollowup({ text: q, aspects, pool, onScreen: entry, pending: entry ? undefined : ctx.talk.pending, topic, within, hotlineNumbers }, lex);
  if (!r) return undefined;
  return 'answer' in r ? { result: within, followup: true, answer: r.answer } : { result: within, followup: true, offer: r.offer };
}

/**
 * A follow-up that nothing answers surely is read together with what the citizen said before
 * (withWordsBefore): that reading answers it when search is sure of it and its answer matched
 * words of the message itself, not only the words said before — or, with no entry on screen, when
 * the message has no search words of its own.
 */
function joined(ctx: StepContext, q: string, locale: Locale, alone: SearchResult, topic: string | undefined, entry: string | undefined, ids: readonly string[]): { answer?: SearchResult; near?: SearchResult } {
  const near = withWordsBefore(ctx, q, locale, topic, entry, ids);
  // A message with no search words at all ("那要给多少") adds only what it asks: with nothing
  // answered yet, the reading of what was said before is its answer.
  const own = matchesOwnWords(near?.results[0], alone.terms) || (!alone.terms.length && !entry);
  return { answer: near && sure(near) && own ? near : undefined, near };
}

/** The message searched alone, or read as a follow-up of the conversation's current entry. */
function readInContext(ctx: StepContext, said: string, locale: Locale): Read {
  const search = ctx.services.search;
  // "接下来咋弄 找保险还是找他本人": with something on screen, the question it goes on to is what is asked.
  const q = ctx.talk.topic ? afterAboutAnswer(said, ctx.services.flows.context) : said;
  const alone = search.search(q, { top: 5, locale });
  const { entry, topic } = ctx.talk;
  // What the conversation is about: the entry on screen, or the one a topic's flow has not shown
  // yet (its follow-ups are the context; it is not excluded as already read).
  const basis = entry ?? ctx.talk.pending;
  const offered = ctx.talk.offered ?? [];
  const lex = ctx.services.flows.context;
  const cue = followupCue(q, lex);
  // Nothing answered yet, but something said ("想离婚" → not covered → "要带啥"): an elliptical
  // message is read together with it.
  const elliptical = cue !== 'none';
  const aloneOr = (followup: boolean, ids: readonly string[] = offered): Read => {
    const j = elliptical && !sure(alone) ? joined(ctx, q, locale, alone, topic, entry, ids).answer : undefined;
    return j ? { result: j, followup: followup || (!!topic && j.results[0]?.topic === topic), elliptical } : { result: alone, followup, elliptical };
  };
  if (!topic && !offered.length) return aloneOr(false);
  const inTopic = !!topic && alone.confident && alone.results[0]?.topic === topic;
  const aspects = aspectsOf(q, lex.aspects);
  // Asking only about the answer on screen ("他们这样可以吗", "我能咋办", "先要干啥"): that answer
  // (again, or for the first time after a flow's question), not a choice of the topic's other entries — unless it names an aspect another entry
  // answers ("还能怎么办" → appeal), or search is sure of another entry of the same topic.
  if (basis && !aspects.length && aboutTheAnswer(q, lex) === 'only' && !(sure(alone) && inTopic && alone.results[0]?.id !== basis)) {
    return { result: alone, followup: true, answer: basis, elliptical: true };
  }
  // Long enough to stand alone: read in the topic only when search cannot place it and it names an aspect.
  if (cue === 'none' && (sure(alone) || !aspects.length)) return { result: alone, followup: inTopic };
  const read = (r: Read): Read => ({ ...r, elliptical });
  const followups = (basis ? ctx.services.kb.entry(basis)?.followups : undefined) ?? [];
  const ids = [...new Set([...followups, ...offered])];
  const within = search.search(q, { top: 10, locale, within: { topics: topic ? [topic] : [], ids } });
  // A message with words of its own that search is sure of elsewhere is a new question ("那离婚要多久");
  // so is one whose own words the topic does not know ("医院把人治坏了找谁" after 劳动仲裁).
  // Made only of follow-up and aspect words, a message gives search nothing of its own to be sure
  // about: then the topic decides, whatever search found elsewhere.
  const own = ownTerms(q, alone.terms, lex);
  const ownFits = cue === 'bare' || cue === 'strong' || ownTermsMatched(own, within.results) >= OWN_TERMS_IN_TOPIC;
  if (aspects.length && ownFits && !(sure(alone) && (inTopic || own.length > 0))) {
    const byAspect = readAspect(ctx, q, aspects, alone, within, ids);
    if (byAspect) return read(byAspect);
  }
  if (cue === 'none' || !topic) return aloneOr(inTopic, ids);
  // The topic's sure answer names what the message's own words name.
  // Only for a message that asks something: a bare name ("劳动合同") is a new question.
  const ownHere = sure(within) && own.length > 0 && looksLikeQuestion(q, lex) && ownTermsMatched(own, within.results.slice(0, 1)) >= 1;
  const reading = chooseReading(cue, alone, within, topic, ownHere);
  const result = reading === 'within' ? within : alone;
  if (reading === 'narrow' || !sure(result)) {
    const { answer: expanded, near } = joined(ctx, q, locale, alone, topic, entry, ids);
    if (expanded) return read({ result: expanded, followup: true });
    if (reading === 'narrow') {
      const offer = [...new Set([...(near?.results ?? []).map((h) => h.id), ...ids])].filter((id) => id !== entry).slice(0, MAX_CANDIDATES);
      if (offer.length) return read({ result: within, followup: true, offer });
    }
  }
  return read({ result, followup: reading === 'within' || inTopic });
}

/** The topic of the offered entries: the one they all share, or most of them (none when split). */
function topicOf(ctx: StepContext, ids: readonly string[]): string | undefined {
  const count = new Map<string, number>();
  for (const id of ids) {
    const t = ctx.services.kb.entry(id)?.topic;
    if (t) count.set(t, (count.get(t) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [t, n] of count) if (!best || n > count.get(best)!) best = t;
  return best && (count.get(best)! > ids.length / 2) ? best : undefined;
}

export const search: StepHandler<'search'> = {
  kind: 'search',
  async enter(step, ctx) {
    const raw = ctx.getSlot(step.query);
    const q = forSearch(typeof raw === 'string' ? raw : '');
    const locale = searchLocale(q, ctx.locale);
    const contextTopic = ctx.talk.topic;
    const pendingBefore = ctx.talk.pending;
    const { result: r, followup, offer, answer, elliptical } = readInContext(ctx, q, locale);
    // What the next follow-up is read with: this message, after what was said before when it was
    // read with it (an answer in the topic, or a follow-up still unanswered).
    ctx.talk.said = followup || (elliptical && !sure(r) && !answer) ? joinSaid(ctx.talk.said, q) : q || undefined;
    const best = r.results[0];
    // Search may say it is sure of the topic only ("topic"): one tap among that topic's entries.
    const topicOnly = r.reason === 'topic';
    ctx.setSlot(SLOTS.verdict, r.reason);
    ctx.setSlot(SLOTS.followup, followup || undefined);
    ctx.setSlot(SLOTS.narrowed, undefined);
    const top = best?.score ?? 0;
    const seen = new Set<string>();
    const candidates =
      offer ??
      r.results
        .filter((h) => (topicOnly ? h.topic === best?.topic : h.resembles && h.score >= top * CANDIDATE_MIN_SHARE))
        .filter((h) => !seen.has(h.id) && seen.add(h.id))
        .slice(0, MAX_CANDIDATES)
        .map((h) => h.id);
    // One entry to offer, and it is of the topic the conversation is in: the topic and search agree
    // on it, so it is answered (its feedback buttons are there) rather than offered as a lone tap.
    const lone = candidates.length === 1 && contextTopic ? ctx.services.kb.entry(candidates[0]!) : undefined;
    const chosen = answer
      ? ctx.services.kb.entry(answer)
      : r.confident && best && !topicOnly
        ? best.entry
        : lone?.topic === contextTopic
          ? lone
          : undefined;
    if (chosen) {
      if (chosen.id !== best?.id || !r.confident) ctx.setSlot(SLOTS.verdict, 'strong');
      ctx.setSlot(SLOTS.followup, followup || chosen.topic === contextTopic || undefined);
      ctx.setSlot(SLOTS.entry, chosen.id);
      ctx.setSlot(SLOTS.candidates, undefined);
      ctx.setSlot(SLOTS.misses, undefined);
      ctx.talk.topic = chosen.topic;
      delete ctx.talk.offered;
      const flow = ctx.services.flows.topicFlows.get(chosen.topic);
      // A topic's own flow may ask something first (mediation: the district) and show the entry
      // later, or never: until its answer step shows it, it is not on screen (ctx.talk.pending).
      if (flow && flow !== ctx.state.flow) {
        // Asked while that flow's own question was open (mediation asked the district; the citizen
        // asked "调解不管用咋办" instead): its explanation was just read, so it answers at once.
        if (pendingBefore && ctx.services.flows.topicFlows.get(ctx.services.kb.entry(pendingBefore)?.topic ?? '') === flow) ctx.setSlot(SLOTS.followup, true);
        delete ctx.talk.entry;
        ctx.talk.pending = chosen.id;
        return { type: 'goto', flow };
      }
      ctx.talk.entry = chosen.id;
      delete ctx.talk.pending;
      return { type: 'next', step: step.confident };
    }
    ctx.setSlot(SLOTS.candidates, candidates);
    if (followup && candidates.length && ctx.talk.topic) ctx.setSlot(SLOTS.narrowed, ctx.services.kb.topic(ctx.talk.topic)?.title);
    if (candidates.length) {
      // A follow-up typed instead of a pick is read among the entries offered and their topic
      // (search sure of the topic only: that topic; offers from several topics: no one topic);
      // a narrowed follow-up keeps the entry on screen.
      ctx.talk.offered = candidates;
      if (!followup) {
        const t = topicOnly && best ? best.topic : topicOf(ctx, candidates);
        if (t) ctx.talk.topic = t;
        else delete ctx.talk.topic;
        delete ctx.talk.entry;
      }
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
