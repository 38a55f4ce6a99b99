/**
 * What an elliptical follow-up asks about, and which entry of the conversation's topic answers it
 * (dialogs/lexicon/context.yaml, `aspects`). After "劳动仲裁怎么申请", "要钱吗" asks about fees,
 * "在哪办" about the place, "不服呢" about appeal: the citizen names the aspect, not the matter.
 *   aspectsOf(text)   the aspects a message names: each aspect's `asks` words, longest first and
 *                     leftmost first, a word hiding the shorter ones inside it ("能要多少钱" is an
 *                     amount — 能要多少 — not a fee — 多少钱)
 *   entryAspects(e)   the aspects an entry answers: an aspect's `covers` words in its title (2, what
 *                     the editor says the entry is about) or only in its summary (1); an aspect
 *                     with `covers_hotlines` is also covered by a directory hotline number in the title
 *   resolveFollowup   among the candidate entries (the topic's, the entry's follow-ups, a choice
 *                     just offered): the entry a flow chose but has not shown yet (the story is
 *                     about it) when it names as many of the aspects as any, in title or summary;
 *                     else the entries covering most of the message's aspects — of the topic on
 *                     screen when any of its entries names one (a follow-up into another topic
 *                     answers only what the topic does not) — one of them
 *                     answers when it is the only one, search's sure pick among them, or clearly
 *                     first by search score and shared title characters (the one just read
 *                     behind) — else a one-tap choice among them; nothing when no candidate
 *                     covers an aspect
 * Contract: pure; never throws; search results are given, this module does not search.
 */
import { z } from 'zod';
import type { KnowledgeEntry } from '../content/schema';
import type { SearchResult } from '../search/types';
import { normalizeForMatch } from './input';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));

export const aspectSchema = z
  .object({
    /** How a citizen asks about it ("要钱吗", "多久", "在哪办"). */
    asks: words.min(1),
    /** How an entry's title or summary shows it answers it ("收费", "期限", "去哪"). */
    covers: words.default([]),
    /** A hotline number of knowledge/directory in an entry's title covers it too (contact). */
    covers_hotlines: z.boolean().default(false),
  })
  .strict();
export const aspectsSchema = z.record(z.string().regex(/^[a-z][a-z-]*$/, 'aspect names are lower-case words'), aspectSchema);
export type AspectsFile = z.infer<typeof aspectsSchema>;

export interface AspectLexicon {
  /** Every `asks` word with its aspect, longest first. */
  asks: { word: string; aspect: string }[];
  covers: Map<string, string[]>;
  coversHotlines: Set<string>;
  /** Characters of a message that are only question scaffolding (lexicon/context.yaml scaffold_chars). */
  scaffold: Set<string>;
  /** entryAspects, computed once per entry for this lexicon. */
  memo: WeakMap<KnowledgeEntry, Map<string, number>>;
}

export function buildAspectLexicon(file: AspectsFile, scaffoldChars = ''): AspectLexicon {
  const asks: { word: string; aspect: string }[] = [];
  const covers = new Map<string, string[]>();
  const coversHotlines = new Set<string>();
  for (const [aspect, a] of Object.entries(file)) {
    for (const w of a.asks) {
      const word = normalizeForMatch(w);
      if (word) asks.push({ word, aspect });
    }
    covers.set(aspect, a.covers.map((w) => normalizeForMatch(w)).filter(Boolean));
    if (a.covers_hotlines) coversHotlines.add(aspect);
  }
  asks.sort((x, y) => Array.from(y.word).length - Array.from(x.word).length);
  const scaffold = new Set(Array.from(normalizeForMatch(scaffoldChars)));
  return { asks, covers, coversHotlines, scaffold, memo: new WeakMap() };
}

/** The aspects a message names, in the order first named; see the module comment. */
export function aspectsOf(text: string, lex: AspectLexicon): string[] {
  const chars = Array.from(normalizeForMatch(text));
  const found: { at: number; len: number; aspect: string }[] = [];
  for (const { word, aspect } of lex.asks) {
    const w = Array.from(word);
    for (let i = 0; i + w.length <= chars.length; i++) if (w.every((c, j) => chars[i + j] === c)) found.push({ at: i, len: w.length, aspect });
  }
  // Longest first, then leftmost; a word taken hides the words overlapping it.
  found.sort((a, b) => b.len - a.len || a.at - b.at);
  const taken = new Array<boolean>(chars.length).fill(false);
  const kept: { at: number; aspect: string }[] = [];
  for (const f of found) {
    if (taken.slice(f.at, f.at + f.len).some(Boolean)) continue;
    taken.fill(true, f.at, f.at + f.len);
    kept.push(f);
  }
  kept.sort((a, b) => a.at - b.at);
  return [...new Set(kept.map((f) => f.aspect))];
}

/** Title evidence counts twice summary evidence. */
const IN_TITLE = 2;
const IN_SUMMARY = 1;

/** Aspect → 2 (named in the title) or 1 (only in the summary) for one entry. */
export function entryAspects(e: KnowledgeEntry, lex: AspectLexicon, hotlineNumbers: readonly string[]): Map<string, number> {
  const known = lex.memo.get(e);
  if (known) return known;
  const title = normalizeForMatch(e.title);
  const summary = normalizeForMatch(e.summary);
  const out = new Map<string, number>();
  for (const [aspect, cs] of lex.covers) {
    const hotline = lex.coversHotlines.has(aspect) && hotlineNumbers.some((n) => title.includes(n));
    if (hotline || cs.some((c) => title.includes(c))) out.set(aspect, IN_TITLE);
    else if (cs.some((c) => summary.includes(c))) out.set(aspect, IN_SUMMARY);
  }
  lex.memo.set(e, out);
  return out;
}

export interface FollowupCandidates {
  /** The message (as typed). */
  text: string;
  aspects: readonly string[];
  /** Entries to choose among (the topic's, the current entry's follow-ups, a choice just offered). */
  pool: readonly KnowledgeEntry[];
  /** The entry on screen, if any: the citizen has just read it, so others come first on a tie. */
  onScreen?: string;
  /**
   * The entry search chose for the last question that a topic's flow has not shown yet (mediation
   * asked the district first): what the citizen's story is about, unread — it answers when it covers as much as any.
   */
  pending?: string;
  /** The conversation's topic: its entries come before follow-ups into other topics on a tie. */
  topic?: string;
  /** The message searched among the pool (its scores rank entries that cover the same aspects). */
  within: SearchResult;
  hotlineNumbers: readonly string[];
}

export type FollowupResolution = { answer: string } | { offer: string[] } | undefined;

/** Search score ahead by this share (relative to the pool's best), or title characters, decides a tie. */
export const CLEAR_LEAD = 0.3;
const PER_SHARED_CHAR = 0.15;
/**
 * On a tie: entries other than the one just read, entries of the topic on screen before those of
 * another topic, and a plain answer before a statute article that covers the same (the article is
 * one of its follow-up buttons) — by a clear lead.
 */
const ON_SCREEN_PENALTY = 0.2;
const OTHER_TOPIC_PENALTY = 0.2;
const REGULATION_PENALTY = CLEAR_LEAD;
export const MAX_OFFERED = 3;

interface Scored {
  id: string;
  evidence: number;
  rank: number;
}

export function resolveFollowup(c: FollowupCandidates, lex: AspectLexicon): FollowupResolution {
  if (!c.aspects.length || !c.pool.length) return undefined;
  const lexical = new Map(c.within.results.map((h) => [h.id, h.score]));
  const bestLexical = Math.max(0, ...lexical.values());
  const own = new Set(Array.from(normalizeForMatch(c.text)).filter((ch) => !lex.scaffold.has(ch)));
  const scored: Scored[] = c.pool.map((e) => {
    const shared = new Set(Array.from(normalizeForMatch(e.title)).filter((ch) => own.has(ch))).size;
    const rank =
      (bestLexical > 0 ? (lexical.get(e.id) ?? 0) / bestLexical : 0) +
      PER_SHARED_CHAR * shared -
      (e.id === c.onScreen ? ON_SCREEN_PENALTY : 0) -
      (c.topic && e.topic !== c.topic ? OTHER_TOPIC_PENALTY : 0) -
      (e.kind === 'regulation' ? REGULATION_PENALTY : 0);
    return { id: e.id, evidence: evidence(e, c.aspects, lex, c.hotlineNumbers), rank };
  });
  // Entries of the topic on screen first: a follow-up into another topic answers only what the topic does not.
  const inTopic = scored.filter((x) => x.evidence > 0 && c.pool.find((e) => e.id === x.id)?.topic === c.topic);
  if (inTopic.length) for (const x of scored) if (!inTopic.includes(x)) x.evidence = 0;
  const top = Math.max(...scored.map((s) => s.evidence));
  if (top <= 0) return undefined;
  // The entry the citizen's story is about, not shown yet, names as many of the aspects as any —
  // in its title or only its summary: that one ("找谁管" after a noise story the mediation flow
  // asked the district for: the noise entry's 物业、调解、12345, not 怎样申请人民调解).
  const pending = c.pending ? c.pool.find((e) => e.id === c.pending) : undefined;
  if (pending) {
    const most = Math.max(...c.pool.map((e) => aspectsCovered(e, c.aspects, lex, c.hotlineNumbers)));
    if (most > 0 && aspectsCovered(pending, c.aspects, lex, c.hotlineNumbers) === most) return { answer: pending.id };
  }
  const group = scored.filter((s) => s.evidence === top).sort((a, b) => b.rank - a.rank);
  const sure = c.within.confident && c.within.reason === 'strong' ? c.within.results[0]?.id : undefined;
  // Named only in passing (no title among them names an aspect: "带下落不明证明" in the summary of
  // 宣告失踪) while search is sure of another entry here: search's pick, not the passing mention.
  if (sure && !group.some((g) => g.id === sure) && c.pool.some((p) => p.id === sure) && !group.some((g) => namesInTitle(g.id, c, lex))) return { answer: sure };
  if (group.length === 1) return { answer: group[0]!.id };
  // Search is sure of one entry and it is among those covering the aspects: that one.
  if (sure && group.some((g) => g.id === sure)) return { answer: sure };
  if (group[0]!.rank - group[1]!.rank >= CLEAR_LEAD) return { answer: group[0]!.id };
  const offer = group.filter((g) => g.id !== c.onScreen).slice(0, MAX_OFFERED).map((g) => g.id);
  return { offer: offer.length ? offer : group.slice(0, MAX_OFFERED).map((g) => g.id) };
}

/** The entry's title names one of the message's aspects (not only its summary). */
function namesInTitle(id: string, c: FollowupCandidates, lex: AspectLexicon): boolean {
  const e = c.pool.find((p) => p.id === id);
  return !!e && c.aspects.some((a) => entryAspects(e, lex, c.hotlineNumbers).get(a) === IN_TITLE);
}

/** How many of the message's aspects an entry names (in its title or summary). */
export function aspectsCovered(e: KnowledgeEntry, aspects: readonly string[], lex: AspectLexicon, hotlineNumbers: readonly string[]): number {
  const covered = entryAspects(e, lex, hotlineNumbers);
  return aspects.filter((a) => covered.has(a)).length;
}

/** How much of the message's aspects an entry answers: 2 per aspect its title names, 1 per aspect only its summary names. */
export function evidence(e: KnowledgeEntry, aspects: readonly string[], lex: AspectLexicon, hotlineNumbers: readonly string[]): number {
  const covered = entryAspects(e, lex, hotlineNumbers);
  return aspects.reduce((s, a) => s + (covered.get(a) ?? 0), 0);
}
