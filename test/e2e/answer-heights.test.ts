/**
 * How tall the first reply to every knowledge entry is on a phone (390×844, Chromium), at normal
 * and large text (and the English entries at normal text): every entry is shown in the real page (answers from test/e2e/answer-bot.ts,
 * the answer step's own reply) and its bubble measured. Prints median / p95 / max and the
 * outliers, writes them to test-artifacts/answer-heights-<size>.json, screenshots the five tallest,
 * and holds the 95th percentile under a floor (1.5 screens at normal text size).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Locale } from '../../src/content/schema';
import { answerBot, entryIds } from './answer-bot';
import { launchChromium, requireChromium } from './chromium';
import { type ChatServer, startChatServer } from './server';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const MOBILE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const SCREEN = 844;
/** The target: a first reply fits in 1.5 phone screens at normal text size. */
const P95_FLOOR = { normal: 1.5 * SCREEN, large: 2.2 * SCREEN };

export interface HeightStats {
  n: number;
  median: number;
  p95: number;
  max: number;
  over: { id: string; px: number }[];
}

export function stats(heights: { id: string; px: number }[], limit: number): HeightStats {
  const sorted = [...heights].sort((a, b) => a.px - b.px);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!.px;
  return {
    n: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1]!.px,
    over: sorted.filter((h) => h.px > limit).reverse(),
  };
}

describe('answer height on a phone (every entry, 390×844)', function () {
  this.timeout(600_000);
  let server: ChatServer;
  let browser: Browser;

  before(async function () {
    requireChromium(this);
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startChatServer({ bot: () => answerBot });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(large: boolean, locale: Locale): Promise<Page> {
    const ctx = await browser.newContext(MOBILE);
    await ctx.addInitScript(
      ([l, loc]) => localStorage.setItem('legal-aid-bot.webchat.prefs.v1', JSON.stringify({ locale: loc, largeText: l })),
      [large, locale] as const,
    );
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor();
    return page;
  }

  const BOT = '.webchat__bubble:not(.webchat__bubble--from-user)';

  async function show(page: Page, id: string): Promise<number> {
    const before = await page.locator(BOT).count();
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill(`show:${id}`);
    await box.press('Enter');
    await page.waitForFunction(([s, n]) => document.querySelectorAll(s as string).length > (n as number), [BOT, before] as const);
    return page.locator(BOT).last().evaluate((el) => Math.round(el.getBoundingClientRect().height));
  }

  const RUNS = [
    { size: 'normal', locale: 'zh-CN' },
    { size: 'large', locale: 'zh-CN' },
    { size: 'normal', locale: 'en' },
  ] as const;
  for (const { size, locale } of RUNS) {
    const name = locale === 'zh-CN' ? size : `${size}-${locale}`;
    it(`${locale}, ${size} text: the 95th percentile of first-reply heights is under ${P95_FLOOR[size]} px`, async () => {
      const page = await open(size === 'large', locale);
      const heights: { id: string; px: number }[] = [];
      for (const id of entryIds(locale)) heights.push({ id, px: await show(page, id) });
      const s = stats(heights, 1.5 * SCREEN);
      writeFileSync(`${ARTIFACTS}/answer-heights-${name}.json`, JSON.stringify({ ...s, heights }, null, 2));
      console.log(`      ${locale}, ${size} text, ${s.n} entries: median ${s.median} px, p95 ${s.p95} px, max ${s.max} px; over 1.5 screens: ${s.over.length}`);
      for (const o of s.over.slice(0, 10)) console.log(`        ${o.id}: ${o.px} px`);
      // The five tallest, whole (an element screenshot is not cut at the viewport).
      for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`answer-tallest-${name}-`)) rmSync(`${ARTIFACTS}/${f}`);
      const tallest = [...heights].sort((a, b) => b.px - a.px).slice(0, 5);
      // A screen tall enough for the whole bubble, so the picture is the whole answer, uncut.
      await page.setViewportSize({ width: MOBILE.viewport.width, height: Math.max(SCREEN, tallest[0]!.px + 500) });
      for (const [i, t] of tallest.entries()) {
        await show(page, t.id);
        await page.waitForTimeout(600);
        await page.locator(BOT).last().screenshot({ path: `${ARTIFACTS}/answer-tallest-${name}-${i + 1}-${t.id}.png` });
      }
      await page.context().close();
      assert.ok(s.p95 <= P95_FLOOR[size], `p95 ${s.p95} px > ${P95_FLOOR[size]} px`);
    });
  }
});
