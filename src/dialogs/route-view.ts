/**
 * Where to go: the schema of lexicon/routes.yaml (which office and hotline each route uses) and
 * the route view handed to templates. A view holds the facts a template may show and nothing
 * else — an office's address, phone and hours appear only when the directory marks the office
 * verified; otherwise the route names the hotline (never a made-up address).
 * Hotline numbers (knowledge/directory, the only numbers the bot may give) and verified office
 * phones (directoryNumbers) become Markdown `tel:` links in every rendered reply (src/i18n/tel.ts,
 * applied by the template set); channels without links (WeChat, the console) show the digits.
 */
import { z } from 'zod';
import type { KnowledgeBase } from '../content/knowledge';
import { type KnowledgeEntry, type Locale, OFFICE_KINDS, type OfficeKind, ROUTES, type RouteId } from '../content/schema';

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
