import type { Page } from '@playwright/test';

import { type Chat, expect, test } from '../fixtures/pocketcode';

// The page's own files, not a service worker's copies (one test blocks the WASM).
test.use({ serviceWorkers: 'block' });

/** Adds prompts `note 1` … `note {count}` without replies (opencode's noReply). */
async function addNotes(page: Page, chat: Chat, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    const response = await page.request.post(`/session/${chat.sessionId}/message`, {
      headers: { 'x-opencode-directory': chat.worktree },
      data: { noReply: true, parts: [{ type: 'text', text: `note ${n}` }] },
    });
    expect(response.ok(), await response.text()).toBe(true);
  }
}

test('a long chat opens at its latest messages, and earlier ones come a page at a time', async ({ pocketcode, page }) => {
  test.setTimeout(180_000);
  const chat = await pocketcode.newChat();
  // More than a page.
  await addNotes(page, chat, 60);
  await pocketcode.reload();
  const notes = pocketcode.messages('You');
  await expect(notes).toHaveCount(50);
  await expect(notes.first()).toContainText('note 11');
  await expect(notes.last()).toContainText('note 60');

  const earlier = page.getByRole('button', { name: 'Show earlier messages' });
  await earlier.click();
  await expect(notes).toHaveCount(60);
  await expect(notes.first()).toContainText('note 1');
  await expect(earlier).toHaveCount(0);
  // Still live: a new prompt and its reply come in below.
  await pocketcode.send('after the history');
  await expect(pocketcode.messages('Assistant').last()).toContainText('after the history');
  await expect(notes).toHaveCount(61);
});

test('the server-rendered page of a long chat shows its end before it hydrates', async ({ pocketcode, page }) => {
  test.setTimeout(120_000);
  const chat = await pocketcode.newChat();
  await addNotes(page, chat, 40);
  // No WASM: the page stays as the server rendered it.
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(chat.href);
  const last = pocketcode.messages('You').last();
  await expect(last).toContainText('note 40');
  await expect(last).toBeInViewport();
  await expect(pocketcode.messages('You').first()).not.toBeInViewport();
  const scroller = page.getByTestId('transcript-scroll');
  expect(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(60);
  await expect(pocketcode.app).not.toHaveAttribute('data-hydrated', 'true');
});
