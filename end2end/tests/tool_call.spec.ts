import fs from 'node:fs';
import path from 'node:path';

import { e2eRepo, expect, test } from '../fixtures/pocketcode';

test('a write scenario leaves the file in the chat worktree and shows the tool call', async ({
  pocketcode,
}, testInfo) => {
  const name = `e2e-${testInfo.project.name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.txt`;
  const chat = await pocketcode.newChat();
  const file = path.join(chat.worktree, name);
  expect(fs.existsSync(file)).toBe(false);

  await pocketcode.send(`[scenario:write path=${name}]`);

  const call = pocketcode.toolCall('write');
  await expect(call).toBeVisible();
  await expect(call).toContainText('completed');
  await expect(call).toContainText(name);
  await pocketcode.expectReply('Done. The write tool returned');
  await pocketcode.waitUntilIdle();

  expect(fs.existsSync(file), `${file} was not written`).toBe(true);
  expect(fs.readFileSync(file, 'utf8').length).toBeGreaterThan(0);
  // Only there: not in the repo the chat was made from.
  expect(fs.existsSync(path.join(e2eRepo(), name))).toBe(false);

  // The tool call is part of the stored transcript too.
  await pocketcode.reload();
  await expect(pocketcode.toolCall('write')).toContainText('completed');
});

test('a written file shows as a diff, the call collapses with a tap, and a todo list shows each status', async ({
  pocketcode,
}, testInfo) => {
  const name = `diff-${testInfo.project.name}-${Date.now()}.txt`;
  await pocketcode.newChat();
  await pocketcode.send(`[scenario:write path=${name} content="first line\\nsecond line\\n"]`);
  const call = pocketcode.toolCall('write');
  await expect(call).toHaveAttribute('data-tool-status', 'completed');
  const diff = call.getByLabel('File diff');
  await expect(diff).toContainText(`+++ `);
  await expect(diff).toContainText(name);
  await expect(diff.locator('span.text-green-400')).toHaveText(['+first line', '+second line']);
  await expect(call.getByLabel('Output')).toContainText(/wrote/i);

  // Tap the summary: collapsed; again: open. The choice outlives re-renders.
  await call.locator('summary').click();
  await expect(diff).toBeHidden();
  await call.locator('summary').click();
  await expect(diff).toBeVisible();
  await pocketcode.waitUntilIdle();

  await pocketcode.send('[scenario:todo items="Read the code,Make the change,Run the tests"]');
  const todos = pocketcode.toolCall('todowrite').getByRole('list', { name: 'Todo list' });
  await expect(todos.getByRole('listitem')).toHaveText([
    /Read the code.*\(completed\)/,
    /Make the change.*\(in progress\)/,
    /Run the tests.*\(pending\)/,
  ]);
  await pocketcode.waitUntilIdle();
  // Both are in the stored transcript too, and render the same without JavaScript's help.
  await pocketcode.reload();
  await expect(pocketcode.toolCall('write').getByLabel('File diff')).toContainText('+second line');
  await expect(pocketcode.toolCall('todowrite').getByRole('listitem')).toHaveCount(3);
});
