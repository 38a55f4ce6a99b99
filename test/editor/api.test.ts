/**
 * The editors' API at /staff/api/kb over the wired application: who may do what (anonymous sees
 * nothing, staff cannot edit, CSRF on every change), reading an entry, saving it (422 with every
 * problem's file and field, 409 with the regression report, 200 published: file written and
 * committed as the editor, the running bot answering from the new index), a crash mid-save,
 * history and revert, the danger gate (admin only), the test pane, unanswered questions, review
 * lists and the golden set.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileEmergencyRules, emergencyFileSchema } from '../../src/dialogs/emergency';
import { Citizen } from '../staff/runtime';
import { type EditorDesk, git, startEditorDesk } from './harness';

const ENTRY = 'labor-wage-arrears-complaint';
const NEW_Q = '想去告发老板克扣工钱';

describe('editor API (/staff/api/kb)', function () {
  this.timeout(240_000);
  let d: EditorDesk;
  before(async () => {
    d = await startEditorDesk();
  });
  after(async () => d?.close());

  const entryFile = () => join(d.knowledgeDir, d.desk.rt.kb.entry(ENTRY)!.file);
  const doc = async () => d.editor.json(d.editor.get(`/kb/entries/${ENTRY}`));

  describe('authorisation', () => {
    it('shows anonymous callers nothing: 401 on every route, the pages send them to sign in', async () => {
      for (const r of [d.anonymous.get('/kb/entries'), d.anonymous.get(`/kb/entries/${ENTRY}`), d.anonymous.get('/kb/unanswered'), d.anonymous.get('/kb/review'), d.anonymous.post('/kb/try', { q: '讨薪' }), d.anonymous.put(`/kb/entries/${ENTRY}`, {})]) {
        const res = await r;
        assert.equal(res.status, 401);
        assert.doesNotMatch(await res.text(), /labor|讨薪/);
      }
      const page = await fetch(`${d.desk.url}/staff/kb`, { redirect: 'manual' });
      assert.equal(page.status, 303);
      assert.equal(page.headers.get('location'), '/staff/login');
    });

    it('does not let a staff member read or edit content (403), nor open the editor pages', async () => {
      for (const r of [d.staff.get('/kb/entries'), d.staff.get(`/kb/entries/${ENTRY}`), d.staff.post('/kb/try', { q: '讨薪' }), d.staff.put(`/kb/entries/${ENTRY}`, await doc()), d.staff.post('/kb/unanswered/dismiss', { question: 'x' }), d.staff.put('/kb/synonyms', { groups: [] })]) {
        const res = await r;
        assert.equal(res.status, 403);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
      }
      const page = await fetch(`${d.desk.url}/staff/kb`, { headers: { cookie: d.staff.cookie } });
      assert.equal(page.status, 403);
    });

    it('refuses an editor’s change without the CSRF token (403 csrf) and changes nothing', async () => {
      const before = readFileSync(entryFile(), 'utf8');
      const body = await doc();
      for (const r of [d.editor.put(`/kb/entries/${ENTRY}`, body, { csrf: null }), d.editor.put(`/kb/entries/${ENTRY}`, body, { csrf: 'wrong' }), d.editor.post('/kb/try', { q: '讨薪' }, { csrf: null }), d.editor.post('/kb/golden', { q: '讨薪', entry: ENTRY }, { csrf: null })]) {
        const res = await r;
        assert.equal(res.status, 403);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf');
      }
      assert.equal(readFileSync(entryFile(), 'utf8'), before);
    });
  });

  describe('entries', () => {
    it('lists and searches entries, and gives one as {id, frontMatter, body}', async () => {
      const all = await d.editor.json(d.editor.get('/kb/entries'));
      assert.equal(all.entries.length, d.desk.rt.kb.entries.length);
      const some = await d.editor.json(d.editor.get(`/kb/entries?q=${encodeURIComponent('投诉')}`));
      assert.ok(some.entries.some((e: { id: string }) => e.id === ENTRY));
      const one = await doc();
      assert.equal(one.id, ENTRY);
      assert.equal(one.frontMatter.id, ENTRY);
      assert.ok(Array.isArray(one.frontMatter.questions));
      assert.match(one.body, /\S{20}/);
      assert.equal((await d.editor.get('/kb/entries/no-such-entry')).status, 404);
      assert.equal((await d.editor.get('/kb/entries/..%2F..%2Fetc')).status, 404);
    });

    it('refuses an invalid save with 422 and every problem’s file and field; the file stays', async () => {
      const before = readFileSync(entryFile(), 'utf8');
      const one = await doc();
      const bad = { ...one, frontMatter: { ...one.frontMatter, title: 'x', topic: 'no-such-topic', sources: [], followups: ['no-such-entry'], review_by: '2020-02-30' } };
      const r = await d.editor.json(d.editor.put(`/kb/entries/${ENTRY}`, bad), 422);
      const where = r.issues.map((i: { file: string; field: string }) => `${i.file} ${i.field}`);
      const file = d.desk.rt.kb.entry(ENTRY)!.file;
      for (const field of ['title', 'sources', 'review_by']) assert.ok(where.includes(`${file} ${field}`), `${field} in ${where.join(' | ')}`);
      assert.equal(readFileSync(entryFile(), 'utf8'), before);
      const r2 = await d.editor.json(d.editor.put(`/kb/entries/${ENTRY}`, { ...one, frontMatter: { ...one.frontMatter, topic: 'no-such-topic', followups: ['no-such-entry'] } }), 422);
      const where2 = r2.issues.map((i: { field: string }) => i.field);
      assert.ok(where2.includes('topic') && where2.includes('followups.0'), where2.join(' | '));
      assert.equal((await d.editor.put(`/kb/entries/${ENTRY}`, { frontMatter: 'x', body: 1 })).status, 400);
      assert.equal((await d.editor.put(`/kb/entries/${ENTRY}`, { ...one, id: 'labor-wage-arrears' })).status, 400);
    });

    it('refuses with 409 and the regression report an edit that takes questions from another entry', async () => {
      const one = await doc();
      const donor = d.desk.rt.kb.entry('labor-wage-arrears')!;
      const greedy = { ...one, frontMatter: { ...one.frontMatter, title: donor.title, questions: [...donor.questions, ...(one.frontMatter.questions as string[])], keywords: donor.keywords } };
      const before = readFileSync(entryFile(), 'utf8');
      const r = await d.editor.json(d.editor.put(`/kb/entries/${ENTRY}`, greedy), 409);
      assert.equal(r.error.code, 'regression');
      assert.equal(r.report.ok, false);
      const lost = r.report.breaks.filter((b: { kind: string; entry: string }) => b.kind === 'question' && b.entry === 'labor-wage-arrears');
      assert.ok(lost.length >= 3, JSON.stringify(r.report.breaks.slice(0, 5)));
      assert.ok(r.report.checked.questions > 2000 && r.report.checked.emergencies > 100 && r.report.checked.pastHarm > 50, JSON.stringify(r.report.checked));
      assert.equal(readFileSync(entryFile(), 'utf8'), before);
      assert.notEqual(d.desk.rt.search.search(donor.questions[0]!).results[0]?.id, ENTRY);
    });

    it('publishes a good edit: 200, file written in stable form, a commit by the editor, the bot answers from the new index', async () => {
      const one = await doc();
      assert.notEqual(d.desk.rt.search.search(NEW_Q).results[0]?.id, ENTRY);
      const check = await d.editor.json(d.editor.post(`/kb/entries/${ENTRY}/check`, { ...one, frontMatter: { ...one.frontMatter, questions: [...(one.frontMatter.questions as string[]), NEW_Q] } }));
      assert.equal(check.published, false);
      assert.equal(check.report.ok, true);
      assert.notEqual(d.desk.rt.search.search(NEW_Q).results[0]?.id, ENTRY, 'a check publishes nothing');
      const r = await d.editor.json(d.editor.put(`/kb/entries/${ENTRY}`, { ...one, frontMatter: { ...one.frontMatter, questions: [...(one.frontMatter.questions as string[]), NEW_Q] } }));
      assert.equal(r.published, true);
      assert.equal(r.report.ok, true);
      assert.match(r.commit, /^[0-9a-f]{40}$/);
      assert.ok(r.timings.totalMs > 0 && r.timings.buildMs > 0);
      const text = readFileSync(entryFile(), 'utf8');
      assert.ok(text.includes(`  - ${NEW_Q}\n`));
      assert.equal(d.desk.rt.search.search(NEW_Q).results[0]?.id, ENTRY);
      assert.ok(d.desk.rt.kb.entry(ENTRY)!.questions.includes(NEW_Q));
      const log = git(d.knowledgeDir, 'log', '-1', '--format=%an <%ae>|%s');
      assert.equal(log.trim(), `王编辑 <wang.editor@staff.12348.local>|kb: ${ENTRY} edited by wang.editor`);
      assert.equal(git(d.knowledgeDir, 'show', '--stat', '--format=', 'HEAD').trim().split('\n').length, 2, 'one file in the commit');
      const audit = await d.admin.json(d.admin.get('/audit'));
      assert.ok(audit.entries.some((e: { action: string; actor: string }) => e.action === 'kb.publish' && e.actor === 'wang.editor'));
    });

    it('keeps the old file and the old index serving when the write fails mid-save (rename fails)', async () => {
      const before = readFileSync(entryFile(), 'utf8');
      const hash = d.desk.rt.search.engine.hash;
      const one = await doc();
      d.desk.rt.editor.publisher.setWriteHooks({
        rename: () => {
          throw new Error('simulated crash before rename');
        },
      });
      try {
        const res = await d.editor.put(`/kb/entries/${ENTRY}`, { ...one, frontMatter: { ...one.frontMatter, questions: [...(one.frontMatter.questions as string[]), '投诉欠薪要打哪个电话号码'] } });
        assert.equal(res.status, 500);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'write-failed');
      } finally {
        d.desk.rt.editor.publisher.setWriteHooks(undefined);
      }
      assert.equal(readFileSync(entryFile(), 'utf8'), before);
      assert.equal(d.desk.rt.search.engine.hash, hash);
      assert.ok(!d.desk.rt.kb.entry(ENTRY)!.questions.includes('投诉欠薪要打哪个电话号码'));
    });

    it('shows the entry’s history and reverts it in one call (a new commit; the question is gone again)', async () => {
      const h = await d.editor.json(d.editor.get(`/kb/entries/${ENTRY}/history`));
      assert.equal(h.git, true);
      assert.ok(h.commits.length >= 2);
      assert.equal(h.commits[0].author, '王编辑');
      const seed = h.commits[h.commits.length - 1].commit;
      const r = await d.editor.json(d.editor.post(`/kb/entries/${ENTRY}/revert`, { commit: seed }));
      assert.equal(r.published, true);
      assert.equal(readFileSync(entryFile(), 'utf8'), git(d.knowledgeDir, 'show', `${seed}:knowledge/${d.desk.rt.kb.entry(ENTRY)!.file}`));
      assert.ok(!d.desk.rt.kb.entry(ENTRY)!.questions.includes(NEW_Q));
      assert.match(git(d.knowledgeDir, 'log', '-1', '--format=%s'), /reverted to/);
      assert.equal((await d.editor.post(`/kb/entries/${ENTRY}/revert`, { commit: 'not-a-commit; rm -rf /' })).status, 400);
    });

    it('does not let an editor publish an edit after which an emergency is missed; an admin can', async () => {
      const publisher = d.desk.rt.editor.publisher as unknown as { deps: { emergencyRules: () => unknown } };
      const real = publisher.deps.emergencyRules;
      // The candidate is judged with a detector that lost its fire patterns (as a segmenter change could do).
      const file = emergencyFileSchema.parse(parse(readFileSync(join(__dirname, '../../dialogs/lexicon/emergency.yaml'), 'utf8')));
      const weak = compileEmergencyRules({ ...file, patterns: file.patterns.filter((p) => p.category !== 'fire') });
      await d.desk.rt.editor.publisher.warm();
      // The live base keeps its baseline (measured with the real detector, asked first); the candidate
      // is judged with the weak one. A baseline is kept per detector, so the real one is asked again after.
      let asked = 0;
      publisher.deps.emergencyRules = () => (asked++ % 2 === 0 ? real() : weak);
      try {
        const one = await doc();
        const edit = { ...one, frontMatter: { ...one.frontMatter, summary: `${one.frontMatter.summary as string}` + '（可拨打 12333）' } };
        const r = await d.editor.json(d.editor.put(`/kb/entries/${ENTRY}?confirm=1`, edit), 409);
        assert.equal(r.error.code, 'breaks-emergency');
        assert.equal(r.report.needsAdmin, true);
        assert.ok(r.report.breaks.some((b: { kind: string; category: string }) => b.kind === 'emergency' && b.category === 'fire'));
        const a = await d.admin.json(d.admin.put(`/kb/entries/${ENTRY}?confirm=1`, edit));
        assert.equal(a.published, true);
      } finally {
        publisher.deps.emergencyRules = real;
      }
    });
  });

  describe('test pane (POST /try)', () => {
    it('explains a question: terms, ranked entries with matched fields, the verdict, no danger, and the replies on web and WeChat', async () => {
      const r = await d.editor.json(d.editor.post('/kb/try', { q: '老板拖欠我三个月工资不给怎么办' }));
      assert.ok(r.analysis.words.length >= 2);
      assert.equal(r.results[0].id, 'labor-wage-arrears');
      assert.ok(Object.keys(r.results[0].explain.terms).includes('questions'));
      assert.equal(r.verdict.confident, true);
      assert.equal(typeof r.verdict.probability, 'number');
      assert.equal(r.emergency, null);
      assert.ok(r.reply.web.some((m: { text: string }) => m.text.includes('被拖欠工资怎么办')));
      assert.ok(r.reply.wechat.length >= 1 && r.reply.wechat.join('\n').includes('被拖欠工资怎么办'));
      assert.ok(!r.reply.wechat.join('\n').includes('**'), 'WeChat text is plain');
    });

    it('shows the emergency detector firing with its signals, and 110 in the first reply', async () => {
      const r = await d.editor.json(d.editor.post('/kb/try', { q: '有人拿刀在我家门口砍门，现在还在' }));
      assert.equal(r.emergency.level, 'emergency');
      assert.ok(r.emergency.matched.length >= 1);
      assert.match(r.reply.web[0].text, /110/);
      assert.match(r.reply.wechat[0], /110/);
    });

    it('records nothing about tried questions', async () => {
      const before = (await d.desk.rt.unanswered.list({ limit: 1000 })).length;
      await d.editor.json(d.editor.post('/kb/try', { q: '红烧肉怎么做才好吃' }));
      assert.equal((await d.desk.rt.unanswered.list({ limit: 1000 })).length, before);
      assert.equal((await d.editor.post('/kb/try', { q: '' })).status, 400);
    });
  });

  describe('unanswered, review lists and the golden set', () => {
    it('groups what citizens asked that found nothing, masked, with suggested entries; adds one to an entry; dismisses one', async () => {
      const c = new Citizen(d.desk.url);
      await c.open(() => d.desk.rt.directLine.issueToken());
      // A legal matter no entry covers (liability for kept animals), asked twice in other words.
      await c.ask('我家养的蜜蜂蛰了路人要赔吗 电话13912345678');
      await c.ask('我家养的蜜蜂蛰了路人 要赔吗');
      await c.ask('火星上的土地能买卖吗');
      const g = await d.editor.json(d.editor.get('/kb/unanswered'));
      const bees = g.groups.find((x: { question: string }) => x.question.includes('蜜蜂'));
      assert.ok(bees, JSON.stringify(g.groups.map((x: { question: string }) => x.question)));
      assert.equal(bees.count, 2);
      assert.ok(!JSON.stringify(g).includes('13912345678'), 'examples are masked');
      assert.ok(bees.suggestions.length >= 1);
      const mars = g.groups.find((x: { question: string }) => x.question.includes('火星'));
      const dis = await d.editor.json(d.editor.post('/kb/unanswered/dismiss', { question: mars.question }));
      assert.equal(dis.published, true);
      const g2 = await d.editor.json(d.editor.get('/kb/unanswered'));
      assert.ok(!g2.groups.some((x: { question: string }) => x.question.includes('火星')));
      assert.match(readFileSync(join(d.knowledgeDir, 'out-of-scope.yaml'), 'utf8'), /火星/);
      const add = await d.editor.json(d.editor.post('/kb/unanswered/add?confirm=1', { question: bees.question, entry: 'neighbor-dispute' }));
      assert.equal(add.published, true);
      assert.ok(d.desk.rt.kb.entry('neighbor-dispute')!.questions.includes(bees.question));
    });

    it('shows citizens’ text on the unanswered page as text, never as markup', async () => {
      const c = new Citizen(d.desk.url);
      await c.open(() => d.desk.rt.directLine.issueToken());
      await c.ask('<img src=x onerror=alert(1)>火锅底料是怎么炒的');
      const html = await (await fetch(`${d.desk.url}/staff/kb/unanswered`, { headers: { cookie: d.editor.cookie } })).text();
      assert.ok(html.includes('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;') || html.includes('&lt;img'), 'escaped');
      assert.ok(!html.includes('<img src=x'));
    });

    it('lists entries past review_by, entries citing a law marked repealed in laws.yaml, unconfirmed offices, with counts', async () => {
      const laws = join(d.knowledgeDir, 'laws.yaml');
      writeFileSync(laws, readFileSync(laws, 'utf8').replace(/(name: 保障农民工工资支付条例\n\s+version: [\d-]+\n\s+status: )current/, '$1repealed'));
      const r = await d.editor.json(d.editor.get('/kb/review'));
      assert.ok(r.laws.some((f: { entry: string; status: string }) => f.entry === 'labor-wage-arrears' && f.status === 'repealed'));
      assert.equal(r.counts.laws, r.laws.length);
      assert.equal(r.counts.unconfirmed, r.unconfirmed.length);
      assert.ok(r.unconfirmed.length >= 1);
      assert.equal(r.counts.overdue, r.overdue.length);
      const home = await fetch(`${d.desk.url}/staff/kb`, { headers: { cookie: d.editor.cookie } });
      const html = await home.text();
      assert.match(html, new RegExp(`id="count-laws">${r.counts.laws}<`));
      assert.match(html, new RegExp(`id="count-unconfirmed">${r.counts.unconfirmed}<`));
    });

    it('adds a labelled question to golden.yaml (validated: the entry must exist; checked like every edit)', async () => {
      const r = await d.editor.json(d.editor.post('/kb/golden', { q: '老板拖欠我三个月工资不给怎么办', entry: 'labor-wage-arrears' }), 201);
      assert.equal(r.published, true);
      assert.match(readFileSync(join(d.knowledgeDir, 'golden.yaml'), 'utf8'), /老板拖欠我三个月工资不给怎么办/);
      // A labelled question the base does not answer as labelled is shown before it is kept.
      const miss = await d.editor.json(d.editor.post('/kb/golden', { q: '欠薪了去哪儿告老板', entry: 'labor-wage-arrears' }), 409);
      assert.ok(miss.report.breaks.some((b: { kind: string; q: string }) => b.kind === 'golden' && b.q === '欠薪了去哪儿告老板'));
      const bad = await d.editor.json(d.editor.post('/kb/golden', { q: '随便问问的问题', entry: 'no-such-entry' }), 422);
      assert.ok(bad.issues.some((i: { file: string; field: string }) => i.file === 'golden.yaml' && /questions\.\d+\.entry/.test(i.field)));
    });

    it('validates synonym edits like kb check (422 with file and field)', async () => {
      const r = await d.editor.json(d.editor.put('/kb/synonyms', { groups: [['只有一个词']] }), 422);
      assert.ok(r.issues.some((i: { file: string; field: string }) => i.file === 'synonyms.yaml' && i.field === 'groups.0'));
    });
  });
});
