import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, type BrowserContext, type BrowserContextOptions, devices, expect, type Page, request } from '@playwright/test';

import { initRepo } from '../fixtures/git';
import { type Chat, e2eRepo, PocketcodePage, test as base } from '../fixtures/pocketcode';
import { startPocketcode } from '../fixtures/server';

/**
 * The builds a bench compares, side by side in one run: "after" is the
 * server global setup started (this checkout's release build); "before",
 * when POCKETCODE_BIN_BEFORE (with POCKETCODE_SITE_BEFORE) names an earlier
 * release build (`make bench` builds BASE with benches/size/build-before),
 * is that build started here as a second server with its own data dir,
 * opencode and git repo, and stopped after the benches.
 */
export type Build = {
  label: string;
  baseUrl: string;
  /** A logged-in storage state for this server. */
  storageState: Exclude<BrowserContextOptions['storageState'], string | undefined>;
  /** The git repo its chats are made in. */
  repo: string;
};

/** The Pixel 7 profile and the CPU slowdown Lighthouse's mobile preset uses. */
export const PHONE = devices['Pixel 7'];
export const CPU_SLOWDOWN = 4;

async function logIn(baseUrl: string, password: string): Promise<Build['storageState']> {
  const context = await request.newContext({ baseURL: baseUrl });
  try {
    const response = await context.post('/login', { form: { password, next: '/' }, maxRedirects: 0 });
    expect(response.status(), `logging in to ${baseUrl}`).toBe(303);
    return await context.storageState();
  } finally {
    await context.dispose();
  }
}

async function beforeBuild(): Promise<{ build: Build; stop: () => Promise<void> } | null> {
  const binary = process.env.POCKETCODE_BIN_BEFORE;
  if (!binary) return null;
  const siteRoot = process.env.POCKETCODE_SITE_BEFORE ?? path.resolve(path.dirname(binary), '..', 'site');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pocketcode-bench-before-'));
  const repo = path.join(root, 'project');
  fs.mkdirSync(repo);
  initRepo(repo);
  const server = await startPocketcode({ binary, siteRoot });
  const storageState = await logIn(server.baseUrl, server.password);
  const label = `before (${process.env.POCKETCODE_BENCH_BEFORE_LABEL ?? path.basename(binary)})`;
  return {
    build: { label, baseUrl: server.baseUrl, storageState, repo },
    stop: async () => {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export { expect };

export const test = base.extend<object, { builds: Build[] }>({
  builds: [
    async ({}, use) => {
      const before = await beforeBuild();
      const after: Build = {
        label: `after (${process.env.POCKETCODE_BENCH_AFTER_LABEL ?? 'this checkout'})`,
        baseUrl: process.env.POCKETCODE_BASE_URL!,
        storageState: JSON.parse(fs.readFileSync(process.env.POCKETCODE_STORAGE_STATE!, 'utf8')),
        repo: e2eRepo(),
      };
      try {
        await use(before ? [before.build, after] : [after]);
      } finally {
        await before?.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});

/** A fresh phone (Pixel 7 profile) logged in to `build`. */
export async function phone(browser: Browser, build: Build): Promise<{ context: BrowserContext; page: Page; app: PocketcodePage }> {
  const context = await browser.newContext({
    ...PHONE,
    baseURL: build.baseUrl,
    storageState: build.storageState,
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  return { context, page, app: new PocketcodePage(page) };
}

/** Throttles the page's CPU as a phone's (Chromium's emulation). */
export async function throttle(page: Page, rate = CPU_SLOWDOWN): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * Fills `chat` with `messages` messages: prompts with the scripted model's
 * immediate replies (one exchange is two messages), each marked with `tag`.
 */
export async function fillChat(page: Page, chat: Chat, messages: number, tag = ''): Promise<void> {
  for (let i = 0; i < messages / 2; i++) {
    const response = await page.request.post(`/session/${chat.sessionId}/message`, {
      headers: { 'x-opencode-directory': chat.worktree },
      data: {
        parts: [{ type: 'text', text: `${tag}Message ${i}: a line of **markdown** with \`code\`. [scenario:plain ms=0]` }],
      },
      timeout: 60_000,
    });
    expect(response.status(), await response.text()).toBe(200);
  }
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The value at or below which 90% of `values` are (nearest rank). */
export const p90 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * 0.9) - 1)];

export const ms = (n: number) => `${Math.round(n)} ms`;

/** One line per build: the value against its target. */
export function printTarget(title: string, target: string, rows: [label: string, value: string, met: boolean][]): void {
  console.log(`${title} (target ${target}):`);
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value, met] of rows) {
    console.log(`  ${label.padEnd(width)}  ${value}  ${met ? 'meets the target' : 'misses the target'}`);
  }
}
