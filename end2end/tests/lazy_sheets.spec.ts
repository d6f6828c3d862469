import type { Route } from '@playwright/test';

import { seriousViolations } from '../fixtures/axe';
import { ANY_CHUNK, loaderChunks, watchCompiledChunks } from '../fixtures/chunks';
import { REPLY_TIMEOUT, expect, test } from '../fixtures/pocketcode';
import { fakeRecognition } from '../fixtures/speech';

/**
 * The menu's sheets (and every page but a chat's, and the composer's parts
 * shown only on an action) come in their own WASM chunks (a `--split`
 * build): the chat page hydrates without them, a sheet says "Loading…" while its chunk
 * is on the way and says what went wrong (with Close) when it cannot come,
 * and opening it again fetches it again. Once the page is idle the chunks'
 * bytes are fetched ahead, none compiled, so a sheet opened later compiles
 * its chunk from the cache.
 *
 * Routing a request turns Chromium's HTTP cache off: in a test that routes
 * a chunk, the idle fetch of its bytes and the loader's when it opens are
 * two requests.
 */

const FILES_CHUNK = /\/pkg\/split_files\.[^/]+\.wasm$/;

const COMPOSER_CHUNK = /\/pkg\/split_composer\.[^/]+\.wasm$/;
/** What a part whose chunk cannot come says (`app::lazy::PART_FAILED`). */
const PART_FAILED = 'Could not load this part of the page: check the connection, then try again.';
/** What the stand-in speech recognition hears. */
const HEARD = 'a phrase from the mic';

// The service worker's own fetches are not the page's to route.
test.use({ serviceWorkers: 'block' });

test('a sheet from its own chunk: loading, a failed chunk, then again', async ({ pocketcode, page }) => {
  // Every request for the Files chunk waits here until the test lets it go
  // (the idle fetch of its bytes too).
  let release: (how: 'abort' | 'serve') => void = () => undefined;
  let held = new Promise<'abort' | 'serve'>((resolve) => (release = resolve));
  const requested: string[] = [];
  await page.route(FILES_CHUNK, async (route: Route) => {
    requested.push(route.request().url());
    if ((await held) === 'abort') await route.abort('internetdisconnected');
    else await route.continue();
  });

  await pocketcode.newChat();
  await pocketcode.prompt.fill('typed before any sheet');

  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Files' }).click();
  const sheet = page.getByRole('region', { name: 'Files' });
  await expect(sheet.getByRole('status')).toHaveText('Loading…');
  await expect(sheet).toHaveAttribute('aria-busy', 'true');
  await expect.poll(() => requested.length).toBeGreaterThan(0);

  // The chunk fails: the sheet says so, and closes.
  release('abort');
  const alert = sheet.getByRole('alert');
  await expect(alert).toContainText('Could not load this sheet');
  expect(await seriousViolations(page, 'section[aria-label="Files"]')).toEqual([]);
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toHaveCount(0);
  await expect(pocketcode.prompt).toHaveValue('typed before any sheet');

  // Opened again (the page lives on), the chunk is fetched again, and comes.
  const before = requested.length;
  held = Promise.resolve('serve');
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Files' }).click();
  await expect(sheet.getByRole('list', { name: 'Worktree' })).toBeVisible();
  expect(requested.length).toBeGreaterThan(before);
});

test("once idle every chunk's bytes come, each once, and none is compiled; a sheet or page opened then compiles its own from the cache", async ({
  pocketcode,
  page,
  context,
}) => {
  const compiledChunks = await watchCompiledChunks(page);
  // Each chunk response, and whether it came over the network or from the
  // HTTP cache (the service worker is blocked in this file).
  const responses: { path: string; network: boolean }[] = [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.responseReceived', ({ response }) => {
    const path = new URL(response.url).pathname;
    if (ANY_CHUNK.test(path)) responses.push({ path, network: !response.fromDiskCache && !response.fromMemoryCache });
  });
  const overNetwork = () => responses.filter((r) => r.network).map((r) => r.path);

  await pocketcode.newChat();
  // The page's own HTML names no chunk: they are not part of the first load.
  expect(await page.locator('link[href*="/pkg/split_"], link[href*="/pkg/chunk_"]').count()).toBe(0);
  // Every chunk cargo-leptos's loader can ask for (a sheet's, a page's, the
  // composer's, and the code they share).
  const chunks = await loaderChunks(page);
  for (const name of ['browser', 'changes', 'files', 'review', 'terminal', 'composer', 'page_home', 'page_repos']) {
    expect(chunks.some((c) => c.startsWith(`/pkg/split_${name}.`)), name).toBe(true);
  }
  // Idle: each comes once over the network...
  await expect.poll(() => [...new Set(overNetwork())].sort(), { timeout: REPLY_TIMEOUT }).toEqual(chunks);
  expect(overNetwork()).toHaveLength(chunks.length);
  // ...and none is compiled but the later parts' (`app::later`, built once
  // the page has hydrated) and the code it shares: the rest is for when its
  // sheet or page opens.
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  expect((await compiledChunks()).filter((c) => !c.startsWith('/pkg/chunk_'))).toEqual([
    expect.stringMatching(/^\/pkg\/split_later\./),
  ]);

  // A sheet opened now compiles its chunk, from the cache.
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Terminal' }).click();
  await expect(page.getByRole('region', { name: 'Terminal' }).getByTestId('terminal-screen').first()).toBeVisible();
  expect(await compiledChunks()).toContainEqual(expect.stringMatching(/^\/pkg\/split_terminal\./));
  expect(responses.filter((r) => !r.network).map((r) => r.path)).toContainEqual(expect.stringMatching(/^\/pkg\/split_terminal\./));
  await page.getByRole('button', { name: 'Close the terminal' }).click();

  // So does a page moved to in the same document.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await pocketcode.openSidebar();
  await pocketcode.sidebar.getByRole('link', { name: 'Repos' }).click();
  await expect(page.getByRole('heading', { name: 'Pick a repo' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  expect(await compiledChunks()).toContainEqual(expect.stringMatching(/^\/pkg\/split_page_repos\./));
  // Not one chunk came over the network twice.
  expect(overNetwork()).toHaveLength(chunks.length);
});

test('every other page comes in its own chunk, fetched once idle; one that cannot come says so', async ({
  pocketcode,
  page,
}) => {
  const PAGE_CHUNK = /\/pkg\/split_page_(\w+)\.[^/]+\.wasm$/;
  const requested: string[] = [];
  let refuse = 'resources';
  await page.route(PAGE_CHUNK, async (route: Route) => {
    const name = PAGE_CHUNK.exec(new URL(route.request().url()).pathname)?.[1] ?? '';
    requested.push(name);
    if (name === refuse) await route.abort('internetdisconnected');
    else await route.continue();
  });

  const chat = await pocketcode.newChat();
  // The chat page's HTML names no page chunk; once idle every page's comes.
  expect(await page.locator('link[href*="/pkg/split_page_"]').count()).toBe(0);
  const pages = ['connections', 'home', 'repos', 'resources', 'search'];
  await expect.poll(() => [...new Set(requested)].sort()).toEqual(pages);

  // A page whose chunk comes shows in the same document.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await pocketcode.openSidebar();
  await pocketcode.sidebar.getByRole('link', { name: 'Repos' }).click();
  await expect(page.getByRole('heading', { name: 'Pick a repo' })).toBeVisible();

  // One whose chunk cannot come says so, with a link that loads it afresh.
  await pocketcode.openSidebar();
  await pocketcode.sidebar.getByRole('link', { name: 'Resources' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Could not load' });
  await expect(alert).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  refuse = 'none';
  await alert.getByRole('link', { name: 'Reload' }).click();
  await pocketcode.waitHydrated();
  await expect(page.getByRole('heading', { name: 'Resources' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Disk' })).toBeVisible();

  // And back to the chat, a page in the main chunk.
  await pocketcode.goto(chat.href);
  await expect(pocketcode.prompt).toBeEditable();
});

test('a page with its own chunk starts only once the chunk came, then hydrates whole and works', async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  // With a chat, `/` (the home page, in its own chunk) opens the last one.
  const chat = await pocketcode.newChat();
  const HOME_CHUNK = /\/pkg\/split_page_home\.[^/]+\.wasm$/;
  // The app's own requests (its live event stream, server functions), from
  // the new page on: the chat page may still ask for something before `/`
  // replaces it.
  const appRequests: string[] = [];
  let onHome = false;
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (onHome && path.startsWith('/pocket/')) appRequests.push(path);
  });
  // The home page's chunk waits here until the test lets it go.
  let chunkAsked: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (chunkAsked = resolve));
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(HOME_CHUNK, async (route: Route) => {
    chunkAsked();
    await held;
    await route.continue();
  });

  await page.goto('/', { waitUntil: 'commit' });
  // Nothing of the app runs before its chunk came, which is held.
  onHome = true;
  await asked;
  // Idle with the chunk on its way: the app has not started. (Started
  // half-hydrated, its live stream and the chat list reloads it triggers
  // changed the state the page's chunk then hydrated against, and hydration
  // panicked: the page stayed dead.)
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'false');
  expect(appRequests).toEqual([]);

  release();
  await pocketcode.waitHydrated();
  await expect.poll(() => appRequests).toContain('/pocket/events');
  // The home page opened the chat, whose composer takes what is typed.
  await page.waitForURL(chat.href);
  await pocketcode.prompt.fill('typed after a late chunk');
  await expect(pocketcode.prompt).toHaveValue('typed after a late chunk');
  expect(consoleErrors).toEqual([]);
});

test("the composer's @ list and mic come in a chunk fetched once hydrated and idle: Loading… until it came", async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  await fakeRecognition(page, HEARD);
  // Each request for the chunk, with whether the page had hydrated by then;
  // the chunk waits here until the test lets it go.
  const asked: (string | null)[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(COMPOSER_CHUNK, async (route: Route) => {
    asked.push(await pocketcode.app.getAttribute('data-hydrated'));
    await held;
    await route.continue();
  });

  await pocketcode.newChat();
  expect(await page.locator('link[href*="/pkg/split_composer"]').count()).toBe(0);
  // Idle: the chunk is asked for, after hydration, once.
  await expect.poll(() => asked).toEqual(['true']);

  // The @ list before its chunk came: its place says Loading…
  await pocketcode.prompt.pressSequentially('read @notes');
  const loading = page.getByRole('status', { name: 'Suggestions' });
  await expect(loading).toHaveText('Loading…');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  // Keys pick only what is shown: meanwhile Enter is a plain new line.
  await pocketcode.prompt.press('Enter');
  await expect(pocketcode.prompt).toHaveValue('read @notes\n');
  await pocketcode.prompt.press('Backspace');
  await expect(loading).toHaveText('Loading…');
  // And the mic: pressed, busy, saying so.
  const mic = page.getByRole('button', { name: 'Voice input' });
  await mic.click();
  await expect(page.getByRole('status').filter({ hasText: 'Loading voice input…' })).toBeVisible();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(mic).toBeDisabled();

  // The chunk comes: the mic listens (its phrase lands at the caret), and
  // the list, once the caret is back after the mention, works.
  release();
  await expect(pocketcode.prompt).toHaveValue(`read @notes ${HEARD}`);
  await page.getByRole('button', { name: 'Stop listening' }).click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await pocketcode.prompt.fill('read @notes');
  const option = page.getByRole('listbox', { name: 'Files' }).getByRole('option', { name: 'notes.txt' });
  await expect(option).toBeVisible();
  await pocketcode.prompt.press('Enter');
  await expect(pocketcode.prompt).toHaveValue('read @notes.txt ');
  // The idle fetch of its bytes, and the loader's when the list opened (the
  // mic's tap waited on that same load).
  expect(asked).toEqual(['true', 'true']);
  expect(consoleErrors).toEqual([]);
});

test('a composer chunk that cannot come: the mic says so and stays usable, and a tap fetches it again', async ({
  pocketcode,
  page,
}) => {
  await fakeRecognition(page, HEARD);
  // Each request for the chunk waits here until the test lets it go.
  let release: (how: 'abort' | 'serve') => void = () => undefined;
  let held = new Promise<'abort' | 'serve'>((resolve) => (release = resolve));
  let asked = 0;
  await page.route(COMPOSER_CHUNK, async (route: Route) => {
    asked += 1;
    if ((await held) === 'abort') await route.abort('internetdisconnected');
    else await route.continue();
  });
  await pocketcode.newChat();
  await expect.poll(() => asked).toBe(1);

  // A tap while the chunk is on its way waits for it; it fails: the mic says so.
  const mic = page.getByRole('button', { name: 'Voice input' });
  await mic.click();
  await expect(page.getByRole('status').filter({ hasText: 'Loading voice input…' })).toBeVisible();
  release('abort');
  await expect(page.getByRole('alert').filter({ hasText: PART_FAILED })).toBeVisible();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(mic).toBeEnabled();
  // The @ list, asking again, says so in its place.
  await pocketcode.prompt.pressSequentially('read @notes');
  await expect(page.getByRole('alert').filter({ hasText: PART_FAILED })).toHaveCount(2);
  expect(asked).toBeGreaterThan(1);
  expect(await seriousViolations(page, 'form')).toEqual([]);

  // The connection is back: the next tap fetches the chunk, and the mic listens.
  held = Promise.resolve('serve');
  await pocketcode.prompt.fill('');
  const before = asked;
  await mic.click();
  await expect(pocketcode.prompt).toHaveValue(HEARD);
  expect(asked).toBeGreaterThan(before);
});
