import { loaderChunks } from '../fixtures/chunks';
import { REPLY_TIMEOUT, expect, test } from '../fixtures/pocketcode';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(body: Buffer): [number, number] {
  expect(body.subarray(1, 4).toString()).toBe('PNG');
  return [body.readUInt32BE(16), body.readUInt32BE(20)];
}

test.describe('logged out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the manifest, its icons and the worker load without a login, as browsers fetch them', async ({ request }) => {
    const response = await request.get('/manifest.webmanifest');
    expect(response.status()).toBe(200);
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      name: 'pocketcode',
      short_name: 'pocketcode',
      display: 'standalone',
      start_url: '/',
      scope: '/',
      background_color: '#000000',
      theme_color: '#000000',
    });
    const purposes = new Set<string>();
    for (const icon of manifest.icons) {
      const image = await request.get(icon.src);
      expect(image.status(), icon.src).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
      const [w, h] = pngSize(await image.body());
      expect(`${w}x${h}`, icon.src).toBe(icon.sizes);
      purposes.add(icon.purpose);
    }
    expect([...purposes].sort()).toEqual(['any', 'maskable']);
    const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
    expect(sizes).toContain('192x192');
    expect(sizes).toContain('512x512');

    const worker = await request.get('/sw.js');
    expect(worker.status()).toBe(200);
    expect(worker.headers()['content-type']).toContain('javascript');
    expect(worker.headers()['cache-control']).toBe('no-cache');
    // Strangers learn nothing from the health check but its status (the
    // worker's version is compared with the logged-in details in version.spec).
    expect(await (await request.get('/admin/health')).json()).toEqual({ status: 'ok' });
    const script = await worker.text();
    expect(script).toMatch(/const VERSION = "[^"]+";/);

    // The build's content-hashed stylesheet: the worker keeps it, the login
    // page (before any login) links it, and it loads.
    const stylesheet = /const APP_FILES = \["(\/pkg\/pocketcode\.[\w-]+\.css)"/.exec(script)?.[1];
    expect(stylesheet, script.slice(0, 400)).toBeTruthy();
    expect(await (await request.get('/login')).text()).toContain(`href="${stylesheet}"`);
    const css = await request.get(stylesheet!);
    expect(css.status()).toBe(200);
    expect(css.headers()['content-type']).toContain('text/css');
  });
});

test('the app is installable: iOS tags, a controlling worker, and Chromium finds no installability errors', async ({
  pocketcode,
  page,
}) => {
  await pocketcode.goto('/repos');
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/icons/apple-touch-icon.png');
  await expect(page.locator('meta[name="apple-mobile-web-app-capable"]')).toHaveAttribute('content', 'yes');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await pocketcode.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);

  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's contexts are incognito, where Chromium never installs
  // anything; every other reason would be the app's.
  expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);
});

test('offline, a page shows the chats last seen; the worker keeps only app files, never server calls', async ({
  pocketcode,
  page,
  context,
}) => {
  const chat = await pocketcode.newChat();
  const word = `offline${Math.random().toString(36).slice(2, 8)}`;
  await pocketcode.send(`Offline list ${word}`);
  await pocketcode.waitUntilIdle();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await pocketcode.reload();
  await pocketcode.openSidebar();
  // The title the scripted model gave the chat (from the prompt's words).
  await expect(pocketcode.chatLink(chat)).toContainText(word);
  const title = (await pocketcode.chatLink(chat).locator('.text-neutral-100').textContent())?.trim() ?? '';
  // The page hands the list to the worker shortly after it changes.
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const names = await caches.keys();
        for (const name of names) {
          const saved = await (await caches.open(name)).match('/__pocketcode/chats.json');
          if (saved) return JSON.stringify(await saved.json());
        }
        return '';
      }),
    )
    .toContain(`"title":"${title}"`);

  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached.some((u) => u.startsWith('/pkg/'))).toBe(true);
  const unwanted = cached.filter((u) => !/^\/(pkg\/|icons\/|favicon\.svg$|manifest\.webmanifest$|__pocketcode\/chats\.json$)/.test(u));
  expect(unwanted).toEqual([]);

  await context.setOffline(true);
  await page.goto(chat.href).catch(() => undefined);
  await expect(page.getByRole('heading', { name: 'pocketcode is out of reach' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('You are offline');
  await expect(page.getByRole('list', { name: 'Chats when last online' }).getByRole('link', { name: title })).toHaveAttribute(
    'href',
    chat.href,
  );
  await context.setOffline(false);
  // Chromium lifts the offline emulation from the page and from its worker
  // one after the other (CI saw it once): a tap in between gets the offline
  // page again, with the same link, so the user taps again.
  const tryAgain = page.getByRole('link', { name: 'Try again' });
  await expect(async () => {
    if (await tryAgain.isVisible()) await tryAgain.click();
    await expect(pocketcode.app).toHaveAttribute('data-hydrated', 'true', { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await expect(pocketcode.prompt).toBeVisible();
});

test("offline, a sheet opens from the worker's copy of its chunk, fetched while the page was idle", async ({
  pocketcode,
  page,
  context,
}) => {
  await pocketcode.newChat();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Loaded under the worker: once idle, every chunk's bytes pass through it.
  await pocketcode.reload();
  const chunks = await loaderChunks(page);
  const missing = () =>
    page.evaluate(async (wanted) => {
      const kept = new Set<string>();
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) kept.add(new URL(request.url).pathname);
      }
      return wanted.filter((path) => !kept.has(path));
    }, chunks);
  await expect.poll(missing, { timeout: REPLY_TIMEOUT }).toEqual([]);

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Files' }).click();
  // The sheet itself (its own Close), not the one saying its chunk could not come.
  await expect(page.getByRole('button', { name: 'Close the files' })).toBeVisible();
  await expect(page.getByText('Could not load this sheet')).toHaveCount(0);
  await context.setOffline(false);
});

test("the worker shows a pushed chat's notification, and a tap on it opens the chat", async ({
  pocketcode,
  page,
  context,
}) => {
  await context.grantPermissions(['notifications']);
  const chat = await pocketcode.newChat();
  await pocketcode.goto('/repos');
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrations.length).toBeGreaterThan(0);
  const origin = new URL(page.url()).origin;
  const registration = registrations.find((r) => r.scopeURL === `${origin}/`);
  expect(registration).toBeTruthy();
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin,
    registrationId: registration!.registrationId,
    data: JSON.stringify({ title: 'Fix the login bug', body: 'Finished: 3 files changed', url: chat.href }),
  });
  const shown = () =>
    page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data?.url }));
    });
  await expect
    .poll(shown)
    .toEqual([{ title: 'Fix the login bug', body: 'Finished: 3 files changed', url: chat.href }]);

  // The tap: the worker's notificationclick handler, called in the worker
  // (a test cannot click a system notification). The open tab goes to the chat.
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  await worker.evaluate(async () => {
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration;
      openFromNotification: (n: Notification) => Promise<unknown>;
    };
    const [notification] = await scope.registration.getNotifications();
    await scope.openFromNotification(notification);
  });
  await page.waitForURL(`${origin}${chat.href}`);
  await pocketcode.waitHydrated();
  await expect(pocketcode.prompt).toBeVisible();
  expect(await shown()).toEqual([]);
});

test('turning notifications on says plainly why it could not, and leaves them off', async ({ pocketcode, page }) => {
  await pocketcode.goto('/repos');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await pocketcode.openSidebar();
  const toggle = pocketcode.sidebar.getByRole('button', { name: /^Notifications: off/ });
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  // Permission not granted (a test browser answers the prompt with "denied").
  await toggle.click();
  await expect(pocketcode.sidebar.getByRole('alert')).toContainText('blocks notifications from pocketcode');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});
