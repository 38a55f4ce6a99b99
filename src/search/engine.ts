/**
 * Knowledge search: a Lunr index per locale over analysed terms (see pipeline.ts), then a rerank
 * of the best candidates by how closely the question matches one of the ways citizens ask each
 * entry, and a calibrated confidence.
 *
 *   candidates  BM25 from a Lunr index over fields questions^3, title^2, keywords^2, body^1, for
 *               the query's informative words only (compiled postings; user text never reaches
 *               Lunr's query parser) and its rarest character bigrams at a quarter weight
 *   rerank      final = W_SIM·similarity + W_LUNR·lunr/lunr_max + W_COVER·coverage
 *               similarity: weighted Dice between the query's terms and the closest question/title
 *               coverage:   share of the query's word weight (idf) that the entry's questions,
 *                           title and keywords contain; words no entry knows weigh the most
 *   confidence  strong only when coverage and similarity clear their floors and no entry of
 *               another topic is nearly as good (then "ambiguous": the bot asks which is meant);
 *               "no-match" when nothing resembles the question even though Lunr found words
 *
 * Contract: search() never throws on any string; build() is deterministic for the same content.
 */
import { createHash } from 'node:crypto';
import lunr from 'lunr';
import type { KnowledgeContent } from '../content/loader';
import type { KnowledgeEntry, Locale } from '../content/schema';
import { type Analysis, Analyzer, BIGRAM_MARK } from './pipeline';
import type { KnowledgeSearch, SearchHit, SearchOptions, SearchResult } from './types';

export const INDEX_FORMAT = 5;

/** Scoring constants, calibrated on the development set (see bench/RESULTS.md). */
export const TUNING = {
  fieldBoost: { questions: 3, title: 2, keywords: 2, body: 1 },
  bigramWeight: 0.35,
  maxWords: 24,
  maxBigrams: 40,
  maxQueryChars: 500,
  candidates: 30,
  /** A bigram's BM25 weight counts this much of a word's. */
  bigramBoost: 0.25,
  /** Lunr is asked for at most this many words, the rarest, and always at least minCandidateWords. */
  maxCandidateWords: 10,
  minCandidateWords: 3,
  /** Words in more than this share of entries are left out of the Lunr query (not the rerank). */
  maxCandidateDfShare: 0.15,
  minCommonDf: 12,
  /** …and never more than this many, whatever the size of the base (bounds the work per query). */
  maxCandidateDf: 250,
  maxCandidateBigrams: 6,
  bodyCoverage: 0.5,
  W_SIM: 0.5,
  W_LUNR: 0.25,
  W_COVER: 0.25,
  /** Below these the best hit is "weak". */
  minCoverage: 0.45,
  minSimilarity: 0.25,
  minFinal: 0.5,
  /** Below both of these nothing in the best hit resembles the question: "no-match". */
  minRelevantSimilarity: 0.25,
  minRelevantCoverage: 0.45,
  /** Another topic within this share of the best final score makes the answer "ambiguous". */
  ambiguityRatio: 0.97,
} as const;

interface DocMeta {
  id: string;
  /** Term lists of each question and of the title, for the similarity rerank. */
  phrases: string[][];
  /** Words (not bigrams) of the questions, title and keywords: what "coverage" checks against. */
  vocab: string[];
  /** Words found only in the answer text: they count half towards coverage. */
  bodyVocab: string[];
}

interface LocaleIndex {
  lunr: lunr.Index;
  docs: Map<string, DocMeta>;
  vocab: Map<string, Set<string>>;
  bodyVocab: Map<string, Set<string>>;
  /** Per entry: each phrase's term set and summed term weight, precomputed for the rerank. */
  phrases: Map<string, { set: Set<string>; weight: number }[]>;
  /** In how many entries' questions and titles a term occurs (idf for similarity and coverage). */
  df: Map<string, number>;
  /** In how many entries a term occurs anywhere in the Lunr index (chooses the query's terms). */
  lunrDf: Map<string, number>;
  /** The Lunr index compiled for querying (see compilePostings). */
  postings: Postings;
  n: number;
}

export interface SerializedIndex {
  format: number;
  steps: readonly string[];
  contentHash: string;
  builtAt: string;
  locales: Record<string, { lunr: object; docs: DocMeta[] }>;
}

export function contentHash(content: KnowledgeContent): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([INDEX_FORMAT, Analyzer.STEP_NAMES, content.synonyms, content.legalTerms, content.stopwords, TUNING]));
  for (const e of [...content.entries].sort((a, b) => `${a.locale}:${a.id}`.localeCompare(`${b.locale}:${b.id}`))) {
    h.update(JSON.stringify([e.locale, e.id, e.topic, e.title, e.questions, e.keywords, e.body]));
  }
  return h.digest('hex').slice(0, 16);
}

export class SearchEngine implements KnowledgeSearch {
  private readonly indexes = new Map<Locale, LocaleIndex>();
  private readonly entries = new Map<string, KnowledgeEntry>();

  private constructor(
    readonly analyzer: Analyzer,
    readonly hash: string,
    readonly builtAt: string,
  ) {}

  /** Analyse every entry and build the Lunr indexes (the `kb build` step). */
  static build(content: KnowledgeContent, analyzer = analyzerFor(content)): SearchEngine {
    const engine = new SearchEngine(analyzer, contentHash(content), new Date().toISOString());
    for (const locale of localesOf(content)) {
      const entries = content.entries.filter((e) => e.locale === locale);
      const builder = new lunr.Builder();
      builder.pipeline.reset();
      builder.searchPipeline.reset();
      builder.ref('id');
      for (const [field, boost] of Object.entries(TUNING.fieldBoost)) builder.field(field, { boost });
      builder.b(0.5);
      const docs: DocMeta[] = [];
      for (const e of entries) {
        const q = e.questions.map((x) => analyzer.analyse(x));
        const title = analyzer.analyse(e.title);
        const keywords = analyzer.analyse(e.keywords.join(' '));
        const body = analyzer.analyse(e.body);
        // Bigrams of the long answer text would match nearly every entry: words only there.
        builder.add({ id: e.id, questions: q.flatMap(terms), title: terms(title), keywords: terms(keywords), body: body.words });
        const vocab = new Set([...q.flatMap((a) => a.words), ...title.words, ...keywords.words]);
        docs.push({
          id: e.id,
          phrases: [...q, title].map(terms),
          vocab: [...vocab],
          bodyVocab: body.words.filter((w) => !vocab.has(w)),
        });
      }
      engine.install(locale, builder.build(), docs, entries);
    }
    return engine;
  }

  /** Load a serialised index; undefined when it was built from other content or other steps. */
  static load(json: SerializedIndex, content: KnowledgeContent, analyzer = analyzerFor(content)): SearchEngine | undefined {
    if (json.format !== INDEX_FORMAT || json.contentHash !== contentHash(content)) return undefined;
    if (JSON.stringify(json.steps) !== JSON.stringify(Analyzer.STEP_NAMES)) return undefined;
    const engine = new SearchEngine(analyzer, json.contentHash, json.builtAt);
    for (const [locale, data] of Object.entries(json.locales)) {
      const entries = content.entries.filter((e) => e.locale === locale);
      engine.install(locale as Locale, lunr.Index.load(data.lunr), data.docs, entries);
    }
    return engine;
  }

  toJSON(): SerializedIndex {
    const locales: SerializedIndex['locales'] = {};
    for (const [locale, ix] of this.indexes) locales[locale] = { lunr: ix.lunr.toJSON(), docs: [...ix.docs.values()] };
    return { format: INDEX_FORMAT, steps: Analyzer.STEP_NAMES, contentHash: this.hash, builtAt: this.builtAt, locales };
  }

  get size(): number {
    return this.entries.size;
  }

  private install(locale: Locale, index: lunr.Index, docs: DocMeta[], entries: KnowledgeEntry[]): void {
    const df = new Map<string, number>();
    const vocab = new Map<string, Set<string>>();
    const bodyVocab = new Map<string, Set<string>>();
    const meta = new Map<string, DocMeta>();
    for (const d of docs) {
      meta.set(d.id, d);
      vocab.set(d.id, new Set(d.vocab));
      bodyVocab.set(d.id, new Set(d.bodyVocab));
      for (const t of new Set(d.phrases.flat())) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const n = docs.length;
    const weight = termWeight(n, df);
    const phrases = new Map<string, { set: Set<string>; weight: number }[]>();
    for (const d of docs) {
      phrases.set(
        d.id,
        d.phrases.map((p) => {
          const set = new Set(p);
          let w = 0;
          for (const t of set) w += weight(t);
          return { set, weight: w };
        }),
      );
    }
    const postings = compilePostings(index);
    const lunrDf = new Map<string, number>();
    for (const [term, p] of postings.byTerm) lunrDf.set(term, p.docs.length);
    for (const e of entries) this.entries.set(`${locale}:${e.id}`, e);
    this.indexes.set(locale, { lunr: index, docs: meta, vocab, bodyVocab, phrases, df, lunrDf, postings, n });
  }

  /**
   * The words worth asking Lunr for: Lunr scores every entry a term matches and cannot stop early,
   * so a word found in most entries costs much and ranks little. Known words, rarest first, without
   * the very common ones (they still count in the rerank).
   */
  private lunrWords(ix: LocaleIndex, words: string[]): string[] {
    const df = (t: string) => ix.lunrDf.get(t) ?? 0;
    const known = words.filter((w) => df(w) > 0).sort((a, b) => df(a) - df(b));
    const maxDf = candidateMaxDf(ix.n);
    return known.filter((w, i) => i < TUNING.minCandidateWords || df(w) <= maxDf).slice(0, TUNING.maxCandidateWords);
  }

  /** The query's rarest character bigrams: the fallback for typos and words split differently. */
  private rareBigrams(ix: LocaleIndex, bigrams: string[]): string[] {
    const df = (t: string) => ix.lunrDf.get(t) ?? 0;
    const maxDf = candidateMaxDf(ix.n);
    return bigrams
      .filter((b) => df(b) > 0 && df(b) <= maxDf)
      .sort((a, b) => df(a) - df(b))
      .slice(0, TUNING.maxCandidateBigrams);
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const top = Math.max(1, Math.min(50, options.top ?? 5));
    const locale = options.locale && this.indexes.has(options.locale) ? options.locale : 'zh-CN';
    const text = typeof query === 'string' ? query : '';
    const ix = this.indexes.get(locale) ?? this.indexes.values().next().value;
    const analysis = this.analyzer.analyse(Array.from(text).slice(0, TUNING.maxQueryChars).join(''));
    const words = analysis.words.slice(0, TUNING.maxWords);
    const bigrams = analysis.bigrams.slice(0, TUNING.maxBigrams);
    const base = { query: text, terms: words };
    if (!ix || (!words.length && !bigrams.length)) return { ...base, confident: false, reason: 'empty', results: [] };
    const r = this.rank(ix, locale, words, bigrams, this.allowed(locale, options.within));
    return { ...base, ...r, results: r.results.slice(0, top) };
  }

  /** The entry ids a `within` option leaves as candidates (undefined: all). */
  private allowed(locale: Locale, within: SearchOptions['within']): Set<string> | undefined {
    if (!within || (!within.topics?.length && !within.ids?.length)) return undefined;
    const topics = new Set(within.topics ?? []);
    const ids = new Set(within.ids ?? []);
    const out = new Set<string>();
    for (const e of this.entries.values()) if (e.locale === locale && (topics.has(e.topic) || ids.has(e.id))) out.add(e.id);
    return out;
  }

  private rank(
    ix: LocaleIndex,
    locale: Locale,
    words: string[],
    bigrams: string[],
    allowed?: Set<string>,
  ): Pick<SearchResult, 'confident' | 'reason' | 'results'> {
    const idf = termIdf(ix.n, ix.df);
    const weight = termWeight(ix.n, ix.df);

    const ask = [...this.lunrWords(ix, words).map((t) => ({ t, w: 1 })), ...this.rareBigrams(ix, bigrams).map((t) => ({ t, w: TUNING.bigramBoost }))];
    const candidates = scorePostings(ix.postings, ask, TUNING.candidates, allowed);
    if (!candidates.length) return { confident: false, reason: 'no-match', results: [] };
    const maxLunr = candidates[0]!.score || 1;
    const queryTerms = [...new Set([...words, ...bigrams])];
    const queryWeights = queryTerms.map(weight);
    const queryWeight = sum(queryWeights);
    const wordWeight = sum(words.map(idf));

    const hits: SearchHit[] = [];
    for (const m of candidates) {
      const entry = this.entries.get(`${locale}:${m.ref}`);
      const phrases = ix.phrases.get(m.ref);
      if (!entry || !phrases) continue;
      let similarity = 0;
      let bestPhrase = -1;
      phrases.forEach((phrase, i) => {
        const s = dice(queryTerms, queryWeights, queryWeight, phrase);
        if (s > similarity) {
          similarity = s;
          bestPhrase = i;
        }
      });
      const vocab = ix.vocab.get(m.ref)!;
      const bodyVocab = ix.bodyVocab.get(m.ref)!;
      const covered = sum(words.map((w) => (vocab.has(w) ? idf(w) : bodyVocab.has(w) ? TUNING.bodyCoverage * idf(w) : 0)));
      const coverage = wordWeight > 0 ? covered / wordWeight : similarity;
      const score = TUNING.W_SIM * similarity + TUNING.W_LUNR * (m.score / maxLunr) + TUNING.W_COVER * coverage;
      // Coverage alone says little about a one-word question ("谁" is fully covered by any entry with 谁).
      const resembles =
        similarity >= TUNING.minRelevantSimilarity || (words.length > 1 && coverage >= TUNING.minRelevantCoverage && similarity >= 0.15);
      hits.push({
        id: entry.id,
        topic: entry.topic,
        title: entry.title,
        score,
        entry,
        resembles,
        explain: {
          terms: explainTerms(m.metadata),
          bestQuestion: bestPhrase >= 0 && bestPhrase < entry.questions.length ? entry.questions[bestPhrase] : bestPhrase >= 0 ? entry.title : undefined,
          similarity: round(similarity),
          coverage: round(coverage),
          lunr: round(m.score / maxLunr),
        },
      });
    }
    hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const best = hits[0];
    if (!best) return { confident: false, reason: 'no-match', results: [] };
    const rival = hits.find((h) => h.topic !== best.topic);
    let reason: SearchResult['reason'] = 'strong';
    if (!hits.slice(0, 3).some((h) => h.resembles)) {
      // Lunr matched a word or two somewhere, but no entry resembles the question: the hits stay
      // in the result for the editor pane, and the bot must not offer them as "did you mean".
      reason = 'no-match';
    } else if (best.explain.coverage < TUNING.minCoverage || best.explain.similarity < TUNING.minSimilarity || best.score < TUNING.minFinal) {
      reason = 'weak';
    } else if (rival && rival.score >= best.score * TUNING.ambiguityRatio) {
      reason = 'ambiguous';
    }
    return { confident: reason === 'strong', reason, results: hits };
  }
}

export function analyzerFor(content: KnowledgeContent): Analyzer {
  return new Analyzer({ legalTerms: content.legalTerms, synonyms: content.synonyms, stopwords: content.stopwords });
}

/** Build the search for content in memory (tests, development, a stale prebuilt index). */
export function createSearch(content: KnowledgeContent): SearchEngine {
  return SearchEngine.build(content);
}

function localesOf(content: KnowledgeContent): Locale[] {
  return [...new Set(content.entries.map((e) => e.locale))];
}

function terms(a: Analysis): string[] {
  return [...a.words, ...a.bigrams];
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface Candidate {
  ref: string;
  score: number;
  /** term → field → {} (Lunr's matchData shape, for the explanation). */
  metadata: Record<string, Record<string, unknown>>;
}

/**
 * The Lunr index compiled for querying: for each term, the entries it occurs in with its BM25
 * weight there (the field vectors' weights, field boosts applied, summed over fields) and a bitmask
 * of the fields. Scoring a term is then a scan of two typed arrays. Lunr's own Index#query walks a
 * token-set automaton per term (costly with thousands of distinct Chinese first characters) and
 * looks up a field vector per matching entry and field; at 5,000 entries that was 100x slower.
 * Built once when an index is installed; the Lunr index stays the format that is built and saved.
 */
interface Postings {
  refs: string[];
  fields: string[];
  byTerm: Map<string, { docs: Int32Array; weights: Float32Array; fieldMask: Uint8Array }>;
}

function compilePostings(index: lunr.Index): Postings {
  const internals = index as unknown as {
    invertedIndex: Record<string, { _index: number }>;
    fieldVectors: Record<string, { elements: number[] }>;
  };
  const termByIndex: string[] = [];
  for (const [term, posting] of Object.entries(internals.invertedIndex)) termByIndex[posting._index] = term;
  const refs: string[] = [];
  const refOrdinal = new Map<string, number>();
  const fields: string[] = [];
  const fieldOrdinal = new Map<string, number>();
  const acc = new Map<number, Map<number, { w: number; mask: number }>>();
  for (const [key, vector] of Object.entries(internals.fieldVectors)) {
    const slash = key.indexOf('/');
    const field = key.slice(0, slash);
    const ref = key.slice(slash + 1);
    let d = refOrdinal.get(ref);
    if (d === undefined) refOrdinal.set(ref, (d = refs.push(ref) - 1));
    let f = fieldOrdinal.get(field);
    if (f === undefined) fieldOrdinal.set(field, (f = fields.push(field) - 1));
    const el = vector.elements;
    for (let i = 0; i < el.length; i += 2) {
      const t = el[i]!;
      let byDoc = acc.get(t);
      if (!byDoc) acc.set(t, (byDoc = new Map()));
      const cur = byDoc.get(d);
      if (cur) {
        cur.w += el[i + 1]!;
        cur.mask |= 1 << f;
      } else byDoc.set(d, { w: el[i + 1]!, mask: 1 << f });
    }
  }
  const byTerm = new Map<string, { docs: Int32Array; weights: Float32Array; fieldMask: Uint8Array }>();
  for (const [t, byDoc] of acc) {
    const term = termByIndex[t];
    if (term === undefined) continue;
    const docs = new Int32Array(byDoc.size);
    const weights = new Float32Array(byDoc.size);
    const fieldMask = new Uint8Array(byDoc.size);
    let i = 0;
    for (const [d, { w, mask }] of byDoc) {
      docs[i] = d;
      weights[i] = w;
      fieldMask[i++] = mask;
    }
    byTerm.set(term, { docs, weights, fieldMask });
  }
  return { refs, fields, byTerm };
}

interface Candidate {
  ref: string;
  score: number;
  /** term → field → {} (Lunr's matchData shape, for the explanation). */
  metadata: Record<string, Record<string, unknown>>;
}

/** BM25 scores for weighted query terms; the best `top` entries, with which terms matched where. */
function scorePostings(p: Postings, terms: { t: string; w: number }[], top: number, allowed?: Set<string>): Candidate[] {
  const scores = new Map<number, number>();
  const used = terms.map(({ t, w }) => ({ t, w, post: p.byTerm.get(t) })).filter((x) => x.post);
  for (const { w, post } of used) {
    const { docs, weights } = post!;
    for (let i = 0; i < docs.length; i++) {
      if (allowed && !allowed.has(p.refs[docs[i]!]!)) continue;
      scores.set(docs[i]!, (scores.get(docs[i]!) ?? 0) + w * weights[i]!);
    }
  }
  const best = [...scores.entries()].sort((a, b) => b[1] - a[1] || p.refs[a[0]]!.localeCompare(p.refs[b[0]]!)).slice(0, top);
  return best.map(([d, score]) => {
    const metadata: Record<string, Record<string, unknown>> = {};
    for (const { t, post } of used) {
      const i = post!.docs.indexOf(d);
      if (i < 0) continue;
      const mask = post!.fieldMask[i]!;
      p.fields.forEach((f, fi) => {
        if (mask & (1 << fi)) (metadata[t] ??= {})[f] = {};
      });
    }
    return { ref: p.refs[d]!, score, metadata };
  });
}

/** Weighted Dice coefficient between the query's terms and one phrase's precomputed term set. */
function dice(query: string[], weights: number[], queryWeight: number, phrase: { set: Set<string>; weight: number }): number {
  if (!phrase.set.size || queryWeight <= 0) return 0;
  let both = 0;
  for (let i = 0; i < query.length; i++) if (phrase.set.has(query[i]!)) both += weights[i]!;
  return (2 * both) / (queryWeight + phrase.weight);
}

/** Terms in more entries than this are left out of candidate search (they still count in the rerank). */
function candidateMaxDf(n: number): number {
  return Math.min(TUNING.maxCandidateDf, Math.max(TUNING.minCommonDf, n * TUNING.maxCandidateDfShare));
}

function termIdf(n: number, df: Map<string, number>): (t: string) => number {
  return (t) => Math.log(1 + n / ((df.get(t) ?? 0) + 0.5));
}

/** Bigrams count less than words: they are the fallback, and overlap with the words they span. */
function termWeight(n: number, df: Map<string, number>): (t: string) => number {
  const idf = termIdf(n, df);
  return (t) => (t.startsWith(BIGRAM_MARK) ? TUNING.bigramWeight : 1) * idf(t);
}

function charBigrams(word: string): string[] {
  const chars = Array.from(word);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(BIGRAM_MARK + chars[i]! + chars[i + 1]!);
  return out;
}

function explainTerms(metadata: Record<string, Record<string, unknown>>): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  for (const [term, fields] of Object.entries(metadata)) {
    if (term.startsWith(BIGRAM_MARK)) continue;
    for (const field of Object.keys(fields)) (byField[field] ??= []).push(term);
  }
  return byField;
}
