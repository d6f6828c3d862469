import { expect, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';

test('the top bar shows the build /admin/health reports, with its build time on hover', async ({
  pocketcode,
  consoleErrors,
}) => {
  const response = await pocketcode.page.request.get('/admin/health');
  expect(response.status()).toBe(200);
  const version: string = (await response.json()).version;
  // The service worker caches this very build.
  const worker = await (await pocketcode.page.request.get('/sw.js')).text();
  expect(worker).toContain(`const VERSION = ${JSON.stringify(version)};`);
  // `git describe --always --dirty` of the build, then its UTC build time.
  const match = version.match(/^(\S+) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/);
  expect(match, version).not.toBeNull();

  await pocketcode.goto('/');
  const shown = pocketcode.page.getByRole('banner').locator('[data-version]');
  await expect(shown).toHaveText(match![1]);
  await expect(shown).toHaveAttribute('data-version', version);
  await expect(shown).toHaveAttribute('title', `pocketcode ${version}`);
  expect(consoleErrors).toEqual([]);
});

test("the chat's header opens the same session in opencode's own web UI, through pocketcode", async ({
  pocketcode,
  context,
}) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('Also visible in the opencode UI');
  await pocketcode.expectReply('You said');
  await pocketcode.waitUntilIdle();

  const link = pocketcode.page.getByRole('link', { name: 'opencode ↗' });
  await expect(link).toHaveAttribute('target', '_blank');
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  // Same origin: the proxy passes opencode's UI and its API calls through.
  expect(new URL(tab.url()).origin).toBe(new URL(pocketcode.page.url()).origin);
  expect(tab.url()).toContain(`/session/${chat.sessionId}`);
  await expect(tab.locator('body')).toContainText('Also visible in the opencode UI', { timeout: REPLY_TIMEOUT });
  await tab.close();
});
