/**
 * Evaluation of the emergency detector on labelled sets:
 *   emergencies   danger happening now: caught when the first reply names 110 (outcome emergency
 *                 or caution), counted per category
 *   past_harm     legal questions about harm in the past: "alarmed" when they get the emergency
 *                 flow instead of their answer, "cautioned" when they get the one-line 110 notice
 *                 before it (their answer still follows)
 *   in_scope      ordinary legal questions and stories: any emergency outcome is a false alarm
 * Reads the blind danger-set format ({tune, holdout} halves of {emergency, past_harm}) and the
 * dev-set format (emergency: [strings], in_scope: [{q}]). Pure: the caller picks the files.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { detectEmergency, type EmergencyRules } from './emergency';

const question = z.preprocess((v) => (typeof v === 'string' || typeof v === 'number' ? { q: String(v) } : v), z.object({ q: z.coerce.string() }).passthrough());
const emergencyItem = z.preprocess((v) => (typeof v === 'string' ? { q: v } : v), z.object({ q: z.coerce.string(), category: z.string().default('unlabelled') }).passthrough());

export const emergencySetSchema = z.object({
  emergency: z.array(emergencyItem).default([]),
  past_harm: z.array(question).default([]),
  in_scope: z.array(question).default([]),
});
export type EmergencySet = z.infer<typeof emergencySetSchema>;

// A held-out-only set (danger-c) has no tune half: it reads as an empty one.
const halvesSchema = z.object({ tune: emergencySetSchema.default(() => emergencySetSchema.parse({})), holdout: emergencySetSchema.optional() });

/** A blind set's halves ({tune, holdout}), or a flat set (dev.yaml) as its tune half. */
export function readEmergencySet(path: string): { tune: EmergencySet; holdout?: EmergencySet } {
  const data = parse(readFileSync(path, 'utf8')) as unknown;
  if (data && typeof data === 'object' && ('tune' in data || 'holdout' in data)) {
    const h = halvesSchema.parse(data);
    return { tune: h.tune, holdout: h.holdout };
  }
  return { tune: emergencySetSchema.parse(data) };
}

export interface EmergencyMiss {
  q: string;
  kind: 'missed' | 'alarmed' | 'cautioned';
  category?: string;
  matched: string[];
}

export interface EmergencyReport {
  emergencies: number;
  caught: number;
  /** Of the caught, how many got the full emergency flow (the rest: caution). */
  caughtAsEmergency: number;
  byCategory: Record<string, { total: number; caught: number }>;
  pastHarm: number;
  pastHarmAlarmed: number;
  pastHarmCautioned: number;
  inScope: number;
  inScopeAlarmed: number;
  inScopeCautioned: number;
  misses: EmergencyMiss[];
}

export function evaluateEmergency(rules: EmergencyRules, set: EmergencySet): EmergencyReport {
  const r: EmergencyReport = {
    emergencies: set.emergency.length,
    caught: 0,
    caughtAsEmergency: 0,
    byCategory: {},
    pastHarm: set.past_harm.length,
    pastHarmAlarmed: 0,
    pastHarmCautioned: 0,
    inScope: set.in_scope.length,
    inScopeAlarmed: 0,
    inScopeCautioned: 0,
    misses: [],
  };
  for (const item of set.emergency) {
    const s = detectEmergency(item.q, rules);
    const c = (r.byCategory[item.category] ??= { total: 0, caught: 0 });
    c.total++;
    if (s) {
      r.caught++;
      c.caught++;
      if (s.level === 'emergency') r.caughtAsEmergency++;
    } else r.misses.push({ q: item.q, kind: 'missed', category: item.category, matched: [] });
  }
  const harmless = (items: { q: string }[], count: (level: 'emergency' | 'caution') => void) => {
    for (const item of items) {
      const s = detectEmergency(item.q, rules);
      if (!s) continue;
      count(s.level);
      r.misses.push({ q: item.q, kind: s.level === 'emergency' ? 'alarmed' : 'cautioned', matched: s.matched });
    }
  };
  harmless(set.past_harm, (l) => (l === 'emergency' ? r.pastHarmAlarmed++ : r.pastHarmCautioned++));
  harmless(set.in_scope, (l) => (l === 'emergency' ? r.inScopeAlarmed++ : r.inScopeCautioned++));
  return r;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '–');

/** One line per measure, for the command line and bench/RESULTS.md. */
export function formatEmergencyReport(name: string, r: EmergencyReport): string {
  const lines = [`${name}:`];
  if (r.emergencies) {
    lines.push(`  emergencies caught (110 first): ${r.caught}/${r.emergencies} (${pct(r.caught, r.emergencies)}; ${r.caughtAsEmergency} as emergency, ${r.caught - r.caughtAsEmergency} as caution)`);
    const cats = Object.entries(r.byCategory).sort(([a], [b]) => a.localeCompare(b));
    lines.push(`  by category: ${cats.map(([c, v]) => `${c} ${v.caught}/${v.total}`).join(', ')}`);
  }
  if (r.pastHarm) lines.push(`  past harm alarmed: ${r.pastHarmAlarmed}/${r.pastHarm} (${pct(r.pastHarmAlarmed, r.pastHarm)}), cautioned: ${r.pastHarmCautioned}/${r.pastHarm}`);
  if (r.inScope) lines.push(`  in-scope alarmed: ${r.inScopeAlarmed}/${r.inScope} (${pct(r.inScopeAlarmed, r.inScope)}), cautioned: ${r.inScopeCautioned}/${r.inScope}`);
  return lines.join('\n');
}
