/**
 * Understanding a citizen's answer to a choice prompt, in Chinese or English. The Bot Framework's
 * built-in recognisers miss most Chinese ways of answering ("第二个", "嗯", "不用了", "讨薪那个"),
 * so this module does it with data from dialogs/lexicon/choices.yaml:
 *   number     "2", "２", "二", "第二个", "选2", "the second one", "最后一个"
 *   exact      the option text (ignoring case, spaces, punctuation, emoji)
 *   yes/no     "是的/对/好/嗯/可以/行" and "不用了/不是/算了/不要" when the options are yes/no
 *   feedback   "有/有用/挺好/解决了" and "没用/看不懂/不是我想问的" when the options are helpful/unhelpful
 *              ("这个回答有帮助吗？"): whole-answer words, or a cue word that is most of a short answer
 *   contains   the option text or one of its synonyms inside the answer ("我是讨薪的")
 *   overlap    a close paraphrase sharing most characters (Chinese) or words (English)
 * When the prompt also takes free questions (a menu, follow-up buttons: `freeText`), an answer
 * is only read as an option when it is mostly that option: "法律援助怎么申请" after the menu is a
 * question to search, not the menu's "法律援助预审"; rules 4 and 5 are then strict or off.
 * Contract: pure functions; never throws on any input; returns undefined when unsure, so the
 * prompt can ask again instead of guessing.
 */
import { z } from 'zod';
import { normalizeForMatch, normalizeKeepSpaces } from './input';
import { escapeRegExp, hasHan } from '../content/normalise';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));

export const choiceLexiconFileSchema = z
  .object({
    yes: words.min(1),
    no: words.min(1),
    skip: words.min(1),
    ordinals: z.record(z.string().regex(/^\d+$/), words),
    last: words.default([]),
    number_prefixes: words.default([]),
    number_suffixes: words.default([]),
    fillers: words.default([]),
    helpful: words.default([]),
    unhelpful: words.default([]),
    helpful_cues: words.default([]),
    unhelpful_cues: words.default([]),
    feedback_max_chars: z.number().int().min(1).max(40).default(10),
    /** Said before the feedback without changing it ("挺有用", "完全没回答"): dropped from the start. */
    feedback_leading: words.default([]),
    /** Said after an answer without changing it ("好的吧", "有用 谢谢"): dropped from the end. */
    trailing_softeners: words.default([]),
    /** An answer ending so asks about what the answer said ("有用吗": is doing that of use?): not feedback. */
    feedback_asking_endings: words.default([]),
  })
  .strict();

export interface ChoiceLexicon {
  yes: Set<string>;
  no: Set<string>;
  skip: Set<string>;
  /** trailing_softeners, any number of them at the end. */
  trailing: RegExp;
  numberPattern: RegExp;
  ordinalValue: Map<string, number>;
  last: Set<string>;
  fillersCjk: string[];
  fillersLatin: Set<string>;
  feedback: {
    helpful: Set<string>;
    unhelpful: Set<string>;
    /** Longest first; unhelpful cues are tried before helpful ones ("没有帮助" holds "有帮助"). */
    cues: { cue: string; helpful: boolean }[];
    maxChars: number;
    /** feedback_leading, any number of them at the start. */
    leading: RegExp;
    askingEndings: string[];
  };
}

/** The words as one regular expression, longest first (never matches when there are none). */
const alternation = (ws: string[], open: string, close: string) =>
  ws.length ? new RegExp(`${open}${[...ws].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')}${close}`) : /(?!)/;
const byLengthDesc = (a: string, b: string) => b.length - a.length;

/** Entries that are only emoji ("👍"), kept as pictographs. */
const gestures = (list: string[]) =>
  list.filter((w) => !normalizeForMatch(w)).map((w) => normalizeForMatch(w, { keepEmoji: true, collapseRepeats: true })).filter(Boolean);

export function buildChoiceLexicon(data: z.infer<typeof choiceLexiconFileSchema>): ChoiceLexicon {
  const norm = (list: string[]) => list.map((w) => normalizeForMatch(w)).filter(Boolean);
  const ordinalValue = new Map<string, number>();
  for (const [n, list] of Object.entries(data.ordinals)) for (const w of norm(list)) ordinalValue.set(w, Number(n));
  const cores = ['\\d{1,2}', ...[...ordinalValue.keys()].sort(byLengthDesc).map(escapeRegExp)];
  const pre = norm(data.number_prefixes).sort(byLengthDesc).map(escapeRegExp);
  const suf = norm(data.number_suffixes).sort(byLengthDesc).map(escapeRegExp);
  const numberPattern = new RegExp(
    `^(?:${pre.length ? pre.join('|') : '(?!)'})?(${cores.join('|')})(?:${suf.length ? suf.join('|') : '(?!)'})?$`,
  );
  const fillers = data.fillers.map((f) => f.toLowerCase());
  return {
    yes: new Set(norm(data.yes)),
    no: new Set(norm(data.no)),
    skip: new Set(norm(data.skip)),
    trailing: alternation(norm(data.trailing_softeners), '(?:', ')+$'),
    numberPattern,
    ordinalValue,
    last: new Set(norm(data.last)),
    fillersCjk: fillers.filter((f) => hasHan(f)).sort(byLengthDesc),
    fillersLatin: new Set(fillers.filter((f) => !hasHan(f))),
    feedback: {
      helpful: new Set([...norm(data.helpful), ...gestures(data.helpful)]),
      unhelpful: new Set([...norm(data.unhelpful), ...gestures(data.unhelpful)]),
      cues: [
        ...norm(data.unhelpful_cues).sort(byLengthDesc).map((cue) => ({ cue, helpful: false })),
        ...norm(data.helpful_cues).sort(byLengthDesc).map((cue) => ({ cue, helpful: true })),
      ],
      maxChars: data.feedback_max_chars,
      leading: alternation(norm(data.feedback_leading), '^(?:', ')+'),
      askingEndings: norm(data.feedback_asking_endings),
    },
  };
}

export interface ChoiceCandidate {
  value: string;
  label: string;
  synonyms?: readonly string[];
}

export type MatchHow = 'number' | 'exact' | 'yesno' | 'feedback' | 'contains' | 'overlap';
export interface ChoiceMatch {
  index: number;
  value: string;
  how: MatchHow;
}

/** 1-based option number named in the answer, or "last" as the count; undefined if none. */
export function parseNumber(input: string, lex: ChoiceLexicon, count: number): number | undefined {
  const n = normalizeForMatch(input);
  if (!n) return undefined;
  if (lex.last.has(n)) return count > 0 ? count : undefined;
  const m = lex.numberPattern.exec(n);
  if (!m) return undefined;
  const core = m[1]!;
  const v = /^\d+$/.test(core) ? Number(core) : lex.ordinalValue.get(core);
  return v && v >= 1 ? v : undefined;
}

/** The answer's first clause, normalised ("不是，我想问的是…" → 不是). */
const CLAUSE_BREAK = /[\s,，.。!！?？;；、~～]+/;

function firstClause(input: string): string {
  return normalizeForMatch(input.normalize('NFKC').split(CLAUSE_BREAK).find((s) => s.trim()) ?? '');
}

/** "yes" / "no" for a yes/no question, from the whole answer or its first clause. */
export function recognizeYesNo(input: string, lex: ChoiceLexicon): 'yes' | 'no' | undefined {
  const whole = normalizeForMatch(input);
  if (!whole) return undefined;
  const first = firstClause(input);
  for (const cand of [whole, whole.replace(lex.trailing, ''), first, first.replace(lex.trailing, '')]) {
    if (!cand) continue;
    // "no" is checked first: "不是" must not count as "是".
    if (lex.no.has(cand)) return 'no';
    if (lex.yes.has(cand)) return 'yes';
  }
  return undefined;
}

/** A cue must be at least this share of a short answer ("没解决我的问题": 没解决 is 3 of 7). */
export const FEEDBACK_MIN_CUE_SHARE = 0.4;
const NEGATED_BEFORE = /[不没无]/;

/** "可以可以" → "可以": a text that is one short word repeated, as that word (else the text). */
function onceOf(text: string): string {
  const cs = Array.from(text);
  for (let len = 1; len <= 4 && len * 2 <= cs.length; len++) {
    if (cs.length % len) continue;
    const w = cs.slice(0, len).join('');
    if (w.repeat(cs.length / len) === text) return w;
  }
  return text;
}

/** "helpful" / "unhelpful" for "这个回答有帮助吗？", or undefined (then it may be a new question). */
export function recognizeFeedback(input: string, lex: ChoiceLexicon, opts: { asks?: (text: string) => boolean } = {}): 'helpful' | 'unhelpful' | undefined {
  const f = lex.feedback;
  const whole = normalizeForMatch(input);
  if (!whole) {
    // A gesture alone ("👍", "👎👎").
    const g = normalizeForMatch(input, { keepEmoji: true, collapseRepeats: true });
    return f.unhelpful.has(g) ? 'unhelpful' : f.helpful.has(g) ? 'helpful' : undefined;
  }
  const clauseWise = opts.asks ? feedbackThenComment(input, lex, opts.asks) : undefined;
  if (clauseWise) return clauseWise === 'neither' ? undefined : clauseWise;
  return whole.length <= f.maxChars ? feedbackOf(input, whole, lex) : undefined;
}

/**
 * An answer of several clauses whose first is feedback: "挺好的 说得很清楚", "有 比我问的那几个人说得
 * 明白" — the rest comments on it. `neither` when a later clause asks something that is not
 * feedback ("有 那仲裁去哪里申请": a new question) or says the opposite ("有用 但是看不懂");
 * undefined when the first clause is no feedback (the whole answer is read as one).
 */
function feedbackThenComment(input: string, lex: ChoiceLexicon, asks: (text: string) => boolean): 'helpful' | 'unhelpful' | 'neither' | undefined {
  const [first, ...rest] = clauses(input);
  if (!first || !rest.length) return undefined;
  const said = shortFeedback(first, lex);
  if (!said) return undefined;
  for (const c of rest) {
    const r = shortFeedback(c, lex);
    if (r ? r !== said : asks(c)) return 'neither';
  }
  return said;
}

/** feedbackOf for one clause, when it is short enough to be feedback at all. */
function shortFeedback(clause: string, lex: ChoiceLexicon): 'helpful' | 'unhelpful' | undefined {
  const n = normalizeForMatch(clause);
  return n && n.length <= lex.feedback.maxChars ? feedbackOf(clause, n, lex) : undefined;
}

/** The clauses of an answer, as typed ("挺好的 说得很清楚" → 挺好的, 说得很清楚). */
function clauses(input: string): string[] {
  return input.normalize('NFKC').split(CLAUSE_BREAK).filter((s) => normalizeForMatch(s));
}

/** A short answer read as feedback: the lists, a plain "no", a cue that is most of it. */
function feedbackOf(input: string, whole: string, lex: ChoiceLexicon): 'helpful' | 'unhelpful' | undefined {
  const f = lex.feedback;
  // "有用吗" asks whether what the answer says is of use; it does not say the answer was.
  if (f.askingEndings.some((w) => whole.length > w.length && whole.endsWith(w))) return undefined;
  const first = firstClause(input);
  const forms = new Set<string>();
  for (const c of [whole, first]) {
    if (!c) continue;
    const soft = c.replace(lex.trailing, '');
    for (const x of [c, soft, c.replace(f.leading, ''), soft.replace(f.leading, '')]) if (x) forms.add(x);
  }
  // A word said twice or more ("可以可以", "没用没用") is the word said once.
  for (const x of [...forms]) forms.add(onceOf(x));
  for (const x of forms) {
    if (f.unhelpful.has(x)) return 'unhelpful';
    if (f.helpful.has(x)) return 'helpful';
  }
  const yn = recognizeYesNo(input, lex);
  // A plain "no" answers the question too ("不是"), but not one that only declines ("不用了",
  // "算了": nothing more wanted); bare acknowledgements ("好的") say "got it", not "helpful".
  if (isSkip(input, lex)) return undefined;
  if (yn === 'no') return 'unhelpful';
  // The share is of the answer without what only softens it ("完全没回答我的问题", "清楚多了 谢谢").
  const core = whole.replace(lex.trailing, '').replace(f.leading, '');
  for (const { cue, helpful } of f.cues) {
    for (const text of core && core !== whole ? [whole, core] : [whole]) {
      const at = text.indexOf(cue);
      if (at < 0) continue;
      // "不太明白", "好像没什么用": a helpful cue shortly after a negation says the opposite; the
      // negation and the cue together then have to be most of the answer.
      const before = text.slice(Math.max(0, at - 3), at);
      const neg = helpful ? before.search(NEGATED_BEFORE) : -1;
      const span = neg >= 0 ? before.length - neg + cue.length : cue.length;
      if (span / text.length < FEEDBACK_MIN_CUE_SHARE) continue;
      return helpful && neg < 0 ? 'helpful' : 'unhelpful';
    }
  }
  return undefined;
}

/** The citizen declines to give an optional answer ("跳过", "不知道", "不用了"). */
export function isSkip(input: string, lex: ChoiceLexicon): boolean {
  const n = normalizeForMatch(input);
  return !!n && (lex.skip.has(n) || lex.skip.has(n.replace(lex.trailing, '')));
}

const NEGATION = /[不没别无非否]|not|dont|never|\bno\b/;

function cjkChars(text: string, lex: ChoiceLexicon): Set<string> {
  let t = normalizeForMatch(text);
  for (const f of lex.fillersCjk) t = t.split(f).join('');
  return new Set(Array.from(t));
}

function latinWords(text: string, lex: ChoiceLexicon): Set<string> {
  return new Set(
    normalizeKeepSpaces(text)
      .split(' ')
      .filter((w) => w && !lex.fillersLatin.has(w))
      .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w)),
  );
}

function dice(a: Set<string>, b: Set<string>): { score: number; shared: number } {
  if (!a.size || !b.size) return { score: 0, shared: 0 };
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return { score: (2 * shared) / (a.size + b.size), shared };
}

/** Share of a free-text answer an option must cover to be taken as picking it. */
export const FREE_TEXT_MIN_COVER = 0.75;
/** Longer free-text answers are questions, never paraphrased picks. */
const FREE_TEXT_MAX_CHARS = 6;
const FREE_TEXT_MAX_WORDS = 3;
const FREE_TEXT_MIN_OVERLAP = 0.6;
const FREE_TEXT_MIN_IN_LABEL = 0.9;

export function recognizeChoice(
  input: string,
  options: readonly ChoiceCandidate[],
  lex: ChoiceLexicon,
  opts: { freeText?: boolean; asks?: (text: string) => boolean } = {},
): ChoiceMatch | undefined {
  if (!options.length) return undefined;
  const n = normalizeForMatch(input);
  const hit = (index: number, how: MatchHow): ChoiceMatch => ({ index, value: options[index]!.value, how });
  const helpfulIdx = options.findIndex((o) => o.value === 'helpful');
  const unhelpfulIdx = options.findIndex((o) => o.value === 'unhelpful');
  const feedback = () => {
    const fb = helpfulIdx >= 0 && unhelpfulIdx >= 0 ? recognizeFeedback(input, lex, { asks: opts.asks }) : undefined;
    return fb ? hit(fb === 'helpful' ? helpfulIdx : unhelpfulIdx, 'feedback') : undefined;
  };
  // Only emoji: a gesture can still answer "这个回答有帮助吗？" ("👍").
  if (!n) return feedback();

  // 1. number
  const num = parseNumber(input, lex, options.length);
  if (num !== undefined) return num <= options.length ? hit(num - 1, 'number') : undefined;

  // 2. exact option text, value or synonym
  const terms = options.map((o) => [o.label, ...(o.synonyms ?? [])].map((t) => normalizeForMatch(t)).filter(Boolean));
  for (let i = 0; i < options.length; i++) if (terms[i]!.includes(n)) return hit(i, 'exact');

  // 3. yes / no, and helpful / unhelpful
  const fb = feedback();
  if (fb) return fb;
  const yesIdx = options.findIndex((o) => o.value === 'yes');
  const noIdx = options.findIndex((o) => o.value === 'no');
  if (yesIdx >= 0 || noIdx >= 0) {
    const yn = recognizeYesNo(input, lex);
    if (yn === 'yes' && yesIdx >= 0) return hit(yesIdx, 'yesno');
    if (yn === 'no' && noIdx >= 0) return hit(noIdx, 'yesno');
  }

  const latin = !hasHan(n);
  const negated = NEGATION.test(latin ? normalizeKeepSpaces(input) : n);

  // 4. an option's text or synonym inside the answer (or the answer inside a longer option text)
  let best: { i: number; w: number } | undefined;
  let tie = false;
  for (let i = 0; i < options.length; i++) {
    const labelNegated = NEGATION.test(normalizeForMatch(options[i]!.label));
    if (negated && !labelNegated && options[i]!.value !== 'no') continue; // "不要转人工" is not "转人工"
    let w = 0;
    for (const t of terms[i]!) {
      if (latin) {
        const tw = latinWords(t, lex);
        const iw = latinWords(input, lex);
        if (tw.size && [...tw].every((x) => iw.has(x))) {
          if (!opts.freeText || tw.size / iw.size >= FREE_TEXT_MIN_COVER) w = Math.max(w, t.length);
        } else if (!opts.freeText && iw.size && [...iw].every((x) => tw.has(x)) && [...iw].join('').length >= 3) {
          w = Math.max(w, [...iw].join('').length - 0.5);
        }
      } else {
        if (t.length >= 2 && n.includes(t)) {
          if (!opts.freeText || t.length / n.length >= FREE_TEXT_MIN_COVER) w = Math.max(w, t.length);
        } else if (!opts.freeText && n.length >= 2 && t.includes(n)) w = Math.max(w, n.length - 0.5);
      }
    }
    if (w > 0) {
      if (!best || w > best.w) {
        best = { i, w };
        tie = false;
      } else if (w === best.w) tie = true;
    }
  }
  if (best && !tie) return hit(best.i, 'contains');

  // 5. close paraphrase; where a question of their own is possible, only a short, close one
  const inputSet = latin ? latinWords(input, lex) : cjkChars(input, lex);
  if (opts.freeText && inputSet.size > (latin ? FREE_TEXT_MAX_WORDS : FREE_TEXT_MAX_CHARS)) return undefined;
  const scores = options.map((o) => {
    if (negated && o.value !== 'no' && !NEGATION.test(normalizeForMatch(o.label))) return 0;
    let s = 0;
    // Synonyms are often question-like ("能不能申请法律援助"): with free text, paraphrase the label only.
    for (const t of opts.freeText ? [o.label] : [o.label, ...(o.synonyms ?? [])]) {
      const d = dice(inputSet, latin ? latinWords(t, lex) : cjkChars(t, lex));
      // With free text every word of the answer must come from the label ("纠纷调解" for
      // "邻里、家庭纠纷调解"), or it is a question of its own ("申请法律援助" is not "法律援助预审").
      const inLabel = d.shared / inputSet.size;
      if (d.shared >= (latin ? 1 : 2) && (!opts.freeText || inLabel >= FREE_TEXT_MIN_IN_LABEL)) s = Math.max(s, d.score);
    }
    return s;
  });
  const ranked = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s);
  const top = ranked[0]!;
  const second = ranked[1]?.s ?? 0;
  if (top.s >= (opts.freeText ? FREE_TEXT_MIN_OVERLAP : 0.5) && top.s - second >= 0.15) return hit(top.i, 'overlap');
  return undefined;
}
