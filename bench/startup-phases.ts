/**
 * Where start-up time goes (companion to part 4 of search.bench.ts): module loading and the
 * content/search steps of src/index.ts start(), each timed once in a fresh process.
 *
 *   node --import tsx bench/startup-phases.ts        (run it 2–3 times; the first primes caches)
 *
 * Modules are required in the order src/index.ts pulls them in; a module's time includes whatever
 * of its dependencies was not loaded before it.
 */
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const rows: [string, number][] = [];
function lap<T>(label: string, f: () => T): T {
  const t = performance.now();
  const out = f();
  rows.push([label, performance.now() - t]);
  return out;
}

const bootMs = process.uptime() * 1000;
lap('require botbuilder', () => require('botbuilder'));
lap('require express', () => require('express'));
lap('require src/app', () => require(resolve(ROOT, 'src/app')));
lap('require src/bot/bot', () => require(resolve(ROOT, 'src/bot/bot')));
const { loadKnowledge } = lap('require src/content/loader', () => require(resolve(ROOT, 'src/content/loader')) as typeof import('../src/content/loader'));
const { analyzerFor, SearchEngine } = lap('require src/search/engine', () => require(resolve(ROOT, 'src/search/engine')) as typeof import('../src/search/engine'));
const content = lap('loadKnowledge(knowledge)', () => loadKnowledge(resolve(ROOT, 'knowledge')));
const analyzer = lap('analyzerFor() (jieba dictionary, OpenCC)', () => analyzerFor(content));
const engine = lap('SearchEngine.build()', () => SearchEngine.build(content, analyzer));
const text = JSON.stringify(engine.toJSON());
const json = lap('JSON.parse(prebuilt index)', () => JSON.parse(text) as ReturnType<typeof engine.toJSON>);
lap('SearchEngine.load() (incl. content hash)', () => SearchEngine.load(json, content, analyzer));

console.log(`process start → script start (node + tsx): ${bootMs.toFixed(0)} ms`);
for (const [label, ms] of rows) console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms`);
