import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { type Chat, expect, test } from '../fixtures/pocketcode';

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

  // The agent writes the message, asked aside: it lands in the box for
  // editing, and the transcript has no new message.
  const message = changes.getByLabel('Commit message');
  const write = changes.getByRole('button', { name: 'Ask the agent to write it' });
  const replies = await pocketcode.messages('Assistant').count();
  await write.click();
  await expect(message).toHaveValue(new RegExp(`^Update ${name.replace(/\./g, '\\.')}\n\nChanged`));
  await expect(pocketcode.messages('You')).toHaveCount(1);
  await expect(pocketcode.messages('Assistant')).toHaveCount(replies);
  await message.fill(`Ship ${name}`);
  const commit = changes.getByRole('button', { name: 'Commit 1 file(s)' });
  for (const control of [commit, write, files.getByRole('listitem').first()]) {
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

test('a conflicting merge is refused naming the file, and the agent is asked to resolve it', async ({
  pocketcode,
  page,
}) => {
  const call = async (name: string, form: Record<string, string>) => {
    const response = await page.request.post(`/pocket/fn/${name}`, { form });
    return { status: response.status(), body: await response.text() };
  };
  const commitOwn = async (chat: Chat, file: string, line: string) => {
    fs.writeFileSync(path.join(chat.worktree, file), `${line}\n`);
    const done = await call('commit_chat', { repo: chat.repo, chat_id: chat.chatId, message: line });
    expect(done.status, done.body).toBe(200);
  };
  const winner = await pocketcode.newChat();
  const loser = await pocketcode.newChat();
  const file = `clash-${loser.chatId}.txt`;
  await commitOwn(winner, file, 'the winner');
  await commitOwn(loser, file, 'the loser');
  const merged = await call('merge_chat', { repo: winner.repo, chat_id: winner.chatId });
  expect(merged.status, merged.body).toBe(200);

  // Hydrated, with the ⋯ menu's code there (`app::later`): a tap before
  // that would go to the server's button, which does not answer.
  await pocketcode.reload();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Changes (diff)' }).click();
  const changes = page.getByRole('region', { name: 'Changes' });
  await expect(changes.getByTestId('merge-conflicts')).toContainText(`Merging would conflict in: ${file}`);
  const tip = git(loser.worktree, 'rev-parse', 'HEAD');
  await changes.getByRole('button', { name: 'Merge into main' }).click();
  await expect(changes.getByRole('alert').filter({ hasText: 'Not merged' })).toContainText(file);
  // main does not have the loser's commit (other tests' merges may have
  // moved it meanwhile: main is shared).
  expect(() => git(loser.worktree, 'merge-base', '--is-ancestor', tip, 'refs/heads/main')).toThrow();

  const ask = changes.getByRole('button', { name: 'Ask the agent to resolve' });
  expect((await ask.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await ask.click();
  await expect(changes.getByRole('status').filter({ hasText: 'Asked the agent' })).toBeVisible();
  await expect(pocketcode.messages('You').last()).toContainText(`conflicts in: ${file}`);
});
