/**
 * The live-handoff lexicon (dialogs/lexicon/handoff.yaml): cancel and status phrases, and the
 * words that make a case urgent. Validated with zod; errors name the file and field. Matching
 * uses the project's one normaliser (normalizeForMatch).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { normalizeForMatch } from '../dialogs';

const phrases = z.array(z.string().trim().min(1)).min(1);

export const handoffLexiconSchema = z
  .object({
    cancel: phrases,
    status: phrases,
    deadline_words: phrases,
    near_time: phrases,
    near_days_max: z.number().int().min(1).max(30),
  })
  .strict();

export interface HandoffLexicon {
  cancel: string[];
  status: string[];
  deadlineWords: string[];
  nearTime: string[];
  nearDaysMax: number;
}

export class LexiconError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'LexiconError';
  }
}

export const HANDOFF_LEXICON_FILE = 'lexicon/handoff.yaml';

export function loadHandoffLexicon(dialogsDir: string): HandoffLexicon {
  const file = join(dialogsDir, HANDOFF_LEXICON_FILE);
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LexiconError(file, [(e as Error).message]);
  }
  const r = handoffLexiconSchema.safeParse(data);
  if (!r.success) throw new LexiconError(file, r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  const norm = (xs: string[]) => xs.map((x) => normalizeForMatch(x)).filter(Boolean);
  return {
    cancel: norm(r.data.cancel),
    status: norm(r.data.status),
    deadlineWords: norm(r.data.deadline_words),
    nearTime: norm(r.data.near_time),
    nearDaysMax: r.data.near_days_max,
  };
}

/** The whole message is a cancel phrase ("取消", "不用了") — not a sentence that contains one. */
export function isCancel(text: string, lex: HandoffLexicon): boolean {
  const n = normalizeForMatch(text);
  return !!n && lex.cancel.includes(n);
}

export function isStatusQuestion(text: string, lex: HandoffLexicon): boolean {
  const n = normalizeForMatch(text);
  return !!n && lex.status.some((p) => n.includes(p));
}
