import fs from 'node:fs';
import path from 'node:path';

import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { useOwnServer } from '../fixtures/own_server';

// A server of its own, with an empty data dir: no repo, no chat, nothing
// remembered in the browser.
const ownServer = useOwnServer();

test('a first visit with no repos shows the repo picker, and nothing is cloned until one is picked', async ({
  page,
}) => {
  const server = ownServer();
  const pocketcode = new PocketcodePage(page);
  const login = new LoginPage(page);
  await page.goto(`${server.baseUrl}/`);
  await login.expectShown();
  await login.logIn(server.password);
  await expect(page).toHaveURL(`${server.baseUrl}/`);
  await pocketcode.waitHydrated();

  // The picker is the page: a field for a URL or path, the GitHub list
  // (which says why it is empty), no composer and no chat in the sidebar.
  await expect(page.getByLabel(/Add a repo/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'GitHub' }).getByRole('note')).toContainText('GITHUB_TOKEN');
  await expect(pocketcode.prompt).toHaveCount(0);
  await expect(pocketcode.sidebar.locator('a[href^="/chat/"]')).toHaveCount(0);

  // Still nothing after a reload: the page clones nothing by itself.
  await pocketcode.reload();
  await expect(page.getByLabel(/Add a repo/)).toBeVisible();
  const reposDir = path.join(server.dataDir, 'repos');
  const cloned = fs.existsSync(reposDir) ? fs.readdirSync(reposDir) : [];
  expect(cloned).toEqual([]);
  const listed = await page.request.post(`${server.baseUrl}/pocket/fn/list_repos`);
  expect((await listed.json()).repos).toEqual([]);
});
