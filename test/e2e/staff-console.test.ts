/**
 * The end-to-end flow in a real browser (Debian's headless Chromium via playwright-core,
 * skipped locally when missing, required under CI): a citizen in web chat asks for a person; a
 * staff member signs in at 1280×800, sees the case appear live, claims it and replies with the
 * keyboard; the citizen sees the reply and answers; staff see that live; staff hand back; the
 * citizen rates; the CSV export holds the case. The citizen's text is hostile HTML and must stay
 * text in the console. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDesk } from '../staff/runtime';
import { ARTIFACTS, ask, botBubbles, browserSuite, input, signIn } from './harness';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

describe('staff console and web chat in headless Chromium', function () {
  this.timeout(120_000);
  const suite = browserSuite(() => startDesk(), { failedRequests: true });
  const problems = suite.problems;

  it('runs the whole handoff: ask for a person, live queue, claim, reply both ways, hand back, rating, export', async () => {
    const desk = suite.app;
    const account = await desk.addUser('wang', 'staff', '王');

    // Staff first: signed in (sent to the form from the queue) and looking at the queue when the citizen asks.
    const staffCtx = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const staff = await staffCtx.newPage();
    suite.watch(staff, 'staff');
    await signIn(staff, `${desk.url}/staff`, account);
    await staff.locator('h1', { hasText: '求助排队' }).waitFor();
    await staff.locator('tr.empty').waitFor();

    const citizen = await suite.openChat(`${desk.url}/`, { who: 'citizen' });
    const citizenCtx = citizen.context();
    for (const m of ['转人工', '是', '鼓楼区', '跳过']) await ask(citizen, m);
    await ask(citizen, `老板欠我三个月工资 ${HOSTILE}`);
    await botBubbles(citizen).filter({ hasText: /排在第 1 位/ }).waitFor();

    // The case appears in the open queue without a reload (SSE).
    const row = staff.locator('#case-rows tr', { hasText: '老板欠我三个月工资' });
    await row.waitFor({ timeout: 10_000 });
    await staff.screenshot({ path: resolve(ARTIFACTS, 'staff-queue-1280x800.png') });
    // Keyboard: j moves to the first case, Enter opens it.
    await staff.locator('body').press('j');
    await staff.keyboard.press('Enter');
    await staff.locator('#case-title').waitFor();
    await staff.locator('#transcript li.from-citizen', { hasText: '老板欠我三个月工资' }).waitFor();

    // Claim with Alt+C, the reply box gets the focus; Ctrl+Enter sends.
    await staff.keyboard.press('Alt+c');
    await staff.locator('#reply-text:focus').waitFor();
    await staff.keyboard.type('您好，我是12348的王，请问工资条还在吗？');
    await staff.keyboard.press('Control+Enter');
    await staff.locator('#transcript li.from-staff', { hasText: '工资条还在吗' }).waitFor();

    await botBubbles(citizen).filter({ hasText: '【12348 工作人员王】您好，我是12348的王' }).waitFor({ timeout: 10_000 });
    await input(citizen).fill('工资条在，我拍照');
    await input(citizen).press('Enter');
    await staff.locator('#transcript li.from-citizen', { hasText: '工资条在，我拍照' }).waitFor({ timeout: 10_000 });

    // The hostile message stayed text.
    assert.equal(await staff.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await staff.locator('#transcript img, #case-rows img').count(), 0);
    await staff.locator('#transcript', { hasText: '<img src=x onerror=' }).waitFor();
    const width = await staff.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 1280, `no horizontal scrolling at 1280×800 (${width}px)`);
    await staff.screenshot({ path: resolve(ARTIFACTS, 'staff-case-1280x800.png') });

    // Hand back; the citizen rates.
    await staff.getByRole('button', { name: /交回机器人/ }).click();
    await botBubbles(citizen).filter({ hasText: /回复 1 到 5/ }).waitFor({ timeout: 10_000 });
    await ask(citizen, '5 很有帮助');
    await botBubbles(citizen).filter({ hasText: '谢谢您的评价' }).waitFor();
    await citizen.screenshot({ path: resolve(ARTIFACTS, 'citizen-after-rating.png') });

    await staff.locator('#close-box:not([hidden])').waitFor();
    await staff.locator('#outcome').selectOption('answered');
    await staff.getByRole('button', { name: '结案', exact: true }).click();
    await staff.locator('#case-status', { hasText: '已结案' }).waitFor();

    const caseId = await staff.evaluate(() => document.body.getAttribute('data-case'));
    const csv = await staff.evaluate(() => fetch('/staff/api/export.csv').then((r) => r.text()));
    const line = csv.split('\r\n').find((l) => l.startsWith(caseId!));
    assert.ok(line, `the export holds ${caseId}`);
    assert.match(line!, /,answered,wang,\d+,5,很有帮助$/);
    assert.deepEqual(problems, []);
    await staffCtx.close();
    await citizenCtx.close();
  });

  it('is usable on a tablet: the case page stacks and nothing scrolls sideways', async () => {
    const desk = suite.app;
    const account = await desk.addUser('li', 'staff', '李');
    const ctx = await suite.browser.newContext({ viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await signIn(page, `${desk.url}/staff/login`, account, 'button');
    await page.locator('h1', { hasText: '求助排队' }).waitFor();
    await page.goto(`${desk.url}/staff?status=closed`);
    await page.locator('#case-rows a').first().click();
    await page.locator('#case-title').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 768, `no sideways scrolling on a tablet (${width}px)`);
    await page.screenshot({ path: resolve(ARTIFACTS, 'staff-case-tablet.png') });
    await ctx.close();
  });
});
