/**
 * Entries as the editor handles them: the raw front matter (as written, before defaults, so a save
 * keeps what the file said) and the Markdown body; where a new entry's file goes; and a change to
 * one entry as file text (content/writer.ts formatting).
 * Contract: pure apart from reading the entry's file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KnowledgeContent } from '../content/loader';
import type { KnowledgeEntry, Locale } from '../content/schema';
import { formatEntry } from '../content/writer';

export const ENTRY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

export interface EntryDoc {
  id: string;
  locale: Locale;
  file: string;
  frontMatter: Record<string, unknown>;
  body: string;
}

export function findEntry(content: KnowledgeContent, id: string, locale: Locale = 'zh-CN'): KnowledgeEntry | undefined {
  return content.entries.find((e) => e.id === id && e.locale === locale);
}

/** The entry's file as front matter + body (undefined when the file is not an entry file). */
export function readEntryDoc(root: string, entry: KnowledgeEntry): EntryDoc | undefined {
  const m = FRONT_MATTER.exec(readFileSync(join(root, entry.file), 'utf8'));
  if (!m) return undefined;
  const fm = parse(m[1]!) as unknown;
  if (!fm || typeof fm !== 'object' || Array.isArray(fm)) return undefined;
  return { id: entry.id, locale: entry.locale, file: entry.file, frontMatter: fm as Record<string, unknown>, body: m[2]!.trim() };
}

/** A new entry's file: beside the other entries of its topic (en/ for translations), else by id. */
export function newEntryFile(content: KnowledgeContent, id: string, topic: string, locale: Locale): string {
  if (locale === 'en') return `en/${id}.md`;
  const sibling = content.entries.find((e) => e.topic === topic && e.locale === locale);
  const area = sibling ? sibling.file.split('/').slice(0, -1).join('/') : 'misc';
  return `${area}/${id}.md`;
}

export const entryText = (frontMatter: Record<string, unknown>, body: string) => formatEntry(frontMatter, body);

/** The entry with one more question (the unanswered list's "add as a question to entry X"). */
export function withQuestion(doc: EntryDoc, question: string): Record<string, unknown> {
  const qs = Array.isArray(doc.frontMatter.questions) ? (doc.frontMatter.questions as unknown[]).map(String) : [];
  return { ...doc.frontMatter, questions: qs.includes(question) ? qs : [...qs, question] };
}
