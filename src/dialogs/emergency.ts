/**
 * Emergency detection: is someone in danger right now? Runs on every message before search.
 * The signals are data (dialogs/lexicon/emergency.yaml: word classes and patterns over segmented
 * words, see emergency-lexicon.ts); this module segments the message with the process's one jieba,
 * finds the patterns, and decides from the danger found and the message's framing:
 *   emergency  danger happening now → the emergency flow (110 first)
 *   caution    danger words, but the time is unclear or the message is also a legal question →
 *              a one-line 110 notice first, then the question is answered as usual
 *   none       (undefined) no danger, or harm told as past or hypothetical ("去年被打伤了能起诉吗")
 * The text is converted to simplified Chinese first, so traditional-script messages match too; only
 * the first MAX_SCAN characters are examined. Contract: detectEmergency is pure and never throws; it
 * returns the outcome, the categories, the numbers to call (110 always first) and what matched (for
 * logs and tests), or undefined.
 */
import { cutWords } from '../search/pipeline';
import {
  type CompiledPattern,
  compileEmergencyRules,
  type EmergencyFile,
  emergencyFileSchema,
  type EmergencyRules,
  type Frame,
  type Strength,
} from './emergency-lexicon';
import { normalizeKeepSpaces } from './input';

export { compileEmergencyRules, emergencyFileSchema };
export type { EmergencyFile, EmergencyRules };

export type EmergencyLevel = 'emergency' | 'caution';

export interface EmergencySignal {
  level: EmergencyLevel;
  categories: string[];
  /** Numbers to call, "110" first. */
  calls: string[];
  /** "pattern-id:matched words", danger patterns first, then framing. */
  matched: string[];
  /** Framing found: weight per frame (present, past, hypothetical, question, ask, habitual, done). */
  frames: Partial<Record<Frame, number>>;
}

const CALL_ORDER = ['110', '120', '119', '122'];
/** Only the start of a long paste is examined: danger is stated up front, and cost stays flat. */
const MAX_SCAN = 500;
const BREAK = '|';
const LATIN_OR_DIGIT = /[a-z0-9]$/;
const LATIN_OR_DIGIT_START = /^[a-z0-9]/;
const HAN = /^[\u3400-\u9fff]+$/;

/** The message as words: jieba's cut, long Chinese words split where jieba would split their parts. */
interface Scan {
  words: string[];
  str: string;
  /** Character offset of each word in str. */
  starts: number[];
  /** Char offset → index of the word starting there (-1 inside a word). */
  startAt: Int32Array;
  /** Char offset → index of the word containing it. */
  wordOf: Int32Array;
  /** Word index → clause number (clauses are separated by BREAK). */
  clauseOf: Int32Array;
}

function segment(text: string, rules: Pick<EmergencyRules, 'except' | 'typos' | 'glue' | 'glueEdges' | 'wholeWords'>): Scan {
  let n = normalizeKeepSpaces(text.slice(0, MAX_SCAN));
  // Input-method slips in danger words are repaired ("救名" → "救命"); exception phrases ("救命钱",
  // "想死你了") are cut out before anything is matched.
  for (const [from, to] of rules.typos) if (n.includes(from)) n = n.split(from).join(to);
  for (const e of rules.except) if (n.includes(e)) n = n.split(e).join(' ');
  const raw = cutWords(n);
  const words: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (!t.trim()) {
      // A space between Latin words only separates words; elsewhere it stood for punctuation or a
      // pause between clauses (WeChat users type spaces for commas).
      const prev = words[words.length - 1];
      const next = raw[i + 1];
      if (prev && prev !== BREAK && !(LATIN_OR_DIGIT.test(prev) && next && LATIN_OR_DIGIT_START.test(next))) words.push(BREAK);
      continue;
    }
    if (!HAN.test(t) || t.length < 2) words.push(t);
    else for (const part of t.length >= 3 ? splitLong(t) : [t]) words.push(...splitGlued(part, rules));
  }
  const str = words.join('');
  const starts: number[] = [];
  const startAt = new Int32Array(str.length + 1).fill(-1);
  const wordOf = new Int32Array(str.length);
  const clauseOf = new Int32Array(words.length + 1);
  let off = 0;
  let clause = 0;
  words.forEach((w, i) => {
    if (w === BREAK) clause++;
    clauseOf[i] = clause;
    starts.push(off);
    startAt[off] = i;
    wordOf.fill(i, off, off + w.length);
    off += w.length;
  });
  startAt[str.length] = words.length;
  clauseOf[words.length] = clause;
  return { words, str, starts, startAt, wordOf, clauseOf };
}

/**
 * A long word from the search dictionary ("被老公打", "人身安全保护令") is split where jieba splits
 * its parts without the first or the last character, so class words still find their edges in it.
 */
function splitLong(w: string): string[] {
  // Cut points both re-cuts agree on (each re-cut's own edges count as cuts).
  const a = new Set<number>([1]);
  let off = 1;
  for (const p of cutWords(w.slice(1))) a.add((off += p.length));
  const cuts: number[] = [];
  off = 0;
  for (const p of cutWords(w.slice(0, -1))) {
    off += p.length;
    if (off < w.length && a.has(off)) cuts.push(off);
  }
  if (a.has(w.length - 1) && !cuts.includes(w.length - 1)) cuts.push(w.length - 1);
  const out: string[] = [];
  let last = 0;
  for (const c of cuts.sort((x, y) => x - y)) {
    if (c <= last || c >= w.length) continue;
    out.push(w.slice(last, c));
    last = c;
  }
  out.push(w.slice(last));
  return out;
}

/**
 * A word that the search dictionary glued together from a small word and a class word ("打我",
 * "被打", "打他": the knowledge base may list them as search words) is cut apart again, so that
 * patterns still see the verb and its object ("说要打我" is 打 + 我). Only a glue word (a pronoun,
 * 被/挨 — the lexicon's `glue` classes) at either end is cut off, and only when what remains is a
 * class word itself: 抽烟 or 被子 stay whole. Multi-word class words still match across the cut.
 */
function splitGlued(w: string, rules: Pick<EmergencyRules, 'glue' | 'glueEdges' | 'wholeWords'>): string[] {
  // Most words neither start nor end with a glue character: one lookup each, no slicing.
  if (!rules.glueEdges.has(w[0]!) && !rules.glueEdges.has(w[w.length - 1]!)) return [w];
  for (let k = 1; k < w.length; k++) {
    const head = w.slice(0, k);
    const tail = w.slice(k);
    if (rules.glue.has(head) && rules.wholeWords.has(tail)) return [head, tail];
    if (rules.glue.has(tail) && rules.wholeWords.has(head)) return [head, tail];
  }
  return [w];
}

/** Occurrences of each class: start word → end words (exclusive). */
type Occurrences = (Map<number, number[]> | undefined)[];

function findClasses(scan: Scan, rules: EmergencyRules): Occurrences {
  const occ: Occurrences = new Array(rules.classNames.length);
  const add = (cls: number, start: number, end: number) => {
    const m = (occ[cls] ??= new Map());
    const ends = m.get(start);
    if (!ends) m.set(start, [end]);
    else if (!ends.includes(end)) ends.push(end);
  };
  const { str, words, starts, startAt, wordOf } = scan;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === BREAK) continue;
    const o = starts[i]!;
    const list = rules.byFirstChar.get(str[o]!);
    if (!list) continue;
    for (const m of list) {
      if (!str.startsWith(m.text, o)) continue;
      const endOff = o + m.text.length;
      const endWord = startAt[endOff]!;
      if (endWord >= 0) add(m.cls, i, endWord);
      else if (m.freeEnd) add(m.cls, i, wordOf[endOff - 1]! + 1);
    }
  }
  for (const m of rules.anywhere) {
    for (let at = str.indexOf(m.text); at >= 0; at = str.indexOf(m.text, at + 1)) {
      add(m.cls, wordOf[at]!, wordOf[at + m.text.length - 1]! + 1);
    }
  }
  return occ;
}

/** The end word of a match of p's elements from element ei at word pos, or -1. */
function matchFrom(p: CompiledPattern, ei: number, pos: number, scan: Scan, occ: Occurrences): number {
  if (ei === p.elements.length) return pos;
  const el = p.elements[ei]!;
  switch (el.kind) {
    case 'class': {
      for (const end of occ[el.cls]?.get(pos) ?? []) {
        const r = matchFrom(p, ei + 1, end, scan, occ);
        if (r >= 0) return r;
      }
      return el.optional ? matchFrom(p, ei + 1, pos, scan, occ) : -1;
    }
    case 'not':
      return occ[el.cls]?.has(pos) ? -1 : matchFrom(p, ei + 1, pos, scan, occ);
    case 'gap': {
      for (let k = 0; k <= el.max && pos + k <= scan.words.length; k++) {
        if (k > 0 && !el.crossClauses && scan.words[pos + k - 1] === BREAK) break;
        const r = matchFrom(p, ei + 1, pos + k, scan, occ);
        if (r >= 0) return r;
      }
      return -1;
    }
  }
}

interface Found {
  pattern: CompiledPattern;
  text: string;
}

function findPatterns(scan: Scan, rules: EmergencyRules, occ: Occurrences): Found[] {
  const found: Found[] = [];
  // Clauses holding a danger sign: where a clause-scoped framing sign (现在, 门口) counts.
  const dangerClauses = new Set<number>();
  const run = (p: CompiledPattern, accept: (s: number, end: number) => boolean, all: boolean) => {
    const first = p.elements[0]!;
    // Patterns start with a class; a pattern whose first class is absent costs one lookup.
    const startsAt = first.kind === 'class' && !first.optional ? occ[first.cls]?.keys() : scan.words.keys();
    if (!startsAt) return;
    let text: string | undefined;
    let seen: number[] | undefined;
    for (const s of startsAt) {
      // Once found, a danger pattern is looked for again only in the other clauses.
      if (seen?.includes(scan.clauseOf[s]!)) continue;
      const end = matchFrom(p, 0, s, scan, occ);
      if (end <= s || !accept(s, end)) continue;
      text ??= scan.words.slice(s, end).join('');
      if (!all) break;
      (seen ??= []).push(scan.clauseOf[s]!);
    }
    if (text !== undefined) found.push({ pattern: p, text });
  };
  // Dangers first, every clause they occur in (one clause: the first match is enough); then the framing.
  const manyClauses = scan.clauseOf[scan.words.length]! > 0;
  for (const p of rules.patterns) {
    if (!p.category) continue;
    run(
      p,
      (s, end) => {
        for (let c = scan.clauseOf[s]!; c <= scan.clauseOf[Math.max(s, end - 1)]!; c++) dangerClauses.add(c);
        return true;
      },
      manyClauses,
    );
  }
  if (!found.length) return found;
  for (const p of rules.patterns) {
    if (p.category) continue;
    // A clause-scoped sign tells the time of its own clause and of the next one: "现在又喝醉了 在砸门"
    // (danger follows), but not "去年被打伤了，现在想离婚" (the danger came before).
    run(p, (s) => !p.clauseOnly || dangerClauses.has(scan.clauseOf[s]!) || dangerClauses.has(scan.clauseOf[s]! + 1), false);
  }
  return found;
}

const RANK: Record<Strength, number> = { always: 3, strong: 2, weak: 1 };

/**
 * The decision, from the strongest danger pattern found and the framing of the whole message:
 *   always                       → emergency, whatever the framing ("救命", "不想活了")
 *   strong, said as now          → emergency;  now and also past/hypothetical → caution, and
 *                                  so is a single sign of now (现在, 刚才, 在门口) with a question
 *   strong, past or hypothetical → none ("去年被打伤了", "如果有人拿刀威胁我")
 *   strong, time unclear         → caution if asked as a question or a legal question
 *                                  ("被打伤了能索赔多少", "老公打我怎么办"), told as a habit
 *                                  ("喝了酒就打我") or as done ("我被人打了"), else emergency
 *   weak ("家暴", "受伤"), said as now → emergency, or caution with past framing or a question;
 *   time unclear → caution, or none with a legal word or past framing ("遭受家暴能离婚吗")
 */
function decide(best: Strength, frames: Partial<Record<Frame, number>>): EmergencyLevel | undefined {
  // A weak sign of now alone (刚才, 在门口: weight 1) does not outweigh a question asked about it.
  const present = frames.present ?? 0;
  const now = present > 0;
  const notNow = (frames.past ?? 0) + (frames.hypothetical ?? 0) > 0;
  const legal = (frames.question ?? 0) > 0;
  const asked = legal || (frames.ask ?? 0) + (frames.habitual ?? 0) > 0;
  // Asked as a question, one sign of now (a lone 现在 or 还在: "现在他还不赔，能告吗") is not enough
  // for the alarm — do both (caution); two are ("他现在还在打我，能离婚吗").
  const surelyNow = present >= (asked ? 3 : 2);
  if (best === 'always') return 'emergency';
  if (best === 'strong') {
    if (now) return notNow || (!surelyNow && asked) ? 'caution' : 'emergency';
    if (notNow) return undefined;
    return asked || (frames.done ?? 0) > 0 ? 'caution' : 'emergency';
  }
  if (now) return notNow || asked ? 'caution' : 'emergency';
  return notNow || legal ? undefined : 'caution';
}

/** The words the detector sees (for tests and for editors checking why a message matched). */
export function emergencyWords(text: string, rules: EmergencyRules): string[] {
  return segment(text, rules).words;
}

export function detectEmergency(text: string, rules: EmergencyRules): EmergencySignal | undefined {
  try {
    if (!text) return undefined;
    const scan = segment(text, rules);
    if (!scan.words.length) return undefined;
    const occ = findClasses(scan, rules);
    const found = findPatterns(scan, rules, occ);
    const danger = found.filter((f) => f.pattern.category);
    if (!danger.length) return undefined;
    const frames: Partial<Record<Frame, number>> = {};
    for (const f of found) if (f.pattern.frame) frames[f.pattern.frame] = (frames[f.pattern.frame] ?? 0) + f.pattern.weight;
    let best: Strength = 'weak';
    for (const f of danger) if (RANK[f.pattern.strength] > RANK[best]) best = f.pattern.strength;
    const level = decide(best, frames);
    if (!level) return undefined;
    const categories = [...new Set(danger.map((f) => f.pattern.category!))];
    const calls = new Set<string>(['110']);
    for (const c of categories) for (const n of rules.calls.get(c) ?? []) calls.add(n);
    return {
      level,
      categories,
      calls: CALL_ORDER.filter((n) => calls.has(n)),
      matched: [...danger, ...found.filter((f) => f.pattern.frame)].map((f) => `${f.pattern.id}:${f.text}`),
      frames,
    };
  } catch {
    // A detector fault must not lose the message; search still answers it.
    return undefined;
  }
}
