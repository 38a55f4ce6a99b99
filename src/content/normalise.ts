/**
 * The project's one text normaliser. Search's analyser, the dialog matchers (choices, commands,
 * context words, districts, flow triggers), the emergency detector, the case lexicon and the
 * directory's district lookup all call it, so a message and the words it is compared with are always
 * made the same way. It lives in content, the lowest layer that needs it (findDistrict). Every form
 * starts with
 *   NFKC        full-width digits, letters and punctuation become ASCII (２ → 2, ＯＫ → OK, ！ → !)
 *   lower case
 *   simplified  traditional → simplified Chinese (OpenCC, one converter per process): 謝謝 → 谢谢,
 *               離婚 → 离婚, so a citizen typing traditional characters is understood the same way
 * and the forms differ only in what is left of the separators (punctuation, symbols, emoji, spaces,
 * control characters):
 *   compact  (the default) nothing: "第２个！😀 OK" → "第2个ok", the form the matchers compare.
 *            keepEmoji keeps pictographs, without their joiners, variation selectors and skin
 *            tones ("好的👌！" → "好的👌": a gesture alone means something); collapseRepeats says
 *            every repeated unit once ("谢谢谢谢" → "谢", "👍👍" → "👍"; compare a collapsed
 *            message only with collapsed phrases).
 *   words    one space between words ("Speak, English!" → "speak english"): emoji, punctuation and
 *            symbols separate words; control and format characters vanish (a line break joins).
 *   text     the separators stay, for search's segmenter: control, format, private-use and
 *            unpaired-surrogate characters become spaces, runs of spaces one space, trimmed.
 * Contract: pure; never throws (should the converter fail, the script is left as it was).
 */
import * as OpenCC from 'opencc-js';

export interface CompactOptions {
  /** Keep pictographs ("👍", "🙏") as characters: a gesture alone means something. */
  keepEmoji?: boolean;
  /** Say every repeated unit once: "谢谢谢谢谢谢" and "谢谢" → "谢", "👍👍👍" → "👍". */
  collapseRepeats?: boolean;
}

export type NormaliseOptions = ({ form?: 'compact' } & CompactOptions) | { form: 'words' } | { form: 'text' };

// Control and format characters, private use and unpaired surrogates: never meaningful in a question.
const JUNK = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\s]/gu;
const PUNCT_OR_SYMBOL_ONE = /[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\s]/u;
const EMOJI = /\p{Extended_Pictographic}|\u20E3|\uFE0F/gu;
// Pictographs themselves, without the joiners, variation selectors and skin tones around them.
const EMOJI_DECORATION = /\u200D|\uFE0F|\u20E3|[\u{1F3FB}-\u{1F3FF}]/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
// A unit of one to four characters said twice or more in a row ("谢谢谢谢", "哈哈哈", "👍👍").
const REPEATED = /(.{1,4}?)\1+/gu;

const HAN = /[\u3400-\u9FFF\uF900-\uFAFF]/;

/** The text holds a Chinese character (searchLocale, the language questions, the choice fillers ask this). */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** A word as a literal inside a regular expression (the lexicons' alternations). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let converter: ((s: string) => string) | undefined;

function simplified(text: string): string {
  try {
    converter ??= OpenCC.Converter({ from: 't', to: 'cn' });
    return converter(text);
  } catch {
    return text;
  }
}

export function normalise(text: string, opts: NormaliseOptions = {}): string {
  const form = opts.form ?? 'compact';
  const n = simplified((form === 'text' ? text.replace(JUNK, ' ') : text).normalize('NFKC').toLowerCase());
  if (opts.form === 'text') return n.replace(/\s+/g, ' ').trim();
  if (opts.form === 'words') {
    return n
      .replace(EMOJI, ' ')
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .replace(/[\p{P}\p{S}]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  }
  const compact = opts.keepEmoji
    ? Array.from(n.replace(EMOJI_DECORATION, ''))
        .filter((c) => PICTOGRAPH.test(c) || !PUNCT_OR_SYMBOL_ONE.test(c))
        .join('')
    : n.replace(EMOJI, '').replace(PUNCT_OR_SYMBOL, '');
  return opts.collapseRepeats ? compact.replace(REPEATED, '$1') : compact;
}
