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

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: './fixtures/global-setup.ts',
  // Every test makes its own session, so tests and projects run side by side.
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 3),
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: './playwright-report', open: 'never' }]],
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
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
    },
    {
      name: 'iphone-13',
      use: { ...devices['iPhone 13'], browserName: 'chromium', launchOptions: chromium },
    },
    {
      name: 'pixel-7',
      use: { ...devices['Pixel 7'], launchOptions: chromium },
    },
  ],
});
