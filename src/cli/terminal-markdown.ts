/**
 * The bot's chat Markdown for a terminal: **bold** as bold (ANSI, when the output is a colour
 * terminal) or plain, "- " items as "• ", numbered items kept, links as their text (a tel: link's
 * text is the number or the hotline's name), headings as bold lines. Nothing else is interpreted.
 */
const BOLD = '\u001b[1m';
const RESET = '\u001b[22m';

export function markdownForTerminal(md: string, opts: { color?: boolean } = {}): string {
  const bold = (s: string) => (opts.color ? `${BOLD}${s}${RESET}` : s);
  return md
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/, (_m, t: string) => bold(t))
        .replace(/^(\s*)[-*+]\s+/, '$1• ')
        .replace(/\[([^\]]+)\]\((?:tel:[^)]*)\)/g, '$1')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, t: string, u: string) => (t === u ? u : `${t} (${u})`))
        .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, (_m, t: string) => bold(t))
        .replace(/__(?=\S)([^\n]*?\S)__/g, (_m, t: string) => bold(t)),
    )
    .join('\n');
}
