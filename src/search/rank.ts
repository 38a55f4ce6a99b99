/**
 * Ranking and the confidence verdict for one query against one locale's index.
 *
 *   candidates  BM25 from the compiled Lunr postings for the query's informative words and rarest
 *               bigrams (see postings.ts), plus the best entries of the topics the whole question
 *               points to (a story may share few words with any one entry, but many with a topic)
 *   rerank      final = W_SIM·similarity + W_LUNR·lunr/lunr_max + W_COVER·coverage + W_TOPIC·topic
 *               similarity  weighted Dice between the query's terms and the closest question/title,
 *                           or the share of that question found in a long story, whichever is larger
 *               coverage    share of the query's word weight (idf) the entry's questions, title and
 *                           keywords contain; words no entry knows weigh the most
 *               topic       how much of the question the entry's whole topic knows (all its entries'
 *                           questions and titles), relative to the best topic
 *   verdict     features of the best hit (verdictFeatures) → a probability that the top topic is right,
 *               from a logistic model fitted on labelled questions (calibration.ts); above its
 *               threshold the bot acts: "strong" (one entry clearly first) or "topic" (the evidence
 *               agrees on a topic but not on one entry: a one-tap choice among that topic's entries)
 *
 * Contract: pure over the index; never throws for any word lists.
 */
import type { KnowledgeEntry } from '../content/schema';
import { BIGRAM_MARK } from './pipeline';
import { type Candidate, type Postings, scorePostings } from './postings';
import { type Calibration, type VerdictFeatures, probability } from './calibration';
import { TUNING } from './tuning';
import type { SearchHit, SearchResult } from './types';


/** One locale's index, prepared for ranking (engine.ts builds it). */
export interface RankIndex {
  postings: Postings;
  /** Entries by id. */
  entries: Map<string, KnowledgeEntry>;
  /** Per entry: each phrase's term ids and summed term weight (questions, then the title). */
  phrases: Map<string, PhraseBlock>;
  /** Every phrase term's id (what `PhraseBlock.terms` holds). */
  termIds: Map<string, number>;
  /**
   * One weight slot per term id, all zero between queries: ranking writes the query's weights in,
   * reads them per phrase and clears them again (queries run one at a time on the event loop).
   */
  scratch: Float64Array;
  /** Entry id → its slot in `covered` (and in the word lists below). */
  slot: Map<string, number>;
  /**
   * word → the entries that hold it: in a question, title or keyword (`inBody` 0) or only in the
   * body (1). Coverage is then one scan per query word instead of a set lookup per word and candidate.
   */
  wordEntries: Map<string, { slots: Int32Array; inBody: Uint8Array }>;
  /** One coverage slot per entry, all zero between queries (like `scratch`). */
  covered: Float64Array;
  /** Words of each entry's title and keywords: what the entry is about. */
  subject: Map<string, Set<string>>;
  /** In how many entries' questions and titles a term occurs (idf for similarity and coverage). */
  df: Map<string, number>;
  /** In how many entries a term occurs anywhere in the Lunr index (chooses the query's terms). */
  lunrDf: Map<string, number>;
  /** term → topic → in how many of the topic's phrases it occurs. */
  topicTf: Map<string, Map<string, number>>;
  /** Entry ids of each topic. */
  topicEntries: Map<string, string[]>;
  n: number;
}

/**
 * An entry's stored phrases as ids into the index's term table, all in one array: similarity is then
 * array reads instead of string hashing (36 candidates × ~20 phrases each), and one block per entry
 * instead of an object and an array per phrase.
 */
export interface PhraseBlock {
  /** Every phrase's term ids, one phrase after another (no id twice within a phrase). */
  terms: Int32Array;
  /** Where each phrase's ids end in `terms` (phrase i is ends[i-1] … ends[i]). */
  ends: Int32Array;
  /** Each phrase's summed term weight. */
  weights: Float64Array;
}

export interface RankOutcome extends Pick<SearchResult, 'confident' | 'reason' | 'results'> {
  features?: VerdictFeatures;
  probability?: number;
  /** The best hit resembles the question (before the verdict): only then may any model act on it. */
  actable?: boolean;
}

export function rank(ix: RankIndex, words: string[], bigrams: string[], calibration: Calibration, allowed?: ReadonlySet<string>): RankOutcome {
  const idf = termIdf(ix.n, ix.df);
  const weight = termWeight(ix.n, ix.df);
  const queryTerms = [...new Set([...words, ...bigrams])];
  const queryWeights = queryTerms.map(weight);
  const queryWeight = sum(queryWeights);
  const long = queryTerms.length >= MIN_CONTAINMENT_TERMS;
  const wordIdf = words.map(idf);
  const wordWeight = sum(wordIdf);
  const queryIds = writeQueryWeights(ix, queryTerms, queryWeights);
  const coveredSlots = writeCoverage(ix, words, wordIdf);
  try {
    const topics = topicEvidence(ix, queryTerms, queryWeights, allowed);
    const ask = [...lunrWords(ix, words).map((t) => ({ t, w: 1 })), ...rareBigrams(ix, bigrams).map((t) => ({ t, w: TUNING.bigramBoost }))];
    const candidates = withTopicCandidates(ix, scorePostings(ix.postings, ask, TUNING.candidates, allowed), topics, ask, allowed);
    if (!candidates.length) return { confident: false, reason: 'no-match', results: [] };
    const maxLunr = Math.max(...candidates.map((c) => c.score)) || 1;
    const bestTopic = topics[0]?.score || 1;
    const topicScore = new Map(topics.map((t) => [t.topic, t.score]));

    const hits: SearchHit[] = [];
    for (const m of candidates) {
      const entry = ix.entries.get(m.ref);
      const phrases = ix.phrases.get(m.ref);
      if (!entry || !phrases) continue;
      let similarity = 0;
      let bestPhrase = -1;
      const { terms, ends, weights } = phrases;
      for (let i = 0, from = 0; i < ends.length; from = ends[i++]!) {
        let both = 0;
        for (let k = from; k < ends[i]!; k++) both += ix.scratch[terms[k]!]!;
        const s = phraseSimilarity(both, ends[i]! - from, weights[i]!, queryWeight, long);
        if (s > similarity) {
          similarity = s;
          bestPhrase = i;
        }
      }
      const coverage = wordWeight > 0 ? ix.covered[ix.slot.get(m.ref)!]! / wordWeight : similarity;
      const topic = (topicScore.get(entry.topic) ?? 0) / bestTopic;
      const score = TUNING.W_SIM * similarity + TUNING.W_LUNR * (m.score / maxLunr) + TUNING.W_COVER * coverage + TUNING.W_TOPIC * topic;
      // Coverage alone says little about a one-word question ("谁" is fully covered by any entry with 谁),
      // and a lone word must name what the entry is about (its title or keywords): "喜欢" in one of its
      // questions does not make "你喜欢什么" a question about online returns.
      const resembles =
        (words.length !== 1 || ix.subject.get(m.ref)?.has(words[0]!) === true) &&
        (similarity >= TUNING.minRelevantSimilarity ||
        (words.length > 1 && coverage >= TUNING.minRelevantCoverage && similarity >= 0.15) ||
        (words.length > 2 && topic >= 0.999 && (topics[0]?.cover ?? 0) >= TUNING.minRelevantTopic));
      hits.push({
        id: entry.id,
        topic: entry.topic,
        title: entry.title,
        score,
        entry,
        resembles,
        explain: {
          terms: m.matched,
          bestQuestion: bestPhrase >= 0 && bestPhrase < entry.questions.length ? entry.questions[bestPhrase] : bestPhrase >= 0 ? entry.title : undefined,
          similarity: round(similarity),
          coverage: round(coverage),
          lunr: round(m.score / maxLunr),
          topic: round(topic),
        },
      });
    }
    hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const best = hits[0];
    if (!best) return { confident: false, reason: 'no-match', results: [] };

    const features = verdictFeatures(ix, hits, topics, words, idf);
    const p = probability(calibration, features);
    const actable = best.resembles;
    const resemblesAny = hits.slice(0, 3).some((h) => h.resembles);
    let reason: SearchResult['reason'];
    // The model never acts on a best hit that resembles nothing of the question (one rare word shared).
    // A lone word that names what entries are about ("赔偿") is a request for them, however unsure.
    const namesSubjects = words.length === 1 && best.resembles;
    if (p >= calibration.threshold && best.resembles) reason = answersAlone(hits) ? 'strong' : 'topic';
    else if (!resemblesAny || (p < TUNING.minOffer && !namesSubjects)) {
      reason = 'no-match';
      // Nothing may be offered as "您想问的是"; the hits stay for the editor pane.
      for (const h of hits) h.resembles = false;
    }
    else {
      const rival = hits.find((h) => h.topic !== best.topic);
      reason = rival?.resembles && rival.score >= best.score * 0.9 ? 'ambiguous' : 'weak';
    }
    return { confident: reason === 'strong' || reason === 'topic', reason, results: hits, features, probability: p, actable };
  } finally {
    // The scratch slots are shared by every query on this index: leave them all zero.
    for (const id of queryIds) ix.scratch[id] = 0;
    for (const slot of coveredSlots) ix.covered[slot] = 0;
  }
}

/**
 * The best hit is answered alone when it is its topic's main entry (whose follow-ups lead to the
 * rest), when it closely matches one of its own questions, or when no other entry of its topic is
 * nearly as good; otherwise the topic is offered as one tap among its leading entries.
 */
function answersAlone(hits: SearchHit[]): boolean {
  const [best, ...rest] = hits;
  if (best!.id === best!.topic || best!.explain.similarity >= TUNING.closeQuestion) return true;
  const next = rest.find((h) => h.topic === best!.topic);
  return !next || next.score < best!.score * (1 - TUNING.entryLead);
}

export interface TopicScore {
  topic: string;
  /** Weighted share of the question the topic's phrases contain, saturated by how often. */
  score: number;
  /** Plain share of the question's term weight the topic knows at all (0–1). */
  cover: number;
}

/** How much of the question each topic knows, best first (only topics with some evidence). */
function topicEvidence(ix: RankIndex, terms: string[], weights: number[], allowed?: ReadonlySet<string>): TopicScore[] {
  const nTopics = ix.topicEntries.size || 1;
  const acc = new Map<string, { score: number; cover: number }>();
  let total = 0;
  terms.forEach((t, i) => {
    const byTopic = ix.topicTf.get(t);
    // Words no topic knows weigh as much as the rarest: a question about something else stays low.
    const tIdf = Math.log(1 + nTopics / ((byTopic?.size ?? 0) + 0.5)) * (t.startsWith(BIGRAM_MARK) ? TUNING.bigramWeight : 1);
    const w = Math.min(weights[i]!, tIdf) || tIdf;
    total += w;
    if (!byTopic) return;
    for (const [topic, tf] of byTopic) {
      const a = acc.get(topic) ?? { score: 0, cover: 0 };
      a.score += w * (tf / (tf + 1));
      a.cover += w;
      acc.set(topic, a);
    }
  });
  if (allowed) {
    const keep = new Set([...allowed].map((id) => ix.entries.get(id)?.topic));
    for (const topic of acc.keys()) if (!keep.has(topic)) acc.delete(topic);
  }
  return [...acc.entries()]
    .map(([topic, a]) => ({ topic, score: total ? a.score / total : 0, cover: total ? a.cover / total : 0 }))
    .sort((a, b) => b.score - a.score || a.topic.localeCompare(b.topic));
}

/** Lunr's candidates plus the leading entries of the best topics, scored on the same postings. */
function withTopicCandidates(
  ix: RankIndex,
  found: Candidate[],
  topics: TopicScore[],
  ask: { t: string; w: number }[],
  allowed?: ReadonlySet<string>,
): Candidate[] {
  const have = new Set(found.map((c) => c.ref));
  const extra = new Set<string>();
  for (const t of topics.slice(0, TUNING.topicCandidates)) {
    const ids = (ix.topicEntries.get(t.topic) ?? []).filter((id) => !have.has(id) && (!allowed || allowed.has(id)));
    for (const id of ids.slice(0, TUNING.entriesPerTopicCandidate)) extra.add(id);
  }
  if (!extra.size) return found;
  const scored = new Map(scorePostings(ix.postings, ask, extra.size, extra).map((c) => [c.ref, c]));
  return [...found, ...[...extra].map((ref) => scored.get(ref) ?? { ref, score: 0, matched: {} })];
}

/** What the verdict is decided on (each 0–1 or near it); see calibration.ts. */
function verdictFeatures(ix: RankIndex, hits: SearchHit[], topics: TopicScore[], words: string[], idf: (t: string) => number): VerdictFeatures {
  const best = hits[0]!;
  const rival = hits.find((h) => h.topic !== best.topic);
  const top = hits.slice(0, 10);
  const mass = sum(top.map((h) => h.score)) || 1;
  const t0 = topics.find((t) => t.topic === best.topic);
  const t1 = topics.find((t) => t.topic !== best.topic);
  const knownWeight = sum(words.map((w) => ((ix.lunrDf.get(w) ?? 0) > 0 ? idf(w) : 0)));
  const allWeight = sum(words.map(idf));
  return {
    similarity: best.explain.similarity,
    coverage: best.explain.coverage,
    topicCover: t0?.cover ?? 0,
    // Margins say little when little of the question is known: they are scaled by how much is.
    topicMargin: (t0 && t0.score > 0 ? (t0.score - (t1?.score ?? 0)) / t0.score : 0) * (t0?.cover ?? 0),
    scoreMargin: (rival ? (best.score - rival.score) / best.score : 1) * best.explain.coverage,
    topicShare: (sum(top.filter((h) => h.topic === best.topic).map((h) => h.score)) / mass) * (t0?.cover ?? 0),
    known: allWeight > 0 ? knownWeight / allWeight : 0,
    length: Math.min(1, Math.log(1 + words.length) / Math.log(33)),
  };
}

/**
 * The words worth asking Lunr for: Lunr scores every entry a term matches and cannot stop early,
 * so a word found in most entries costs much and ranks little. Known words, rarest first, without
 * the very common ones (they still count in the rerank).
 */
function lunrWords(ix: RankIndex, words: string[]): string[] {
  const df = (t: string) => ix.lunrDf.get(t) ?? 0;
  const known = words.filter((w) => df(w) > 0).sort((a, b) => df(a) - df(b));
  const maxDf = candidateMaxDf(ix.n);
  return known.filter((w, i) => i < TUNING.minCandidateWords || df(w) <= maxDf).slice(0, TUNING.maxCandidateWords);
}

/** The query's rarest character bigrams: the fallback for typos and words split differently. */
function rareBigrams(ix: RankIndex, bigrams: string[]): string[] {
  const df = (t: string) => ix.lunrDf.get(t) ?? 0;
  const maxDf = candidateMaxDf(ix.n);
  return bigrams
    .filter((b) => df(b) > 0 && df(b) <= maxDf)
    .sort((a, b) => df(a) - df(b))
    .slice(0, TUNING.maxCandidateBigrams);
}

/** Below this many terms a question is no story: containment would reward a one-word match. */
const MIN_CONTAINMENT_TERMS = 8;

/**
 * How closely one stored phrase matches the question, from the summed query weight of the terms
 * they share (`both`): the weighted Dice coefficient of their terms, or for a long question (a story)
 * the share of the phrase it contains, scaled by `containment`, whichever is larger.
 */
function phraseSimilarity(both: number, phraseTerms: number, phraseWeight: number, queryWeight: number, long: boolean): number {
  if (!phraseTerms || queryWeight <= 0 || phraseWeight <= 0) return 0;
  const dice = (2 * both) / (queryWeight + phraseWeight);
  return long ? Math.max(dice, TUNING.containment * Math.min(1, both / phraseWeight)) : dice;
}

/**
 * Writes the query's term weights into the index's scratch slots and returns the ids written (the
 * caller clears them). Terms no phrase holds have no slot: they cannot add to any similarity.
 */
function writeQueryWeights(ix: RankIndex, terms: string[], weights: number[]): number[] {
  const ids: number[] = [];
  terms.forEach((t, i) => {
    const id = ix.termIds.get(t);
    if (id === undefined) return;
    ix.scratch[id] = weights[i]!;
    ids.push(id);
  });
  return ids;
}

/**
 * Adds each query word's idf to the coverage slot of every entry that holds it (a body-only word
 * counts `bodyCoverage` of it) and returns the slots written (the caller clears them).
 */
function writeCoverage(ix: RankIndex, words: string[], wordIdf: number[]): number[] {
  const touched: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const list = ix.wordEntries.get(words[i]!);
    if (!list) continue;
    const { slots, inBody } = list;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      touched.push(slot);
      ix.covered[slot] = ix.covered[slot]! + (inBody[k] ? TUNING.bodyCoverage * wordIdf[i]! : wordIdf[i]!);
    }
  }
  return touched;
}

/** Terms in more entries than this are left out of candidate search (they still count in the rerank). */
function candidateMaxDf(n: number): number {
  return Math.min(TUNING.maxCandidateDf, Math.max(TUNING.minCommonDf, n * TUNING.maxCandidateDfShare));
}

export function termIdf(n: number, df: Map<string, number>): (t: string) => number {
  return (t) => Math.log(1 + n / ((df.get(t) ?? 0) + 0.5));
}

/** Bigrams count less than words: they are the fallback, and overlap with the words they span. */
export function termWeight(n: number, df: Map<string, number>): (t: string) => number {
  const idf = termIdf(n, df);
  return (t) => (t.startsWith(BIGRAM_MARK) ? TUNING.bigramWeight : 1) * idf(t);
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
