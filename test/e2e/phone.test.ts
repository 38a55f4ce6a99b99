/**
 * The chat page on a phone (390×844, headless Chromium, normal and large text) with the product
 * bot: what a citizen sees first. The headline of every new answer is in view (not its last line),
 * phone numbers are tel: links, the 12348 button dials, the chrome leaves the chat ≥ 60 % of the
 * screen with the 110 line on one line, choices the text asks to number are numbered, the
 * screening verdict's "到哪里申请 / 📍 / ☎" lines are not inside the last bullet, and "English"
 * switches the greeting, menu, buttons and notices. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ARTIFACTS, ask as send, BOT, botUi, browserSuite, waitForReply as replied } from './harness';
import { startChatServer } from './server';

const ZH = botUi('zh-CN');
const EN = botUi('en');

const button = (page: Page, name: string | RegExp) => page.getByRole('toolbar').getByRole('button', { name, exact: typeof name === 'string' });

describe('web chat on a phone (390×844)', function () {
  this.timeout(120_000);
  const suite = browserSuite(() => startChatServer());

  async function open(opts: { large?: boolean; locale?: string } = {}): Promise<Page> {
    const page = await suite.openChat(`${suite.app.url}/`, {
      prefs: { locale: opts.locale ?? 'zh-CN', largeText: !!opts.large },
      // What the page asks the browser to open (the dialler for tel:), recorded instead of opened.
      setup: (ctx) =>
        ctx.addInitScript(() => {
          (window as unknown as { opened: string[] }).opened = [];
          window.open = ((url?: string | URL) => {
            (window as unknown as { opened: string[] }).opened.push(String(url));
            return null;
          }) as typeof window.open;
        }),
    });
    await page.getByRole('toolbar').getByRole('button').first().waitFor(); // greeted, with the menu
    return page;
  }

  /** Sends like a person and waits for the bot's reply to finish arriving and scrolling. */
  const ask = async (page: Page, text: string) => {
    await send(page, text, { settleMs: 900 });
  };
  const waitForReply = (page: Page, before: number) => replied(page, before, 900); // Web Chat's smooth scroll

  /** Where the newest bot bubble's first line is, relative to the visible transcript. */
  async function newestAnswer(page: Page): Promise<{ top: number; height: number; viewTop: number; viewBottom: number; firstLineVisible: boolean }> {
    return page.evaluate((s) => {
      const view = document.querySelector('.webchat__basic-transcript__scrollable')!.getBoundingClientRect();
      const all = document.querySelectorAll(s);
      const last = all[all.length - 1]!;
      const box = last.getBoundingClientRect();
      const first = (last.querySelector('p, li, strong') ?? last).getBoundingClientRect();
      return { top: box.top, height: box.height, viewTop: view.top, viewBottom: view.bottom, firstLineVisible: first.top >= view.top - 1 && first.top + 16 <= view.bottom };
    }, BOT);
  }

  /**
   * The chrome's measurements. A string, not a function: tsx would wrap a function's inner names in
   * a helper the page does not have.
   */
  const CHROME = `(() => {
    const box = (sel) => document.querySelector(sel).getBoundingClientRect();
    const em = document.querySelector('.emergency');
    const lineHeight = parseFloat(getComputedStyle(em).fontSize) * 1.45;
    const tel = box('.emergency a[href="tel:110"]');
    return {
      chat: box('.chat').height,
      viewport: window.innerHeight,
      emergencyLines: Math.round((box('.emergency').height - 8) / lineHeight),
      telVisible: tel.width > 0 && tel.right <= window.innerWidth && tel.top >= 0,
      disclaimerOpen: document.querySelector('.disclaimer').open,
    };
  })()`;
  const chrome = (page: Page) =>
    page.evaluate(CHROME) as Promise<{ chat: number; viewport: number; emergencyLines: number; telVisible: boolean; disclaimerOpen: boolean }>;

  for (const large of [false, true]) {
    const size = large ? 'large' : 'normal';
    it(`${size} text: each new answer shows its headline first; numbers are tel: links; the chat has ≥ 60 % of the screen`, async () => {
      const page = await open({ large });
      const start = await chrome(page);
      assert.equal(start.emergencyLines, 1, '110 notice on one line');
      assert.ok(start.telVisible, '110 is visible');
      assert.ok(start.chat >= 0.6 * start.viewport, `chat ${start.chat}px of ${start.viewport}px`);

      const questions: [string, RegExp][] = [
        ['老板拖欠工资三个月怎么办', /被拖欠工资怎么办/],
        ['离婚以后孩子抚养权归谁', /抚养/],
        ['出了车祸对方全责不赔钱怎么办', /交通事故|车祸/],
      ];
      for (const [i, [q, headline]] of questions.entries()) {
        await ask(page, q);
        const a = await newestAnswer(page);
        const bubble = page.locator(BOT).last();
        assert.match(await bubble.innerText(), headline);
        assert.ok(a.firstLineVisible, `answer to "${q}": its first line is in view (top ${a.top}, view ${a.viewTop}–${a.viewBottom})`);
        await page.screenshot({ path: `${ARTIFACTS}/phone-${size}-answer-${i + 1}.png` });
      }
      // The wage answer names 12333 and 12348: both tappable, with the right number.
      const hrefs = await page.locator(BOT).filter({ hasText: '被拖欠工资怎么办' }).first().locator('a[href^="tel:"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.includes('tel:12333') && hrefs.includes('tel:12348'), `tel links: ${hrefs.join(', ')}`);

      const after = await chrome(page);
      assert.equal(after.disclaimerOpen, false, 'the disclaimer folds once the citizen has asked');
      assert.equal(after.emergencyLines, 1);
      assert.ok(after.telVisible);
      assert.ok(after.chat >= 0.6 * after.viewport, `chat ${after.chat}px of ${after.viewport}px`);
      await suite.done(page);
    });
  }

  it('danger now: the first reply makes 110 one tap, and starts in view', async () => {
    const page = await open();
    await ask(page, '我老公正在打我，我很害怕');
    const first = page.locator(BOT).filter({ hasText: '110' }).first();
    assert.equal(await first.locator('a[href="tel:110"]').count() > 0, true, 'a tel:110 link in the reply');
    assert.ok((await newestAnswer(page)).firstLineVisible || (await first.isVisible()));
    await page.screenshot({ path: `${ARTIFACTS}/phone-emergency.png` });
    await suite.done(page);
  });

  it('"展开全文 / 详细步骤" shows the whole entry, from its start', async () => {
    const page = await open();
    await ask(page, '老板拖欠工资三个月怎么办');
    const short = await page.locator(BOT).last().innerText();
    const before = await page.locator(BOT).count();
    await button(page, ZH.answer.more).click();
    await waitForReply(page, before);
    const full = await page.locator(BOT).last().innerText();
    assert.ok(full.length > short.length * 1.3, `full ${full.length} chars, short ${short.length}`);
    assert.match(full, /注意/);
    assert.ok((await newestAnswer(page)).firstLineVisible, 'the full text starts in view');
    await button(page, ZH.feedback.helpful).waitFor(); // the other buttons stay
    assert.equal(await button(page, ZH.answer.more).count(), 0);
    await page.screenshot({ path: `${ARTIFACTS}/phone-full-answer.png` });
    await suite.done(page);
  });

  it('"拨打 12348 热线" opens the dialler; a prompt that says 回复序号 has numbered buttons', async () => {
    const page = await open();
    await ask(page, '赔偿');
    const clarify = page.locator(BOT).last();
    assert.match(await clarify.innerText(), new RegExp(ZH.choice['by-number']));
    const labels = await page.getByRole('toolbar').getByRole('button').allInnerTexts();
    assert.ok(labels.length >= 2 && labels.every((l, i) => l.startsWith(`${i + 1}. `)), `buttons: ${labels.join(' | ')}`);
    await button(page, `${labels.length}. ${ZH.choice['none-of-these']}`).click();
    await page.locator('.webchat__bubble--from-user').filter({ hasText: new RegExp(`^${ZH.choice['none-of-these']}$`) }).waitFor();
    await ask(page, 'qwerty asdf');
    const before = await page.locator(BOT).count();
    await button(page, ZH.offer.hotline).click();
    await page.waitForFunction(() => (window as unknown as { opened: string[] }).opened.length > 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { opened: string[] }).opened), ['tel:12348']);
    await page.waitForTimeout(500);
    assert.equal(await page.locator(BOT).count(), before, 'dialling sends nothing to the bot');
    await page.screenshot({ path: `${ARTIFACTS}/phone-offer-help.png` });
    await suite.done(page);
  });

  it('the screening verdict: "到哪里申请", 📍 and ☎ are lines of their own, not inside the last bullet', async () => {
    const page = await open();
    await ask(page, '法律援助预审');
    // Wages (a listed matter) → not an Art. 32 case → not an Art. 42 group → hard up → no district.
    for (const pick of [ZH.screening.matter.pay, ZH.choice.no, ZH.choice.no, ZH.screening.hardship.hard, ZH.choice.skip]) {
      const before = await page.locator(BOT).count();
      await button(page, pick).click();
      await waitForReply(page, before);
    }
    const verdict = page.locator(BOT).filter({ hasText: '预审结论' }).last();
    await verdict.waitFor();
    const insideItems = await verdict.locator('li').evaluateAll((lis) => lis.map((li) => li.textContent ?? '').filter((t) => /到哪里申请|📍|☎/.test(t)));
    assert.deepEqual(insideItems, []);
    assert.match(await verdict.innerText(), /到哪里申请/);
    await verdict.screenshot({ path: `${ARTIFACTS}/phone-verdict.png` });
    await suite.done(page);
  });

  it('"English" switches the greeting, menu, buttons and notices, and a Latin font comes first', async () => {
    const page = await open();
    const before = await page.locator(BOT).count();
    await page.click('#btn-lang');
    await waitForReply(page, before);
    await button(page, EN.menu.wages).waitFor();
    assert.equal(await button(page, ZH.menu.wages).count(), 0);
    assert.match(await page.locator('.emergency').innerText(), /110/);
    assert.doesNotMatch(await page.locator('.notices').innerText(), /[\u4e00-\u9fff]/);
    const font = await page.locator(BOT).last().evaluate((el) => getComputedStyle(el).fontFamily);
    const first = font.split(',').map((f) => f.trim().replace(/"/g, ''));
    const latin = first.findIndex((f) => /Segoe UI|Roboto|Helvetica|Arial|Liberation|DejaVu/.test(f));
    const cjk = first.findIndex((f) => /PingFang|YaHei|CJK|WenQuanYi|Hiragino/.test(f));
    assert.ok(latin >= 0 && latin < cjk, `font stack: ${font}`);
    await ask(page, "my boss hasn't paid me for 3 months");
    assert.match(await page.locator(BOT).last().innerText(), /Legal basis/);
    await page.screenshot({ path: `${ARTIFACTS}/phone-english.png` });
    await suite.done(page);
  });

  it('typing "English" switches the page too, and "中文" back', async () => {
    const page = await open();
    await ask(page, 'English');
    await page.locator('h1', { hasText: 'Legal Aid Assistant' }).waitFor();
    await button(page, EN.menu.wages).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await ask(page, '中文');
    await page.locator('h1', { hasText: '法律援助咨询助手' }).waitFor();
    await button(page, ZH.menu.wages).waitFor();
    await suite.done(page);
  });
});
