/**
 * The danger lexicon (dialogs/lexicon/emergency.yaml) as data the detector can run: its schema,
 * checked with exact file/field errors (a pattern naming a class that does not exist is reported at
 * `patterns.<id>.seq.<n>`), and its compiled form, built once at load so that the per-message work
 * is lookups, not parsing.
 *
 * A class is a list of words. A word matches whole segmented words (jieba) by default, so 打 matches
 * in 被人打了 but not in 打工; "撬*" also matches words that start with 撬 (撬开, 撬锁); "~煤气" matches
 * anywhere, even inside a longer word (煤气味). A pattern is a sequence of class ids, optional
 * classes ("aspect?"), a word that must NOT follow ("not:phone"), and bounded gaps: "gap≤N" skips up to N
 * words inside one clause, "span≤N" may also cross a comma or a space between clauses. A framing
 * pattern with `scope: clause` counts only in a clause that holds a danger sign or comes just before one.
 */
import { z } from 'zod';
import { normalizeKeepSpaces } from './input';

const word = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));
const classId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'class ids are lower-case words joined by "-"');

export const STRENGTHS = ['always', 'strong', 'weak'] as const;
export type Strength = (typeof STRENGTHS)[number];
export const FRAMES = ['present', 'past', 'hypothetical', 'question', 'ask', 'habitual', 'done'] as const;
export type Frame = (typeof FRAMES)[number];
const CALLS = ['110', '119', '120', '122'] as const;

const GAP = /^(gap|span)\s*(?:≤|<=)\s*(\d{1,2})$/;
const ELEMENT = /^(not:)?([a-z][a-z0-9-]*)(\?)?$/;

const patternSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** A danger category (which numbers, which advice) … */
    category: z.string().optional(),
    strength: z.enum(STRENGTHS).default('strong'),
    /** … or a framing of the whole message (time, hypothesis, legal question). */
    frame: z.enum(FRAMES).optional(),
    /** Framing weight: how sure this sign is (default 1). */
    weight: z.number().int().min(-5).max(5).default(1),
    /**
     * Where a framing sign counts: in the whole message (default), or only in a clause that holds
     * a danger sign or is followed by one ("clause": 现在 in "现在他还拿着刀" or "现在又喝醉了 在砸门"
     * tells the time of the danger; in "去年被打伤了，现在想离婚" only the time of the question).
     */
    scope: z.enum(['message', 'clause']).default('message'),
    seq: z.array(z.string().min(1)).min(1),
    note: z.string().optional(),
  })
  .strict();

export const emergencyFileSchema = z
  .object({
    categories: z.array(z.object({ id: z.string().regex(/^[a-z][a-z-]*$/), calls: z.array(z.enum(CALLS)).min(1) }).strict()).min(1),
    classes: z.record(classId, z.array(word).min(1)),
    patterns: z.array(patternSchema).min(1),
    /** Phrases that contain a signal but mean something else ("救命钱", "想死你了"); removed first. */
    except: z.array(word).default([]),
    /**
     * Classes of small words (pronouns, 被/挨) that a dictionary word may have glued to a class word
     * ("打我", "被打"): such a word is cut apart again before matching.
     */
    glue: z.array(classId).default([]),
    /** Input-method slips in danger words ("救名" → "救命"), repaired before segmenting. */
    typos: z.record(z.string().min(2), z.string().min(1)).default({}),
    verified_lines: z.record(z.string(), z.array(z.string())).default({}),
  })
  .strict()
  .superRefine((f, ctx) => {
    const cats = new Set(f.categories.map((c) => c.id));
    const ids = new Set<string>();
    f.patterns.forEach((p, i) => {
      const at = ['patterns', i];
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `pattern id "${p.id}" appears twice` });
      ids.add(p.id);
      if (!!p.category === !!p.frame) ctx.addIssue({ code: 'custom', path: at, message: `pattern "${p.id}" needs exactly one of category or frame` });
      if (p.category && p.scope !== 'message') ctx.addIssue({ code: 'custom', path: [...at, 'scope'], message: `pattern "${p.id}": scope belongs to a framing sign (frame), not to a danger` });
      if (p.category && !cats.has(p.category)) ctx.addIssue({ code: 'custom', path: [...at, 'category'], message: `unknown category "${p.category}" (categories: ${[...cats].join(', ')})` });
      let required = 0;
      p.seq.forEach((el, j) => {
        const g = GAP.exec(el.trim());
        if (g) {
          if (j === 0 || j === p.seq.length - 1) ctx.addIssue({ code: 'custom', path: [...at, 'seq', j], message: `"${el}": a gap belongs between two words, not at the start or end` });
          return;
        }
        const m = ELEMENT.exec(el.trim());
        if (!m) {
          ctx.addIssue({ code: 'custom', path: [...at, 'seq', j], message: `"${el}" is neither a class id, "class?", "not:class", "gap≤N" nor "span≤N"` });
          return;
        }
        if (!f.classes[m[2]!]) ctx.addIssue({ code: 'custom', path: [...at, 'seq', j], message: `unknown class "${m[2]}" in pattern "${p.id}"` });
        if (!m[1] && !m[3]) required++;
      });
      if (!required) ctx.addIssue({ code: 'custom', path: [...at, 'seq'], message: `pattern "${p.id}" needs at least one class that must be present` });
    });
    f.glue.forEach((g, j) => {
      if (!f.classes[g]) ctx.addIssue({ code: 'custom', path: ['glue', j], message: `unknown class "${g}" in glue` });
    });
    for (const [id, words] of Object.entries(f.classes)) {
      words.forEach((w, j) => {
        if (!normalizeMember(String(w)).text) ctx.addIssue({ code: 'custom', path: ['classes', id, j], message: `"${w}" is empty once normalised` });
      });
    }
  });
export type EmergencyFile = z.infer<typeof emergencyFileSchema>;

/** One word of a class as the matcher uses it. */
export interface Member {
  text: string;
  cls: number;
  /** May end inside a segmented word ("撬*"). */
  freeEnd: boolean;
}

export type Element =
  | { kind: 'class'; cls: number; optional: boolean }
  | { kind: 'not'; cls: number }
  | { kind: 'gap'; max: number; crossClauses: boolean };

export interface CompiledPattern {
  id: string;
  category?: string;
  strength: Strength;
  frame?: Frame;
  weight: number;
  /** Counts only in a clause holding a danger sign. */
  clauseOnly: boolean;
  elements: Element[];
}

export interface EmergencyRules {
  classNames: string[];
  /** Members that start at a word boundary, by their first character. */
  byFirstChar: Map<string, Member[]>;
  /** Members that may start anywhere ("~…"). */
  anywhere: Member[];
  patterns: CompiledPattern[];
  /** Category → numbers to call. */
  calls: Map<string, string[]>;
  except: string[];
  typos: [from: string, to: string][];
  /** Words of the glue classes, and every whole-word class word (see splitGlued in emergency.ts). */
  glue: Set<string>;
  /** First and last characters of the glue words (a quick test before any cutting). */
  glueEdges: Set<string>;
  wholeWords: Set<string>;
  /** Hotline ids to add per category, used only when the directory lists them. */
  verifiedLines: Record<string, string[]>;
}

/** Class words and messages go through the same normaliser; spaces are dropped inside a word. */
export function normalizeMember(raw: string): { text: string; freeStart: boolean; freeEnd: boolean } {
  let s = raw.trim();
  const freeStart = s.startsWith('~');
  if (freeStart) s = s.slice(1);
  const freeEnd = s.endsWith('*');
  if (freeEnd) s = s.slice(0, -1);
  return { text: normalizeKeepSpaces(s).replace(/ /g, ''), freeStart, freeEnd };
}

/** Assumes a file that passed emergencyFileSchema (class references are checked there). */
export function compileEmergencyRules(file: EmergencyFile): EmergencyRules {
  const classNames = Object.keys(file.classes);
  const index = new Map(classNames.map((n, i) => [n, i]));
  const byFirstChar = new Map<string, Member[]>();
  const anywhere: Member[] = [];
  const glueClasses = new Set(file.glue);
  const glue = new Set<string>();
  const wholeWords = new Set<string>();
  classNames.forEach((name, cls) => {
    for (const raw of file.classes[name]!) {
      const m = normalizeMember(String(raw));
      if (!m.text) continue;
      if (!m.freeStart && !m.freeEnd) {
        wholeWords.add(m.text);
        if (glueClasses.has(name)) glue.add(m.text);
      }
      const member: Member = { text: m.text, cls, freeEnd: m.freeEnd };
      if (m.freeStart) anywhere.push(member);
      else {
        const first = m.text[0]!;
        const list = byFirstChar.get(first) ?? [];
        list.push(member);
        byFirstChar.set(first, list);
      }
    }
  });
  const patterns = file.patterns.map((p): CompiledPattern => {
    const elements = p.seq.map((raw): Element => {
      const el = raw.trim();
      const g = GAP.exec(el);
      if (g) return { kind: 'gap', max: Number(g[2]), crossClauses: g[1] === 'span' };
      const m = ELEMENT.exec(el);
      const cls = m ? index.get(m[2]!) : undefined;
      if (!m || cls === undefined) throw new Error(`pattern ${p.id}: unknown element "${raw}"`);
      return m[1] ? { kind: 'not', cls } : { kind: 'class', cls, optional: !!m[3] };
    });
    return { id: p.id, category: p.category, strength: p.strength, frame: p.frame, weight: p.weight, clauseOnly: p.scope === 'clause', elements };
  });
  return {
    classNames,
    byFirstChar,
    anywhere,
    patterns,
    calls: new Map(file.categories.map((c) => [c.id, c.calls])),
    except: file.except.map((e) => normalizeKeepSpaces(String(e)).replace(/ /g, '')).filter(Boolean),
    glue,
    glueEdges: new Set([...glue].flatMap((g) => [g[0]!, g[g.length - 1]!])),
    wholeWords,
    // Typo keys keep their spaces: pinyin typed for a danger word ("zou diu") is matched as typed.
    typos: Object.entries(file.typos).map(([a, b]): [string, string] => [normalizeKeepSpaces(a.trim()), normalizeMember(b).text]).filter(([a]) => !!a),
    verifiedLines: file.verified_lines,
  };
}
