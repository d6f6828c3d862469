import { defineConfig, devices } from '@playwright/test';

import base from './playwright.config';

/**
 * `make bench`'s browser benchmarks: the same server setup as the tests
 * (global setup starts the release build with the scripted model), one
 * phone profile, one worker so timings are not shared with other work.
 * They print measurements; they assert only that the thing measured worked.
 */
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '*.bench.ts',
  outputDir: './bench-results',
  fullyParallel: false,
  workers: 1,
  timeout: 20 * 60_000,
  reporter: [['list']],
  projects: [
    {
      name: 'pixel-7',
      use: { ...devices['Pixel 7'], launchOptions: base.projects?.[2]?.use?.launchOptions },
    },
  ],
});
