/**
 * Knowledge search: a Lunr index per locale over analysed terms (pipeline.ts), compiled into
 * postings for querying (postings.ts), then ranked and judged (rank.ts, calibration.ts).
 *
 *   build   analyse every entry, build the Lunr indexes (`npm run kb -- build` saves them)
 *   load    a saved index, refused when it was built from other content or other steps
 *   search  analyse the question → rank → verdict; `within` restricts the candidates
 *
 * Contract: search() never throws on any string; build() is deterministic for the same content.
 */
import { createHash } from 'node:crypto';
import lunr from 'lunr';
import type { KnowledgeContent } from '../content/loader';
import type { KnowledgeEntry, Locale } from '../content/schema';
import { CALIBRATION, type Calibration } from './calibration';
import { type Analysis, Analyzer, CONCEPT_MARK } from './pipeline';
import { compilePostings, documentFrequencies } from './postings';
import { type PhraseBlock, type RankIndex, type RankOutcome, rank, termWeight } from './rank';
import { TUNING } from './tuning';
import type { KnowledgeSearch, SearchOptions, SearchResult } from './types';

export { TUNING } from './tuning';

export const INDEX_FORMAT = 5;

interface DocMeta {
  id: string;
  /** Term lists of each question and of the title, for the similarity rerank. */
  phrases: string[][];
  /** Words (not bigrams) of the questions, title and keywords: what "coverage" checks against. */
  vocab: string[];
  /** Words found only in the answer text: they count half towards coverage. */
  bodyVocab: string[];
}

interface LocaleIndex extends RankIndex {
  lunr: lunr.Index;
  docs: Map<string, DocMeta>;
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
  h.update(JSON.stringify([INDEX_FORMAT, Analyzer.STEP_NAMES, content.synonyms, content.concepts, content.legalTerms, content.stopwords, TUNING]));
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
    const byId = new Map(entries.map((e) => [e.id, e]));
    const df = new Map<string, number>();
    const slot = new Map<string, number>();
    const holders = new Map<string, { slots: number[]; inBody: number[] }>();
    const hold = (word: string, at: number, inBody: number) => {
      let h = holders.get(word);
      if (!h) holders.set(word, (h = { slots: [], inBody: [] }));
      h.slots.push(at);
      h.inBody.push(inBody);
    };
    const meta = new Map<string, DocMeta>();
    const topicTf = new Map<string, Map<string, number>>();
    const topicEntries = new Map<string, string[]>();
    for (const d of docs) {
      meta.set(d.id, d);
      const at = slot.size;
      slot.set(d.id, at);
      for (const w of new Set(d.vocab)) hold(w, at, 0);
      for (const w of new Set(d.bodyVocab)) hold(w, at, 1);
      for (const t of new Set(d.phrases.flat())) df.set(t, (df.get(t) ?? 0) + 1);
      const topic = byId.get(d.id)?.topic;
      if (!topic) continue;
      // The topic's main entry (id = topic id) leads its list: it is the one offered first.
      const list = topicEntries.get(topic) ?? [];
      if (d.id === topic) list.unshift(d.id);
      else list.push(d.id);
      topicEntries.set(topic, list);
      for (const phrase of d.phrases) {
        for (const t of new Set(phrase)) {
          let m = topicTf.get(t);
          if (!m) topicTf.set(t, (m = new Map()));
          m.set(topic, (m.get(topic) ?? 0) + 1);
        }
      }
    }
    const n = docs.length;
    const weight = termWeight(n, df);
    const phrases = new Map<string, PhraseBlock>();
    const termIds = new Map<string, number>();
    const idOf = (t: string) => termIds.get(t) ?? (termIds.set(t, termIds.size), termIds.size - 1);
    for (const d of docs) {
      const sets = d.phrases.map((p) => new Set(p));
      const ids: number[] = [];
      const ends = new Int32Array(sets.length);
      const weights = new Float64Array(sets.length);
      sets.forEach((set, i) => {
        let w = 0;
        for (const t of set) {
          w += weight(t);
          ids.push(idOf(t));
        }
        ends[i] = ids.length;
        weights[i] = w;
      });
      phrases.set(d.id, { terms: Int32Array.from(ids), ends, weights });
    }
    const postings = compilePostings(index);
    const subject = new Map(entries.map((e) => [e.id, new Set([...this.analyzer.analyse(e.title).words, ...this.analyzer.analyse(e.keywords.join(' ')).words])]));
    for (const e of entries) this.entries.set(`${locale}:${e.id}`, e);
    this.indexes.set(locale, {
      lunr: index,
      docs: meta,
      entries: byId,
      slot,
      wordEntries: new Map([...holders].map(([w, h]) => [w, { slots: Int32Array.from(h.slots), inBody: Uint8Array.from(h.inBody) }])),
      covered: new Float64Array(slot.size),
      subject,
      phrases,
      termIds,
      scratch: new Float64Array(termIds.size),
      df,
      lunrDf: documentFrequencies(postings),
      topicTf,
      topicEntries,
      postings,
      n,
    });
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const top = Math.max(1, Math.min(50, options.top ?? 5));
    const r = this.judge(query, options);
    return { query: r.query, confident: r.confident, reason: r.reason, terms: r.terms, results: r.results.slice(0, top) };
  }

  /**
   * The whole decision for one question: every candidate and the verdict's features and
   * probability (what `kb calibrate` fits on and the editor pane explains).
   */
  judge(query: string, options: Omit<SearchOptions, 'top'> = {}, calibration: Calibration = CALIBRATION): RankOutcome & { query: string; terms: string[] } {
    const locale = options.locale && this.indexes.has(options.locale) ? options.locale : 'zh-CN';
    const text = typeof query === 'string' ? query : '';
    const ix = this.indexes.get(locale) ?? this.indexes.values().next().value;
    const analysis = this.analyzer.analyse(Array.from(text).slice(0, TUNING.maxQueryChars).join(''));
    const words = boundedWords(analysis.words, TUNING.maxWords);
    const bigrams = analysis.bigrams.slice(0, TUNING.maxBigrams);
    const base = { query: text, terms: words };
    if (!ix || (!words.length && !bigrams.length)) return { ...base, confident: false, reason: 'empty', results: [] };
    return { ...base, ...rank(ix, words, bigrams, calibration, this.allowed(ix, options.within)) };
  }

  /** The entry ids a `within` option leaves as candidates (undefined: all). */
  private allowed(ix: LocaleIndex, within: SearchOptions['within']): Set<string> | undefined {
    if (!within || (!within.topics?.length && !within.ids?.length)) return undefined;
    const topics = new Set(within.topics ?? []);
    const ids = new Set(within.ids ?? []);
    const out = new Set<string>();
    for (const e of ix.entries.values()) if (topics.has(e.topic) || ids.has(e.id)) out.add(e.id);
    return out;
  }
}

/**
 * At most `max` of a question's words, for a long story: its opening (who, where) and its end, where
 * citizens put the question ("…像俺这样的能申请法律援助不"), not the first `max` — those cut the question
 * off, and the concept classes search appends after the words with it. Concept classes are all kept.
 */
export function boundedWords(words: string[], max: number): string[] {
  const plain = words.filter((w) => !w.startsWith(CONCEPT_MARK));
  if (plain.length <= max) return words;
  const head = Math.min(STORY_OPENING_WORDS, max);
  return [...plain.slice(0, head), ...plain.slice(plain.length - (max - head)), ...words.filter((w) => w.startsWith(CONCEPT_MARK))];
}

/** Words a long story keeps from its opening; the rest of the budget goes to its end. */
const STORY_OPENING_WORDS = 12;

export function analyzerFor(content: KnowledgeContent): Analyzer {
  return new Analyzer({ legalTerms: content.legalTerms, synonyms: content.synonyms, stopwords: content.stopwords, concepts: content.concepts });
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
