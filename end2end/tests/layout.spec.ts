import fs from 'node:fs';
import path from 'node:path';

import { expect, test } from '../fixtures/pocketcode';

/** Every page fits a 320 px wide phone, and no input is under 16 px (no zoom on focus). */
test('no page overflows 320 px and every input is at least 16 px', async ({ pocketcode, page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  const chat = await pocketcode.newChat();
  // The chat header at its fullest: work not shipped, the context gauge, trust, ↗ and ⋯.
  fs.writeFileSync(path.join(chat.worktree, 'unshipped.txt'), 'not committed\n');
  for (const url of [chat.href, '/repos', '/resources', '/connections']) {
    await pocketcode.goto(url);
    if (url === chat.href) {
      await expect(page.getByTestId('unshipped')).toContainText('1 uncommitted');
      await expect(page.getByTestId('context-button')).toBeVisible();
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${url} overflows by ${overflow} px`).toBeLessThanOrEqual(0);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, select')]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => [el.id || el.getAttribute('name') || el.tagName, parseFloat(getComputedStyle(el).fontSize)])
        .filter(([, size]) => (size as number) < 16),
    );
    expect(small, `${url}: inputs under 16 px`).toEqual([]);
  }
  // The viewport lets the page reach the notch and never zooms on its own.
  const viewport = await page.locator('meta[name="viewport"]').getAttribute('content');
  expect(viewport).toContain('viewport-fit=cover');
  expect(viewport).toContain('width=device-width');
});

test('on a phone the sidebar opens by an edge swipe and closes by a swipe back; on a desktop it stays', async ({
  pocketcode,
  page,
}, testInfo) => {
  const chat = await pocketcode.newChat();
  if (testInfo.project.name === 'desktop') {
    // A column beside the chat: always shown, no drawer button.
    await expect(pocketcode.sidebarButton).toBeHidden();
    await expect(pocketcode.chatLink(chat)).toBeVisible();
    return;
  }
  await expect(pocketcode.sidebar).toHaveAttribute('data-open', 'false');
  // Touch events as a finger makes them (the browser's own edge gestures,
  // such as back, are not part of the page).
  const swipe = (from: number, to: number) =>
    page.evaluate(
      ([from, to]) => {
        const touch = (x: number) => new Touch({ identifier: 1, target: document.body, clientX: x, clientY: 300 });
        const fire = (type: string, x: number, list: 'touches' | 'changedTouches') =>
          window.dispatchEvent(
            new TouchEvent(type, {
              bubbles: true,
              touches: list === 'touches' ? [touch(x)] : [],
              changedTouches: [touch(x)],
            }),
          );
        fire('touchstart', from, 'touches');
        fire('touchend', to, 'changedTouches');
      },
      [from, to],
    );
  await swipe(12, 220);
  await expect(pocketcode.sidebar).toHaveAttribute('data-open', 'true');
  await expect(pocketcode.chatLink(chat)).toBeVisible();
  await swipe(250, 30);
  await expect(pocketcode.sidebar).toHaveAttribute('data-open', 'false');
  await expect(pocketcode.chatLink(chat)).toBeHidden();
});
