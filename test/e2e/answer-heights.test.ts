/**
 * How tall the first reply to every knowledge entry is on a phone (390×844, Chromium), at normal
 * and large text (and the English entries at normal text): every entry is shown in the real page (answers from test/e2e/answer-bot.ts,
 * the answer step's own reply) and its bubble measured. Prints median / p95 / max and the
 * outliers, writes them to test-artifacts/answer-heights-<size>.json, screenshots the five tallest,
 * and holds the 95th percentile under a floor (1.5 screens at normal text size).
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Locale } from '../../src/content/schema';
import { answerBot, entryIds } from './answer-bot';
import { ARTIFACTS, ask, BOT, browserSuite, MOBILE } from './harness';
import { startChatServer } from './server';

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
  const suite = browserSuite(() => startChatServer({ bot: () => answerBot }));

  const open = (large: boolean, locale: Locale): Promise<Page> => suite.openChat(`${suite.app.url}/`, { prefs: { locale, largeText: large }, who: false });

  /** Shows an entry's first reply and measures its bubble. */
  async function show(page: Page, id: string): Promise<number> {
    await ask(page, `show:${id}`);
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
