import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * pocketcode end-to-end tests: a real pocketcode release build in front of a
 * real `opencode serve` with the scripted model, driven through Debian's
 * Chromium (never `npx playwright install`: downloads fail here).
 *
 * Global setup starts `target/release/pocketcode` on a free port with a fresh
 * data dir and a generated login password, unless POCKETCODE_BASE_URL (with
 * POCKETCODE_PASSWORD) point at a server that is
 * already running; either way it logs in once for all tests.
 */
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/**
 * Specs about what differs between a phone and a desktop (layout, swipes,
 * the composer's keys, menus, pickers, accessibility) run in every profile.
 * The rest test the server's behaviour through a browser, which the profile
 * does not change, so each runs in one phone profile: the two phones split
 * them, which keeps a 2-core machine from running the same stream three
 * times over.
 */
const spec = (...names: string[]) => new RegExp(`/(${names.join('|')})\\.spec\\.ts$`);
const EVERY_PROFILE = ['accessibility', 'composer', 'hydration', 'layout', 'menu', 'pickers', 'sidebar'];
const IPHONE_ONLY = [
  'asks',
  'browser',
  'connections',
  'first_visit',
  'interrupted',
  'markdown',
  'repos',
  'streaming',
  'tool_call',
  'shipping',
  'shipping_github',
  'queue',
  'mentions',
  'search',
  'files',
  'remote_files',
  'lazy_sheets',
  'later_parts',
  'review',
  'undo',
];
const PIXEL_ONLY = ['broken_worktree', 'live_events', 'login', 'long_chat', 'no_javascript', 'pwa', 'terminal', 'update', 'usage', 'version'];
/**
 * Specs that speak into Chromium's fake microphone: a Pixel whose Chromium
 * plays this WAV as its microphone (the spec makes it with espeak-ng). Set
 * here once, so the workers, which load this file again, get the same path.
 */
const VOICE_ONLY = ['voice'];
process.env.POCKETCODE_E2E_VOICE_WAV ??= path.join(os.tmpdir(), `pocketcode-e2e-voice-${process.pid}.wav`);
const unlisted = fs
  .readdirSync(path.join(__dirname, 'tests'))
  .filter((file) => file.endsWith('.spec.ts'))
  .map((file) => file.replace(/\.spec\.ts$/, ''))
  .filter((name) => ![...EVERY_PROFILE, ...IPHONE_ONLY, ...PIXEL_ONLY, ...VOICE_ONLY].includes(name));
if (unlisted.length) throw new Error(`specs in no profile (add them to playwright.config.ts): ${unlisted.join(', ')}`);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: './fixtures/global-setup.ts',
  // Every test makes its own session, so tests and projects run side by side.
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 3),
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous waits: a chat's first prompt makes opencode boot that
  // directory's services, which took up to 20 s with three browsers on two
  // cores. Tests check behaviour; speed is measured by `make bench`.
  timeout: 90_000,
  expect: { timeout: 30_000 },
  // The failures, in short, come last: CI's log keeps its tail.
  reporter: [['list'], ['html', { outputFolder: './playwright-report', open: 'never' }], ['./failures_reporter.ts']],
  use: {
    // Logged in: global setup logs in once and saves the cookie here. Workers
    // load this file again after global setup, so they see the path; specs
    // that need a logged-out browser use an empty storage state.
    storageState: process.env.POCKETCODE_STORAGE_STATE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      testMatch: spec(...EVERY_PROFILE),
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
    },
    {
      name: 'iphone-13',
      testMatch: spec(...EVERY_PROFILE, ...IPHONE_ONLY),
      use: { ...devices['iPhone 13'], browserName: 'chromium', launchOptions: chromium },
    },
    {
      name: 'pixel-7',
      testMatch: spec(...EVERY_PROFILE, ...PIXEL_ONLY),
      use: { ...devices['Pixel 7'], launchOptions: chromium },
    },
    {
      name: 'pixel-7-voice',
      testMatch: spec(...VOICE_ONLY),
      use: {
        ...devices['Pixel 7'],
        permissions: ['microphone'],
        launchOptions: {
          ...chromium,
          args: [
            ...chromium.args,
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-audio-capture=${process.env.POCKETCODE_E2E_VOICE_WAV}`,
          ],
        },
      },
    },
  ],
});
