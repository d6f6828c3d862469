import fs from 'node:fs';
import path from 'node:path';

import { expect, PocketcodePage, test } from '../fixtures/pocketcode';

test('a permission request is answered inline, and only then the command runs', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  const file = path.join(chat.worktree, 'perm.txt');
  await pocketcode.send('[scenario:permission]');

  const request = page.getByRole('group', { name: 'Permission request' });
  await expect(request).toContainText('bash');
  await expect(request).toContainText('echo scripted > perm.txt');
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'waitingpermission');
  expect(fs.existsSync(file), 'ran before permission').toBe(false);

  await request.getByRole('button', { name: 'Allow once' }).click();
  await expect(request).toHaveCount(0);
  await pocketcode.expectReply('bash tool returned');
  expect(fs.readFileSync(file, 'utf8')).toBe('scripted\n');
});

test('a question is on every open tab; answered in one, it goes away in all', async ({ context, pocketcode }) => {
  const chat = await pocketcode.newChat();
  const other = new PocketcodePage(await context.newPage());
  await other.goto(chat.href);
  await pocketcode.send('[scenario:question question="Tea or coffee?" options="Tea,Coffee"]');

  const tabs = [pocketcode, other];
  for (const tab of tabs) {
    await expect(tab.page.getByRole('group', { name: 'Question', exact: true })).toContainText('Tea or coffee?');
  }
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'waitinganswer');
  await other.page.getByRole('group', { name: 'Question', exact: true }).getByRole('button', { name: 'Coffee' }).click();
  for (const tab of tabs) await expect(tab.page.getByRole('group', { name: 'Question', exact: true })).toHaveCount(0);
  await pocketcode.expectReply('"Tea or coffee?"="Coffee"');
});

test('a question still waiting is there after a reload, and a typed answer works', async ({ pocketcode, page }) => {
  await pocketcode.newChat();
  await pocketcode.send('[scenario:question question="Name a colour" options="Red,Blue"]');
  await expect(page.getByRole('group', { name: 'Question', exact: true })).toContainText('Name a colour');
  await pocketcode.reload();
  const question = page.getByRole('group', { name: 'Question', exact: true });
  await expect(question).toContainText('Name a colour');
  await question.getByLabel('Your answer').fill('Green');
  await question.getByRole('button', { name: 'Answer' }).click();
  await expect(question).toHaveCount(0);
  await pocketcode.expectReply('"Name a colour"="Green"');
});
