/**
 * The chat page in a real browser: Debian's headless Chromium (/usr/bin/chromium, installed by
 * .ci/run) driven by playwright-core, against the app on 127.0.0.1 with the product bot (dialog
 * engine, real knowledge and search). Button labels come from dialogs/locales so wording changes
 * there do not break this test. Screenshots go to test-artifacts/ (git-ignored) for people to see.
 */
import assert from 'node:assert/strict';
import type { BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import type { ConversationId } from '../../src/channels/directline';
import { ARTIFACTS, ask as send, BOT, botBubbles, botUi, browserSuite, input, MOBILE, PREFS_KEY, userBubble, waitForReply } from './harness';
import { startChatServer } from './server';

const SESSION_KEY = 'legal-aid-bot.webchat.session.v1';

interface BotUi {
  menu: { wages: string };
  feedback: { helpful: string };
  answer: { source: string };
}
const ZH = botUi<BotUi>('zh-CN');
const EN = botUi<BotUi>('en');

const botBubble = (page: Page, text: string | RegExp) => botBubbles(page).filter({ hasText: text });
const button = (page: Page, name: string) => page.getByRole('toolbar').getByRole('button', { name, exact: true });

describe('web chat page in headless Chromium', function () {
  this.timeout(90_000);
  const suite = browserSuite(() => startChatServer());
  const problems = suite.problems;

  const open = (context: BrowserContextOptions = MOBILE, setup?: (ctx: BrowserContext) => Promise<void>): Promise<Page> => suite.openChat(`${suite.app.url}/`, { context, setup });

  async function conversationOf(page: Page): Promise<ConversationId> {
    await page.waitForFunction((key) => !!sessionStorage.getItem(key), SESSION_KEY);
    return page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)!).conversationId, SESSION_KEY) as Promise<ConversationId>;
  }

  /** The user's messages as the server received them (not what the page shows). */
  async function sentByUser(conversationId: ConversationId): Promise<string[]> {
    const page = await suite.app.directLine.log.read(conversationId, undefined, 1000);
    return page.activities.filter((a) => a.type === 'message' && a.from?.role === 'user').map((a) => a.text ?? '');
  }

  /** Waits (briefly) until the server has received exactly `expected` from the user. */
  async function expectSent(conversationId: ConversationId, expected: string[]): Promise<void> {
    const until = Date.now() + 5000;
    let sent = await sentByUser(conversationId);
    while (JSON.stringify(sent) !== JSON.stringify(expected) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      sent = await sentByUser(conversationId);
    }
    assert.deepEqual(sent, expected);
  }

  /**
   * Waits for Web Chat's smooth scroll to finish (before a screenshot). It stops at the start of a
   * long new reply (the headline), not necessarily at the bottom, so wait until it stands still.
   */
  async function settled(page: Page): Promise<void> {
    let last = -1;
    for (let still = 0; still < 3; ) {
      await page.waitForTimeout(150);
      const top = await page.evaluate(() => document.querySelector('.webchat__basic-transcript__scrollable')?.scrollTop ?? 0);
      still = top === last ? still + 1 : 0;
      last = top;
    }
  }

  /** Sends like a person (type, Enter) and waits until the page shows it and the bot has said something more. */
  const ask = async (page: Page, text: string) => {
    await send(page, text, { echo: true });
  };

  it('shows the notices, answers with its source and buttons, a button works, reload continues, English works', async () => {
    const page = await open();
    await page.locator('.emergency a[href="tel:110"]').waitFor({ state: 'visible' });
    assert.match(await page.locator('.disclaimer').innerText(), /本服务提供法律信息，不是律师意见/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.getByRole('toolbar').getByRole('button').first().waitFor(); // the greeting's menu

    await ask(page, '老板拖欠工资三个月怎么办');
    const answer = botBubble(page, ZH.answer.source).last();
    await answer.waitFor();
    assert.match(await answer.innerText(), /工资/);
    await button(page, ZH.feedback.helpful).waitFor();
    await settled(page);
    await page.screenshot({ path: `${ARTIFACTS}/webchat-mobile-zh.png` });

    const before = await botBubbles(page).count();
    await button(page, ZH.feedback.helpful).click();
    await userBubble(page, ZH.feedback.helpful).waitFor();
    await waitForReply(page, before);
    const conversationId = await conversationOf(page);
    await expectSent(conversationId, ['老板拖欠工资三个月怎么办', ZH.feedback.helpful]);
    const transcript = await botBubbles(page).allInnerTexts();

    // Reload: same conversation, the same history back, no second greeting.
    await page.reload();
    await input(page).waitFor();
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length >= (n as number), [BOT, transcript.length] as const);
    assert.equal(await conversationOf(page), conversationId);
    assert.deepEqual(await botBubbles(page).allInnerTexts(), transcript);

    // English: page strings, Web Chat's own strings and the bot's answers.
    await page.click('#btn-lang');
    await page.locator('h1', { hasText: 'Legal Aid Assistant' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // Folded after the first message: its one line shows, the whole text is one tap away.
    assert.match(await page.locator('.disclaimer summary').innerText(), /Legal information, not a lawyer's advice/);
    assert.match((await page.locator('.disclaimer p').textContent()) ?? '', /legal information, not a lawyer's advice/);
    assert.equal(await input(page).getAttribute('placeholder'), 'Type your message');
    await ask(page, "my boss hasn't paid me for 3 months");
    await botBubble(page, EN.answer.source).last().waitFor();
    await button(page, EN.feedback.helpful).waitFor();
    await settled(page);
    await page.screenshot({ path: `${ARTIFACTS}/webchat-mobile-en.png` });
    assert.equal(await conversationOf(page), conversationId, 'switching language keeps the conversation');

    // The choice is remembered.
    await page.reload();
    await page.locator('h1', { hasText: 'Legal Aid Assistant' }).waitFor();
    await suite.done(page);
  });

  it('a first visit in English is greeted in English', async () => {
    const page = await open(MOBILE, async (ctx) => {
      await ctx.addInitScript((key) => localStorage.setItem(key, JSON.stringify({ locale: 'en', largeText: false })), PREFS_KEY);
    });
    await button(page, EN.menu.wages).waitFor();
    assert.doesNotMatch((await botBubbles(page).allInnerTexts()).join('\n'), /您好|请选择/);
    await suite.done(page);
  });

  it('a stored conversation whose token was refused (expired, server restarted) starts afresh and says so', async () => {
    const page = await open();
    const first = await conversationOf(page);
    // The page saves its session when it unloads, so spoil the token as the reloaded page starts.
    await page.addInitScript((key) => {
      const saved = JSON.parse(sessionStorage.getItem(key)!);
      sessionStorage.setItem(key, JSON.stringify({ ...saved, token: `${saved.token}x` }));
    }, SESSION_KEY);
    await page.reload();
    await input(page).waitFor();
    await page.locator('.notice', { hasText: '上次的对话已过期' }).waitFor();
    await page.waitForFunction(([key, old]) => {
      const raw = sessionStorage.getItem(key as string);
      return !!raw && JSON.parse(raw).conversationId !== old;
    }, [SESSION_KEY, first] as const);
    await page.getByRole('toolbar').getByRole('button').first().waitFor(); // greeted again
    await page.context().close();
    assert.deepEqual(problems.filter((p) => !/401/.test(p)), []);
    problems.length = 0; // the refused refresh is logged by the browser as a failed request
  });

  it('large text makes the conversation and notices larger, and is remembered', async () => {
    const page = await open();
    await ask(page, '离婚以后孩子抚养权归谁');
    const text = botBubbles(page).last().locator('p').first();
    await text.waitFor();
    const size = () => text.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const noticeSize = () => page.locator('.disclaimer').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const [before, noticeBefore] = [await size(), await noticeSize()];
    await page.click('#btn-text-size');
    assert.equal(await page.locator('#btn-text-size').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(() => document.body.classList.contains('large-text'));
    const [after, noticeAfter] = [await size(), await noticeSize()];
    assert.ok(after >= before * 1.2, `transcript text ${before}px → ${after}px`);
    assert.ok(noticeAfter > noticeBefore, `notice text ${noticeBefore}px → ${noticeAfter}px`);
    await settled(page);
    await page.screenshot({ path: `${ARTIFACTS}/webchat-mobile-large-text.png` });
    await page.reload();
    await text.waitFor();
    assert.equal(await size(), after);
    await suite.done(page);
  });

  it('looks right on a desktop screen', async () => {
    const page = await open({ viewport: { width: 1280, height: 800 } });
    await ask(page, '老板拖欠工资三个月怎么办');
    await botBubble(page, ZH.answer.source).last().waitFor();
    const box = await page.locator('.app').boundingBox();
    assert.ok(box && box.width <= 860 && box.x > 0, 'the chat column is centred, not stretched');
    await settled(page);
    await page.screenshot({ path: `${ARTIFACTS}/webchat-desktop.png` });
    await suite.done(page);
  });

  describe('Chinese input method', () => {
    /** Chromium's own IME path: a composition is active in the focused box, as with a pinyin keyboard. */
    async function compose(cdp: CDPSession, text: string) {
      await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    }

    /**
     * The keystrokes WebKit (Safari, WeChat on iOS) sends when Enter confirms a candidate. A string,
     * not a function: tsx would wrap a function's inner names in a helper the page does not have.
     */
    const SAFARI_CONFIRM_ENTER = `(() => {
      const el = document.querySelector('[data-id="webchat-sendbox-input"]');
      const key = (type, keyCode, isComposing) => {
        const e = new KeyboardEvent(type, { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, isComposing });
        for (const p of ['keyCode', 'which'].concat(type === 'keypress' ? ['charCode'] : [])) Object.defineProperty(e, p, { get: () => keyCode });
        el.dispatchEvent(e);
      };
      el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
      key('keydown', 229, true);
      key('keypress', 13, true);
      el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '劳动合同' }));
      key('keydown', 229, false);
      key('keypress', 13, false);
      key('keyup', 13, false);
    })()`;
    const safariConfirmEnter = (page: Page) => page.evaluate(SAFARI_CONFIRM_ENTER);

    async function typeWithIme(page: Page): Promise<{ conversationId: ConversationId; cdp: CDPSession }> {
      const conversationId = await conversationOf(page);
      await input(page).click();
      const cdp = await page.context().newCDPSession(page);
      await compose(cdp, 'laoban');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(600);
      return { conversationId, cdp };
    }

    it('Enter while composing sends nothing; after the text is committed Enter sends it', async () => {
      const page = await open();
      const { conversationId, cdp } = await typeWithIme(page);
      assert.deepEqual(await sentByUser(conversationId), []);
      assert.equal(await input(page).inputValue(), 'laoban', 'the composition is still in the box');

      await cdp.send('Input.insertText', { text: '老板拖欠工资' }); // the IME commits the candidate
      assert.equal(await input(page).inputValue(), '老板拖欠工资');
      await input(page).press('Enter');
      await expectSent(conversationId, ['老板拖欠工资']);

      await input(page).fill('劳动合同');
      await safariConfirmEnter(page);
      await page.waitForTimeout(600);
      assert.deepEqual(await sentByUser(conversationId), ['老板拖欠工资'], 'the Safari confirming Enter sent nothing');
      await input(page).press('Enter');
      await expectSent(conversationId, ['老板拖欠工资', '劳动合同']);
      await suite.done(page);
    });

    it('control: without the page guard, Web Chat alone sends the half-typed text (so the test above can fail)', async () => {
      const page = await open(MOBILE, async (ctx) => {
        await ctx.route('**/js/ime-guard.js', (r) => r.fulfill({ body: '', contentType: 'text/javascript' }));
      });
      const { conversationId } = await typeWithIme(page);
      await input(page).fill('劳动合同');
      await safariConfirmEnter(page);
      // Chromium's composition + Enter sent the pinyin; WebKit's confirming Enter sent the text.
      await expectSent(conversationId, ['laoban', '劳动合同']);
      await page.context().close();
    });
  });
});
