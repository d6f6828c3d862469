import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

import { expect, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { expectTappable } from '../fixtures/tappable';

/**
 * axe-core's serious and critical findings on the new controls: the user
 * bubbles with their menu, and the undone bar (the rest of the transcript
 * is the accessibility spec's).
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('li[aria-label="You"]')
    .include('[aria-label="Undone"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const read = (file: string): string | null => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);

test('undo restores a file the agent wrote, redo brings it back, fork opens a new chat with the history', async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  const chat = await pocketcode.newChat();
  const file = path.join(chat.worktree, 'undo-me.txt');
  await pocketcode.send('[scenario:write path=undo-me.txt content="first version"]');
  await expect.poll(() => read(file), { timeout: REPLY_TIMEOUT }).toBe('first version');
  await pocketcode.waitUntilIdle();
  await pocketcode.send('[scenario:write path=undo-me.txt content="second version"]');
  await expect.poll(() => read(file), { timeout: REPLY_TIMEOUT }).toBe('second version');
  await pocketcode.waitUntilIdle();
  const you = pocketcode.messages('You');
  await expect(you).toHaveCount(2);

  // Undo from the second prompt: its bubble and reply are set aside, the file is as before it.
  const actions = you.nth(1).getByRole('button', { name: 'Message actions' });
  await expectTappable(actions);
  await actions.click();
  const undo = you.nth(1).getByRole('button', { name: 'Undo from here' });
  await expectTappable(undo);
  await expectTappable(you.nth(1).getByRole('button', { name: 'Fork from here' }));
  await phoneScreenshot(page, 'undo-from-here.png');
  await undo.click();
  const undone = page.getByRole('status', { name: 'Undone' });
  await expect(undone).toBeVisible();
  await expect(you).toHaveCount(1);
  await expect.poll(() => read(file)).toBe('first version');
  const redo = undone.getByRole('button', { name: 'Redo' });
  await expectTappable(redo);
  expect(await seriousViolations(page), 'the transcript while undone').toEqual([]);
  await phoneScreenshot(page, 'undo-undone.png');

  // Redo brings both back.
  await redo.click();
  await expect(undone).toBeHidden();
  await expect(you).toHaveCount(2);
  await expect.poll(() => read(file)).toBe('second version');
  await phoneScreenshot(page, 'undo-redone.png');

  // Fork from the second prompt: a new chat with the history before it.
  await you.nth(1).getByRole('button', { name: 'Message actions' }).click();
  await you.nth(1).getByRole('button', { name: 'Fork from here' }).click();
  await expect(page).not.toHaveURL(new RegExp(`${chat.chatId}$`));
  await expect(page).toHaveURL(new RegExp(`/chat/${chat.repo}/[a-z0-9]+$`));
  await expect(pocketcode.messages('You')).toHaveText([/first version/]);
  await expect(pocketcode.messages('Assistant').first()).toContainText('undo-me.txt');
  await expect(pocketcode.transcript).not.toContainText('second version');
  await phoneScreenshot(page, 'undo-fork.png');
  // The source chat is as it was.
  expect(read(file)).toBe('second version');
  expect(consoleErrors).toEqual([]);
});
