import fs from 'node:fs';
import path from 'node:path';

import type { Page, Route } from '@playwright/test';

import { loaderChunks, watchCompiledChunks } from '../fixtures/chunks';
import { expect, test } from '../fixtures/pocketcode';

/**
 * Parts the server renders in full whose code comes in the chunk `later`,
 * fetched once the page has hydrated and is idle (`app::later`): the top
 * bar's version line, the sidebar, the chat header's tools (the unshipped badge, trust, the gauge,
 * the ⋯ menu), the transcript, the queue and the asks above the composer, and in the
 * composer the interrupted banner and the mic with its status line. Until it came,
 * the server's HTML reads and the composer works; then the part answers; a
 * chunk that cannot come leaves the server's HTML in place.
 */

const LATER_CHUNK = /\/pkg\/split_later\.[^/]+\.wasm$/;

// The service worker's own fetches are not the page's to route.
test.use({ serviceWorkers: 'block' });

test("the sidebar's code comes once the page has hydrated: the server's list reads until then, then it filters", async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  const chat = await pocketcode.newChat();
  const wrapper = page.locator('[data-part="sidebar"]');
  await expect(wrapper).toHaveAttribute('data-later', 'ready');
  expect((await loaderChunks(page)).some((c) => c.startsWith('/pkg/split_later.'))).toBe(true);

  // Reloaded with the chunk held: each request says whether the page had
  // hydrated when it asked.
  const asked: (string | null)[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(LATER_CHUNK, async (route: Route) => {
    asked.push(await pocketcode.app.getAttribute('data-hydrated'));
    await held;
    await route.continue();
  });
  const compiledChunks = await watchCompiledChunks(page);
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  await expect.poll(() => asked).toEqual(['true']);
  await expect(wrapper).toHaveAttribute('data-later', 'pending');
  const later = page.locator('[data-later]');
  await expect(later).toHaveCount(9);
  expect(await later.evaluateAll((parts) => parts.map((p) => p.getAttribute('data-part')))).toEqual([
    'info',
    'sidebar',
    'header-tools',
    'transcript',
    'queue',
    'asks',
    'interrupted',
    'voice-status',
    'mic',
  ]);
  for (const part of await later.all()) await expect(part).toHaveAttribute('data-later', 'pending');
  // The server's header and sidebar are in the page, this chat's link in it...
  await expect(page.getByRole('button', { name: 'Chat menu' })).toBeVisible();
  await expect(pocketcode.chatLink(chat)).toHaveCount(1);
  // ...and the chat is already interactive without it.
  await pocketcode.prompt.fill('typed while the sidebar is on its way');
  await expect(pocketcode.prompt).toHaveValue('typed while the sidebar is on its way');
  expect(await compiledChunks()).not.toContainEqual(expect.stringMatching(/^\/pkg\/split_later\./));

  // The chunk comes: each part is built in place of the server's, and works.
  release();
  for (const part of await later.all()) await expect(part).toHaveAttribute('data-later', 'ready');
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await expect(page.getByRole('menu', { name: 'Chat menu' })).toBeVisible();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await expect(page.getByRole('menu', { name: 'Chat menu' })).toHaveCount(0);
  expect(await compiledChunks()).toContainEqual(expect.stringMatching(/^\/pkg\/split_later\./));
  await pocketcode.openSidebar();
  await expect(pocketcode.chatLink(chat)).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Filter chats' }).fill('no chat has this title');
  await expect(pocketcode.sidebar.getByRole('status')).toHaveText('No chat matches “no chat has this title”.');
  await expect(pocketcode.chatLink(chat)).toHaveCount(0);
  // One sidebar, not the server's beside the built one.
  await expect(page.locator('nav#sidebar')).toHaveCount(1);
  await expect(pocketcode.prompt).toHaveValue('typed while the sidebar is on its way');
  expect(consoleErrors).toEqual([]);
});

test("parts whose code cannot come stay as the server sent them, the chat still works, and a tap or going online asks again", async ({
  pocketcode,
  page,
  context,
}) => {
  await page.route(LATER_CHUNK, (route: Route) => route.abort('internetdisconnected'));
  const chat = await pocketcode.newChat();
  for (const part of await page.locator('[data-later]').all()) await expect(part).toHaveAttribute('data-later', 'failed');
  await expect(pocketcode.chatLink(chat)).toHaveCount(1);
  await expect(page.locator('nav#sidebar')).toHaveCount(1);
  // The composer works: the prompt goes. The transcript shows what the
  // server rendered until its part is built (below).
  await pocketcode.send('sent with the later parts missing');
  await expect.poll(() => pocketcode.answerFinished(chat), { timeout: 45_000 }).toBe(true);
  await expect(pocketcode.transcript).not.toContainText('sent with the later parts missing');

  // The chunk can come now: a tap on a failed part asks for it again, and
  // the part built answers the next tap.
  await page.unroute(LATER_CHUNK);
  const menu = page.locator('[data-part="header-tools"]');
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await expect(menu).toHaveAttribute('data-later', 'ready');
  await expect(page.getByRole('menu', { name: 'Chat menu' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await expect(page.getByRole('menu', { name: 'Chat menu' })).toBeVisible();
  // The others wait for a tap of their own, or for the browser to be back online.
  const sidebar = page.locator('[data-part="sidebar"]');
  await expect(sidebar).toHaveAttribute('data-later', 'failed');
  await context.setOffline(true);
  await context.setOffline(false);
  for (const part of await page.locator('[data-later]').all()) await expect(part).toHaveAttribute('data-later', 'ready');
  await expect(page.locator('nav#sidebar')).toHaveCount(1);
  // The transcript, built, loads what was said meanwhile: nothing is lost.
  await expect(pocketcode.messages('You').last()).toContainText('sent with the later parts missing');
  await pocketcode.expectReply('sent with the later parts missing');
});

test('a question asked while the asks\' code is on its way shows once it came, and is answered', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(LATER_CHUNK, async (route: Route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  const asks = page.locator('[data-part="asks"]');
  await expect(asks).toHaveAttribute('data-later', 'pending');

  // Asked now: the page hears it, but the part that shows it is not built.
  await pocketcode.send('[scenario:question question="Tea or coffee?" options="Tea,Coffee"]');
  await expect
    .poll(async () => {
      const response = await page.request.get('/question', { headers: { 'x-opencode-directory': chat.worktree } });
      expect(response.ok(), await response.text()).toBe(true);
      return ((await response.json()) as unknown[]).length;
    })
    .toBe(1);
  const question = page.getByRole('group', { name: 'Question', exact: true });
  await expect(question).toHaveCount(0);

  // Built once the chunk came, it loads the asks again: the question is there.
  release();
  await expect(asks).toHaveAttribute('data-later', 'ready');
  await expect(question).toContainText('Tea or coffee?');
  await question.getByRole('button', { name: 'Coffee' }).click();
  await expect(question).toHaveCount(0);
  await pocketcode.expectReply('"Tea or coffee?"="Coffee"');
});

/** Holds the chunk `later` until the returned function is called. */
async function holdLaterChunk(page: Page): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(LATER_CHUNK, async (route: Route) => {
    await held;
    await route.continue();
  });
  return release;
}

test("later parts start from the server's values: nothing asked again, no flash; after the chat's events the header loads again", async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  const chat = await pocketcode.newChat();
  fs.writeFileSync(path.join(chat.worktree, 'unshipped.txt'), 'not committed\n');
  const badge = page.getByTestId('unshipped');
  const tools = page.locator('[data-part="header-tools"]');
  // The unshipped badge's load and the top bar's. (The gauge and the queue
  // load again once built, as any part that hears the chat's events does
  // on subscribing.)
  const loads = /\/pocket\/fn\/(get_changes|info)(\?|$)/;
  const asked: string[] = [];
  page.on('request', (request) => {
    if (loads.test(request.url())) asked.push(new URL(request.url()).pathname);
  });

  let release = await holdLaterChunk(page);
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  await expect(tools).toHaveAttribute('data-later', 'pending');
  await expect(badge).toContainText('1 uncommitted');
  await expect(page.getByTestId('context-button')).toBeVisible();
  await expect(page.getByRole('banner').locator('[data-version]')).toBeVisible();
  // Whether the badge, the gauge or the version ever leaves the page from now on.
  await page.evaluate(() => {
    const w = window as unknown as { gone: string[] };
    w.gone = [];
    new MutationObserver(() => {
      for (const shown of ['[data-testid="unshipped"]', '[data-testid="context-button"]', '[data-version]'])
        if (!document.querySelector(shown)) w.gone.push(shown);
    }).observe(document.body, { childList: true, subtree: true });
  });
  asked.length = 0;
  release();
  for (const part of await page.locator('[data-later]').all()) await expect(part).toHaveAttribute('data-later', 'ready');
  await expect(badge).toContainText('1 uncommitted');
  expect(await page.evaluate(() => (window as unknown as { gone: string[] }).gone)).toEqual([]);
  expect(asked).toEqual([]);
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await expect(page.getByRole('menu', { name: 'Chat menu' })).toBeVisible();
  await page.getByRole('button', { name: 'Chat menu' }).click();

  // Reloaded again, and the chat's events come before the chunk: what the
  // server rendered may be out of date, so the part loads it again.
  await page.unroute(LATER_CHUNK);
  release = await holdLaterChunk(page);
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  await expect(tools).toHaveAttribute('data-later', 'pending');
  fs.rmSync(path.join(chat.worktree, 'unshipped.txt'));
  await pocketcode.send('sent before the header could answer');
  await expect.poll(() => pocketcode.answerFinished(chat), { timeout: 45_000 }).toBe(true);
  asked.length = 0;
  release();
  await expect(tools).toHaveAttribute('data-later', 'ready');
  await pocketcode.expectReply('sent before the header could answer');
  await expect(badge).toHaveCount(0);
  await expect.poll(() => asked).toContain('/pocket/fn/get_changes');
  expect(consoleErrors).toEqual([]);
});

test('the transcript built in place of the server\'s stays where the reader scrolled it, or at its end', async ({
  pocketcode,
  page,
}) => {
  test.setTimeout(120_000);
  const chat = await pocketcode.newChat();
  for (let n = 1; n <= 30; n++) {
    const response = await page.request.post(`/session/${chat.sessionId}/message`, {
      headers: { 'x-opencode-directory': chat.worktree },
      data: { noReply: true, parts: [{ type: 'text', text: `note ${n}` }] },
    });
    expect(response.ok(), await response.text()).toBe(true);
  }
  const part = page.locator('[data-part="transcript"]');
  const scroller = page.getByTestId('transcript-scroll');
  const notes = pocketcode.messages('You');
  const toBottom = page.getByRole('button', { name: '↓ Scroll to bottom' });

  // Left at its end: built, it is still there.
  let release = await holdLaterChunk(page);
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  await expect(part).toHaveAttribute('data-later', 'pending');
  await expect(notes.last()).toBeInViewport();
  release();
  await expect(part).toHaveAttribute('data-later', 'ready');
  await expect(notes.last()).toBeInViewport();
  await expect(toBottom).toHaveCount(0);

  // Scrolled to the start while the part was on its way: it stays there.
  await page.unroute(LATER_CHUNK);
  release = await holdLaterChunk(page);
  await page.reload();
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true');
  await expect(part).toHaveAttribute('data-later', 'pending');
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  await expect(notes.first()).toBeInViewport();
  release();
  await expect(part).toHaveAttribute('data-later', 'ready');
  await expect(notes.first()).toBeInViewport();
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(0);
  // It is not following: new content leaves it there, and the button offers the end.
  await expect(toBottom).toBeVisible();
  await toBottom.click();
  await expect(notes.last()).toBeInViewport();
});
