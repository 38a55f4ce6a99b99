/**
 * How long an editor's publish takes on the wired application (a copy of knowledge/ in a temporary
 * git repository): PUT /staff/api/kb/entries/:id adding one question, N times, each phase from the
 * answer's timings (validate as kb check, build the candidate index, regression check of every
 * entry's questions + golden + danger sets, write + commit, swap) — and, meanwhile, how long a
 * citizen's search waits (GET /api/kb/search every 50 ms during the publish: the old index serves).
 * Run: npx tsx bench/editor-publish.bench.ts [publishes=3]. Prints a table and JSON.
 */
import { startEditorDesk } from '../test/editor/harness';

const N = Number(process.argv[2] ?? 3);
const ENTRY = 'labor-wage-arrears-complaint';

async function main(): Promise<void> {
  const d = await startEditorDesk();
  try {
    await d.desk.rt.editor.publisher.warm();
    const rows: Record<string, number>[] = [];
    const waits: number[] = [];
    for (let i = 0; i < N; i++) {
      const doc = (await (await d.editor.get(`/kb/entries/${ENTRY}`)).json()) as { frontMatter: Record<string, unknown>; body: string };
      const q = `到劳动监察投诉欠薪第${i + 1}次要准备什么`;
      let done = false;
      const probe = (async () => {
        while (!done) {
          const t = performance.now();
          await fetch(`${d.desk.url}/api/kb/search?q=${encodeURIComponent('老板拖欠工资')}`);
          waits.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const t0 = performance.now();
      const r = await d.editor.put(`/kb/entries/${ENTRY}?confirm=1`, { ...doc, frontMatter: { ...doc.frontMatter, questions: [...(doc.frontMatter.questions as string[]), q] } });
      const wall = performance.now() - t0;
      done = true;
      await probe;
      const body = (await r.json()) as { timings: Record<string, number>; published: boolean };
      if (!body.published) throw new Error(`not published: ${JSON.stringify(body).slice(0, 300)}`);
      rows.push({ wallMs: Math.round(wall), ...body.timings });
    }
    const s = [...waits].sort((a, b) => a - b);
    const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    console.table(rows);
    console.log(JSON.stringify({ publishes: rows, searchDuringPublish: { n: s.length, p50: q(0.5), p95: q(0.95), max: Math.round(s[s.length - 1]!) } }, null, 2));
  } finally {
    await d.close();
  }
}

void main();
