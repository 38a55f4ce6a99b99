/**
 * View models handed to templates: where to go (route) and a knowledge answer. They hold the
 * facts a template may show and nothing else — in particular an office's address, phone and
 * hours appear only when the directory marks the office verified; otherwise the route names the
 * hotline (never a made-up address).
 *
 * The answer is shaped for a phone (answerView): a headline, "现在可以做的", at most three short
 * steps and one compact legal-basis line come first; the whole body waits behind "展开全文". The
 * short form is derived from fields every entry has, by these rules (an entry that breaks them
 * shows its summary and the full text button only):
 *   now    the body's first paragraph that opens with a bold label ("**现在可以做的：**"), label cut
 *   steps  the list under a heading containing 步骤 / Steps, else the body's first list; each item's
 *          first sentence, cut at a clause boundary past STEP_CHARS
 *   basis  at most two laws with at most two articles each, "等" for the rest (procedures only
 *          where no law is cited)
 * Hotline numbers (knowledge/directory, the only numbers the bot may give) and verified office
 * phones (directoryNumbers) become Markdown `tel:` links in every rendered reply (src/i18n/tel.ts,
 * applied by the template set); channels without links (WeChat, the console) show the digits.
 */
import { z } from 'zod';
import type { KnowledgeBase } from '../content/knowledge';
import { type KnowledgeEntry, type Locale, OFFICE_KINDS, type OfficeKind, ROUTES, type RouteId, type Source } from '../content/schema';

export const routesFileSchema = z
  .object({
    routes: z.object(
      Object.fromEntries(
        ROUTES.map((r) => [r, z.object({ office: z.enum(OFFICE_KINDS).optional(), hotline: z.string().min(1) }).strict()]),
      ) as Record<RouteId, z.ZodObject<{ office: z.ZodOptional<z.ZodEnum<Record<OfficeKind, OfficeKind>>>; hotline: z.ZodString }>>,
    ),
    topic_offices: z.record(z.string(), z.enum(OFFICE_KINDS)).default({}),
  })
  .strict();
export type RoutesFile = z.infer<typeof routesFileSchema>;

export interface RouteView {
  route: RouteId;
  hotline?: { number: string; name: string; serves: string };
  /** Verified office details for the citizen's district. */
  office?: { name: string; address: string; phone: string; hours: string };
  /** The office kind the route is about, for wording ("legal-aid-centre"). */
  officeKind?: OfficeKind;
  /** i18n key naming the office kind ({{tk route.officeKey}}). */
  officeKey?: string;
  /** District name when known. */
  district?: string;
  /** District known but its office not yet verified: "call the hotline to ask where". */
  pending: boolean;
  /** The route depends on the district, it is not known yet, and some district's office is verified. */
  needsDistrict: boolean;
  /** No office of this kind is verified anywhere: asking for the district would give nothing more. */
  unconfirmed: boolean;
  /** i18n key of the rule saying which office is responsible ({{tk route.basisKey}}), when there is one. */
  basisKey?: string;
  /** Per-route flags for templates ({{#if is.mediation}}). */
  is: Record<string, boolean>;
}

export function routeView(
  kb: KnowledgeBase,
  routes: RoutesFile,
  route: RouteId,
  locale: Locale,
  districtCode: string | undefined,
  officeOverride?: OfficeKind,
): RouteView {
  const def = routes.routes[route];
  const h = kb.hotline(def.hotline);
  const officeKind = officeOverride ?? def.office;
  const d = districtCode ? kb.district(districtCode) : undefined;
  const view: RouteView = {
    route,
    hotline: h ? { number: h.number, name: h.name[locale], serves: h.serves[locale] } : undefined,
    officeKind,
    officeKey: officeKind ? officeKeyOf(officeKind) : undefined,
    district: d ? (locale === 'en' ? d.name_en : d.name) : undefined,
    basisKey: officeKind ? basisKeyOf(officeKind) : undefined,
    pending: false,
    needsDistrict: false,
    unconfirmed: false,
    is: Object.fromEntries(ROUTES.map((r) => [r, r === route])),
  };
  if (officeKind) {
    const anyVerified = kb.districts.some((x) => kb.office(x.code, officeKind)?.verified);
    if (!d) {
      view.needsDistrict = anyVerified;
      view.unconfirmed = !anyVerified;
    } else {
      const o = kb.office(d.code, officeKind);
      if (o?.verified) view.office = { name: o.office.name, address: o.office.address, phone: o.office.phone, hours: o.office.hours };
      else view.pending = true;
    }
  }

  return view;
}

/** The UI string with the rule saying which office of a kind is responsible (may be empty). */
export const basisKeyOf = (kind: OfficeKind) => `office-basis.${kind}`;

/**
 * What a reply may make tappable, phrase → number: every hotline's number and its names (which
 * start with the number: "12348 公共法律服务热线"), and verified offices' phones. Nothing else.
 */
export function directoryNumbers(kb: KnowledgeBase): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of kb.hotlines) {
    out.set(h.number, h.number);
    for (const name of Object.values(h.name)) if (name.includes(h.number)) out.set(name, h.number);
  }
  for (const d of kb.districts) for (const o of d.offices) if (o.status === 'verified' && o.phone) out.set(o.phone, o.phone);
  return out;
}

/** The UI string naming an office kind; the loader checks one exists for every kind. */
export const officeKeyOf = (kind: OfficeKind) => `office.${kind}`;

export function officeFor(routes: RoutesFile, entry: KnowledgeEntry): OfficeKind | undefined {
  return routes.topic_offices[entry.topic];
}

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
