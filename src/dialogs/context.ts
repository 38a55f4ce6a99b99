/**
 * Reading a short message against the answer on screen (dialogs/lexicon/context.yaml). After
 * "劳动仲裁怎么申请", "那要带什么材料" means the arbitration materials, not the notary's: citizens
 * leave out what they just read about. Two questions, both from data:
 *   followupCue(text)  is the message shaped like a follow-up?
 *   looksLikeQuestion(text)  does it ask (a question word or mark, or an A-不 ending: "收费不")?
 *     bare    short and made only of the words follow-ups are made of (question words, 材料/多久/
 *             要钱, pronouns), after a lead word such as 那/还有 or without: "要多长时间", "还有呢"
 *     strong  the same with a character or two of its own ("能补交吗", after a lead "那离婚呢")
 *     weak    short, but it names something of its own ("外地人也行吗")
 *     none    long enough to stand alone — unless it points back at what was said ("像我这种…",
 *             "这种情况…", lexicon refers_back): then weak, up to refers_back_max_chars
 *   aboutTheAnswer(text)  does it ask about the answer just shown itself (lexicon about_answer:
 *             "这合法吗", "他们这样可以吗", "我能咋办", "先要干啥")? `only` — nothing else asked: the
 *             search step shows that entry again; `leads` — it starts so and goes on to a question
 *             of its own ("接下来咋弄 找保险还是找他本人"): a weak cue up to refers_back_max_chars,
 *             and afterAboutAnswer(text) is the question it goes on to
 *   chooseReading(cue, alone, within, topic, ownHere)  what to act on:
 *     alone   the message searched alone (a confident answer in another topic wins over a weak cue:
 *             a new question)
 *     within  the message searched among the current topic's entries and the entry's follow-ups:
 *             for a bare or strong cue whenever the topic has a confident answer or close
 *             candidates (one tap among them), for a weak cue when it is not confident alone or
 *             when the topic's sure answer names the message's own words (`ownHere`, the caller's
 *             judgement: "误工的能要吗" after 交通事故 is about that accident)
 *     narrow  a bare follow-up the topic has nothing close for: a hit elsewhere matched only its
 *             generic words, so offer the entry's follow-ups instead of a wrong topic or "not covered"
 *   matchesOwnWords(hit, terms)  whether a hit found with the topic's words added (the words the
 *     citizen left out) matched the message's own words too — only then may it answer the message
 * Contract: pure; never throws; the search results are given, this module does not search.
 */
import { z } from 'zod';
import { CONCEPT_MARK } from '../search/pipeline';
import type { SearchHit, SearchResult } from '../search/types';
import { type AspectLexicon, aspectsSchema, buildAspectLexicon } from './aspects';
import { normalizeForMatch } from './input';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));

export const contextFileSchema = z
  .object({
    /** Longer messages (normalised characters) stand alone. */
    max_chars: z.number().int().min(2).max(40),
    /** Words pointing back at what was said ("像我这种", "这种情况"): a message holding one is a follow-up up to refers_back_max_chars. */
    refers_back: words.default([]),
    refers_back_max_chars: z.number().int().min(2).max(60).default(24),
    /** Words asking about the answer just shown itself ("合法吗", "可以吗", "咋办", "要干啥", "咋弄"). */
    about_answer: words.default([]),
    /** How follow-ups start: 那, 那么, 还有, 另外. */
    leads: words,
    /** What follow-ups are made of: question words, things asked about, pronouns, softeners. */
    words: words.min(1),
    /** Other characters a strong cue may hold ("能补交吗": 补交), without and with a lead word. */
    residue_max: z.number().int().min(0).max(10),
    lead_residue_max: z.number().int().min(0).max(10),
    /** A message holding one of these (or "?") asks something ("他不肯赔呢", "找谁反映"). */
    question_words: words.min(1),
    /** A message ending in one of these asks too: the A-not-A question cut short ("能告他们不", "收费不"). */
    question_endings: words.default([]),
    /** What a follow-up asks about (fees, time, place …) and how an entry shows it answers it (aspects.ts). */
    aspects: aspectsSchema.default({}),
    /** Characters that are only question scaffolding: the rest of a follow-up is what it is about. */
    scaffold_chars: z.string().default(''),
  })
  .strict();
export type ContextFile = z.infer<typeof contextFileSchema>;

export interface ContextLexicon {
  maxChars: number;
  refersBack: string[];
  refersBackMaxChars: number;
  /** about_answer, longest first. */
  aboutAnswer: string[];
  leads: string[];
  words: Set<string>;
  longestWord: number;
  /** `words` and every aspect's `asks` words: what a message asks, as opposed to what it is about. */
  askWords: Set<string>;
  longestAskWord: number;
  residueMax: number;
  leadResidueMax: number;
  questionWords: string[];
  questionEndings: string[];
  aspects: AspectLexicon;
}

const byLengthDesc = (a: string, b: string) => b.length - a.length;

export function buildContextLexicon(file: ContextFile): ContextLexicon {
  const norm = (list: string[]) => list.map((w) => normalizeForMatch(w)).filter(Boolean);
  const ws = new Set(norm(file.words));
  const aspects = buildAspectLexicon(file.aspects, file.scaffold_chars);
  const asks = new Set([...ws, ...aspects.asks.map((a) => a.word)]);
  return {
    maxChars: file.max_chars,
    refersBack: norm(file.refers_back),
    refersBackMaxChars: file.refers_back_max_chars,
    aboutAnswer: norm(file.about_answer).sort(byLengthDesc),
    leads: norm(file.leads).sort(byLengthDesc),
    words: ws,
    longestWord: Math.max(1, ...[...ws].map((w) => Array.from(w).length)),
    askWords: asks,
    longestAskWord: Math.max(1, ...[...asks].map((w) => Array.from(w).length)),
    residueMax: file.residue_max,
    leadResidueMax: file.lead_residue_max,
    questionWords: norm(file.question_words),
    questionEndings: norm(file.question_endings),
    aspects,
  };
}

/** The characters of `text` (normalised) that no word of the lexicon covers, longest words first. */
export function uncovered(text: string, lex: ContextLexicon, words = lex.words, longest = lex.longestWord): string {
  const chars = Array.from(text);
  let out = '';
  for (let i = 0; i < chars.length; ) {
    let len = Math.min(longest, chars.length - i);
    for (; len > 0; len--) if (words.has(chars.slice(i, i + len).join(''))) break;
    if (len > 0) i += len;
    else out += chars[i++];
  }
  return out;
}

/**
 * The search terms of a message that say what it is about rather than what it asks ("医院把人治坏了
 * 找谁" → 医院 …; "要多长时间", "在哪办" → none): not a concept class (§…), not made of follow-up
 * or aspect words, and either holding a character of the message that no such word covers or
 * standing for words of the message search replaced (a synonym: 撞车 → 交通事故).
 */
export function ownTerms(text: string, terms: readonly string[], lex: ContextLexicon): string[] {
  const n = normalizeForMatch(text);
  const rest = new Set(Array.from(uncovered(n, lex, lex.askWords, lex.longestAskWord)));
  const inText = new Set(Array.from(n));
  return terms.filter((t) => {
    const cs = Array.from(normalizeForMatch(t));
    if (t.startsWith(CONCEPT_MARK) || !uncovered(cs.join(''), lex, lex.askWords, lex.longestAskWord)) return false;
    return cs.some((c) => rest.has(c)) || !cs.some((c) => inText.has(c));
  });
}

/** Where an entry says what it is about (the body mentions much in passing). */
const ABOUT_FIELDS = ['questions', 'title', 'keywords'];

/** Share of `own` terms that some hit matched in its questions, title or keywords (1 when there are none). */
export function ownTermsMatched(own: readonly string[], hits: readonly SearchHit[]): number {
  if (!own.length) return 1;
  const matched = new Set(hits.flatMap((h) => ABOUT_FIELDS.flatMap((f) => h.explain.terms[f] ?? [])));
  return own.filter((t) => matched.has(t)).length / own.length;
}

export type FollowupCue = 'bare' | 'strong' | 'weak' | 'none';

export function followupCue(text: string, lex: ContextLexicon): FollowupCue {
  const n = normalizeForMatch(text);
  const len = Array.from(n).length;
  if (!n) return 'none';
  // Longer, but pointing back at what was said ("像我这种要查家里有没有钱吗"): not a question of its own.
  // So is one that starts by asking what now about the answer ("接下来咋弄 找保险还是找他本人").
  if (len > lex.maxChars) return len <= lex.refersBackMaxChars && (lex.refersBack.some((w) => n.includes(w)) || aboutTheAnswer(text, lex) === 'leads') ? 'weak' : 'none';
  const lead = lex.leads.find((l) => n.startsWith(l) && n.length > l.length);
  const body = lead ? n.slice(lead.length) : n;
  const rest = Array.from(uncovered(body, lex)).length;
  if (rest === 0) return 'bare';
  if (rest < Array.from(body).length && rest <= (lead ? lex.leadResidueMax : lex.residueMax)) return 'strong';
  return 'weak';
}

/**
 * The message asks about the answer just shown itself (lexicon about_answer): `only` when that is
 * all it asks — an about-answer word with nothing but follow-up words around it ("他们这样可以吗",
 * "我能咋办", "先要干啥"); `leads` when it starts with one (after a lead word) and goes on to a
 * question of its own ("接下来咋弄 找保险还是找他本人").
 */
export function aboutTheAnswer(text: string, lex: ContextLexicon): 'only' | 'leads' | undefined {
  return readAboutAnswer(text, lex)?.kind;
}

/** The question a message goes on to after asking what now ("接下来咋弄 找保险还是找他本人" → 找保险还是找他本人); else the message. */
export function afterAboutAnswer(text: string, lex: ContextLexicon): string {
  const r = readAboutAnswer(text, lex);
  return r?.kind === 'leads' ? r.rest : text;
}

function readAboutAnswer(text: string, lex: ContextLexicon): { kind: 'only' | 'leads'; rest: string } | undefined {
  const n = normalizeForMatch(text);
  if (!n || !lex.aboutAnswer.length) return undefined;
  const lead = lex.leads.find((l) => n.startsWith(l) && n.length > l.length);
  const body = lead ? n.slice(lead.length) : n;
  let rest = body;
  let found = !!lead && lex.aboutAnswer.includes(lead);
  for (const w of lex.aboutAnswer) {
    if (!rest.includes(w)) continue;
    found = true;
    rest = rest.split(w).join(' ');
  }
  if (!found) return undefined;
  if (rest.split(' ').every((part) => !uncovered(part, lex))) return { kind: 'only', rest: '' };
  const starts = lex.aboutAnswer.some((w) => body.startsWith(w)) || (!!lead && lex.aboutAnswer.includes(lead));
  return starts && rest.trim() ? { kind: 'leads', rest: rest.replace(/\s+/g, ' ').trim() } : undefined;
}

/** The message asks something (a question word, a question ending or mark), as opposed to answering. */
export function looksLikeQuestion(text: string, lex: ContextLexicon): boolean {
  if (/[?？]/.test(text)) return true;
  const n = normalizeForMatch(text);
  return lex.questionWords.some((w) => n.includes(w)) || lex.questionEndings.some((w) => n.length > w.length && n.endsWith(w));
}

export type Reading = 'alone' | 'within' | 'narrow';

/** Which search result a message is answered from; see the module comment. */
export function chooseReading(cue: FollowupCue, alone: SearchResult, within: SearchResult | undefined, topic: string | undefined, ownHere = false): Reading {
  if (cue === 'none' || !within || !topic) return 'alone';
  const best = alone.results[0];
  if (alone.confident && best?.topic === topic) return 'alone';
  const strongish = cue === 'bare' || cue === 'strong';
  const close = within.results.some((h) => h.resembles);
  // A weak cue answered confidently elsewhere stays in the topic only when the topic is sure too
  // and its answer says what the message's own words name ("误工的能要吗" after 交通事故).
  if ((within.confident && within.results.length) || close) return strongish || !alone.confident || ownHere ? 'within' : 'alone';
  // Made of follow-up words only: a hit elsewhere matched nothing but those words. With a word or
  // two of its own that search cannot place at all ("他要是不赔咋办"), it is still about the topic.
  const nothingAlone = !alone.confident && !alone.results.some((h) => h.resembles);
  return cue === 'bare' || (cue === 'strong' && nothingAlone) ? 'narrow' : 'alone';
}

/**
 * A hit found for the message with the topic's title put in front ("离婚 要多长时间") answers the
 * message only if it matched some of the message's own words: matching the title alone says
 * nothing about what was asked.
 */
export function matchesOwnWords(hit: SearchHit | undefined, ownTerms: readonly string[]): boolean {
  if (!hit) return false;
  const own = new Set(ownTerms);
  return Object.values(hit.explain.terms).some((ts) => ts.some((t) => own.has(t)));
}
