import fs from 'node:fs';
import path from 'node:path';

import { type Build, CPU_SLOWDOWN, expect, median, ms, phone, test, throttle } from './builds';

/**
 * Where a phone's main thread goes while a chat page starts (Pixel 7
 * profile, CPU ×4, warm cache, 5 loads): the bundle's fetch and
 * compilation (`pocketcode:start` → `pocketcode:compiled`, marks the start
 * script sets), then hydration (→ `pocketcode:hydrated`: the hydrating
 * task, its effects, and any task that was queued before its end),
 * and the page's long tasks in its first 5 s: the longest, and their time
 * past 50 ms each (what Lighthouse's total blocking time adds up). A build
 * without the marks prints only its long tasks. The first load's CPU
 * profile is kept per build in `end2end/bench-results/` (open it in
 * Chromium's DevTools, Performance panel).
 */
const RUNS = 5;
const WATCH_MS = 5_000;
const PROFILES = path.join(__dirname, '..', 'bench-results');

declare global {
  interface Window {
    __longTasks?: { start: number; duration: number }[];
  }
}

type Load = { compile?: number; hydrate?: number; longest: number; blocking: number };

async function loads(build: Build, browser: import('@playwright/test').Browser): Promise<Load[]> {
  const { context, page, app } = await phone(browser, build);
  try {
    const chat = await app.newChat(build.repo);
    await app.send('A first message, so the page has a transcript.');
    await app.waitUntilIdle();
    await context.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const task of list.getEntries()) window.__longTasks!.push({ start: task.startTime, duration: task.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await throttle(page);
    const cdp = await context.newCDPSession(page);
    const all: Load[] = [];
    for (let run = 0; run < RUNS; run++) {
      if (run === 0) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      await page.goto(chat.href);
      await expect(app.app).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
      // The long tasks of the page's first seconds: hydration, then what
      // its effects and the idle prefetches start.
      await page.waitForFunction((watch) => performance.now() > watch, WATCH_MS, { timeout: 60_000 });
      if (run === 0) {
        const { profile } = await cdp.send('Profiler.stop');
        fs.mkdirSync(PROFILES, { recursive: true });
        const file = path.join(PROFILES, `hydration-${build.label.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(profile));
      }
      all.push(
        await page.evaluate((watch) => {
          const at = (name: string) => performance.getEntriesByName(`pocketcode:${name}`)[0]?.startTime;
          const [start, compiled, hydrated] = [at('start'), at('compiled'), at('hydrated')];
          const tasks = (window.__longTasks ?? []).filter((task) => task.start < watch);
          return {
            compile: start !== undefined && compiled !== undefined ? compiled - start : undefined,
            hydrate: compiled !== undefined && hydrated !== undefined ? hydrated - compiled : undefined,
            longest: Math.max(0, ...tasks.map((task) => task.duration)),
            blocking: tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
          };
        }, WATCH_MS),
      );
    }
    return all;
  } finally {
    await context.close();
  }
}

const medianOf = (values: (number | undefined)[]) =>
  values.every((v) => v !== undefined) ? ms(median(values as number[])) : 'n/a';

test(`hydration of a chat page on a phone (CPU ×${CPU_SLOWDOWN}), median of ${RUNS} loads`, async ({ builds, browser }) => {
  test.setTimeout(20 * 60_000);
  const rows: string[][] = [['build', 'start → compiled', 'compiled → hydrated', 'longest task', `blocking (first ${WATCH_MS / 1000} s)`]];
  const perLoad: string[] = [];
  for (const build of builds) {
    const all = await loads(build, browser);
    perLoad.push(
      `  ${build.label}: longest task ${all.map((l) => ms(l.longest)).join(', ')}; blocking ${all.map((l) => ms(l.blocking)).join(', ')}`,
    );
    rows.push([
      build.label,
      medianOf(all.map((l) => l.compile)),
      medianOf(all.map((l) => l.hydrate)),
      ms(median(all.map((l) => l.longest))),
      ms(median(all.map((l) => l.blocking))),
    ]);
  }
  console.log(`Hydration of a chat page, Pixel 7, CPU ×${CPU_SLOWDOWN}, median of ${RUNS} loads:`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`);
  console.log('Each load, in order:');
  for (const line of perLoad) console.log(line);
});
