import { execFileSync } from 'node:child_process';

import { expect, test } from '../fixtures/pocketcode';

/** git in `dir` (a chat's worktree shares its refs with the main clone). */
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString().trim();

test('from a finished chat: Changes → commit → merge into main, one-handed at 390×844', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  const name = `ship-${chat.chatId}.txt`;
  await pocketcode.send(`[scenario:write path=${name} content="shipped from a phone"]`);
  await pocketcode.expectReply('Done. The write tool returned');
  await pocketcode.waitUntilIdle();
  const badge = page.getByTestId('unshipped');
  await expect(badge).toContainText('1 uncommitted');

  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Changes (diff)' }).click();
  const changes = page.getByRole('region', { name: 'Changes' });
  const files = changes.getByRole('list', { name: 'Uncommitted files' });
  await expect(files).toContainText(name);
  await expect(files.getByRole('checkbox')).toBeChecked();

  const message = changes.getByLabel('Commit message');
  await message.fill(`Ship ${name}`);
  const commit = changes.getByRole('button', { name: 'Commit 1 file(s)' });
  for (const control of [commit, files.getByRole('listitem').first()]) {
    const box = await control.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  }
  await commit.click();
  await expect(changes.getByRole('list', { name: 'Commits ahead' })).toContainText(`Ship ${name}`);
  await expect(changes.getByTestId('nothing-to-commit')).toBeVisible();
  expect(git(chat.worktree, 'log', '-1', '--format=%s')).toBe(`Ship ${name}`);
  expect(git(chat.worktree, 'status', '--porcelain')).toBe('');
  await expect(badge).toContainText('1 unpushed');

  const before = git(chat.worktree, 'rev-parse', 'refs/heads/main');
  const tip = git(chat.worktree, 'rev-parse', 'HEAD');
  const merge = changes.getByRole('button', { name: 'Merge into main' });
  expect((await merge.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await merge.click();
  await expect(changes.getByTestId('merged')).toContainText('Merged: main is now at');
  const after = git(chat.worktree, 'rev-parse', 'refs/heads/main');
  expect(after).not.toBe(before);
  // main has the chat's commit (other tests' merges may sit on top of it).
  git(chat.worktree, 'merge-base', '--is-ancestor', tip, 'refs/heads/main');
  await expect(changes.getByRole('list', { name: 'Commits ahead' }).getByRole('listitem')).toHaveCount(0);
  await expect(badge).toHaveCount(0);
});
