/**
 * The editors' workflow in a real browser (Debian's headless Chromium via playwright-core; skipped
 * locally when missing, required under CI): a citizen's question the bot does not answer; an editor
 * signs in, opens 知识库, tries the question (nothing confident), adds it to the entry it belongs to,
 * sees the regression check pass, publishes; the citizen's web chat now answers it. Screenshots of
 * each step go to test-artifacts/editor-*.png (and the entry's form with its history); the publish
 * time is printed.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startEditorDesk } from '../editor/harness';
import { ARTIFACTS, ask, botBubbles, browserSuite, signIn } from './harness';

// A legal matter no entry covers yet (liability for kept animals), which belongs in the neighbour-dispute entry.
const QUESTION = '邻居家养的蜜蜂蛰了我家孩子，要他赔钱怎么要';
const ENTRY = 'neighbor-dispute';

describe('editor console in headless Chromium', function () {
  this.timeout(300_000);
  const suite = browserSuite(() => startEditorDesk());
  const problems = suite.problems;

  /** What the citizen's web chat answers to QUESTION (a fresh phone, a screenshot). */
  async function citizenAsks(shot: string): Promise<string> {
    const page = await suite.openChat(`${suite.app.desk.url}/`, { who: 'citizen' });
    const before = await ask(page, QUESTION, { settleMs: 500 });
    await page.screenshot({ path: resolve(ARTIFACTS, shot) });
    const text = (await botBubbles(page).allInnerTexts()).slice(before).join('\n');
    await page.context().close();
    return text;
  }

  it('takes a question the bot could not answer to a published answer, checked first', async () => {
    const before = await citizenAsks('editor-0-citizen-before.png');
    assert.match(before, /您想问的是|不在我能回答的范围内/, 'not answered yet: the citizen is asked to choose, or told it is not something the bot answers');

    const d = suite.app;
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    suite.watch(page, 'editor');
    await signIn(page, `${d.desk.url}/staff/login`, d.accounts.editor);
    await page.locator('a', { hasText: '知识库' }).first().click();
    await page.locator('h1', { hasText: '知识库' }).waitFor();
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-1-home.png'), fullPage: true });

    await page.locator('#try-q').fill(QUESTION);
    await page.locator('#try-form button[type="submit"]').click();
    await page.locator('#try-verdict').filter({ hasText: '不会直接回答' }).waitFor();
    await page.locator('#try-web .bubble').first().waitFor();
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-2-try-finds-nothing.png'), fullPage: true });

    await page.locator('#try-entry').selectOption(ENTRY);
    await page.locator('#try-add-btn').click();
    await page.locator('#try-check .check-pass').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-3-regression-check-passed.png'), fullPage: true });

    const t0 = Date.now();
    await page.locator('#try-publish').click();
    await page.locator('#try-check .published').waitFor({ timeout: 120_000 });
    const publishMs = Date.now() - t0;
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-4-published.png'), fullPage: true });
    console.log(`      publish (check + build + write + commit + swap, seen in the browser): ${publishMs} ms`);

    // The test pane now answers it too.
    await page.locator('#try-form button[type="submit"]').click();
    await page.locator('#try-verdict').filter({ hasText: '会回答：' }).waitFor();
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-5-try-answers.png'), fullPage: true });

    // The entry's form: front matter as fields, the new question in the list, the phone preview, and
    // the publish in its history (a commit authored by the editor).
    await page.goto(`${d.desk.url}/staff/kb/entries/${ENTRY}`);
    await page.locator('#preview .bubble strong').first().waitFor();
    assert.ok((await page.locator('textarea[name="questions"]').inputValue()).split('\n').includes(QUESTION));
    await page.locator('#history li', { hasText: '王编辑' }).first().waitFor();
    await page.screenshot({ path: resolve(ARTIFACTS, 'editor-7-entry-form.png'), fullPage: true });
    await ctx.close();

    // What the citizen gets now is what the test pane shows for web chat: the answer, not a choice.
    const shown = (await d.editor.json(d.editor.post('/kb/try', { q: QUESTION }))).reply.web[0].text.split('\n')[0].replace(/\*\*/g, '').trim();
    const after = await citizenAsks('editor-6-citizen-after.png');
    assert.doesNotMatch(after, /您想问的是|不在我能回答的范围内/);
    assert.ok(shown.length > 4 && after.includes(shown), `answered now (${shown}): ${after.slice(0, 200)}`);
    assert.ok(d.desk.rt.kb.entry(ENTRY)!.questions.includes(QUESTION));
    assert.deepEqual(problems, []);
  });
});
