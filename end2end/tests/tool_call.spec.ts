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
  await expect(pocketcode.messages('Assistant').last()).toContainText('Done. The write tool returned', {
    timeout: 30_000,
  });
  await pocketcode.waitUntilIdle();

  expect(fs.existsSync(file), `${file} was not written`).toBe(true);
  expect(fs.readFileSync(file, 'utf8').length).toBeGreaterThan(0);
  // Only there: not in the repo the chat was made from.
  expect(fs.existsSync(path.join(e2eRepo(), name))).toBe(false);

  // The tool call is part of the stored transcript too.
  await pocketcode.reload();
  await expect(pocketcode.toolCall('write')).toContainText('completed');
});
