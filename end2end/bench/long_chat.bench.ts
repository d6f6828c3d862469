import type { Page } from '@playwright/test';

import { type Chat, expect, test } from '../fixtures/pocketcode';

/**
 * How long a chat takes to open on a phone, short (10 messages) against
 * long (1,000 messages), side by side in one run: to the server's HTML, to
 * first contentful paint, and to hydration (the page answers taps). The
 * phone's slower CPU is emulated (4× throttling), as Lighthouse's mobile
 * preset does.
 */
const CPU_SLOWDOWN = 4;
const RUNS = 3;

async function fillChat(page: Page, chat: Chat, messages: number): Promise<void> {
  // One exchange is two messages: the prompt and the scripted reply.
  for (let i = 0; i < messages / 2; i++) {
    const response = await page.request.post(`/session/${chat.sessionId}/message`, {
      headers: { 'x-opencode-directory': chat.worktree },
      data: {
        parts: [{ type: 'text', text: `Message ${i}: a line of **markdown** with \`code\`. [scenario:plain ms=0]` }],
      },
      timeout: 60_000,
    });
    expect(response.status(), await response.text()).toBe(200);
  }
}

type Timing = { html: number; fcp: number; hydrated: number };

async function open(page: Page, href: string): Promise<Timing> {
  const started = Date.now();
  await page.goto(href);
  await expect(page.locator('main#app')).toHaveAttribute('data-hydrated', 'true', { timeout: 60_000 });
  const hydrated = Date.now() - started;
  const { html, fcp } = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { html: nav.responseEnd - nav.startTime, fcp: paint ? paint.startTime : NaN };
  });
  return { html, fcp, hydrated };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test('opening a 1,000-message chat vs a 10-message chat on a throttled phone', async ({ pocketcode, page }) => {
  const short = await pocketcode.newChat();
  await fillChat(page, short, 10);
  const long = await pocketcode.newChat();
  await fillChat(page, long, 1000);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const results: Record<string, Timing[]> = { short: [], long: [] };
  for (let run = 0; run < RUNS; run++) {
    results.short.push(await open(page, short.href));
    results.long.push(await open(page, long.href));
  }
  // It opens at its end: the last 100 messages, the rest a page at a time.
  await expect(pocketcode.messages('You')).toHaveCount(50);
  const earlier = page.getByRole('button', { name: 'Show earlier messages' });
  await earlier.click();
  await expect(pocketcode.messages('You')).toHaveCount(100);
  await expect(earlier).toBeVisible();

  const row = (name: string) => {
    const t = results[name];
    return {
      html: median(t.map((x) => x.html)),
      fcp: median(t.map((x) => x.fcp)),
      hydrated: median(t.map((x) => x.hydrated)),
    };
  };
  const s = row('short');
  const l = row('long');
  const fmt = (n: number) => `${Math.round(n)} ms`;
  console.log(`long chat (Pixel 7 profile, CPU ×${CPU_SLOWDOWN}, median of ${RUNS}):`);
  console.log(`  10 messages:    html ${fmt(s.html)}, first paint ${fmt(s.fcp)}, hydrated ${fmt(s.hydrated)}`);
  console.log(`  1,000 messages: html ${fmt(l.html)}, first paint ${fmt(l.fcp)}, hydrated ${fmt(l.hydrated)}`);
  console.log(
    `  ratio long/short: html ${(l.html / s.html).toFixed(1)}×, first paint ${(l.fcp / s.fcp).toFixed(1)}×, hydrated ${(l.hydrated / s.hydrated).toFixed(1)}×`,
  );
});
