/**
 * Phone numbers as Markdown tel: links, so a phone can dial them with one tap. Only numbers the
 * caller passes are linked — the bot passes the directory's (knowledge/directory: hotlines and
 * verified offices), never a number it found in text. Channels without links show the link text.
 */

/** Digits (and a leading +) only, for a tel: URL ("0516-8888 8888" → "051688888888"). */
export const telDigits = (phone: string) => phone.replace(/[^\d+]/g, '');

/** "[12348](tel:12348)"; the shown text keeps its dashes and spaces. */
export function telLink(phone: string): string {
  const shown = phone.trim();
  const digits = telDigits(shown);
  return digits ? `[${shown}](tel:${digits})` : shown;
}

/**
 * Every phrase of `phones` (a number, or a hotline's name that contains its number) standing alone
 * in `text` becomes a tel: link to its number: "拨打 12333（…）" → "拨打 [12333](tel:12333)（…）",
 * "12348 公共法律服务热线" → "[12348 公共法律服务热线](tel:12348)" (the name stays one phrase).
 * Numbers inside longer digit runs or glued to a Chinese word ("12348中国法网"), URLs
 * ("12309.gov.cn", "https://…"), quoted names and existing links are left.
 */
export function telLinks(text: string, phones: ReadonlyMap<string, string>): string {
  if (!phones.size) return text;
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const byKey = new Map([...phones].map(([k, v]) => [k.toLowerCase(), v]));
  const sorted = [...phones.keys()].sort((a, b) => b.length - a.length);
  const names = sorted.filter((k) => !/^[\d\s+-]+$/.test(k)).map(escape).join('|') || '(?!)';
  const numbers = sorted.filter((k) => /^[\d\s+-]+$/.test(k)).map(escape).join('|') || '(?!)';
  // Skipped whole: links, URLs, and short quoted names ("“掌上12348”" is an account, not a number).
  // A bare number glued to a Chinese word ("12348中国法网") is part of a name, not a number to dial.
  const re = new RegExp(
    `(\\[[^\\]]*\\]\\([^)]*\\)|https?:\\/\\/\\S+|“[^”\\n]{1,24}”|"[^"\\n]{1,24}")|(?<![\\d.\\w/-])(?:(${names})|(${numbers})(?![\\d\\w\\u4e00-\\u9fff]|\\.[a-z]))`,
    'gi',
  );
  return text.replace(re, (m, skip: string | undefined, name: string | undefined, num: string | undefined) => {
    const p = name ?? num;
    const n = p && byKey.get(p.toLowerCase());
    return skip || !n ? m : `[${p}](tel:${telDigits(n)})`;
  });
}
