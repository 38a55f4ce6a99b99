/**
 * The search contract the rest of the bot depends on. The HTTP API (GET /api/kb/search), the
 * editor pane, the CLI and the dialogs all speak these types.
 */
import type { KnowledgeEntry, Locale } from '../content/schema';

export interface SearchHit {
  id: string;
  topic: string;
  title: string;
  /** Final ranking score (higher is better); comparable within one query only. */
  score: number;
  entry: KnowledgeEntry;
  /**
   * Whether the entry resembles the question at all (close to one of its questions, or covering
   * most of the question's words): only such hits may be offered to a citizen as "您想问的是".
   */
  resembles: boolean;
  /** Why it matched: the query terms found in this entry, by field, and the closest question. */
  explain: {
    /** Query words found in each field of the entry (questions, title, keywords, body). */
    terms: Record<string, string[]>;
    /** The question (or the title) of the entry closest to the query. */
    bestQuestion?: string;
    /** 0–1: weighted overlap with that closest question. */
    similarity: number;
    /** 0–1: share of the query's word weight the entry's questions, title and keywords contain. */
    coverage: number;
    /** 0–1: the Lunr BM25 score relative to the best candidate. */
    lunr: number;
    /** 0–1: how much of the question the entry's whole topic knows, relative to the best topic. */
    topic: number;
  };
}

export interface SearchResult {
  query: string;
  /**
   * True when the first reply may act on the top result's topic: answer the top entry ("strong"),
   * or offer a one-tap choice among that topic's entries ("topic").
   */
  confident: boolean;
  /**
   * Why it is (not) confident: "strong"; "topic" (the topic is clear, the entry is not: offer the
   * topic's leading entries among the results); "weak" (the best hit is relevant but not clearly right:
   * offer it among others); "ambiguous" (another topic is nearly as good); "no-match" (nothing
   * resembles the question — results, if any, are for the editor pane, not for the citizen);
   * "empty" (no searchable words).
   */
  reason: 'strong' | 'topic' | 'weak' | 'ambiguous' | 'no-match' | 'empty';
  /** The terms the query was turned into (after normalise, segment, stop words, synonyms). */
  terms: string[];
  results: SearchHit[];
}

export interface SearchOptions {
  top?: number;
  locale?: Locale;
  /**
   * Only entries of these topics (or with these ids) are candidates: how the dialog engine reads an
   * elliptical follow-up ("那要带什么材料") against the entry and topic on screen. Confidence is then
   * judged among those entries only.
   */
  within?: { topics?: readonly string[]; ids?: readonly string[] };
}

export interface KnowledgeSearch {
  search(query: string, options?: SearchOptions): SearchResult;
}
