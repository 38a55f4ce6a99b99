/**
 * View models handed to templates: where to go (route) and a knowledge answer. They hold the
 * facts a template may show and nothing else — in particular an office's address, phone and
 * hours appear only when the directory marks the office verified; otherwise the route names the
 * hotline (never a made-up address).
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
  /** The route depends on the district and it is not known yet. */
  needsDistrict: boolean;
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
    pending: false,
    needsDistrict: false,
    is: Object.fromEntries(ROUTES.map((r) => [r, r === route])),
  };
  if (officeKind) {
    if (!d) view.needsDistrict = true;
    else {
      const o = kb.office(d.code, officeKind);
      if (o?.verified) view.office = { name: o.office.name, address: o.office.address, phone: o.office.phone, hours: o.office.hours };
      else view.pending = true;
    }
  }
  return view;
}

/** The UI string naming an office kind; the loader checks one exists for every kind. */
export const officeKeyOf = (kind: OfficeKind) => `office.${kind}`;

export function officeFor(routes: RoutesFile, entry: KnowledgeEntry): OfficeKind | undefined {
  return routes.topic_offices[entry.topic];
}

export function formatSource(s: Source, locale: Locale): string {
  if ('law' in s) {
    const law = s.law.replace(/^中华人民共和国/, '');
    return locale === 'en' ? `《${law}》 ${s.article}` : `《${law}》${s.article}`;
  }
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
    .map((p) => (p.startsWith('law:') ? `《${p.slice(4)}》${locale === 'en' ? ' ' : ''}${byLaw.get(p.slice(4))!.join(artSep)}` : p.slice(2)))
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

export interface AnswerView {
  id: string;
  title: string;
  summary: string;
  body: string;
  sources: string;
  route: RouteView;
  followups: { id: string; title: string }[];
  /** The entry is shown in Chinese because it has no translation in the citizen's locale. */
  untranslated: boolean;
}

export function answerView(kb: KnowledgeBase, routes: RoutesFile, entry: KnowledgeEntry, locale: Locale, districtCode: string | undefined): AnswerView {
  return {
    id: entry.id,
    title: entry.title,
    summary: entry.summary,
    body: chatBody(entry.body),
    sources: sourcesLine(entry.sources, locale),
    route: routeView(kb, routes, entry.route, locale, districtCode, officeFor(routes, entry)),
    followups: entry.followups
      .map((id) => kb.entry(id, locale))
      .filter((e): e is KnowledgeEntry => !!e)
      .map((e) => ({ id: e.id, title: e.title })),
    untranslated: entry.locale !== locale,
  };
}
