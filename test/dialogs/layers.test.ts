/**
 * src/dialogs imports run one way: ids → flow-schema → model → step-contract → steps →
 * loader / interpreter → engine, with no cycle (type imports count too), nothing in it
 * imports the bot or a channel, and nothing outside it imports past its barrel (index.ts).
 * Read from the source files' import lines.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');
const DIALOGS = join(SRC, 'dialogs');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.ts') ? [p] : [];
  });
}

/** Module (path under src, no extension) → the modules under src it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(DIALOGS)) {
    const text = readFileSync(file, 'utf8');
    const out: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)) {
      let target = resolve(dirname(file), m[1]!);
      try {
        if (statSync(target).isDirectory()) target = join(target, 'index');
      } catch {
        /* a file: ./x → ./x.ts */
      }
      out.push(relative(SRC, target).replace(/\.ts$/, ''));
    }
    graph.set(relative(SRC, file).replace(/\.ts$/, ''), out);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const colour = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string) => {
    colour.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (colour.get(m) === 1) found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!colour.has(m)) visit(m);
    }
    stack.pop();
    colour.set(n, 2);
  };
  for (const n of graph.keys()) if (!colour.has(n)) visit(n);
  return found;
}

/** Everything `from` reaches through imports. */
function reach(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const n = todo.pop()!;
    for (const m of graph.get(n) ?? []) if (!seen.has(m)) (seen.add(m), todo.push(m));
  }
  return seen;
}

/** The imports of `file` (source `text`) that reach into src/dialogs past its index.ts. */
function deepDialogImports(file: string, text: string): string[] {
  const specs = [...text.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\s*\(\s*'(\.[^']+)'\s*\)|^import\s+'(\.[^']+)'/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs
    .filter((s) => {
      const target = resolve(dirname(file), s);
      return target.startsWith(DIALOGS + '/') && target !== join(DIALOGS, 'index') && target !== join(DIALOGS, 'index.ts');
    })
    .map((s) => `${relative(SRC, file)} imports ${s}`);
}

describe('src/dialogs import layers', () => {
  const graph = importGraph();

  it('reads the import lines (the check would notice an import)', () => {
    assert.ok(graph.get('dialogs/engine')?.includes('dialogs/interpreter'));
    assert.ok(graph.get('dialogs/steps/index')?.includes('dialogs/steps/answer'));
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['a']]])), [['a', 'b', 'a']]);
  });

  it('has no import cycle, not even of types', () => {
    assert.deepEqual(cycles(graph), []);
  });

  it('runs one way: ids → flow-schema → model → step-contract → steps → loader / interpreter → engine', () => {
    const order = ['dialogs/ids', 'dialogs/flow-schema', 'dialogs/model', 'dialogs/step-contract', 'dialogs/steps/index', 'dialogs/loader', 'dialogs/engine'];
    for (const [i, layer] of order.entries()) {
      const below = reach(graph, layer);
      for (const higher of order.slice(i + 1)) assert.ok(!below.has(higher), `${layer} reaches ${higher}`);
    }
    for (const m of ['dialogs/steps/index', 'dialogs/step-contract', 'dialogs/model']) {
      for (const top of ['dialogs/interpreter', 'dialogs/engine', 'dialogs/loader']) assert.ok(!reach(graph, m).has(top), `${m} reaches ${top}`);
    }
    assert.deepEqual(graph.get('dialogs/ids'), []);
  });

  it('code outside src/dialogs imports dialogs only through the barrel (src/dialogs/index.ts)', () => {
    const outside = files(SRC).filter((f) => !f.startsWith(DIALOGS + '/'));
    assert.ok(outside.some((f) => f.endsWith('bot/bot.ts')) && outside.some((f) => f.endsWith('cli/repl.ts')));
    const deep = outside.flatMap((f) => deepDialogImports(f, readFileSync(f, 'utf8')));
    assert.deepEqual(deep, []);
  });

  it('the barrel check notices a deep import, a type import, a re-export and a dynamic import', () => {
    const from = join(SRC, 'editor/x.ts');
    const text = [
      "import { loadFlows } from '../dialogs';",
      "import { cut } from '../dialogs/input';",
      "import type {\n  Flow,\n} from '../dialogs/model';",
      "export { x } from '../dialogs/steps/ask';",
      "const m = await import('../dialogs/engine');",
    ].join('\n');
    assert.deepEqual(deepDialogImports(from, text), [
      'editor/x.ts imports ../dialogs/input',
      'editor/x.ts imports ../dialogs/model',
      'editor/x.ts imports ../dialogs/steps/ask',
      'editor/x.ts imports ../dialogs/engine',
    ]);
  });

  it('never imports the bot or a channel (channels → bot → dialogs)', () => {
    for (const [m, deps] of graph) for (const d of deps) assert.ok(!/^(bot|channels|http|staff)\//.test(d), `${m} imports ${d}`);
  });
});
