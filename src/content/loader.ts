/**
 * Reads the knowledge folder into typed, validated content.
 *
 *   knowledge/topics.yaml          the topic taxonomy (stable ids)
 *   knowledge/synonyms.yaml        groups of words that mean the same
 *   knowledge/concepts.yaml        classes of everyday words (vehicles, injuries, family roles …)
 *   knowledge/legal-terms.txt      user dictionary for the segmenter (words separated by spaces/lines)
 *   knowledge/stopwords.txt        filler words dropped from questions (words separated by spaces/lines)
 *   knowledge/directory/*.yaml     hotlines and per-district offices
 *   knowledge/<area>/*.md          entries: YAML front matter + Markdown answer (a .md file directly
 *                                  under knowledge/ is an error: it belongs to no area)
 *
 * Contract: loadKnowledge() never throws on bad content; it returns every issue found (errors and
 * warnings, each with file and field). assertValid() turns errors into a KnowledgeValidationError.
 * `overrides` (path relative to the root → text, or null for a deleted file) lets the editor check
 * a draft exactly as `kb check` would see it once saved, without touching the files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError, ZodType } from 'zod';
import { type ContentIssue, KnowledgeValidationError } from './errors';
import {
  CONTACT_FIELDS,
  type District,
  type Hotline,
  type KnowledgeEntry,
  type Locale,
  type Topic,
  directoryFileSchema,
  entryFrontMatterSchema,
  type Concept,
  conceptsFileSchema,
  synonymsFileSchema,
  topicsFileSchema,
} from './schema';

export const MIN_QUESTIONS = 8;

export interface KnowledgeContent {
  root: string;
  topics: Topic[];
  entries: KnowledgeEntry[];
  synonyms: string[][];
  concepts: Concept[];
  legalTerms: string[];
  stopwords: string[];
  hotlines: Hotline[];
  districts: District[];
  issues: ContentIssue[];
}

export type ContentOverrides = ReadonlyMap<string, string | null>;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function zodIssues(file: string, err: ZodError, prefix = ''): ContentIssue[] {
  return err.issues.map((i) => ({
    severity: 'error' as const,
    file,
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

function parseWith<T>(schema: ZodType<T>, data: unknown, file: string, issues: ContentIssue[]): T | undefined {
  const r = schema.safeParse(data);
  if (!r.success) {
    issues.push(...zodIssues(file, r.error));
    return undefined;
  }
  return r.data;
}

type Read = (path: string) => string;
const readDisk: Read = (path) => readFileSync(path, 'utf8');

function readYaml(path: string, file: string, issues: ContentIssue[], read: Read = readDisk): unknown {
  try {
    return parseYaml(read(path));
  } catch (e) {
    issues.push({ severity: 'error', file, field: '', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

/** Words of a plain list file: one or more a line, separated by spaces; # starts a comment. */
function readWords(path: string, read: Read = readDisk): string[] {
  try {
    return read(path)
      .split(/\r?\n/)
      .flatMap((l) => l.replace(/#.*/, '').trim().split(/\s+/))
      .filter(Boolean);
  } catch {
    return [];
  }
}

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parse one entry file. Exported for the editor pane's "try a draft" check. */
export function parseEntry(text: string, file: string, issues: ContentIssue[]): KnowledgeEntry | undefined {
  const m = FRONT_MATTER.exec(text);
  if (!m) {
    issues.push({ severity: 'error', file, field: '', message: 'missing YAML front matter (the file must start with --- and a closing ---)' });
    return undefined;
  }
  let data: unknown;
  try {
    data = parseYaml(m[1]!);
  } catch (e) {
    issues.push({ severity: 'error', file, field: '', message: `front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
  const fm = parseWith(entryFrontMatterSchema, data, file, issues);
  const body = m[2]!.trim();
  if (body.length < 20) issues.push({ severity: 'error', file, field: 'body', message: 'the answer (Markdown after the front matter) is missing or too short' });
  if (!fm) return undefined;
  return { ...fm, body, file };
}

export function loadKnowledge(root: string, overrides?: ContentOverrides): KnowledgeContent {
  const issues: ContentIssue[] = [];
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  const read: Read = (p) => {
    const o = overrides?.get(rel(p));
    if (o === null) throw Object.assign(new Error(`${rel(p)} is deleted`), { code: 'ENOENT' });
    return o ?? readDisk(p);
  };
  const exists = (name: string) => {
    if (overrides?.has(name)) return overrides.get(name) !== null;
    try {
      statSync(join(root, name));
      return true;
    } catch {
      return false;
    }
  };

  const topicsData = readYaml(join(root, 'topics.yaml'), 'topics.yaml', issues, read);
  const topics = parseWith(topicsFileSchema, topicsData, 'topics.yaml', issues)?.topics ?? [];

  let synonyms: string[][] = [];
  if (exists('synonyms.yaml')) {
    const s = parseWith(synonymsFileSchema, readYaml(join(root, 'synonyms.yaml'), 'synonyms.yaml', issues, read), 'synonyms.yaml', issues);
    synonyms = s?.groups ?? [];
  }
  const concepts = exists('concepts.yaml') ? readConcepts(root, issues, read) : [];

  const hotlines: Hotline[] = [];
  const districts: District[] = [];
  const entries: KnowledgeEntry[] = [];

  const paths = walk(root).filter((p) => overrides?.get(rel(p)) !== null);
  for (const [name, text] of overrides ?? []) if (text !== null && !paths.includes(join(root, name))) paths.push(join(root, name));
  for (const path of paths) {
    const file = rel(path);
    if (file.startsWith('directory/') && file.endsWith('.yaml')) {
      const d = parseWith(directoryFileSchema, readYaml(path, file, issues, read), file, issues);
      if (d) {
        hotlines.push(...(d.hotlines ?? []));
        districts.push(...(d.districts ?? []));
        checkDirectory(file, d.districts ?? [], issues);
      }
    } else if (file.endsWith('.md') && !/(^|\/)README\.md$/i.test(file)) {
      // An entry's area is its folder; a file at the top level has none and would be skipped
      // without a word, so the editor is told instead of wondering why the bot never answers it.
      if (!file.includes('/')) {
        issues.push({ severity: 'error', file, field: '', message: 'not read: entries live in an area folder such as knowledge/labor/ (move the file into one)' });
        continue;
      }
      const e = parseEntry(read(path), file, issues);
      if (e) entries.push(e);
    }
  }

  crossCheck(entries, topics, hotlines, issues);

  return {
    root,
    topics,
    entries,
    synonyms,
    concepts,
    legalTerms: readWords(join(root, 'legal-terms.txt'), read),
    stopwords: readWords(join(root, 'stopwords.txt'), read),
    hotlines,
    districts,
    issues,
  };
}

/** knowledge/concepts.yaml (optional): each word in one class only, classes named once. */
function readConcepts(root: string, issues: ContentIssue[], read: Read): Concept[] {
  const path = join(root, 'concepts.yaml');
  const file = 'concepts.yaml';
  const concepts = parseWith(conceptsFileSchema, readYaml(path, file, issues, read), file, issues)?.concepts ?? [];
  const owner = new Map<string, string>();
  const ids = new Set<string>();
  concepts.forEach((c, i) => {
    if (ids.has(c.id)) issues.push({ severity: 'error', file, field: `concepts[${i}].id`, message: `concept "${c.id}" is defined twice` });
    ids.add(c.id);
    c.words.forEach((w, j) => {
      const prev = owner.get(w);
      if (prev && prev !== c.id) {
        issues.push({ severity: 'error', file, field: `concepts[${i}].words[${j}]`, message: `"${w}" is already in concept "${prev}": a word belongs to one class` });
      } else if (prev) {
        issues.push({ severity: 'warning', file, field: `concepts[${i}].words[${j}]`, message: `"${w}" is listed twice in "${c.id}"` });
      }
      owner.set(w, c.id);
    });
  });
  return concepts;
}

function checkDirectory(file: string, districts: District[], issues: ContentIssue[]): void {
  const codes = new Set<string>();
  districts.forEach((d, di) => {
    if (codes.has(d.code)) issues.push({ severity: 'error', file, field: `districts.${di}.code`, message: `district code ${d.code} appears twice` });
    codes.add(d.code);
    d.offices.forEach((o, oi) => {
      const at = `districts.${di}.offices.${oi}`;
      if (o.status === 'unconfirmed') {
        for (const f of CONTACT_FIELDS) {
          if (o[f].trim()) {
            issues.push({
              severity: 'error',
              file,
              field: `${at}.${f}`,
              message: `"${o.name}" is unconfirmed but its ${f} is filled in; an unverified ${f} must stay empty (verify it and set status: verified with a source)`,
            });
          }
        }
        issues.push({
          severity: 'warning',
          file,
          field: at,
          message: `${d.name} ${o.name}: contact details unconfirmed — the bot gives the 12348 hotline instead until an editor verifies them`,
        });
      } else {
        if (!o.source) issues.push({ severity: 'error', file, field: `${at}.source`, message: 'a verified office needs a source (where the details were checked)' });
        if (!o.verified_on) issues.push({ severity: 'error', file, field: `${at}.verified_on`, message: 'a verified office needs the date it was checked' });
        if (!CONTACT_FIELDS.some((f) => o[f].trim())) issues.push({ severity: 'error', file, field: at, message: 'verified but has no contact details' });
      }
    });
  });
}

function crossCheck(entries: KnowledgeEntry[], topics: Topic[], hotlines: Hotline[], issues: ContentIssue[]): void {
  const topicIds = new Set(topics.map((t) => t.id));
  const byKey = new Map<string, KnowledgeEntry>();
  const idsByLocale = new Map<Locale, Set<string>>();
  for (const e of entries) {
    const key = `${e.locale}:${e.id}`;
    const prev = byKey.get(key);
    if (prev) issues.push({ severity: 'error', file: e.file, field: 'id', message: `id "${e.id}" (${e.locale}) is already used by ${prev.file}` });
    byKey.set(key, e);
    if (!idsByLocale.has(e.locale)) idsByLocale.set(e.locale, new Set());
    idsByLocale.get(e.locale)!.add(e.id);
  }
  const zh = idsByLocale.get('zh-CN') ?? new Set<string>();
  for (const e of entries) {
    if (!topicIds.has(e.topic)) issues.push({ severity: 'error', file: e.file, field: 'topic', message: `unknown topic "${e.topic}" (see topics.yaml)` });
    if (e.questions.length < MIN_QUESTIONS) {
      issues.push({ severity: 'error', file: e.file, field: 'questions', message: `has ${e.questions.length} questions; write at least ${MIN_QUESTIONS} ways citizens ask it` });
    }
    const seen = new Set<string>();
    e.questions.forEach((q, i) => {
      if (seen.has(q)) issues.push({ severity: 'error', file: e.file, field: `questions.${i}`, message: `duplicate question "${q}"` });
      seen.add(q);
    });
    const same = idsByLocale.get(e.locale)!;
    e.followups.forEach((f, i) => {
      if (!same.has(f)) issues.push({ severity: 'error', file: e.file, field: `followups.${i}`, message: `follow-up "${f}" is not an entry in ${e.locale}` });
      if (f === e.id) issues.push({ severity: 'error', file: e.file, field: `followups.${i}`, message: 'an entry cannot follow up to itself' });
    });
    if (e.locale !== 'zh-CN' && !zh.has(e.id)) {
      issues.push({ severity: 'error', file: e.file, field: 'id', message: `translation "${e.id}" has no zh-CN entry with the same id` });
    }
    if (e.review_by < e.updated) issues.push({ severity: 'error', file: e.file, field: 'review_by', message: 'review_by is before updated' });
    if (e.review_by < today()) issues.push({ severity: 'warning', file: e.file, field: 'review_by', message: `review date ${e.review_by} has passed: re-check the content against its sources` });
  }
  for (const t of topics) {
    if (!entries.some((e) => e.topic === t.id && e.locale === 'zh-CN')) {
      issues.push({ severity: 'error', file: 'topics.yaml', field: t.id, message: `topic "${t.id}" has no entry` });
    }
  }
  const hl = new Set<string>();
  hotlines.forEach((h) => {
    if (hl.has(h.id)) issues.push({ severity: 'error', file: 'directory', field: h.id, message: `hotline ${h.id} listed twice` });
    hl.add(h.id);
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function errorsOf(c: KnowledgeContent): ContentIssue[] {
  return c.issues.filter((i) => i.severity === 'error');
}

export function assertValid(c: KnowledgeContent): void {
  const errors = errorsOf(c);
  if (errors.length) throw new KnowledgeValidationError(c.issues);
}
