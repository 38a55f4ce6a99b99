/**
 * Canned replies for the staff reply box: content files in knowledge/canned/*.yaml, each a list
 * of {id, title, text, topics?}. Validated with zod; every problem names the file and field, and
 * ids are unique across files. Staff pick one and edit it before sending; nothing is sent as is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

export const cannedFileSchema = z
  .object({
    replies: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,48}$/, 'lower-case letters, digits and "-"'),
            title: z.string().trim().min(2).max(40),
            text: z.string().trim().min(4).max(2000),
            topics: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type CannedReply = z.infer<typeof cannedFileSchema>['replies'][number] & { file: string };

export interface CannedIssue {
  file: string;
  field: string;
  message: string;
}

/** `knownTopic` checks each reply's topics against knowledge/topics.yaml. */
export function loadCanned(dir: string, knownTopic?: (id: string) => boolean): { replies: CannedReply[]; issues: CannedIssue[] } {
  const replies: CannedReply[] = [];
  const issues: CannedIssue[] = [];
  if (!existsSync(dir)) return { replies, issues };
  const seen = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = `canned/${name}`;
    let data: unknown;
    try {
      data = YAML.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (e) {
      issues.push({ file, field: '', message: `not valid YAML: ${(e as Error).message}` });
      continue;
    }
    const r = cannedFileSchema.safeParse(data);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ file, field: i.path.join('.'), message: i.message });
      continue;
    }
    r.data.replies.forEach((x, i) => {
      const other = seen.get(x.id);
      const unknown = (x.topics ?? []).filter((t) => knownTopic && !knownTopic(t));
      if (other) issues.push({ file, field: `replies.${i}.id`, message: `id "${x.id}" is used in ${other} too` });
      else if (unknown.length) issues.push({ file, field: `replies.${i}.topics`, message: `unknown topic(s) ${unknown.join(', ')} (see topics.yaml)` });
      else {
        seen.set(x.id, file);
        replies.push({ ...x, file });
      }
    });
  }
  return { replies, issues };
}
