import type { Browser, Page } from '@playwright/test';

import type { Chat } from '../fixtures/pocketcode';
import { type Build, expect, fillChat, median, ms, p90, phone, printTarget, test } from './builds';

/**
 * Switching chats from the sidebar on a phone (Pixel 7 profile, no CPU
 * throttling): the time from the tap on the other chat's link to the frame
 * in which the new chat's latest message is in the transcript (the frame
 * that paints it), over 20 switches back and forth between two chats of
 * 100 messages each; p90 and median. Beside it, the time until the chat
 * is open (its composer back), which differs once a kept copy of the
 * chat's messages paints first.
 */
const SWITCHES = 20;
const MESSAGES = 100;
const TARGET_MS = 50;

type Switch = { painted: number; opened: number };

declare global {
  interface Window {
    __switched?: Promise<Switch>;
  }
}

/**
 * Arms the page: the next click starts the clock; the first frame whose
 * transcript ends with a message holding `marker` is "painted" (a kept copy
 * counts), the first that also has the composer back is "opened".
 */
async function arm(page: Page, marker: string): Promise<void> {
  await page.evaluate((marker) => {
    window.__switched = new Promise((resolve) => {
      document.addEventListener(
        'click',
        (event) => {
          const started = event.timeStamp;
          let painted: number | undefined;
          const frame = () => {
            const last = document.querySelector('ol[aria-label="Transcript"] > li:last-child');
            if (last?.textContent?.includes(marker)) {
              painted ??= performance.now() - started;
              if (document.querySelector('textarea#prompt')) {
                resolve({ painted, opened: performance.now() - started });
                return;
              }
            }
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        },
        { capture: true, once: true },
      );
    });
  }, marker);
}

type Prepared = Awaited<ReturnType<typeof phone>> & { chats: [Chat, string][] };

/** A phone logged in to `build` with two chats of MESSAGES messages, each marked. */
async function prepare(build: Build, browser: Browser): Promise<Prepared> {
  const opened = await phone(browser, build);
  const chats: [Chat, string][] = [];
  for (const name of ['first', 'second']) {
    const chat = await opened.app.newChat(build.repo);
    const marker = `[${name} chat ${chat.chatId}] `;
    await fillChat(opened.page, chat, MESSAGES, marker);
    chats.push([chat, marker]);
  }
  return { ...opened, chats };
}

async function switchTimes({ context, page, app, chats }: Prepared): Promise<Switch[]> {
  try {
    await app.goto(chats[0][0].href);
    const times: Switch[] = [];
    for (let i = 1; i <= SWITCHES; i++) {
      const [chat, marker] = chats[i % 2];
      await app.openSidebar();
      await arm(page, marker);
      await app.chatLink(chat).click();
      times.push(await page.evaluate(() => window.__switched!));
      await page.waitForURL(chat.href);
      // The chat opened (not only its kept messages): its composer is back.
      await expect(app.prompt).toBeVisible();
      await expect(app.messages('Assistant').last()).toContainText(marker);
    }
    return times;
  } finally {
    await context.close();
  }
}

test('switching between two 100-message chats from the sidebar (Pixel 7)', async ({ builds, browser }) => {
  const rows: [string, string, boolean][] = [];
  const prepared = await Promise.all(builds.map((build) => prepare(build, browser)));
  for (const [i, build] of builds.entries()) {
    const times = await switchTimes(prepared[i]);
    const painted = times.map((t) => t.painted);
    const opened = times.map((t) => t.opened);
    rows.push([
      build.label,
      `p90 ${ms(p90(painted))}, median ${ms(median(painted))} (${painted.map(ms).join(', ')}); ` +
        `chat opened (composer back) p90 ${ms(p90(opened))}, median ${ms(median(opened))}`,
      p90(painted) <= TARGET_MS,
    ]);
  }
  printTarget(
    `chat switch from the sidebar to the new chat's messages painted, ${SWITCHES} switches, ${MESSAGES} messages each (Pixel 7)`,
    `p90 ≤ ${TARGET_MS} ms`,
    rows,
  );
});
