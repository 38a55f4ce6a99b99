/**
 * Plain-text shaping for WeChat: Markdown to plain text, and splitting long answers into parts
 * that fit one message. Splits fall on paragraph, then line, then sentence, then clause
 * boundaries; only a single overlong clause is cut, and then between grapheme clusters, so no
 * character, surrogate pair or emoji sequence is ever broken.
 */

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Markdown the bot or content may use → plain text WeChat shows as-is. List numbers are kept. */
export function markdownToPlain(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let line of lines) {
    if (/^\s*```/.test(line)) continue;
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) continue; // horizontal rule
    line = line
      .replace(/^\s{0,3}#{1,6}\s+/, '')
      .replace(/^\s{0,3}>\s?/, '')
      .replace(/^(\s*)[-*+]\s+/, '$1• ')
      .replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, '$1')
      // A tel: link is its text (the number, or a hotline name with it): WeChat makes digits tappable.
      .replace(/\[([^\]]+)\]\(tel:([^)\s]+)\)/g, (_m, t: string, n: string) => (t.replace(/\D/g, '').includes(n.replace(/\D/g, '')) ? t : `${t} ${n}`))
      .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, t: string, u: string) => (t === u ? u : `${t} ${u}`))
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
      .replace(/__(?=\S)([\s\S]*?\S)__/g, '$1')
      .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?!\*)/g, '$1$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/`([^`\n]+)`/g, '$1')
      .replace(/<br\s*\/?>/gi, '\n');
    out.push(line.replace(/[ \t]+$/, ''));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

const LEVELS: { split: (s: string) => string[]; join: string }[] = [
  { split: (s) => s.split(/\n{2,}/), join: '\n\n' },
  { split: (s) => s.split('\n'), join: '\n' },
  { split: (s) => s.split(/(?<=[。！？!?；;…]+["”’」』）)]*)/), join: '' },
  { split: (s) => s.split(/(?<=[，,、：:])/), join: '' },
];

let segmenter: Intl.Segmenter | undefined;

function graphemes(s: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (g) => g.segment);
}

function splitAt(text: string, maxBytes: number, level: number): string[] {
  if (utf8Bytes(text) <= maxBytes) return [text];
  const lvl = LEVELS[level];
  const units = lvl ? lvl.split(text).filter((u) => u !== '') : graphemes(text);
  const join = lvl ? lvl.join : '';
  const parts: string[] = [];
  let cur = '';
  for (const unit of units) {
    const pieces = utf8Bytes(unit) > maxBytes ? (lvl ? splitAt(unit, maxBytes, level + 1) : [unit]) : [unit];
    for (const piece of pieces) {
      const candidate = cur ? cur + join + piece : piece;
      if (utf8Bytes(candidate) <= maxBytes || !cur) {
        cur = candidate;
      } else {
        parts.push(cur);
        cur = piece;
      }
    }
  }
  if (cur) parts.push(cur);
  return parts;
}

/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes at the most natural boundary
 * available. A single grapheme cluster larger than maxBytes (never in practice) stays whole.
 */
export function splitText(text: string, maxBytes: number): string[] {
  if (maxBytes < 8) throw new RangeError('maxBytes must be at least 8');
  return splitAt(text, maxBytes, 0)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Characters a citizen's message may not carry into the bot: C0/C1 controls except tab/newline. */
export function cleanInboundText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}
