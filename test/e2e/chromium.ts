/**
 * Where browser tests find Chromium, and what happens when it is not there. Locally (a fresh
 * machine without Debian's `chromium`) every browser suite skips with one clear line saying why and
 * how to enable it; under CI=true a missing browser fails the run, so CI can never pass without
 * having run them (.ci/run installs chromium and a Chinese font).
 *
 * Browser suites get this through harness.ts (browserSuite calls requireChromium in its `before`);
 * a bench or a suite of its own can call it directly:
 *   describe('…', function () { before(function () { requireChromium(this); }); … })
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for Debian's Chromium on a machine with no outside network (and as root). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const told = new Set<string>();

/** Skips the calling suite (or fails it under CI=true) when Chromium is missing. */
export function requireChromium(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const why = `${CHROMIUM} is missing`;
  if (process.env.CI === 'true') throw new Error(`${why}: browser tests are required under CI=true (.ci/run installs it: apt-get install chromium fonts-wqy-microhei)`);
  const title = ctx.currentTest?.parent?.title ?? ctx.test?.parent?.title ?? 'browser tests';
  if (!told.has(title)) {
    told.add(title);
    console.log(`    skipping "${title}": ${why} (to run them: apt-get install chromium fonts-wqy-microhei, or set CHROMIUM_PATH)`);
  }
  ctx.skip();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
