/**
 * Editors' own content files beside the entries, validated with file and field like the rest:
 *   knowledge/laws.yaml     the laws entries cite, as editors track them: name, version date of the
 *                           text in force, status (current | amended | repealed); entries citing an
 *                           amended or repealed law, or an older version, go on the review list
 *   knowledge/golden.yaml   labelled questions (q → entry id) the regression check runs before every
 *                           publish; editors add to it from the test pane
 *   knowledge/out-of-scope.yaml  citizens' questions (masked) editors dismissed as out of scope
 * Contract: read*() never throw on bad content; they return the data that is valid and every issue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ContentIssue } from './errors';
import type { KnowledgeContent } from './loader';
import { localeSchema } from './schema';

const isoDate = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'));

export const LAW_STATUSES = ['current', 'amended', 'repealed'] as const;
export const lawsFileSchema = z
  .object({
    laws: z.array(
      z
        .object({
          name: z.string().trim().min(2),
          version: isoDate,
          status: z.enum(LAW_STATUSES),
          note: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type LawRecord = z.infer<typeof lawsFileSchema>['laws'][number];

export const goldenFileSchema = z
  .object({
    questions: z.array(
      z
        .object({
          q: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().trim().min(2).max(500)),
          entry: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be an entry id'),
          locale: localeSchema.default('zh-CN'),
          added_by: z.string().optional(),
          added: isoDate.optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type GoldenQuestion = z.infer<typeof goldenFileSchema>['questions'][number];

export const outOfScopeFileSchema = z
  .object({
    questions: z.array(z.object({ q: z.string().min(1), by: z.string().optional(), at: z.string().optional() }).strict()),
  })
  .strict();

export const LAWS_FILE = 'laws.yaml';
export const GOLDEN_FILE = 'golden.yaml';
export const OUT_OF_SCOPE_FILE = 'out-of-scope.yaml';

function readFile<T>(root: string, file: string, schema: z.ZodType<T>, empty: T, issues: ContentIssue[], text?: string | null): T {
  const path = join(root, file);
  if (text === null || (text === undefined && !existsSync(path))) return empty;
  let data: unknown;
  try {
    data = parse(text ?? readFileSync(path, 'utf8'));
  } catch (e) {
    issues.push({ severity: 'error', file, field: '', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
    return empty;
  }
  const r = schema.safeParse(data ?? empty);
  if (!r.success) {
    for (const i of r.error.issues) issues.push({ severity: 'error', file, field: i.path.join('.'), message: i.message });
    return empty;
  }
  return r.data;
}

export function readLaws(root: string, issues: ContentIssue[], text?: string | null): LawRecord[] {
  const laws = readFile(root, LAWS_FILE, lawsFileSchema, { laws: [] }, issues, text).laws;
  const seen = new Set<string>();
  laws.forEach((l, i) => {
    if (seen.has(l.name)) issues.push({ severity: 'error', file: LAWS_FILE, field: `laws.${i}.name`, message: `"${l.name}" is listed twice` });
    seen.add(l.name);
  });
  return laws;
}

export function readGolden(root: string, issues: ContentIssue[], text?: string | null): GoldenQuestion[] {
  return readFile(root, GOLDEN_FILE, goldenFileSchema, { questions: [] }, issues, text).questions;
}

export function readOutOfScope(root: string, issues: ContentIssue[], text?: string | null): { q: string; by?: string; at?: string }[] {
  return readFile(root, OUT_OF_SCOPE_FILE, outOfScopeFileSchema, { questions: [] }, issues, text).questions;
}

/** An entry's citation that the laws list says needs re-checking. */
export interface LawFinding {
  entry: string;
  file: string;
  field: string;
  law: string;
  status: (typeof LAW_STATUSES)[number];
  cited?: string;
  current: string;
  message: string;
}

export function lawFindings(content: KnowledgeContent, laws: LawRecord[]): LawFinding[] {
  const byName = new Map(laws.map((l) => [l.name, l]));
  const out: LawFinding[] = [];
  for (const e of content.entries) {
    e.sources.forEach((s, i) => {
      if (!('law' in s)) return;
      const l = byName.get(s.law);
      if (!l) return;
      const base = { entry: e.id, file: e.file, field: `sources.${i}`, law: s.law, status: l.status, cited: s.version, current: l.version };
      if (l.status !== 'current') out.push({ ...base, message: `cites ${s.law}, marked ${l.status} (${l.version}) in laws.yaml${l.note ? `: ${l.note}` : ''}` });
      else if (s.version && s.version < l.version) out.push({ ...base, message: `cites the ${s.version} text of ${s.law}; laws.yaml lists the ${l.version} version` });
    });
  }
  return out;
}

/** The golden set's ids must be entries. */
export function checkGolden(content: KnowledgeContent, golden: GoldenQuestion[]): ContentIssue[] {
  const ids = new Set(content.entries.map((e) => `${e.locale}:${e.id}`));
  const issues: ContentIssue[] = [];
  golden.forEach((g, i) => {
    if (!ids.has(`${g.locale}:${g.entry}`)) issues.push({ severity: 'error', file: GOLDEN_FILE, field: `questions.${i}.entry`, message: `"${g.entry}" is not an entry in ${g.locale}` });
  });
  return issues;
}
