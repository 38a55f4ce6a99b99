/**
 * Emergency detection: is someone in danger right now? Runs on every message before search.
 * The signals are data (dialogs/lexicon/emergency.yaml); this module only applies them:
 *   always → fires; urgent → fires unless framed as a legal question about the past;
 *   with_present → fires only with a present-danger word and no legal framing; except → ignored.
 * The text is converted to simplified Chinese first, so traditional-script messages match too.
 * Contract: detectEmergency never throws; it returns the categories, the numbers to call (110
 * always first) and the phrases that matched (for logs and tests), or undefined.
 */
import { toSimplified } from '../search/pipeline';
import { z } from 'zod';
import { normalizeForMatch, normalizeKeepSpaces } from './text';

const words = z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)));

export const emergencyFileSchema = z
  .object({
    present: words.min(1),
    legal_framing: words.min(1),
    categories: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z-]*$/),
            calls: z.array(z.enum(['110', '119', '120', '122'])).min(1),
            always: words.default([]),
            urgent: words.default([]),
            with_present: words.default([]),
            except: words.default([]),
          })
          .strict(),
      )
      .min(1),
    verified_lines: z.record(z.string(), z.array(z.string())).default({}),
  })
  .strict();
export type EmergencyFile = z.infer<typeof emergencyFileSchema>;

type Matcher = { source: string; test: (m: Normalized) => boolean };
interface Normalized {
  cjk: string;
  latin: string;
}

interface CompiledCategory {
  id: string;
  calls: string[];
  always: Matcher[];
  urgent: Matcher[];
  withPresent: Matcher[];
}

export interface EmergencyRules {
  categories: CompiledCategory[];
  present: Matcher[];
  framing: Matcher[];
  /** Phrases that contain a signal but are harmless; removed before matching. */
  except: { cjk: string; latin: string }[];
  /** Hotline ids to add per category, used only when the directory lists them. */
  verifiedLines: Record<string, string[]>;
}

export interface EmergencySignal {
  categories: string[];
  /** Numbers to call, "110" first. */
  calls: string[];
  matched: string[];
}

const CJK = /[\u3400-\u9FFF]/;

function simplified(text: string): string {
  try {
    return toSimplified(text);
  } catch {
    return text;
  }
}

function matcher(raw: string): Matcher {
  const re = /^\/(.+)\/$/.exec(raw);
  if (re) {
    const rx = new RegExp(re[1]!, 'u');
    return { source: raw, test: (m) => rx.test(m.cjk) || rx.test(m.latin) };
  }
  if (CJK.test(raw)) {
    const n = normalizeForMatch(simplified(raw));
    return { source: raw, test: (m) => m.cjk.includes(n) };
  }
  const n = ` ${normalizeKeepSpaces(raw)} `;
  return { source: raw, test: (m) => m.latin.includes(n) };
}

/** Throws a plain Error for a bad regular expression; the loader reports it with the file. */
export function compileEmergencyRules(file: EmergencyFile): EmergencyRules {
  return {
    present: file.present.map(matcher),
    framing: file.legal_framing.map(matcher),
    verifiedLines: file.verified_lines,
    categories: file.categories.map((c) => ({
      id: c.id,
      calls: c.calls,
      always: c.always.map(matcher),
      urgent: c.urgent.map(matcher),
      withPresent: c.with_present.map(matcher),
    })),
    except: file.categories
      .flatMap((c) => c.except)
      .map((e) => (CJK.test(e) ? { cjk: normalizeForMatch(simplified(e)), latin: '' } : { cjk: '', latin: ` ${normalizeKeepSpaces(e)} ` }))
      .filter((e) => e.cjk || e.latin.trim()),
  };
}

const CALL_ORDER = ['110', '120', '119', '122'];
/** Only the start of a long paste is examined: danger is stated up front, and cost stays flat. */
const MAX_SCAN = 500;

export function detectEmergency(text: string, rules: EmergencyRules): EmergencySignal | undefined {
  if (!text) return undefined;
  const s = simplified(text.slice(0, MAX_SCAN));
  let cjk = normalizeForMatch(s);
  let latin = ` ${normalizeKeepSpaces(s)} `;
  // Exception phrases ("救命钱", "想死你了") are removed before anything is matched, so they count
  // neither as a signal nor as a present-danger word.
  for (const e of rules.except) {
    if (e.cjk) cjk = cjk.split(e.cjk).join('|');
    if (e.latin) latin = latin.split(e.latin).join(' | ');
  }
  const m: Normalized = { cjk, latin };
  if (!m.cjk.replace(/\|/g, '')) return undefined;
  const present = rules.present.some((p) => p.test(m));
  const framed = rules.framing.some((p) => p.test(m));
  const categories: string[] = [];
  const matched: string[] = [];
  const calls = new Set<string>();
  for (const c of rules.categories) {
    if (!hit(c, m, present, framed, matched)) continue;
    categories.push(c.id);
    for (const n of c.calls) calls.add(n);
  }
  if (!categories.length) return undefined;
  calls.add('110');
  return { categories, calls: CALL_ORDER.filter((n) => calls.has(n)), matched };
}

function hit(c: CompiledCategory, m: Normalized, present: boolean, framed: boolean, matched: string[]): boolean {
  const a = c.always.find((x) => x.test(m));
  if (a) return !!matched.push(a.source);
  if (!framed || present) {
    const u = c.urgent.find((x) => x.test(m));
    if (u) return !!matched.push(u.source);
  }
  if (present && !framed) {
    const w = c.withPresent.find((x) => x.test(m));
    if (w) return !!matched.push(w.source);
  }
  return false;
}
