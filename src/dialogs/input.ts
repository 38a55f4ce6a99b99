/**
 * Text hygiene for whatever a citizen (or a broken client) sends: control characters, zero-width
 * and bidi-override characters, 10,000-character pastes, emoji. Nothing here throws.
 *   sanitizeInput   what the engine works with (bounded, printable, trimmed)
 *   forSearch       the shorter prefix handed to search (cost grows with query length)
 *   normalizeForMatch, normalizeKeepSpaces  the forms the matchers compare, named uses of the
 *                   project's one normaliser (src/content/normalise.ts)
 *   chatSafe        a user-supplied value made safe to echo inside a bot message (no Markdown
 *                   links, HTML or line breaks that could make it look like the bot's own text)
 */
import { type CompactOptions, normalise } from '../content/normalise';

/** Longest message the engine keeps (state, matching); longer input is cut, not rejected. */
export const MAX_INPUT_CHARS = 2000;
/** Longest query sent to search: questions are short, long pastes only slow it down. */
export const MAX_SEARCH_CHARS = 200;

// C0/C1 controls except tab/newline, zero-width and bidi controls, BOM, lone surrogates.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface CleanInput {
  text: string;
  /** The original was longer than MAX_INPUT_CHARS. */
  truncated: boolean;
}

/** Cut at a code-point boundary so an emoji is never split into a lone surrogate. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text.slice(0, max + 1));
  let out = '';
  for (const c of chars) {
    if (out.length + c.length > max) break;
    out += c;
  }
  return out;
}

export function sanitizeInput(raw: unknown): CleanInput {
  if (typeof raw !== 'string') return { text: '', truncated: false };
  // Work on a bounded prefix first: a megabyte of text must not cost a megabyte of regex work.
  const bounded = raw.length > MAX_INPUT_CHARS * 4 ? raw.slice(0, MAX_INPUT_CHARS * 4) : raw;
  const cleaned = bounded
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0\u3000]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const text = cut(cleaned, MAX_INPUT_CHARS).trim();
  return { text, truncated: raw.length > MAX_INPUT_CHARS && text.length < cleaned.length };
}

export function forSearch(text: string): string {
  return cut(text.replace(/\s+/g, ' '), MAX_SEARCH_CHARS).trim();
}

/**
 * The form choice/command/context/district matchers compare: the one normaliser's compact form
 * (NFKC, lower case, traditional → simplified, no spaces, punctuation or emoji; see
 * src/content/normalise.ts for the options).
 */
export function normalizeForMatch(text: string, opts: CompactOptions = {}): string {
  return normalise(text, opts);
}

/** Like normalizeForMatch but keeps single spaces between words ("speak english"): the words form. */
export function normalizeKeepSpaces(text: string): string {
  return normalise(text, { form: 'words' });
}

const FULL_WIDTH: Record<string, string> = { '[': '［', ']': '］', '<': '＜', '>': '＞', '`': "'", '*': '＊', '_': '＿', '#': '＃', '|': '｜' };

/** A user-supplied value to echo back: one line, no Markdown/HTML syntax, no clickable URL. */
export function chatSafe(value: string, max = 300): string {
  const { text } = sanitizeInput(value);
  return cut(
    text
      .replace(/\s+/g, ' ')
      .replace(/[[\]<>`*_#|]/g, (c) => FULL_WIDTH[c] ?? c)
      .replace(/:\/\//g, '：//'),
    max,
  );
}
