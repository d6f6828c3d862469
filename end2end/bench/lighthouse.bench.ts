import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { SESSION_COOKIE } from '../fixtures/login';
import { expect, test } from '../fixtures/pocketcode';

/**
 * Lighthouse (pinned, fetched from npm on first use) on the chat page with
 * its mobile preset, against Debian's Chromium: the four category scores.
 * Installability is checked by the e2e tests through Chromium itself
 * (`Page.getInstallabilityErrors`), since Lighthouse 12+ no longer has a PWA
 * category.
 */
const LIGHTHOUSE = 'lighthouse@13.5.0';

test('Lighthouse scores of the chat page (mobile preset)', async ({ pocketcode, page, context }) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('A first message, so the page has a transcript.');
  await pocketcode.waitUntilIdle();
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toBeTruthy();
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pocketcode-lh-')), 'report.json');
  const url = new URL(chat.href, page.url()).href;
  await promisify(execFile)(
    'npx',
    [
      '--yes',
      LIGHTHOUSE,
      url,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      `--extra-headers=${JSON.stringify({ Cookie: `${cookie!.name}=${cookie!.value}` })}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
      '--only-categories=performance,accessibility,best-practices,seo',
    ],
    { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }, timeout: 10 * 60_000 },
  );
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  expect(report.finalDisplayedUrl).toContain(chat.href);
  const scores = Object.fromEntries(
    Object.entries(report.categories as Record<string, { score: number }>).map(([id, c]) => [id, Math.round(c.score * 100)]),
  );
  console.log(`Lighthouse ${report.lighthouseVersion}, mobile preset, ${chat.href}:`);
  for (const [id, score] of Object.entries(scores)) console.log(`  ${id}: ${score}`);
  const lcp = report.audits['largest-contentful-paint']?.displayValue;
  const tbt = report.audits['total-blocking-time']?.displayValue;
  console.log(`  largest contentful paint ${lcp}, total blocking time ${tbt}`);
  expect(Object.keys(scores).sort()).toEqual(['accessibility', 'best-practices', 'performance', 'seo']);
});
