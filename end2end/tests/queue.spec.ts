import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { FILE, mentionRepo, SECRET, TEMPLATE, trustRepo } from '../fixtures/mentions';
import { expect, PocketcodePage, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
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

/** The queue's bubbles (not the lists of files inside them). */
const pendingIn = (page: Page) => page.getByRole('list', { name: 'Queued prompts' }).getByTestId('queued-prompt');

test('prompts queued while the agent works can be edited, moved and deleted, and run after it in order', async ({
  pocketcode,
  page,
  context,
  consoleErrors,
}) => {
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
  await phoneScreenshot(page, 'queue-and-steer.png');

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

/** Picks `@query`'s file (by tap) in the composer's `@` picker. */
async function mentionFile(pocketcode: PocketcodePage, typed: string, file: string): Promise<void> {
  await pocketcode.prompt.pressSequentially(typed);
  await pocketcode.page.getByRole('listbox', { name: 'Files' }).getByRole('option', { name: file }).tap();
  await expect(pocketcode.prompt).toHaveValue(new RegExp(`@${file} $`));
}

test('an @file prompt and a /command queued while the agent works keep their parts and run in order', async ({
  pocketcode,
  page,
  consoleErrors,
}, testInfo) => {
  const repo = mentionRepo(testInfo.project.name);
  try {
    const chat = await pocketcode.newChat(repo.dir);
    await trustRepo(page, chat);
    // Long enough (100 s) for the picks, a reload and an edit, Stop ends it.
    await pocketcode.send('[scenario:slow chunks=400 ms=250] keep busy');
    await expect(pocketcode.working).toBeVisible();
    const queue = page.getByRole('button', { name: 'Queue', exact: true });

    await mentionFile(pocketcode, 'what is in @zebra', FILE);
    await pocketcode.prompt.pressSequentially('please?');
    await queue.click();
    await expect(pocketcode.prompt).toHaveValue('');
    await pocketcode.prompt.pressSequentially('/zoo');
    await page.getByRole('listbox', { name: 'Commands' }).getByRole('option', { name: /\/zoo-greet/ }).tap();
    await pocketcode.prompt.pressSequentially('Zara and Zed');
    await queue.click();
    await expect(pocketcode.prompt).toHaveValue('');

    // Each bubble shows what goes with it, after a reload too (the server keeps it).
    const pending = pendingIn(page);
    const files = pending.nth(0).getByRole('list', { name: 'Files sent with it' });
    await expect(pending).toHaveCount(2);
    await expect(files).toHaveText(`@${FILE}`);
    await expect(pending.nth(1)).toContainText('Runs the command /zoo-greet');
    await pocketcode.reload();
    await expect(files).toHaveText(`@${FILE}`);
    await expect(pending.nth(1)).toContainText('Runs the command /zoo-greet');

    // An edit keeps the file while its @path stays in the text.
    await pending.nth(0).getByRole('button', { name: 'Edit' }).click();
    await expect(pending.nth(0)).toContainText('A file goes with the prompt while its @path stays in the text.');
    await pending.nth(0).getByRole('textbox', { name: 'Queued prompt' }).fill(`what is in @${FILE}, really?`);
    await pending.nth(0).getByRole('button', { name: 'Save' }).click();
    await expect(pending.nth(0)).toContainText('really?');
    await expect(files).toHaveText(`@${FILE}`);
    expect(await seriousViolations(page), 'the queue with a file and a command').toEqual([]);
    await pending.nth(1).evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await phoneScreenshot(page, 'queue-file-and-command.png');

    // Stopped: the @file prompt goes (its file read), then the command runs (its template the turn).
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(pocketcode.messages('You')).toHaveText([/keep busy/, /really\?/, /Zara and Zed/], {
      timeout: REPLY_TIMEOUT,
    });
    await pocketcode.expectReply(`${TEMPLATE} Zara and Zed`);
    // The scripted model quoted the @file turn it got: opencode read the file into it.
    await expect(pocketcode.transcript).toContainText(SECRET);
    await expect(pending).toHaveCount(0);
    await pocketcode.waitUntilIdle();
    expect(consoleErrors).toEqual([]);
  } finally {
    repo.cleanup();
  }
});

test('Steer stops the running reply and sends at once, its @file with it', async ({
  pocketcode,
  page,
  consoleErrors,
}, testInfo) => {
  const repo = mentionRepo(testInfo.project.name);
  try {
    await pocketcode.newChat(repo.dir);
    await pocketcode.send('[scenario:slow chunks=120 ms=250] steer me');
    const first = pocketcode.messages('Assistant').first();
    await expect(first).toContainText('Slow chunk 2 of 120.');
    await pocketcode.prompt.pressSequentially('go this way instead, see ');
    await mentionFile(pocketcode, '@zebra', FILE);
    await page.getByRole('button', { name: 'Steer', exact: true }).click();
    await expect(pocketcode.prompt).toHaveValue('');
    await expect(pocketcode.messages('You')).toHaveText([/steer me/, /go this way instead/], {
      timeout: REPLY_TIMEOUT,
    });
    // The scripted model quotes the turn it got: opencode read the file into it.
    await pocketcode.expectReply(SECRET);
    await pocketcode.waitUntilIdle();
    await expect(first).toContainText(/abort/i);
    await expect(first).not.toContainText('Slow chunk 120 of 120.');
    // The cut-short reply and the steering prompt, with its file.
    await pocketcode.messages('You').last().evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await phoneScreenshot(page, 'steer.png');
    expect(consoleErrors).toEqual([]);
  } finally {
    repo.cleanup();
  }
});
