import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, PocketcodePage, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';
import { expectTappable } from '../fixtures/tappable';

/**
 * axe-core's serious and critical findings on the new controls: the queue
 * and the composer's buttons (the transcript, scrolling a long reply, is the
 * accessibility spec's).
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('section[aria-label="Queue"]')
    .include('form')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const pendingIn = (page: Page) => page.getByRole('list', { name: 'Queued prompts' }).getByRole('listitem');

test('prompts queued while the agent works can be edited, moved and deleted, and run after it in order', async ({
  pocketcode,
  page,
  context,
  consoleErrors,
}, testInfo) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=120 ms=250] keep busy');
  await expect(pocketcode.working).toBeVisible();
  // Busy: Send became Queue and Steer.
  const queue = page.getByRole('button', { name: 'Queue', exact: true });
  const steer = page.getByRole('button', { name: 'Steer', exact: true });
  await expect(pocketcode.sendButton).toBeHidden();
  await expectTappable(queue);
  await expectTappable(steer);

  for (const text of ['first queued', 'second queued', 'third queued']) {
    await pocketcode.prompt.fill(text);
    await queue.click();
    await expect(pocketcode.prompt).toHaveValue('');
  }
  const pending = pendingIn(page);
  await expect(pending).toHaveText([/first queued/, /second queued/, /third queued/]);

  // Edited, deleted, moved up.
  await pending.nth(1).getByRole('button', { name: 'Edit' }).click();
  await pending.nth(1).getByRole('textbox', { name: 'Queued prompt' }).fill('second, edited');
  await pending.nth(1).getByRole('button', { name: 'Save' }).click();
  await expect(pending.nth(1)).toContainText('second, edited');
  await pending.nth(2).getByRole('button', { name: 'Delete' }).click();
  await expect(pending).toHaveCount(2);
  await expectTappable(pending.nth(1).getByRole('button', { name: 'Move up' }));
  await pending.nth(1).getByRole('button', { name: 'Move up' }).click();
  await expect(pending).toHaveText([/second, edited/, /first queued/]);

  // Another tab sees the same queue (it is the server's).
  const other = new PocketcodePage(await context.newPage());
  await other.goto(chat.href);
  await expect(pendingIn(other.page)).toHaveText([/second, edited/, /first queued/]);

  expect(await seriousViolations(page), 'the queue and its buttons').toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('queue-and-steer.png') });

  // The slow reply stopped: pocketcode sends the queue, one per idle, in order.
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(pocketcode.messages('You')).toHaveText([/keep busy/, /second, edited/, /first queued/], {
    timeout: REPLY_TIMEOUT,
  });
  await expect(pending).toHaveCount(0);
  await expect(pendingIn(other.page)).toHaveCount(0);
  await pocketcode.expectReply('first queued');
  await pocketcode.waitUntilIdle();
  await expect(pocketcode.sendButton).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('Steer stops the running reply and sends at once', async ({ pocketcode, page, consoleErrors }) => {
  await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=120 ms=250] steer me');
  const first = pocketcode.messages('Assistant').first();
  await expect(first).toContainText('Slow chunk 2 of 120.');
  await pocketcode.prompt.fill('go this way instead');
  await page.getByRole('button', { name: 'Steer', exact: true }).click();
  await expect(pocketcode.prompt).toHaveValue('');
  await expect(pocketcode.messages('You')).toHaveText([/steer me/, /go this way instead/], { timeout: REPLY_TIMEOUT });
  await pocketcode.expectReply('go this way instead');
  await pocketcode.waitUntilIdle();
  await expect(first).toContainText(/abort/i);
  await expect(first).not.toContainText('Slow chunk 120 of 120.');
  expect(consoleErrors).toEqual([]);
});
