import path from 'node:path';

import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { screenshotsDir } from '../fixtures/screenshots';

/**
 * Phone screenshots of the main views, for the notes and the README:
 * written to end2end/screenshots/ with UPDATE_SCREENSHOTS=1 (`make screenshots`),
 * else to end2end/bench-results/screenshots/ (Pixel 7 profile). Each shot waits for what
 * it shows, so a broken view fails here rather than making a blank picture.
 */
const dir = screenshotsDir('bench-results');
const shot = (page: PocketcodePage['page'], name: string) =>
  page.screenshot({ path: path.join(dir, `${name}.png`) });

test('phone screenshots', async ({ pocketcode, page, context }) => {
  // Repo picker.
  await pocketcode.goto('/repos');
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await shot(page, 'repo-picker');

  // Three chats working at once; one streaming.
  const chats = [];
  for (const prompt of [
    '[scenario:slow chunks=600 ms=200] Refactor the parser',
    '[scenario:permission command="cargo test"] Run the tests',
    '[scenario:question question="Which licence?" options="MIT,Apache-2.0"] Add a licence',
  ]) {
    const chat = await pocketcode.newChat();
    await pocketcode.send(prompt);
    chats.push(chat);
  }
  await pocketcode.goto(chats[0].href);
  await expect(pocketcode.messages('Assistant').last()).toContainText('Slow chunk 12 of 600.', { timeout: 30_000 });
  await shot(page, 'chat-streaming');
  await pocketcode.openSidebar();
  const statuses = ['busy', 'waitingpermission', 'waitinganswer'];
  for (const [i, chat] of chats.entries()) {
    await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', statuses[i]);
  }
  await shot(page, 'sidebar-three-chats');

  // Permission prompt.
  const other = new PocketcodePage(await context.newPage());
  await other.goto(chats[1].href);
  await expect(other.page.getByRole('group', { name: 'Permission request' })).toBeVisible();
  await shot(other.page, 'permission-prompt');

  // A file edit as a diff in the transcript, then the chat's full diff.
  await pocketcode.newChat();
  await pocketcode.send('[scenario:write path=src/greeting.rs content="pub fn greet() -> &\'static str {\\n    \\"hello\\"\\n}\\n"]');
  await expect(pocketcode.toolCall('write').getByLabel('File diff')).toBeVisible();
  await pocketcode.waitUntilIdle();
  await shot(page, 'tool-diff');
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menuitem', { name: 'Changes (diff)' }).click();
  await page.getByRole('button', { name: 'Show the full diff' }).click();
  await expect(page.getByRole('region', { name: 'Changes' }).getByLabel('Diff')).toContainText('+pub fn greet');
  await shot(page, 'diff-view');
});
