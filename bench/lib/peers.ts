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
 * Both return hits with zeroed explain data: only id/topic/rank matter for the evaluation.
 */
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
