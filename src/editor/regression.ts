/**
 * The regression check run before an edit is published: what the edit would break.
 *   questions   every entry's own questions: each that found its entry (top hit, not "no-match")
 *               before the edit and no longer does is a break; a question the edit adds that does
 *               not find its entry is one too (the edit would not do what it is for)
 *   golden      the labelled questions of knowledge/golden.yaml, the same way
 *   emergency   the danger sets (knowledge/regression/*.yaml): an emergency caught before and
 *               missed after is a danger break (only an admin may publish it); a past-harm
 *               question newly alarmed is a break
 * Search results are compared per question, before against after, so questions that were already
 * missed before do not block an unrelated edit. The detector is run after the candidate index is
 * built: synonym, concept and legal-term edits change the one segmenter it shares with search.
 * Contract: pure over the engines, sets and rules given; baseline() results are reusable as long as
 * the live engine is the same (keyed by its content hash).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GoldenQuestion } from '../content/editorial';
import type { KnowledgeContent } from '../content/loader';
import type { Locale } from '../content/schema';
import { detectEmergency, type EmergencyRules, type EmergencySet, readEmergencySet } from '../dialogs';
import type { SearchEngine } from '../search/engine';

export type BreakKind = 'question' | 'new-question' | 'golden' | 'emergency' | 'past-harm';

export interface RegressionBreak {
  kind: BreakKind;
  q: string;
  /** The entry the question should find. */
  entry?: string;
  /** Top entry before and after the edit (undefined: nothing offered). */
  before?: string;
  after?: string;
  category?: string;
  matched?: string[];
}

export interface RegressionReport {
  ok: boolean;
  /** A danger break: only an admin may publish this edit. */
  needsAdmin: boolean;
  checked: { questions: number; golden: number; emergencies: number; pastHarm: number };
  /** Still missing after the edit, as before (not caused by it; for the editor's information). */
  stillMissed: number;
  breaks: RegressionBreak[];
  ms: number;
}

/** Top entry per `${locale}|${q}` and the detector's verdict per danger question. */
export interface Baseline {
  hash: string;
  top: Map<string, string | undefined>;
  caught: Map<string, boolean>;
  alarmed: Map<string, boolean>;
}

export interface DangerItem {
  q: string;
  category: string;
  kind: 'emergency' | 'past-harm';
}

/** Reads every danger set in `dir` (both halves of a blind set, or a flat set). */
export function readDangerSets(dir: string): DangerItem[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: DangerItem[] = [];
  const seen = new Set<string>();
  for (const n of names) {
    const halves = readEmergencySet(join(dir, n));
    for (const set of [halves.tune, halves.holdout].filter((s): s is EmergencySet => !!s)) {
      for (const e of set.emergency) if (!seen.has(`e|${e.q}`)) (seen.add(`e|${e.q}`), out.push({ q: e.q, category: e.category, kind: 'emergency' }));
      for (const p of set.past_harm) if (!seen.has(`p|${p.q}`)) (seen.add(`p|${p.q}`), out.push({ q: p.q, category: 'past-harm', kind: 'past-harm' }));
    }
  }
  return out;
}

const key = (locale: Locale, q: string) => `${locale}|${q}`;

function topOf(engine: SearchEngine, q: string, locale: Locale): string | undefined {
  const r = engine.judge(q, { locale });
  return r.reason === 'no-match' || r.reason === 'empty' ? undefined : r.results[0]?.id;
}

function questionsOf(content: KnowledgeContent, golden: readonly GoldenQuestion[]): { q: string; locale: Locale; entry: string; golden: boolean }[] {
  return [
    ...content.entries.flatMap((e) => e.questions.map((q) => ({ q, locale: e.locale, entry: e.id, golden: false }))),
    ...golden.map((g) => ({ q: g.q, locale: g.locale, entry: g.entry, golden: true })),
  ];
}

/** Lets citizens' requests through between slices of the check (it runs on the bot's process). */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/** What the live base answers now. Run while the live engine's segmenter is the process's. */
export async function baseline(engine: SearchEngine, content: KnowledgeContent, golden: readonly GoldenQuestion[], danger: readonly DangerItem[], rules: EmergencyRules): Promise<Baseline> {
  const top = new Map<string, string | undefined>();
  let n = 0;
  for (const x of questionsOf(content, golden)) {
    if (top.has(key(x.locale, x.q))) continue;
    top.set(key(x.locale, x.q), topOf(engine, x.q, x.locale));
    if (++n % 100 === 0) await breathe();
  }
  const caught = new Map<string, boolean>();
  const alarmed = new Map<string, boolean>();
  for (const d of danger) {
    const s = detectEmergency(d.q, rules);
    if (d.kind === 'emergency') caught.set(d.q, !!s);
    else alarmed.set(d.q, s?.level === 'emergency');
  }
  return { hash: engine.hash, top, caught, alarmed };
}

/** Compares the candidate against the baseline; `next` receives the candidate's own baseline. */
export async function regression(
  before: Baseline,
  engine: SearchEngine,
  content: KnowledgeContent,
  golden: readonly GoldenQuestion[],
  danger: readonly DangerItem[],
  rules: EmergencyRules,
): Promise<{ report: RegressionReport; next: Baseline }> {
  const t0 = performance.now();
  const after = await baseline(engine, content, golden, danger, rules);
  const breaks: RegressionBreak[] = [];
  let stillMissed = 0;
  const qs = questionsOf(content, golden);
  const reported = new Set<string>();
  for (const x of qs) {
    const k = key(x.locale, x.q);
    const now = after.top.get(k);
    if (now === x.entry || reported.has(`${k}|${x.entry}`)) continue;
    reported.add(`${k}|${x.entry}`);
    const was = before.top.has(k) ? before.top.get(k) : null;
    if (was === x.entry) breaks.push({ kind: x.golden ? 'golden' : 'question', q: x.q, entry: x.entry, before: was, after: now });
    else if (was === null || !beforeHad(before, x)) breaks.push({ kind: x.golden ? 'golden' : 'new-question', q: x.q, entry: x.entry, before: was ?? undefined, after: now });
    else stillMissed++;
  }
  for (const d of danger) {
    if (d.kind === 'emergency' && before.caught.get(d.q) && !after.caught.get(d.q)) breaks.push({ kind: 'emergency', q: d.q, category: d.category });
    if (d.kind === 'past-harm' && !before.alarmed.get(d.q) && after.alarmed.get(d.q)) breaks.push({ kind: 'past-harm', q: d.q, category: d.category });
  }
  const report: RegressionReport = {
    ok: breaks.length === 0,
    needsAdmin: breaks.some((b) => b.kind === 'emergency'),
    checked: { questions: qs.filter((x) => !x.golden).length, golden: golden.length, emergencies: danger.filter((d) => d.kind === 'emergency').length, pastHarm: danger.filter((d) => d.kind === 'past-harm').length },
    stillMissed,
    breaks,
    ms: Math.round(performance.now() - t0),
  };
  return { report, next: after };
}

/** Whether the question was held by the same entry (or the golden set) before the edit. */
function beforeHad(before: Baseline & { owners?: Set<string> }, x: { q: string; locale: Locale; entry: string; golden: boolean }): boolean {
  return before.owners?.has(`${key(x.locale, x.q)}|${x.entry}`) ?? true;
}

/** Remembers which entry held which question, so a question moved or added counts as new. */
export function withOwners(b: Baseline, content: KnowledgeContent, golden: readonly GoldenQuestion[]): Baseline & { owners: Set<string> } {
  return { ...b, owners: new Set(questionsOf(content, golden).map((x) => `${key(x.locale, x.q)}|${x.entry}`)) };
}
