import { expect, test } from '../fixtures/pocketcode';

test('the top bar shows the build /admin/health reports, with its build time on hover', async ({
  pocketcode,
  consoleErrors,
}) => {
  const response = await pocketcode.page.request.get('/admin/health');
  expect(response.status()).toBe(200);
  const version: string = (await response.json()).version;
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
