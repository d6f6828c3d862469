import fs from 'node:fs';
import path from 'node:path';

import { expect, test } from '../fixtures/pocketcode';

test('a write scenario leaves the file in the workspace and shows the tool call', async ({
  pocketcode,
  workspaceDir,
}, testInfo) => {
  const name = `e2e-${testInfo.project.name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.txt`;
  const file = path.join(workspaceDir, name);
  expect(fs.existsSync(file)).toBe(false);

  await pocketcode.goto('/');
  await pocketcode.newSession();
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

  // The tool call is part of the stored transcript too.
  await pocketcode.reload();
  await expect(pocketcode.toolCall('write')).toContainText('completed');
});
