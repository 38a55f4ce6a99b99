/**
 * The answer view handed to the answer templates: a knowledge entry shaped for a phone
 * (answerView). A headline, "现在可以做的", at most three short steps and one compact legal-basis
 * line come first; the whole body waits behind "展开全文". The short form is derived from fields
 * every entry has, by these rules (an entry that breaks them shows its summary and the full text
 * button only):
 *   now    the body's first paragraph that opens with a bold label ("**现在可以做的：**"), label cut
 *   steps  the list under a heading containing 步骤 / Steps, else the body's first list; each item's
 *          first sentence, cut at a clause boundary past STEP_CHARS
 *   basis  at most two laws with at most two articles each, "等" for the rest (procedures only
 *          where no law is cited)
 * Where to go (the route under the answer) comes from route-view.ts.
 */
import type { KnowledgeBase } from '../content/knowledge';
import type { KnowledgeEntry, Locale, Source } from '../content/schema';
import { officeFor, type RoutesFile, type RouteView, routeView } from './route-view';

/**
 * A law's name in title marks: "中华人民共和国劳动合同法" → 《劳动合同法》. English entries name a law
 * "中文 (English)"; the translation stays outside the marks: 《劳动合同法》(Labour Contract Law of the PRC).
 */
export function lawTitle(law: string): string {
  const name = law.replace(/^中华人民共和国/, '');
  const at = name.indexOf(' (');
  return at > 0 ? `《${name.slice(0, at)}》${name.slice(at + 1)}` : `《${name}》`;
}

export function formatSource(s: Source, locale: Locale): string {
  if ('law' in s) return locale === 'en' ? `${lawTitle(s.law)} ${s.article}` : `${lawTitle(s.law)}${s.article}`;
  return locale === 'en' ? `${s.procedure} (${s.issuer})` : `${s.procedure}（${s.issuer}）`;
}

/** "《法律援助法》第三十八条、第四十三条；…": the same law's articles are listed once. */
export function sourcesLine(sources: readonly Source[], locale: Locale): string {
  const parts: string[] = [];
  const byLaw = new Map<string, string[]>();
  for (const s of sources) {
    if ('law' in s) {
      const law = s.law.replace(/^中华人民共和国/, '');
      if (!byLaw.has(law)) {
        byLaw.set(law, []);
        parts.push(`law:${law}`);
      }
      byLaw.get(law)!.push(s.article);
    } else parts.push(`p:${formatSource(s, locale)}`);
  }
  const sep = locale === 'en' ? '; ' : '；';
  const artSep = locale === 'en' ? ', ' : '、';
  return parts
    .map((p) => (p.startsWith('law:') ? `${lawTitle(p.slice(4))}${locale === 'en' ? ' ' : ''}${byLaw.get(p.slice(4))!.join(artSep)}` : p.slice(2)))
    .join(sep);
}

const LEGAL_BASIS_HEADING = /^\s*(?:\*\*|#{1,6}\s*)?(?:法律依据|依据|Legal basis|Sources?)(?:\*\*)?\s*[:：]?\s*$/im;

/**
 * The entry body as chat Markdown: the "法律依据" section is dropped (the source line names the
 * articles), headings become bold lines, images and HTML are removed. Emphasis, lists and links
 * stay Markdown; channels that cannot show Markdown render it themselves.
 */
export function chatBody(markdown: string): string {
  let body = markdown.replace(/\r\n?/g, '\n');
  const m = LEGAL_BASIS_HEADING.exec(body);
  if (m && m.index > 0) body = body.slice(0, m.index);
  return body
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/^#{1,6}\s+(.+?)\s*#*\s*$/gm, '**$1**')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Past this many characters (zh; EN_STEP_CHARS for en) a step is cut at a clause boundary. */
export const STEP_CHARS = 36;
const EN_STEP_CHARS = 90;
export const MAX_STEPS = 3;
/** zh names are short; en names carry an English translation, so one law fills the line. */
const MAX_BASIS_LAWS: Record<Locale, number> = { 'zh-CN': 2, en: 1 };
const MAX_BASIS_ARTICLES = 2;

/** A bold label opening a paragraph: "**现在可以做的：**" / "**What you can do now:**". */
const LEAD_LABEL = /^\*\*[^*\n]{1,24}?[:：]\s*\*\*\s*|^\*\*[^*\n]{1,24}?\*\*\s*[:：]\s*/;
const STEPS_HEADING = /^\*\*[^*\n]*(?:步骤|Steps?\b)[^*\n]*\*\*/i;
const LIST_ITEM = /^\s{0,3}(?:\d{1,2}[.、)]|[-*+])\s+/;

/** A list item's first sentence, and if that is still long, cut after a clause boundary. */
export function shortStep(item: string, locale: Locale): { text: string; cut: boolean } {
  const t = item.replace(/\s+/g, ' ').trim();
  const limit = locale === 'en' ? EN_STEP_CHARS : STEP_CHARS;
  const sentence = locale === 'en' ? /^(.+?[.;!?])(?=\s|$)/.exec(t) : /^(.+?[。；！？])/.exec(t);
  let text = sentence ? sentence[1]!.replace(/[；;]$/, '…') : t;
  let cut = text.length < t.length;
  if (text.length > limit) {
    const clause = locale === 'en' ? /[,:;]\s/g : /[，、：；]/g;
    let at = -1;
    for (let m = clause.exec(text); m && m.index < limit; m = clause.exec(text)) at = m.index;
    text = (at >= limit / 3 ? text.slice(0, at) : text.slice(0, limit).replace(/\s+\S*$/, '')) + '…';
    cut = true;
  }
  // Unbalanced bold or brackets after a cut would show as stray marks.
  if ((text.match(/\*\*/g)?.length ?? 0) % 2) text = text.replace(/\*\*/g, '');
  return { text, cut };
}

/** The answer's short form, by the rules in the header; pure, so every entry can be checked. */
export function answerShape(body: string, locale: Locale): { now?: string; steps: string[]; moreSteps: number; cut: boolean } {
  const paragraphs = body.split(/\n{2,}/).map((p) => p.trim());
  const lead = paragraphs.find((p) => LEAD_LABEL.test(p) && !STEPS_HEADING.test(p));
  const now = lead?.replace(LEAD_LABEL, '').replace(/\n+/g, ' ').trim() || undefined;
  const lines = body.split('\n');
  let start = lines.findIndex((l) => STEPS_HEADING.test(l.trim()));
  start = start >= 0 ? lines.findIndex((l, i) => i > start && LIST_ITEM.test(l)) : lines.findIndex((l) => LIST_ITEM.test(l));
  const items: string[] = [];
  if (start >= 0) {
    for (let i = start; i < lines.length; i++) {
      const l = lines[i]!;
      if (LIST_ITEM.test(l) && !/^\s{2,}/.test(l)) items.push(l.replace(LIST_ITEM, ''));
      else if (/^\s+\S/.test(l) && items.length) continue; // a nested line belongs to the item
      else if (l.trim() === '' && LIST_ITEM.test(lines[i + 1] ?? '')) continue;
      else break;
    }
  }
  const shown = items.slice(0, MAX_STEPS).map((i) => shortStep(i, locale));
  return { now, steps: shown.map((s) => s.text), moreSteps: Math.max(0, items.length - MAX_STEPS), cut: shown.some((s) => s.cut) };
}

/** "《劳动合同法》第八十五条等；《劳动争议调解仲裁法》第九条": the first laws and articles only. */
export function sourcesShort(sources: readonly Source[], locale: Locale): string {
  const byLaw = new Map<string, string[]>();
  const others: string[] = [];
  for (const s of sources) {
    if ('law' in s) {
      const law = s.law.replace(/^中华人民共和国/, '');
      byLaw.set(law, [...(byLaw.get(law) ?? []), ...s.article.split(/[、,，]\s*/).filter(Boolean)]);
    } else others.push(formatSource(s, locale));
  }
  const more = locale === 'en' ? ' etc.' : '等';
  const parts = [...byLaw].map(([law, arts]) => {
    const a = arts.slice(0, MAX_BASIS_ARTICLES).join(locale === 'en' ? ', ' : '、');
    return `${lawTitle(law)}${locale === 'en' ? ' ' : ''}${a}${arts.length > MAX_BASIS_ARTICLES ? more : ''}`;
  });
  // Laws first; a procedure (long: "…（司法部）") only where no law is cited. The full text has all.
  const all = parts.length ? parts : others;
  const dropped = all.length > MAX_BASIS_LAWS[locale] || (parts.length > 0 && others.length > 0);
  const line = all.slice(0, MAX_BASIS_LAWS[locale]).join(locale === 'en' ? '; ' : '；');
  return dropped && !line.endsWith(more) ? line + more : line;
}

export interface AnswerView {
  id: string;
  title: string;
  summary: string;
  /** The short form shown first (see the header). */
  now?: string;
  steps: string[];
  /** List items not shown in the short form. */
  moreSteps: number;
  /** Something was left out of the short form: offer the full text. */
  hasMore: boolean;
  sourcesShort: string;
  body: string;
  sources: string;
  route: RouteView;
  followups: { id: string; title: string }[];
  /** The entry is shown in Chinese because it has no translation in the citizen's locale. */
  untranslated: boolean;
}

export function answerView(kb: KnowledgeBase, routes: RoutesFile, entry: KnowledgeEntry, locale: Locale, districtCode: string | undefined): AnswerView {
  const body = chatBody(entry.body);
  const shape = answerShape(body, entry.locale);
  return {
    id: entry.id,
    title: entry.title,
    summary: entry.summary,
    now: shape.now,
    steps: shape.steps,
    moreSteps: shape.moreSteps,
    hasMore: true,
    sourcesShort: sourcesShort(entry.sources, locale),
    body,
    sources: sourcesLine(entry.sources, locale),
    route: routeView(kb, routes, entry.route, locale, districtCode, officeFor(routes, entry)),
    followups: entry.followups
      .map((id) => kb.entry(id, locale))
      .filter((e): e is KnowledgeEntry => !!e)
      .map((e) => ({ id: e.id, title: e.title })),
    untranslated: entry.locale !== locale,
  };
}
