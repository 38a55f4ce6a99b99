/**
 * What every browser test does the same way: one Chromium and one app per suite (started in
 * `before`, closed in `after`; the suite skips locally, or fails under CI=true, when Chromium is
 * missing — see chromium.ts), the problems its pages report (console errors, page errors, and with
 * `failedRequests` HTTP ≥ 400), the chat page opened on a phone and connected, a message sent like
 * a person and the reply waited for, and a sign-in to the staff console.
 *
 *   describe('…', function () {
 *     const s = browserSuite(() => startChatServer());
 *     it('…', async () => { const page = await s.openChat(`${s.app.url}/`); await ask(page, '…'); });
 *   });
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, requireChromium } from './chromium';

/** Screenshots and measurements (git-ignored). */
export const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
export const MOBILE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;
/** Where the chat page keeps the citizen's language and text size. */
export const PREFS_KEY = 'legal-aid-bot.webchat.prefs.v1';

/** The bot's bubbles (not the citizen's) in Web Chat. */
export const BOT = '.webchat__bubble:not(.webchat__bubble--from-user)';
export const input = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');
export const botBubbles = (page: Page) => page.locator(BOT);
export const userBubble = (page: Page, text: string | RegExp) => page.locator('.webchat__bubble--from-user').filter({ hasText: text });

/**
 * The bot's button labels of a locale (dialogs/locales/<locale>/ui.json), so wording changes there
 * break no test. Untyped by default: the shape is the locale file's, and each test reads the keys it needs.
 */
export const botUi = <T = any>(locale: string): T => JSON.parse(readFileSync(resolve(__dirname, `../../dialogs/locales/${locale}/ui.json`), 'utf8')) as T;

export interface ChatOptions {
  /** The browser context (default: a phone, MOBILE). */
  context?: BrowserContextOptions;
  /** The chat page's stored preferences, as if chosen on an earlier visit. */
  prefs?: { locale: string; largeText: boolean };
  /** More set-up of the context before the page opens (init scripts, routes). */
  setup?: (ctx: BrowserContext) => Promise<unknown>;
  /** Whose page it is in `problems` (default: none); false: not watched. */
  who?: string | false;
}

export interface BrowserSuite<A> {
  /** The app under test, as `start` returned it. */
  readonly app: A;
  readonly browser: Browser;
  /** What the watched pages reported; tests assert it is empty. */
  readonly problems: string[];
  watch(page: Page, who?: string): void;
  /** A new context and page on the chat page at `url`, its send box ready and connected. */
  openChat(url: string, opts?: ChatOptions): Promise<Page>;
  /** Closes the page's context, then asserts that no watched page reported a problem. */
  done(page: Page): Promise<void>;
}

/** Registers the suite's before/after hooks; call it in the describe body. */
export function browserSuite<A extends { close(): Promise<void> }>(start: () => Promise<A>, opts: { failedRequests?: boolean } = {}): BrowserSuite<A> {
  let app: A | undefined;
  let browser: Browser | undefined;
  const problems: string[] = [];

  before(async function () {
    requireChromium(this);
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const watch = (page: Page, who?: string) => {
    const by = who ? `${who} ` : '';
    page.on('console', (m) => m.type() === 'error' && problems.push(`${by}console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${by}pageerror: ${e.message}`));
    if (opts.failedRequests) page.on('response', (r) => r.status() >= 400 && problems.push(`${by}${r.status()} ${r.url()}`));
  };

  return {
    get app() {
      if (!app) throw new Error('the app is started in before()');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('the browser is launched in before()');
      return browser;
    },
    problems,
    watch,
    async openChat(url, o = {}) {
      const ctx = await this.browser.newContext(o.context ?? MOBILE);
      if (o.prefs) await ctx.addInitScript(([key, prefs]) => localStorage.setItem(key as string, prefs as string), [PREFS_KEY, JSON.stringify(o.prefs)] as const);
      await o.setup?.(ctx);
      const page = await ctx.newPage();
      // CSP violations, script errors and failed loads all show up here.
      if (o.who !== false) watch(page, o.who);
      await page.goto(url);
      await input(page).waitFor();
      // Web Chat shows "正在连接…" for the first few hundred ms (debounced); a person waits for it too.
      await page.locator('.webchat__connectivityStatus').filter({ hasText: /连接|onnect/ }).waitFor({ state: 'hidden' });
      return page;
    },
    async done(page) {
      await page.context().close();
      assert.deepEqual(problems, []);
    },
  };
}

/**
 * Waits until the bot has more than `before` bubbles, then `settleMs` more (Web Chat's smooth scroll).
 * When no reply comes, the error says what the page showed — the citizen's last message and its send
 * status, the connection line, the bot's last bubble — so a failure in CI can be told apart: a message
 * never sent, a send that failed, a lost connection, or a reply that never came.
 */
export async function waitForReply(page: Page, before: number, settleMs = 0): Promise<void> {
  try {
    // Polled on a timer, not on animation frames (Playwright's default): a renderer busy laying out a
    // long transcript may go a long time without a frame, and the reply is there all the same.
    await page.waitForFunction(([s, n]) => document.querySelectorAll(s as string).length > (n as number), [BOT, before] as const, { polling: 100 });
  } catch (err) {
    // A string, not a function: tsx would wrap a function's inner helpers in __name, unknown in the page.
    const seen = await page
      .evaluate(`(() => {
        const text = (el) => (el?.textContent ?? '').replace(/\\s+/g, ' ').trim().slice(0, 160);
        const last = (sel) => { const all = document.querySelectorAll(sel); return all[all.length - 1]; };
        return {
          botBubbles: document.querySelectorAll(${JSON.stringify(BOT)}).length,
          userBubbles: document.querySelectorAll('.webchat__bubble--from-user').length,
          lastUser: text(last('.webchat__bubble--from-user')),
          lastStatus: text(last('.webchat__activity-status')),
          connection: text(document.querySelector('.webchat__connectivityStatus')),
          sendBox: document.querySelector('[data-id="webchat-sendbox-input"]')?.value ?? null,
          lastBot: text(last(${JSON.stringify(BOT)})),
        };
      })()`)
      .catch((e: Error) => ({ unreadable: e.message }));
    throw new Error(`no reply after bubble ${before}: ${(err as Error).message.split('\n')[0]}; the page showed ${JSON.stringify(seen)}`);
  }
  if (settleMs) await page.waitForTimeout(settleMs);
}

/**
 * Sends like a person (type, Enter) and waits until the bot has said something more; with `echo`,
 * also until the page shows the message as the citizen's. Returns the bot's bubble count before.
 */
export async function ask(page: Page, text: string, o: { echo?: boolean; settleMs?: number } = {}): Promise<number> {
  const before = await botBubbles(page).count();
  await input(page).fill(text);
  await input(page).press('Enter');
  if (o.echo) await userBubble(page, text).last().waitFor();
  await waitForReply(page, before, o.settleMs);
  return before;
}

/** Signs in on the staff console's form, reached from `url` (the login page, or a page that sends there). */
export async function signIn(page: Page, url: string, account: { username: string; password: string }, submit: 'enter' | 'button' = 'enter'): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill(account.username);
  await page.getByLabel('密码').fill(account.password);
  if (submit === 'enter') await page.getByLabel('密码').press('Enter');
  else await page.getByRole('button', { name: '登录' }).click();
}
