import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { initRepo } from '../fixtures/git';
import { expect, test } from '../fixtures/pocketcode';

/** A fresh git repo on the server's disk, unique to this test run. */
function freshRepo(project: string): { dir: string; name: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pocketcode-e2e-picker-'));
  const base = `picker-${project}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = path.join(root, base);
  fs.mkdirSync(dir);
  initRepo(dir);
  return { dir, name: `local/${base}`, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('add a local repo in the picker, start a chat, find it on the resources page, delete it', async ({
  pocketcode,
  page,
}, testInfo) => {
  const repo = freshRepo(testInfo.project.name);
  try {
    await pocketcode.goto('/repos');
    await page.getByLabel(/Add a repo/).fill(repo.dir);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: `${repo.name}: cloned` })).toBeVisible();

    const row = page.getByRole('group', { name: repo.name, exact: true });
    await expect(row).toContainText('main');
    await row.getByRole('button', { name: 'New chat' }).click();
    await page.waitForURL(new RegExp(`/chat/${repo.name}/[a-z0-9]+$`));
    const chatId = page.url().split('/').pop() as string;
    await expect(pocketcode.prompt).toBeVisible();
    await expect(page.getByTestId('branch')).toHaveText(`pocketcode/${chatId}`);

    // The resources page lists the chat with its worktree, and the repo.
    await pocketcode.goto('/resources');
    const chatRow = page.getByRole('group', { name: `chat ${chatId}` });
    await expect(chatRow).toContainText(repo.name);
    await expect(chatRow).toContainText(`pocketcode/${chatId}`);
    await expect(chatRow).toContainText(`__${chatId}`);
    await expect(chatRow.getByTestId('chat-status')).toHaveText('idle');
    await expect(page.getByRole('group', { name: `repo ${repo.name}` })).toContainText('1 chat');
    await expect(page.getByTestId('disk')).toContainText("pocketcode's data:");
    // opencode's memory, its instances and its budget (off for the specs), in words.
    const memory = page.getByTestId('opencode-memory');
    await expect(memory).toContainText(/opencode: \d/);
    await expect(memory).toContainText(/\d+ instances? alive/);
    await expect(page.getByTestId('memory-budget')).toHaveText('no budget');

    // Delete asks once more, then the chat is gone (page, sidebar, disk).
    const deleteButton = chatRow.getByRole('button', { name: 'Delete' });
    await deleteButton.click();
    await expect(deleteButton).toHaveAttribute('data-armed', 'true');
    await chatRow.getByRole('button', { name: 'Tap again to delete' }).click();
    await expect(chatRow).toHaveCount(0);
    await expect(page.getByRole('group', { name: `repo ${repo.name}` })).toContainText('0 chats');
    await expect(pocketcode.sidebar.locator(`a[href$="/${chatId}"]`)).toHaveCount(0);
  } finally {
    repo.cleanup();
  }
});

test('a bad repo in the picker gets a clear error and adds nothing', async ({ pocketcode, page }) => {
  await pocketcode.goto('/repos');
  const form = page.locator('main');
  for (const [bad, message] of [
    ['../etc/passwd', /\.\./],
    ['/no/such/dir/anywhere', /anywhere/],
    ['-rf/x', /-rf/],
  ] as const) {
    await page.getByLabel(/Add a repo/).fill(bad);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(form.getByRole('alert')).toContainText(message);
  }
  // Nothing was cloned (other tests add repos meanwhile: look for these;
  // `-rf` as a whole part of the name, since other tests' names end in a
  // random suffix that may hold "rf").
  const response = await page.request.post('/pocket/fn/list_repos');
  const names: string[] = (await response.json()).repos.map((r: { name: string }) => r.name);
  expect(names.filter((n) => /passwd|anywhere|(^|\/)-rf(\/|$)/.test(n))).toEqual([]);
});

test('the GitHub list says when no token is set', async ({ pocketcode, page }) => {
  await pocketcode.goto('/repos');
  await expect(page.getByRole('region', { name: 'GitHub' }).getByRole('note')).toContainText('GITHUB_TOKEN');
});
