/**
 * The comparison engines of the search benchmark, behind our KnowledgeSearch interface so that
 * src/search/eval.ts scores them exactly as it scores our engine.
 *
 *   plain Lunr   lunr() with its default pipeline (trimmer, stop words, stemmer) and tokenizer, the
 *                same fields and boosts as ours; queries through idx.search(text) with Lunr's query
 *                syntax escaped. It has no calibration: "confident" = any result at all.
 *   MiniSearch   the same fields and boosts, tokenised by our Analyzer (pipeline.ts) exactly as our
 *                engine indexes: each question analysed on its own, title, keywords and body whole;
 *                word terms boosted 4, bigram terms 1 (our TUNING). "confident" = any result.
 *
 *   nlp.js       an intent classifier (@nlpjs/nlp + @nlpjs/lang-zh): each zh-CN entry is an intent,
 *                its questions and title the utterances (what our engine learns phrasings from).
 *                Either its own Chinese tokenizer/stemmer or our Analyzer's words as pre-tokenised
 *                text. "confident" = nlp.js's own notion of answered: its final intent is not None
 *                (top score ≥ its threshold 0.5, not tied with the second). See NlpJsSearch.
 *
 * All return hits with zeroed explain data: only id/topic/rank matter for the evaluation.
 */
import { LangZh } from '@nlpjs/lang-zh';
import { type NlpClassification, Nlp, type NluInput } from '@nlpjs/nlp';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import type { KnowledgeEntry, Locale } from '../../src/content/schema';
import { TUNING } from '../../src/search/engine';
import { type Analyzer, BIGRAM_MARK } from '../../src/search/pipeline';
import type { KnowledgeSearch, SearchHit, SearchOptions, SearchResult } from '../../src/search/types';

function hit(entry: KnowledgeEntry, score: number): SearchHit {
  return {
    id: entry.id,
    topic: entry.topic,
    title: entry.title,
    score,
    entry,
    resembles: true, // peers have no notion of it: any hit counts
    explain: { terms: {}, similarity: 0, coverage: 0, lunr: 0, topic: 0 },
  };
}

function result(query: string, hits: SearchHit[]): SearchResult {
  return { query, confident: hits.length > 0, reason: hits.length ? 'strong' : 'no-match', terms: [], results: hits };
}

function byLocale(entries: KnowledgeEntry[]): Map<Locale, KnowledgeEntry[]> {
  const m = new Map<Locale, KnowledgeEntry[]>();
  for (const e of entries) {
    if (!m.has(e.locale)) m.set(e.locale, []);
    m.get(e.locale)!.push(e);
  }
  return m;
}

/** Backslash-escape every character Lunr's query parser gives a meaning to. */
export function escapeLunr(text: string): string {
  return text.replace(/[:~^+\-*\\]/g, '\\$&');
}

export class PlainLunrSearch implements KnowledgeSearch {
  /** Queries on which idx.search threw (counted, answered as no result). */
  throws = 0;
  private readonly indexes = new Map<Locale, { idx: lunr.Index; entries: Map<string, KnowledgeEntry> }>();

  constructor(entries: KnowledgeEntry[]) {
    for (const [locale, list] of byLocale(entries)) {
      const idx = lunr(function () {
        this.ref('id');
        this.field('questions', { boost: TUNING.fieldBoost.questions });
        this.field('title', { boost: TUNING.fieldBoost.title });
        this.field('keywords', { boost: TUNING.fieldBoost.keywords });
        this.field('body', { boost: TUNING.fieldBoost.body });
        for (const e of list) {
          this.add({ id: e.id, questions: e.questions.join('\n'), title: e.title, keywords: e.keywords.join(' '), body: e.body });
        }
      });
      this.indexes.set(locale, { idx, entries: new Map(list.map((e) => [e.id, e])) });
    }
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const ix = this.indexes.get(options.locale ?? 'zh-CN');
    if (!ix) return result(query, []);
    let matches: lunr.Index.Result[];
    try {
      matches = ix.idx.search(escapeLunr(query));
    } catch {
      this.throws++;
      matches = [];
    }
    const hits = matches.slice(0, options.top ?? 5).map((m) => hit(ix.entries.get(m.ref)!, m.score));
    return result(query, hits);
  }
}

interface MiniDoc {
  id: string;
  questions: string;
  title: string;
  keywords: string;
  body: string;
}

export const MINI_FIELDS = ['questions', 'title', 'keywords', 'body'] as const;

/** MiniSearch options whose tokenizer is our Analyzer (shared by build and loadJSON). */
export function miniOptions(analyzer: Analyzer) {
  const analyse = (text: string) => {
    const a = analyzer.analyse(text);
    return [...a.words, ...a.bigrams];
  };
  return {
    idField: 'id',
    fields: [...MINI_FIELDS],
    // Indexing: questions arrive one per line and are analysed one by one, as in SearchEngine.build.
    // Querying (no field name): the same caps as SearchEngine.search.
    tokenize: (text: string, fieldName?: string): string[] => {
      if (fieldName === 'questions') return text.split('\n').flatMap(analyse);
      if (fieldName) return analyse(text);
      const a = analyzer.analyse(Array.from(text).slice(0, TUNING.maxQueryChars).join(''));
      return [...a.words.slice(0, TUNING.maxWords), ...a.bigrams.slice(0, TUNING.maxBigrams)];
    },
    processTerm: (term: string) => term,
    searchOptions: {
      boost: { ...TUNING.fieldBoost },
      boostTerm: (term: string) => (term.startsWith(BIGRAM_MARK) ? TUNING.bigramBoost : 1),
    },
  };
}

export class MiniSearchSearch implements KnowledgeSearch {
  private readonly indexes = new Map<Locale, { ms: MiniSearch<MiniDoc>; entries: Map<string, KnowledgeEntry> }>();

  private constructor(readonly analyzer: Analyzer) {}

  static build(entries: KnowledgeEntry[], analyzer: Analyzer): MiniSearchSearch {
    const s = new MiniSearchSearch(analyzer);
    for (const [locale, list] of byLocale(entries)) {
      const ms = new MiniSearch<MiniDoc>(miniOptions(analyzer));
      ms.addAll(list.map((e) => ({ id: e.id, questions: e.questions.join('\n'), title: e.title, keywords: e.keywords.join(' '), body: e.body })));
      s.indexes.set(locale, { ms, entries: new Map(list.map((e) => [e.id, e])) });
    }
    return s;
  }

  /** Serialised indexes per locale (MiniSearch's own JSON). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [locale, ix] of this.indexes) out[locale] = ix.ms.toJSON();
    return out;
  }

  static load(json: Record<string, unknown>, entries: KnowledgeEntry[], analyzer: Analyzer): MiniSearchSearch {
    const s = new MiniSearchSearch(analyzer);
    const locales = byLocale(entries);
    for (const [locale, data] of Object.entries(json)) {
      const ms = MiniSearch.loadJS<MiniDoc>(data as Parameters<typeof MiniSearch.loadJS>[0], miniOptions(analyzer));
      s.indexes.set(locale as Locale, { ms, entries: new Map((locales.get(locale as Locale) ?? []).map((e) => [e.id, e])) });
    }
    return s;
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const ix = this.indexes.get(options.locale ?? 'zh-CN');
    if (!ix) return result(query, []);
    const matches = ix.ms.search(query);
    const hits = matches.slice(0, options.top ?? 5).map((m) => hit(ix.entries.get(String(m.id))!, m.score));
    return result(query, hits);
  }
}

// ---------------------------------------------------------------- nlp.js

/** How nlp.js sees Chinese text: its own zh pipeline, or our Analyzer's words joined by spaces. */
export type NlpJsTokens = 'nlpjs-zh' | 'analyzer';

interface NlpJsVerdict {
  intent: string;
  score: number;
  classifications: NlpClassification[];
}

/**
 * nlp.js behind KnowledgeSearch. Its public process() is async (every step is awaited although
 * none waits on I/O) while KnowledgeSearch.search is synchronous, so search() runs the steps that
 * process() runs for one locale and one domain, synchronously and in the same order, on nlp.js's
 * own trained objects (@nlpjs/nlu 4.27):
 *   normalise (normalizer-zh) → features (below) → arrToObj → exact stem-key match (the domain
 *   manager's stemDict: score 1) or else textToFeatures → neural innerProcess → filterNonActivated →
 *   normalizeClassifications → None on a tie of the first two (nlu-manager checkIfIsNone) → None
 *   below Nlp's threshold (0.5).
 * Features, 'nlpjs-zh': what its Chinese stemmer returns — it re-segments the normalised text with
 * its dictionary and maps each word to pinyin, discarding the tokenizer's output; stop words are kept
 * (keepStopwords: true), so the tokenizer and stop-word steps change nothing and are not run.
 * Features, 'analyzer': the text split at spaces (the container's tokenizer-zh and stemmer-zh are
 * replaced by a space splitter and the identity, so training and process() see the same).
 * `verify` checks the synchronous path against process() on any list of queries. No cache: nlp.js's
 * own caches (per text, for an hour) are bypassed, so each timed query is really computed.
 */
export class NlpJsSearch implements KnowledgeSearch {
  private constructor(
    readonly tokens: NlpJsTokens,
    private readonly nlp: Nlp,
    private readonly entries: Map<string, KnowledgeEntry>,
    private readonly analyzer: Analyzer | undefined,
    readonly utterances: number,
  ) {}

  /** Train on the zh-CN entries: each an intent, its questions and title its utterances. */
  static async train(entries: KnowledgeEntry[], tokens: NlpJsTokens, analyzer?: Analyzer): Promise<NlpJsSearch> {
    if (tokens === 'analyzer' && !analyzer) throw new Error("NlpJsSearch.train: tokens 'analyzer' needs the Analyzer");
    // autoSave false, or train() writes model.nlp into the working directory.
    const nlp = new Nlp({ languages: ['zh'], autoSave: false, autoLoad: false, nlu: { log: false } });
    nlp.use(LangZh);
    if (tokens === 'analyzer') {
      nlp.container.register('tokenizer-zh', { tokenize: (text: string) => splitSpaces(text) }, true);
      nlp.container.register('stemmer-zh', { stem: (t: string[]) => t }, true);
    }
    const list = entries.filter((e) => e.locale === 'zh-CN');
    const s = new NlpJsSearch(tokens, nlp, new Map(list.map((e) => [e.id, e])), analyzer, 0);
    let n = 0;
    for (const e of list) {
      for (const u of [...e.questions, e.title]) {
        nlp.addDocument('zh', s.text(u), e.id);
        n++;
      }
    }
    (s as { utterances: number }).utterances = n;
    await nlp.train();
    return s;
  }

  /** The text nlp.js is given for a question. */
  private text(q: string): string {
    return this.tokens === 'analyzer' ? this.analyzer!.analyse(q).words.join(' ') : q;
  }

  /** nlp.js's own public API, awaited. Call clearCaches() first to time a first-seen text. */
  async process(query: string): Promise<NlpJsVerdict> {
    const r = await this.nlp.process('zh', this.text(query));
    return { intent: r.intent, score: r.score, classifications: r.classifications };
  }

  /** Empty nlp.js's per-text caches (prepared features, tokenizer output). */
  clearCaches(): void {
    const nlu = this.nlu();
    nlu.cache = undefined;
    const tokenizer = this.nlp.container.get('tokenizer-zh') as { cache?: unknown };
    if (tokenizer) tokenizer.cache = undefined;
  }

  private nlu() {
    return this.nlp.nluManager.domainManagers.zh!.domains.master_domain!;
  }

  /** The synchronous classifier: what process() computes (see the class comment). */
  classify(query: string): NlpJsVerdict {
    const dm = this.nlp.nluManager.domainManagers.zh!;
    const nlu = this.nlu();
    const c = this.nlp.container;
    const text: string = c.get('normalizer-zh').normalize(this.text(query));
    const features: string[] = this.tokens === 'analyzer' ? splitSpaces(text) : c.get('stemmer-zh').processText(text);
    const tokens: Record<string, number> = c.get('arrToObj').run(features);
    let classifications: NlpClassification[];
    const exact = dm.stemDict[Object.keys(tokens).sort().join()];
    if (exact) {
      classifications = [{ intent: exact.intent, score: 1 }];
      for (const intent of Object.keys(dm.intentDict)) if (intent !== exact.intent) classifications.push({ intent, score: 0 });
    } else {
      let input: NluInput = { text, tokens, settings: { ...nlu.settings } };
      input = nlu.textToFeatures(input);
      input = nlu.innerProcess(input);
      input = nlu.filterNonActivated(input);
      input = nlu.normalizeClassifications(input);
      classifications = input.classifications ?? [];
    }
    classifications.sort((a, b) => b.score - a.score);
    if (!classifications.length) classifications.push({ intent: 'None', score: 1 });
    let intent = classifications[0]!.intent;
    let score = classifications[0]!.score;
    const second = classifications[1];
    if (second && (score === 0 || score === second.score)) {
      intent = 'None';
      score = 1;
    }
    if (score < this.nlp.settings.threshold) {
      intent = 'None';
      score = 1;
    }
    return { intent, score, classifications };
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    if ((options.locale ?? 'zh-CN') !== 'zh-CN') return result(query, []);
    const v = this.classify(query);
    const hits = v.classifications
      .filter((x) => x.intent !== 'None' && x.score > 0 && this.entries.has(x.intent))
      .slice(0, options.top ?? 5)
      .map((x) => hit(this.entries.get(x.intent)!, x.score));
    const confident = v.intent !== 'None' && hits[0]?.id === v.intent;
    return { query, confident, reason: confident ? 'strong' : hits.length ? 'weak' : 'no-match', terms: [], results: hits };
  }

  /**
   * Compare the synchronous path with process() on each query: same final intent, same top-3
   * intents, scores within 1e-9. Returns counts only (queries may be held out: never printed).
   */
  async verify(queries: readonly string[]): Promise<{ checked: number; differing: number }> {
    let differing = 0;
    for (const q of queries) {
      const a = this.classify(q);
      const b = await this.process(q);
      const top = (v: NlpJsVerdict) => v.classifications.slice(0, 3);
      const same =
        a.intent === b.intent &&
        Math.abs(a.score - b.score) < 1e-9 &&
        top(a).every((x, i) => x.intent === top(b)[i]?.intent && Math.abs(x.score - top(b)[i]!.score) < 1e-9);
      if (!same) differing++;
    }
    return { checked: queries.length, differing };
  }
}

function splitSpaces(text: string): string[] {
  return text.split(' ').filter((x) => x);
}
