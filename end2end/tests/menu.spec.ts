import fs from 'node:fs';

import { expect, test } from '../fixtures/pocketcode';

test('the ⋯ menu copies the branch, renames, shows the diff and deletes the chat', async ({
  pocketcode,
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = await pocketcode.newChat();
  await pocketcode.send('[scenario:write path=menu.txt content="hello menu"]');
  await pocketcode.expectReply('Done. The write tool returned');
  await pocketcode.waitUntilIdle();

  const menuButton = page.getByRole('button', { name: 'Chat menu' });
  const menu = page.getByRole('menu', { name: 'Chat menu' });
  const branch = `pocketcode/${chat.chatId}`;

  // Copy branch, with the name inline.
  await menuButton.click();
  const copy = menu.getByRole('menuitem', { name: /Copy branch/ });
  await expect(copy).toContainText(branch);
  await copy.click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toHaveText(`Copied ${branch}`);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(branch);

  // Rename: the sidebar and the transcript's title follow.
  await menu.getByRole('menuitem', { name: 'Rename' }).click();
  const title = `Renamed ${Math.random().toString(36).slice(2, 8)}`;
  await page.getByLabel('New title').fill(title);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(pocketcode.chatLink(chat)).toContainText(title);
  await expect(pocketcode.app.getByRole('heading', { level: 2 })).toHaveText(title);

  // Changes: the stat, then the full diff.
  await menuButton.click();
  await menu.getByRole('menuitem', { name: 'Changes (diff)' }).click();
  const changes = page.getByRole('region', { name: 'Changes' });
  await expect(changes.getByTestId('diff-summary')).toHaveText('1 file(s), +1 −0');
  await expect(changes.getByRole('list', { name: 'Changed files' })).toContainText('menu.txt');
  await changes.getByRole('button', { name: 'Show the full diff' }).click();
  await expect(changes.getByLabel('Diff')).toContainText('+hello menu');
  await changes.getByRole('button', { name: 'Close the changes' }).click();
  await expect(changes).toHaveCount(0);

  // Delete (second tap), with the uncommitted file: chat, worktree and link gone.
  await menuButton.click();
  await menu.getByRole('menuitem', { name: 'Delete chat' }).click();
  await menu.getByRole('menuitem', { name: /Tap again/ }).click();
  await expect(page).not.toHaveURL(new RegExp(chat.chatId));
  await expect(pocketcode.chatLink(chat)).toHaveCount(0);
  expect(fs.existsSync(chat.worktree)).toBe(false);
});

test('a bad title is refused with a message and changes nothing', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  const before = await pocketcode.chatLink(chat).textContent();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Rename' }).click();
  await page.getByLabel('New title').fill('   ');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('the title is empty');
  await expect(pocketcode.chatLink(chat)).toHaveText(before ?? '');
});

test('share gives a public link that opens and copies; unshare takes it down', async ({
  pocketcode,
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = await pocketcode.newChat();
  await pocketcode.send('Something worth sharing');
  await pocketcode.expectReply('You said');
  await pocketcode.waitUntilIdle();

  const menuButton = page.getByRole('button', { name: 'Chat menu' });
  const menu = page.getByRole('menu', { name: 'Chat menu' });
  await menuButton.click();
  await menu.getByRole('menuitem', { name: 'Share', exact: true }).click();
  const shared = page.getByRole('status').filter({ hasText: 'Shared:' });
  const link = shared.getByRole('link');
  await expect(link).toHaveAttribute('href', /^http:\/\/127\.0\.0\.1:\d+\/share\/\w+$/);
  const href = (await link.getAttribute('href')) ?? '';
  await expect(link).toHaveText(href);
  await expect(link).toHaveAttribute('target', '_blank');

  // The share service (opencode's, here its loopback stand-in) has the
  // session, and opencode keeps it in sync.
  const served = await page.request.get(href);
  expect(served.status()).toBe(200);
  expect(await served.text()).toContain(chat.sessionId);
  await expect
    .poll(async () => Number((/(\d+) items synced/.exec(await (await page.request.get(href)).text()) ?? [])[1]))
    .toBeGreaterThan(0);

  // The link opens in a new tab and copies.
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await expect(tab.getByRole('heading', { name: 'Shared session' })).toBeVisible();
  await tab.close();
  await shared.getByRole('button', { name: 'Copy link' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(href);

  // Unshare: the link is gone at the service.
  if (!(await menu.isVisible())) await menuButton.click();
  await menu.getByRole('menuitem', { name: 'Unshare', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No longer shared.' })).toBeVisible();
  expect((await page.request.get(href)).status()).toBe(404);
});
