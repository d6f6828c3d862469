import type { Locator, Page } from '@playwright/test';

import { type Chat, expect, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';
import { serveTestPage, type TestPages } from '../fixtures/test_pages';

const RED = [200, 30, 30];
const GREEN = [30, 160, 60];

/** The colour of the shown frame at (x, y) of the image, read through a canvas. */
async function colorAt(frame: Locator, x: number, y: number): Promise<number[]> {
  return frame.evaluate(
    (img: HTMLImageElement, [x, y]) => {
      if (!img.naturalWidth) return [];
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      if (!context) return [];
      context.drawImage(img, 0, 0);
      const px = Math.floor((x / img.clientWidth) * img.naturalWidth);
      const py = Math.floor((y / img.clientHeight) * img.naturalHeight);
      return Array.from(context.getImageData(px, py, 1, 1).data.slice(0, 3));
    },
    [x, y],
  );
}

function near(color: number[], wanted: number[]): boolean {
  return color.length === 3 && color.every((c, i) => Math.abs(c - wanted[i]) <= 40);
}

/** A prompt sent as the agent's instructions, while the panel covers the chat. */
async function prompt(page: Page, chat: Chat, text: string): Promise<void> {
  const response = await page.request.post('/pocket/fn/send_prompt', {
    form: { repo: chat.repo, chat_id: chat.chatId, session_id: chat.sessionId, text },
  });
  expect(response.status(), await response.text()).toBe(200);
}

let pages: TestPages;
test.beforeAll(async () => {
  pages = await serveTestPage();
});
test.afterAll(async () => {
  await pages.close();
});

test('the agent and the user act on one shared browser from a phone', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: /Browser/ }).click();
  const panel = page.getByRole('region', { name: 'Browser' });
  const status = panel.getByTestId('browser-status');
  await expect(status).toHaveText('Not running');
  await panel.getByRole('button', { name: 'Start the browser' }).click();
  await expect(status).toHaveText('Live');

  // The agent opens the page: the panel shows it.
  await prompt(page, chat, `[scenario:tool name=playwright_browser_navigate args={"url":"${pages.url}"}]`);
  await expect(panel.getByTestId('browser-url')).toHaveValue(pages.url);
  const frame = panel.getByTestId('browser-frame');
  await expect.poll(async () => near(await colorAt(frame, 20, 100), RED)).toBe(true);

  // The user taps the button; the agent's snapshot sees the change.
  await frame.tap({ position: { x: 20, y: 100 } });
  await expect.poll(async () => near(await colorAt(frame, 20, 100), GREEN)).toBe(true);

  // Typing with the phone keyboard (the hidden field) into the page's field.
  await frame.tap({ position: { x: 100, y: 230 } });
  await panel.getByRole('button', { name: 'Keyboard: type into the page' }).tap();
  await page.keyboard.type('hi');
  await expect(panel.getByTestId('browser-url')).toHaveValue(`${pages.url}#typed=hi`);

  // While a browser tool runs, the panel says the agent is acting.
  await prompt(page, chat, '[scenario:tool name=playwright_browser_wait_for args={"time":4}]');
  await expect(panel.getByTestId('browser-screen')).toHaveAttribute('data-agent', 'true');
  await expect(status).toHaveText('The agent is using it');
  await expect(panel.getByTestId('browser-screen')).toHaveAttribute('data-agent', 'false', { timeout: REPLY_TIMEOUT });

  await panel.getByRole('button', { name: 'Close the browser' }).click();
  await prompt(page, chat, '[scenario:tool name=playwright_browser_snapshot]');
  await pocketcode.expectReply('Clicked 1');
  await pocketcode.waitUntilIdle();

  // Chromium dies: the panel says so and restarts it.
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: /Browser/ }).click();
  await expect(status).toHaveText('Live');
  const pid = Number(await panel.getAttribute('data-pid'));
  expect(pid).toBeGreaterThan(0);
  process.kill(-pid, 'SIGKILL');
  await expect(panel.getByRole('alert')).toContainText('The browser stopped: Chromium was killed by signal 9');
  await panel.getByRole('button', { name: 'Restart the browser' }).click();
  await expect(status).toHaveText('Live');
  expect(Number(await panel.getAttribute('data-pid'))).not.toBe(pid);

  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveText('Not running');
});
