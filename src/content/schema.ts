/**
 * The one schema for knowledge content: entry front matter, topics, synonyms and the service
 * directory. Everything editors write is checked here, so every rule about content lives here.
 * Contract: pure zod schemas and types; no file access (see loader.ts).
 */
import { z } from 'zod';

/** Where the bot sends a citizen next. Topics, entries and flows use these ids. */
export const ROUTES = [
  '12348',
  'zero-barrier-desk',
  'mediation',
  'petition',
  '110',
  '12345',
  '12309',
  '12315',
  '12333',
] as const;
export type RouteId = (typeof ROUTES)[number];
export const routeSchema = z.enum(ROUTES);

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const localeSchema = z.enum(LOCALES);

/** YAML reads 12348 as a number; a word in a list is text whatever it looks like. */
const word = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().trim().min(min).max(max));

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug like "labor-wage-arrears"');

/** YAML turns an unquoted 2026-01-01 into a Date; editors should not have to care. */
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), 'must be a real calendar date'),
);

/**
 * A source is a law + article (with the version date of the text cited), or an official
 * procedure / public service description with its issuer. `path` is the file in the public
 * LawRefBook/Laws mirror where the text can be re-checked.
 */
export const sourceSchema = z.union([
  z
    .object({
      law: z.string().min(2),
      article: z.string().min(2),
      version: isoDate.optional(),
      path: z.string().optional(),
      note: z.string().optional(),
    })
    .strict(),
  z
    .object({
      procedure: z.string().min(2),
      issuer: z.string().min(2),
      url: z.string().optional(),
      note: z.string().optional(),
    })
    .strict(),
]);
export type Source = z.infer<typeof sourceSchema>;

export const ENTRY_KINDS = ['procedure', 'regulation', 'faq'] as const;

export const entryFrontMatterSchema = z
  .object({
    id: slug,
    topic: slug,
    locale: localeSchema.default('zh-CN'),
    kind: z.enum(ENTRY_KINDS).default('faq'),
    title: z.string().min(2).max(60),
    /** One sentence shown first and in clarification lists: what to do now. */
    summary: z.string().min(4).max(200),
    questions: z.array(word(2, 200)).min(1),
    keywords: z.array(word(1, 30)).default([]),
    route: routeSchema,
    sources: z.array(sourceSchema).min(1, 'every entry must cite at least one law article or official procedure'),
    /** Entries offered as follow-up buttons after this answer (ids of other entries). */
    followups: z.array(slug).default([]),
    updated: isoDate,
    review_by: isoDate,
  })
  .strict();
export type EntryFrontMatter = z.infer<typeof entryFrontMatterSchema>;

export interface KnowledgeEntry extends EntryFrontMatter {
  /** The answer in Markdown. */
  body: string;
  /** Path relative to the knowledge root, for error messages and the editor pane. */
  file: string;
}

export const topicSchema = z
  .object({
    id: slug,
    title: z.string().min(2),
    route: routeSchema,
    covers: z.string().optional(),
  })
  .strict();
export const topicsFileSchema = z.object({ topics: z.array(topicSchema).min(1) }).strict();
export type Topic = z.infer<typeof topicSchema>;

/** Each group is a list of words that mean the same; the first is the canonical form. */
export const synonymsFileSchema = z
  .object({ groups: z.array(z.array(word(1, 30)).min(2)) })
  .strict();

/**
 * Concepts: classes of everyday words that stand for one thing in a citizen's story (vehicles,
 * collision verbs, injuries, employer words, family roles, money owed …). Unlike synonyms, the words
 * keep their own identity; entries and questions alike gain the class as an extra search term.
 */
export const conceptSchema = z
  .object({
    id: slug,
    note: z.string().min(1),
    words: z.array(word(1, 30)).min(2),
  })
  .strict();
export const conceptsFileSchema = z.object({ concepts: z.array(conceptSchema) }).strict();
export type Concept = z.infer<typeof conceptSchema>;

// ---------------------------------------------------------------------------------------------
// Service directory: hotlines and per-district offices. Contact fields may only hold values an
// editor has verified (status: verified + a source). Anything else stays empty and unconfirmed,
// and the bot gives the hotline instead.

export const CONTACT_FIELDS = ['address', 'phone', 'hours'] as const;

export const hotlineSchema = z
  .object({
    id: slug,
    number: z.string().regex(/^\d{3,6}$/),
    name: z.object({ 'zh-CN': z.string().min(2), en: z.string().min(2) }).strict(),
    serves: z.object({ 'zh-CN': z.string().min(2), en: z.string().min(2) }).strict(),
    hours: z.string().optional(),
    emergency: z.boolean().default(false),
    /** Checked by an editor against its source; an unconfirmed line is never shown. */
    status: z.enum(['verified', 'unconfirmed']).optional(),
    verified_on: isoDate.optional(),
    source: sourceSchema,
  })
  .strict();
export type Hotline = z.infer<typeof hotlineSchema>;

export const OFFICE_KINDS = [
  'legal-aid-centre',
  'public-legal-service-centre',
  'mediation-committee',
  'zero-barrier-desk',
] as const;
export type OfficeKind = (typeof OFFICE_KINDS)[number];

export const officeSchema = z
  .object({
    kind: z.enum(OFFICE_KINDS),
    name: z.string().min(2),
    status: z.enum(['verified', 'unconfirmed']),
    address: z.string().default(''),
    phone: z.string().default(''),
    hours: z.string().default(''),
    source: sourceSchema.optional(),
    verified_on: isoDate.optional(),
    note: z.string().optional(),
  })
  .strict();
export type Office = z.infer<typeof officeSchema>;

export const districtSchema = z
  .object({
    code: z.string().regex(/^\d{6}$/),
    name: z.string().min(2),
    name_en: z.string().min(2),
    /** Other ways citizens name the district (e.g. 铜山 for 铜山区). */
    aliases: z.array(z.string()).default([]),
    offices: z.array(officeSchema),
  })
  .strict();
export type District = z.infer<typeof districtSchema>;

export const directoryFileSchema = z
  .object({
    city: z.string().min(2),
    hotlines: z.array(hotlineSchema).optional(),
    districts: z.array(districtSchema).optional(),
  })
  .strict();
