/**
 * Emergency detector benchmark: quality on every danger/story set (both halves of the blind sets,
 * counted — the held-out halves are only ever counted, never read) and the per-message cost, since
 * detectEmergency runs on every message before anything else.
 *   npx tsx bench/emergency.bench.ts
 * Segmentation uses the shipped knowledge base's dictionary, as in production. Cost: each set's
 * messages timed one by one (performance.now()) over ROUNDS rounds after a warm-up; the median and
 * p99 per set, nearest rank, plus a 10,000-character paste and the one-off compile of the lexicon.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadKnowledge } from '../src/content/loader';
import { compileEmergencyRules, detectEmergency, emergencyFileSchema } from '../src/dialogs/emergency';
import { type EmergencySet, evaluateEmergency, formatEmergencyReport, readEmergencySet } from '../src/dialogs/emergency-eval';
import { analyzerFor } from '../src/search/engine';
import { evalSetFiles } from '../src/search/eval';
import { summarise } from './lib/stats';

const ROOT = resolve(__dirname, '..');
const FIX = join(ROOT, 'test/fixtures');
const ROUNDS = 20;

analyzerFor(loadKnowledge(join(ROOT, 'knowledge')));
const raw = parse(readFileSync(join(ROOT, 'dialogs/lexicon/emergency.yaml'), 'utf8'));
const c0 = performance.now();
const rules = compileEmergencyRules(emergencyFileSchema.parse(raw));
const compileMs = performance.now() - c0;

const sets: [string, EmergencySet][] = [];
const blindNamed = (prefix: string) => evalSetFiles(FIX).map((p) => basename(p, '.yaml')).filter((n) => n.startsWith(prefix));
for (const f of blindNamed('danger-')) {
  try {
    const s = readEmergencySet(join(FIX, 'blind', `${f}.yaml`));
    if (s.tune.emergency.length + s.tune.past_harm.length) sets.push([`${f} tune`, s.tune]);
    if (s.holdout) sets.push([`${f} holdout`, s.holdout]);
  } catch {
    console.log(`(${f}.yaml not readable yet)`);
  }
}
const flat = (f: string) => parse(readFileSync(join(FIX, f), 'utf8')) as { in_scope: { q: string }[]; emergency?: string[] };
const devExtra: EmergencySet = { emergency: (flat('dev.yaml').emergency ?? []).map((q) => ({ q, category: 'dev' })), past_harm: [], in_scope: [...flat('dev.yaml').in_scope, ...flat('extra.yaml').in_scope] };
sets.push(['dev + extra', devExtra]);
for (const f of blindNamed('stories-')) {
  try {
    const stories = parse(readFileSync(join(FIX, `blind/${f}.yaml`), 'utf8')) as Record<'tune' | 'holdout', { in_scope: { q: string }[] }>;
    sets.push([`${f} tune`, { emergency: [], past_harm: [], in_scope: stories.tune.in_scope }]);
    sets.push([`${f} holdout`, { emergency: [], past_harm: [], in_scope: stories.holdout.in_scope }]);
  } catch {
    console.log(`(${f}.yaml not readable)`);
  }
}
sets.push(['own regression set', readEmergencySet(join(FIX, 'emergency-own.yaml')).tune]);

console.log(`lexicon: ${rules.classNames.length} classes, ${rules.patterns.length} patterns; compiled in ${compileMs.toFixed(1)} ms\n`);
for (const [name, set] of sets) console.log(formatEmergencyReport(name, { ...evaluateEmergency(rules, set), misses: [] }));

console.log('\n| set | messages | median chars | p50 µs | p99 µs | max µs | best-of-rounds p50 / p99 µs |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const texts = (s: EmergencySet) => [...s.emergency, ...s.past_harm, ...s.in_scope].map((x) => x.q);
for (const t of texts(sets[0]![1])) detectEmergency(t, rules); // warm-up
const medians: number[] = [];
for (const [name, set] of sets) {
  const qs = texts(set);
  const times: number[] = [];
  // Each message's fastest round: its cost without the machine's scheduling and GC noise.
  const best = qs.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < ROUNDS; r++) {
    qs.forEach((q, i) => {
      const t0 = performance.now();
      detectEmergency(q, rules);
      const t = (performance.now() - t0) * 1000;
      times.push(t);
      best[i] = Math.min(best[i]!, t);
    });
  }
  const l = summarise(times);
  const b = summarise(best);
  const chars = qs.map((q) => q.length).sort((a, b) => a - b)[Math.floor(qs.length / 2)];
  medians.push(l.p50);
  console.log(`| ${name} | ${qs.length} | ${chars} | ${l.p50.toFixed(0)} | ${l.p99.toFixed(0)} | ${l.max.toFixed(0)} | ${b.p50.toFixed(0)} / ${b.p99.toFixed(0)} |`);
}
const long = `救命 ${'啊'.repeat(10_000)}`;
const lt: number[] = [];
for (let r = 0; r < 50; r++) {
  const t0 = performance.now();
  detectEmergency(long, rules);
  lt.push((performance.now() - t0) * 1000);
}
const ll = summarise(lt);
medians.sort((a, b) => a - b);
console.log(`| 10,000-character paste (only the first 500 are read) | 1 | 10002 | ${ll.p50.toFixed(0)} | ${ll.p99.toFixed(0)} | ${ll.max.toFixed(0)} | ${Math.min(...lt).toFixed(0)} (best) |`);
console.log(`\nmedian over the sets of the per-set median: ${medians[Math.floor(medians.length / 2)]!.toFixed(0)} µs per message`);
