/**
 * Writing content files the way editors and reviewers want them: stable formatting (an entry's
 * front matter keys always in the schema's order, questions one a line, short word lists inline,
 * no line folding) so a one-word edit is a one-line diff, and atomic replacement (temp file in the
 * same folder, fsync, rename, fsync of the folder) so a crash mid-save leaves the old file whole.
 *
 * Contract: formatEntry() is deterministic and parseEntry(formatEntry(x)) gives x back;
 * writeFileAtomic() either replaces the file completely or leaves it untouched (the temp file is
 * removed on failure) and throws a ContentWriteError naming the file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isSeq, stringify } from 'yaml';

/** Front matter keys in the order the schema lists them; anything else follows, sorted. */
export const ENTRY_KEY_ORDER = ['id', 'topic', 'locale', 'kind', 'title', 'summary', 'questions', 'keywords', 'route', 'sources', 'followups', 'updated', 'review_by'] as const;
/** Lists written inline (`[a, b]`): short words, where one a line would only lengthen the file. */
const INLINE_LISTS = new Set(['keywords', 'followups']);
const SOURCE_KEY_ORDER = ['law', 'article', 'version', 'path', 'procedure', 'issuer', 'url', 'note'];

export class ContentWriteError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`could not write ${file}: ${(cause as Error)?.message ?? cause}`);
    this.name = 'ContentWriteError';
  }
}

function ordered(obj: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** The front matter as YAML text, keys in schema order (no surrounding ---). */
export function formatFrontMatter(frontMatter: Record<string, unknown>): string {
  const fm = ordered(frontMatter, ENTRY_KEY_ORDER);
  if (Array.isArray(fm.sources)) fm.sources = fm.sources.map((s) => (s && typeof s === 'object' ? ordered(s as Record<string, unknown>, SOURCE_KEY_ORDER) : s));
  const doc = new Document(fm);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      if (INLINE_LISTS.has(key) && isSeq(pair.value)) pair.value.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** An entry file: front matter between --- lines, then the Markdown answer, one final newline. */
export function formatEntry(frontMatter: Record<string, unknown>, body: string): string {
  return `---\n${formatFrontMatter(frontMatter)}---\n${body.trim()}\n`;
}

/** A YAML data file (synonyms, concepts, golden set, laws): block style, no folding. */
export function formatYaml(data: unknown, header = ''): string {
  return `${header}${stringify(data, { lineWidth: 0, flowCollectionPadding: false })}`;
}

export interface AtomicWriteHooks {
  /** Replaces fs.renameSync (tests make it fail to show the old file survives). */
  rename?: (from: string, to: string) => void;
}

/** Replace `path` with `text` atomically (creating its folder if needed). */
export function writeFileAtomic(path: string, text: string, hooks: AtomicWriteHooks = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, text, null, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    (hooks.rename ?? renameSync)(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw new ContentWriteError(path, err);
  }
  // The rename is durable only once the folder's entry is on disk.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some file systems cannot fsync a directory; the rename itself has happened */
  }
}
