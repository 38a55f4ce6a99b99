/**
 * Commands understood anywhere (reset, greeting, menu, help, back, human, thanks, acknowledge,
 * smalltalk) and language switches, from dialogs/lexicon/commands.yaml. A command must be
 *   exact     the whole message (after a polite start like "请"/"我要", without 吧/啊 at the end;
 *             repeated characters and emoji compared as said once: "谢谢谢谢" = "谢谢", "👍👍" = "👍")
 *   contains  or contain one of its `contains` phrases
 *   pieces    or be made entirely of pieces ("明白了" + "谢谢" + "你") and `glue` words; the command is
 *             the first in COMMANDS order among the pieces used (thanks before acknowledge)
 *   closing   or, for acknowledge, start with an acknowledgement and go on with what the citizen
 *             will do, asking nothing ("好 我明天就去仲裁委问问")
 * A message of nothing but emoji and punctuation that no list names is `symbols_only`.
 * asksAboutLanguage: "你会说英语吗" asks whether the bot speaks English — told how to switch, not switched.
 * Anything else is left to the flow or to search, so "怎么找律师" stays a question while "找律师"
 * asks for a person, and "谢谢，那工伤怎么认定" is a question.
 * Contract: pure; never throws; undefined when the message is not a command.
 */
import { z } from 'zod';
import { escapeRegExp, hasHan } from '../content/normalise';
import { LOCALES, type Locale } from '../content/schema';
import { normalizeForMatch } from './input';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));
const phraseSet = z.object({ exact: words.default([]), contains: words.default([]), pieces: words.default([]) }).strict();

/** In order of precedence (a message made of pieces of two commands is the earlier one). */
export const COMMANDS = ['reset', 'greeting', 'menu', 'help', 'back', 'human', 'thanks', 'smalltalk', 'acknowledge'] as const;
export type Command = (typeof COMMANDS)[number];

export const commandsFileSchema = z
  .object({
    commands: z.object(Object.fromEntries(COMMANDS.map((c) => [c, phraseSet])) as Record<Command, typeof phraseSet>).strict(),
    languages: z.object(Object.fromEntries(LOCALES.map((l) => [l, phraseSet])) as Record<Locale, typeof phraseSet>).strict(),
    polite_prefixes: words.default([]),
    /** Dropped from the end before an exact match ("行吧" → "行"). */
    soft_endings: words.default(['吧', '啊', '呀', '了', '哦', '谢谢', 'thanks', 'please']),
    /** Words that may sit between pieces without changing the meaning ("谢谢" + "啊" + "你真好"). */
    glue: words.default([]),
    /** The command for a message of only emoji and punctuation that no list names ("😀", "？？"). */
    symbols_only: z.enum(COMMANDS).optional(),
    /**
     * Asking whether the bot speaks a language, in another script ("你会说英语吗"): not a switch
     * yet; the citizen is told how to switch (template language-offer). How such a question ends.
     */
    language_question_endings: words.default([]),
    /**
     * A closing remark: an acknowledgement, then what the citizen will do now ("好 我明天就去问问",
     * "知道了 回头我打电话试试"), with no question in it → acknowledge.
     */
    closing: z
      .object({
        starts: words.min(1),
        plans: words.min(1),
        /** Any of these (or a question mark) makes it a question, not a closing. */
        asks: words.min(1),
        max_chars: z.number().int().min(2).max(60),
      })
      .strict()
      .optional(),
  })
  .strict();
export type CommandsFile = z.infer<typeof commandsFileSchema>;

interface Compiled {
  exact: Set<string>;
  contains: string[];
}

export interface CommandLexicon {
  commands: [Command, Compiled][];
  languages: [Locale, Compiled][];
  prefixes: string[];
  softEndings: RegExp;
  /** Collapsed (repeats said once, emoji kept) piece or glue → its command ('glue' for glue). */
  pieces: Map<string, Command | 'glue'>;
  longestPiece: number;
  symbolsOnly?: Command;
  closing?: { starts: string[]; plans: string[]; asks: string[]; maxChars: number };
  languageQuestionEndings: string[];
}

const COLLAPSED = { keepEmoji: true, collapseRepeats: true } as const;
const MAX_COMPOSED_CHARS = 24;

/** A language word inside a longer message counts only when the message is this short. */
const SHORT_FOR_LANGUAGE = 24;
const REQUEST_ONLY = /^(?:请|用|说|讲|换|成|切换|到|改|回答|回复|版|吧|的|好|吗|可以|能|不能|你|我|要|想|pls|please|can|you|speak|use|switch|to|in|i|prefer|want|language|reply|answer|only|do|talk|lets|let|us|me)*$/;

export function buildCommandLexicon(file: CommandsFile): CommandLexicon {
  // Exact phrases are kept in both forms: as typed, and collapsed with emoji ("👍", "嗯嗯嗯").
  const compile = (p: { exact: string[]; contains: string[] }): Compiled => ({
    exact: new Set(p.exact.flatMap((w) => [normalizeForMatch(w), normalizeForMatch(w, COLLAPSED)]).filter(Boolean)),
    contains: p.contains.map((w) => normalizeForMatch(w)).filter(Boolean),
  });
  const pieces = new Map<string, Command | 'glue'>();
  for (const g of file.glue) {
    const k = normalizeForMatch(g, COLLAPSED);
    if (k) pieces.set(k, 'glue');
  }
  // Reversed so that a piece listed under two commands belongs to the earlier one.
  for (const c of [...COMMANDS].reverse()) {
    for (const w of file.commands[c].pieces) {
      const k = normalizeForMatch(w, COLLAPSED);
      if (k) pieces.set(k, c);
    }
  }
  const endings = file.soft_endings.map((w) => normalizeForMatch(w)).filter(Boolean).sort((a, b) => b.length - a.length);
  return {
    commands: COMMANDS.map((c) => [c, compile(file.commands[c])]),
    languages: LOCALES.map((l) => [l, compile(file.languages[l])]),
    prefixes: file.polite_prefixes.map((w) => normalizeForMatch(w)).filter(Boolean).sort((a, b) => b.length - a.length),
    softEndings: endings.length ? new RegExp(`(?:${endings.map(escapeRegExp).join('|')})+$`) : /(?!)/,
    pieces,
    longestPiece: Math.max(0, ...[...pieces.keys()].map((k) => Array.from(k).length)),
    symbolsOnly: file.symbols_only,
    languageQuestionEndings: file.language_question_endings.map((w) => normalizeForMatch(w)).filter(Boolean),
    closing: file.closing && {
      starts: file.closing.starts.map((w) => normalizeForMatch(w)).filter(Boolean).sort((a, b) => b.length - a.length),
      plans: file.closing.plans.map((w) => normalizeForMatch(w)).filter(Boolean),
      asks: file.closing.asks.map((w) => normalizeForMatch(w)).filter(Boolean),
      maxChars: file.closing.max_chars,
    },
  };
}

/**
 * The ways the lists may have written the message, all made by the one normaliser (compact form):
 * as normalised, without a soft ending, collapsed, collapsed without a soft ending, and each of
 * those after a polite prefix. The first is the plain normalised message.
 */
function variants(text: string, lex: CommandLexicon): string[] {
  const n = normalizeForMatch(text);
  const out = [n];
  const add = (f: string) => {
    if (f && !out.includes(f)) out.push(f);
  };
  add(n.replace(lex.softEndings, ''));
  const c = normalizeForMatch(text, COLLAPSED);
  add(c);
  add(c.replace(lex.softEndings, ''));
  for (const f of [...out]) for (const p of lex.prefixes) if (f.startsWith(p) && f.length > p.length) add(f.slice(p.length));
  return out;
}

/**
 * The command a message is made of, piece by piece ("明白了谢谢你" = 明白了 + 谢谢 + 你), or undefined
 * when some part of it is no piece. Longest pieces first at each position; glue alone is nothing.
 */
export function composedOf(text: string, lex: CommandLexicon): Command | undefined {
  const chars = Array.from(normalizeForMatch(text, COLLAPSED));
  // Courtesies are short; a long message is something else whatever its words.
  if (!chars.length || chars.length > MAX_COMPOSED_CHARS || !lex.pieces.size) return undefined;
  // best[i]: the best command for the first i characters (undefined: not composable, 'glue': glue only).
  const best: (Command | 'glue' | undefined)[] = new Array(chars.length + 1).fill(undefined);
  best[0] = 'glue';
  const rank = (c: Command | 'glue') => (c === 'glue' ? COMMANDS.length : COMMANDS.indexOf(c));
  for (let i = 0; i < chars.length; i++) {
    const at = best[i];
    if (at === undefined) continue;
    for (let len = 1; len <= lex.longestPiece && i + len <= chars.length; len++) {
      const piece = lex.pieces.get(chars.slice(i, i + len).join(''));
      if (!piece) continue;
      const c = rank(piece) < rank(at) ? piece : at;
      const prev = best[i + len];
      if (prev === undefined || rank(c) < rank(prev)) best[i + len] = c;
    }
  }
  const end = best[chars.length];
  return end && end !== 'glue' ? end : undefined;
}

export function matchCommand(text: string, lex: CommandLexicon): Command | undefined {
  const fs = variants(text, lex);
  if (!fs[0]) {
    // Only emoji or punctuation: a gesture some list names ("👍"), else `symbols_only`.
    const c = normalizeForMatch(text, COLLAPSED);
    if (!c && !text.trim()) return undefined;
    for (const [cmd, x] of lex.commands) if (c && x.exact.has(c)) return cmd;
    return composedOf(text, lex) ?? lex.symbolsOnly;
  }
  for (const [cmd, c] of lex.commands) if (fs.some((f) => c.exact.has(f))) return cmd;
  for (const [cmd, c] of lex.commands) if (c.contains.some((p) => fs[0]!.includes(p))) return cmd;
  return composedOf(text, lex) ?? (isClosing(text, lex) ? 'acknowledge' : undefined);
}

/** "好 我明天就去问问": an acknowledgement first, a plan after it, and nothing asked. */
export function isClosing(text: string, lex: CommandLexicon): boolean {
  const c = lex.closing;
  if (!c || /[?？]/.test(text)) return false;
  const n = normalizeForMatch(text);
  if (!n || Array.from(n).length > c.maxChars) return false;
  const start = c.starts.find((w) => n.startsWith(w) && n.length > w.length);
  if (!start) return false;
  const rest = n.slice(start.length);
  return c.plans.some((p) => rest.includes(p)) && !c.asks.some((q) => rest.includes(q));
}

/** The locale the citizen asks to switch to, if the message is such a request. */
export function matchLanguageSwitch(text: string, lex: CommandLexicon): Locale | undefined {
  const fs = variants(text, lex);
  if (!fs[0]) return undefined;
  for (const [l, c] of lex.languages) if (fs.some((f) => c.exact.has(f))) return l;
  for (const [l, c] of lex.languages) if (c.contains.some((p) => fs[0]!.includes(p))) return l;
  // "请用英文", "english pls", "我要中文的": the language word plus only request words around it.
  if (fs[0].length <= SHORT_FOR_LANGUAGE) {
    for (const [l, c] of lex.languages) {
      for (const w of c.exact) {
        if (w.length < 2 || /^[a-z]{2,3}$/.test(w) || !fs[0].includes(w)) continue;
        const rest = fs[0].split(w).join('');
        if (REQUEST_ONLY.test(rest)) return l;
      }
    }
  }
  return undefined;
}

/**
 * A language request (matchLanguageSwitch gave `locale`) that asks whether, rather than asks to:
 * written in the other script ("你会说英语吗", "do you speak chinese?") and ending as a question
 * (a question mark or language_question_endings). The citizen may not read the language asked
 * about, so the bot says how to switch instead of switching.
 */
export function asksAboutLanguage(text: string, locale: Locale, lex: CommandLexicon): boolean {
  const otherScript = locale === 'zh-CN' ? !hasHan(text) : hasHan(text);
  if (!otherScript) return false;
  if (/[?？]/.test(text)) return true;
  const n = normalizeForMatch(text);
  return lex.languageQuestionEndings.some((w) => n.length > w.length && n.endsWith(w));
}
