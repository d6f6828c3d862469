import type { Browser, Page } from '@playwright/test';

import type { Chat } from '../fixtures/pocketcode';
import { type Build, expect, fillChat, median, ms, p90, phone, printTarget, test } from './builds';

/**
 * Switching chats from the sidebar on a phone (Pixel 7 profile, no CPU
 * throttling): the time from the tap on the other chat's link to the frame
 * in which the new chat's latest message is in the transcript (the frame
 * that paints it), over 20 switches back and forth between two chats of
 * 100 messages each; p90 and median.
 */
const SWITCHES = 20;
const MESSAGES = 100;
const TARGET_MS = 50;

declare global {
  interface Window {
    __switched?: Promise<number>;
  }
}

/** Arms the page: the next click starts the clock, the frame showing `marker` last stops it. */
async function arm(page: Page, marker: string): Promise<void> {
  await page.evaluate((marker) => {
    window.__switched = new Promise((resolve) => {
      document.addEventListener(
        'click',
        (event) => {
          const started = event.timeStamp;
          const frame = () => {
            const last = document.querySelector('ol[aria-label="Transcript"] > li:last-child');
            if (last?.textContent?.includes(marker)) resolve(performance.now() - started);
            else requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        },
        { capture: true, once: true },
      );
    });
  }, marker);
}

async function switchTimes(build: Build, browser: Browser): Promise<number[]> {
  const { context, page, app } = await phone(browser, build);
  try {
    const chats: [Chat, string][] = [];
    for (const name of ['first', 'second']) {
      const chat = await app.newChat(build.repo);
      const marker = `[${name} chat ${chat.chatId}] `;
      await fillChat(page, chat, MESSAGES, marker);
      chats.push([chat, marker]);
    }
    await app.goto(chats[0][0].href);
    const times: number[] = [];
    for (let i = 1; i <= SWITCHES; i++) {
      const [chat, marker] = chats[i % 2];
      await app.openSidebar();
      await arm(page, marker);
      await app.chatLink(chat).click();
      times.push(await page.evaluate(() => window.__switched!));
      await page.waitForURL(chat.href);
      await expect(app.messages('You')).toHaveCount(MESSAGES / 2);
    }
    return times;
  } finally {
    await context.close();
  }
}

test('switching between two 100-message chats from the sidebar (Pixel 7)', async ({ builds, browser }) => {
  const rows: [string, string, boolean][] = [];
  for (const build of builds) {
    const times = await switchTimes(build, browser);
    const p = p90(times);
    rows.push([build.label, `p90 ${ms(p)}, median ${ms(median(times))} (${times.map(ms).join(', ')})`, p <= TARGET_MS]);
  }
  printTarget(
    `chat switch from the sidebar to the new chat's messages painted, ${SWITCHES} switches, ${MESSAGES} messages each (Pixel 7)`,
    `p90 ≤ ${TARGET_MS} ms`,
    rows,
  );
});
