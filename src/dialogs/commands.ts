/**
 * Commands understood anywhere (reset, greeting, menu, help, back, human, thanks) and language switches,
 * from dialogs/lexicon/commands.yaml. A command must be the whole message (after a polite start
 * like "请"/"我要") or contain one of its `contains` phrases; anything else is left to the flow or
 * to search, so "怎么找律师" stays a question while "找律师" asks for a person.
 * Contract: pure; never throws; undefined when the message is not a command.
 */
import { z } from 'zod';
import { LOCALES, type Locale } from '../content/schema';
import { normalizeForMatch } from './text';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));
const phraseSet = z.object({ exact: words.default([]), contains: words.default([]) }).strict();

export const COMMANDS = ['reset', 'greeting', 'menu', 'help', 'back', 'human', 'thanks'] as const;
export type Command = (typeof COMMANDS)[number];

export const commandsFileSchema = z
  .object({
    commands: z.object(Object.fromEntries(COMMANDS.map((c) => [c, phraseSet])) as Record<Command, typeof phraseSet>).strict(),
    languages: z.object(Object.fromEntries(LOCALES.map((l) => [l, phraseSet])) as Record<Locale, typeof phraseSet>).strict(),
    polite_prefixes: words.default([]),
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
}

/** A language word inside a longer message counts only when the message is this short. */
const SHORT_FOR_LANGUAGE = 24;
const REQUEST_ONLY = /^(?:请|用|说|讲|换|成|切换|到|改|回答|回复|版|吧|的|好|吗|可以|能|不能|你|我|要|想|pls|please|can|you|speak|use|switch|to|in|i|prefer|want|language|reply|answer|only|do|talk|lets|let|us|me)*$/;

export function buildCommandLexicon(file: CommandsFile): CommandLexicon {
  const compile = (p: { exact: string[]; contains: string[] }): Compiled => ({
    exact: new Set(p.exact.map(normalizeForMatch).filter(Boolean)),
    contains: p.contains.map(normalizeForMatch).filter(Boolean),
  });
  return {
    commands: COMMANDS.map((c) => [c, compile(file.commands[c])]),
    languages: LOCALES.map((l) => [l, compile(file.languages[l])]),
    prefixes: file.polite_prefixes.map(normalizeForMatch).filter(Boolean).sort((a, b) => b.length - a.length),
  };
}

function forms(text: string, lex: CommandLexicon): string[] {
  const n = normalizeForMatch(text);
  const soft = n.replace(/(?:吧|啊|呀|了|哦|谢谢|thanks|please)+$/, '');
  const out = soft && soft !== n ? [n, soft] : [n];
  for (const f of [...out]) for (const p of lex.prefixes) if (f.startsWith(p) && f.length > p.length) out.push(f.slice(p.length));
  return out;
}

export function matchCommand(text: string, lex: CommandLexicon): Command | undefined {
  const fs = forms(text, lex);
  if (!fs[0]) return undefined;
  for (const [cmd, c] of lex.commands) if (fs.some((f) => c.exact.has(f))) return cmd;
  for (const [cmd, c] of lex.commands) if (c.contains.some((p) => fs[0]!.includes(p))) return cmd;
  return undefined;
}

/** The locale the citizen asks to switch to, if the message is such a request. */
export function matchLanguageSwitch(text: string, lex: CommandLexicon): Locale | undefined {
  const fs = forms(text, lex);
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
