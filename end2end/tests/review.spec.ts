import fs from 'node:fs';
import path from 'node:path';

import type { Locator, Page } from '@playwright/test';

import { seriousViolations } from '../fixtures/axe';
import { expect, PocketcodePage, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { expectTappable } from '../fixtures/tappable';

const PLAN = 'fn main() {\n    println!("hi from the agent");\n}\n';

test('Review on a phone: comment on a line and a range, send the review, the agent gets both anchors', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  // What the agent wrote.
  fs.mkdirSync(path.join(chat.worktree, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(chat.worktree, 'notes', 'plan.rs'), PLAN);

  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Review' }).click();
  const review = page.getByRole('region', { name: 'Review' });
  const file = review.locator('details', { hasText: 'notes/plan.rs' });
  await expect(file).toHaveAttribute('open', '');
  const line = (n: number) => file.getByRole('button', { name: new RegExp(`^Line ${n}:`) });
  await expect(line(2)).toContainText('println!("hi from the agent");');
  const send = review.getByRole('button', { name: 'Send review' });
  await expect(send).toBeDisabled();

  // One line.
  await line(1).click();
  await expect(line(1)).toHaveAttribute('aria-pressed', 'true');
  const box = review.getByRole('textbox', { name: 'Comment on notes/plan.rs:1' });
  await box.fill('Name the function for what it does.');
  await review.getByRole('button', { name: 'Add comment' }).click();
  const first = review.getByRole('article', { name: 'Comment on notes/plan.rs:1' });
  await expect(first).toContainText('Name the function for what it does.');
  await expect(first).toContainText('draft');

  // A range: a second tap stretches the first.
  await line(2).click();
  await line(3).click();
  await expect(line(2)).toHaveAttribute('aria-pressed', 'true');
  await expect(line(3)).toHaveAttribute('aria-pressed', 'true');
  await review.getByRole('textbox', { name: 'Comment on notes/plan.rs:2-3' }).fill('Say hi to the user instead.');
  await review.getByRole('button', { name: 'Add comment' }).click();
  const second = review.getByRole('article', { name: 'Comment on notes/plan.rs:2-3' });
  await expect(second).toContainText('Say hi to the user instead.');
  await expect(review.getByTestId('review-drafts')).toHaveText('2 draft comments');

  // Editing a draft; the drafts are the server's: a reload keeps them.
  await second.getByRole('button', { name: 'Edit' }).click();
  await second.getByRole('textbox', { name: 'Comment text' }).fill('Greet the user by name.');
  await second.getByRole('button', { name: 'Save' }).click();
  await expect(second).toContainText('Greet the user by name.');
  for (const control of [line(1), send, second.getByRole('button', { name: 'Edit' }), file.locator('summary')]) {
    await expectTappable(control, 390);
  }
  // Nothing zooms: the comment box is 16 px.
  await line(1).click();
  expect(await review.getByRole('textbox', { name: 'Comment on notes/plan.rs:1' }).evaluate((e) => getComputedStyle(e).fontSize)).toBe('16px');
  await review.getByRole('button', { name: 'Cancel' }).click();
  await phoneScreenshot(page, 'review-comments.png');
  expect(await seriousViolations(page, 'section[aria-label="Review"]')).toEqual([]);

  await pocketcode.reload();
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Review' }).click();
  await expect(review.getByTestId('review-drafts')).toHaveText('2 draft comments');

  await send.click();
  await expect(review.getByRole('status')).toHaveText('Review sent to the agent.');
  await expect(review.getByTestId('review-drafts')).toHaveText('0 draft comments');
  await expect(send).toBeDisabled();
  await expect(review.getByRole('article', { name: 'Comment on notes/plan.rs:1' })).toContainText('sent ✓');
  await expect(review.getByRole('article', { name: 'Comment on notes/plan.rs:2-3' })).toContainText('sent ✓');
  await phoneScreenshot(page, 'review-sent.png');
  expect(await seriousViolations(page, 'section[aria-label="Review"]')).toEqual([]);

  // The scripted model echoes what it received: one message, both anchors.
  await review.getByRole('button', { name: 'Close the review' }).click();
  // (The reply is markdown: each backticked anchor shows as code.)
  await pocketcode.expectReply('Greet the user by name.');
  const reply = pocketcode.messages('Assistant').last();
  await expect(reply.locator('code', { hasText: /^notes\/plan\.rs:1$/ })).toBeVisible();
  await expect(reply.locator('code', { hasText: /^notes\/plan\.rs:2-3$/ })).toBeVisible();
  await expect(pocketcode.messages('You')).toHaveCount(1);
  await pocketcode.waitUntilIdle();
});

test('Review from a tool part: "Review this change" opens the sheet at the file the agent wrote, the rest collapsed', async ({
  pocketcode,
  page,
}, testInfo) => {
  const chat = await pocketcode.newChat();
  fs.writeFileSync(path.join(chat.worktree, 'other.txt'), 'not this one\n');
  await pocketcode.send('[scenario:write path=notes/tool.rs content="fn one() {}\\nfn two() {}\\n"]');
  await pocketcode.waitUntilIdle();
  const tool = page.locator('details[aria-label="tool write"]').last();
  await expect(tool).toHaveAttribute('data-tool-status', 'completed');
  if (!(await tool.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await tool.locator('summary').click();
  }
  const button = tool.getByRole('button', { name: 'Review this change' });
  await expectTappable(button, 390);
  await button.click();

  const review = page.getByRole('region', { name: 'Review' });
  const file = review.locator('details', { hasText: 'notes/tool.rs' });
  await expect(file).toHaveAttribute('open', '');
  await expect(review.locator('details', { hasText: 'other.txt' })).not.toHaveAttribute('open', '');
  const line = file.getByRole('button', { name: /^Line 2:/ });
  await expect(line).toContainText('fn two() {}');
  await expect(line).toBeInViewport();
  await line.click();
  await review.getByRole('textbox', { name: 'Comment on notes/tool.rs:2' }).fill('Call two from one.');
  await review.getByRole('button', { name: 'Add comment' }).click();
  await page.screenshot({ path: testInfo.outputPath('review-from-tool.png') });
  expect(await seriousViolations(page, 'section[aria-label="Review"]')).toEqual([]);
  await review.getByRole('button', { name: 'Send review' }).click();
  await expect(review.getByRole('status')).toHaveText('Review sent to the agent.');
  await review.getByRole('button', { name: 'Close the review' }).click();
  await pocketcode.expectReply('Call two from one.');
  await expect(pocketcode.messages('Assistant').last().locator('code', { hasText: /^notes\/tool\.rs:2$/ })).toBeVisible();
  await pocketcode.waitUntilIdle();
});

/** Opens ⋯ → Review on `page`; the sheet. */
async function openReview(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Chat menu' }).click();
  await page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Review' }).click();
  return page.getByRole('region', { name: 'Review' });
}

test('an open Review sheet follows another tab and the agent, keeping the comment being written and where it is read', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1}\n`).join('');
  fs.writeFileSync(path.join(chat.worktree, 'long.txt'), lines);
  const otherPage = await page.context().newPage();
  const other = new PocketcodePage(otherPage);
  await other.goto(chat.href);

  // Here: read down to line 300, a comment half written on it.
  const mine = await openReview(page);
  const line = (sheet: Locator, n: number) => sheet.getByRole('button', { name: new RegExp(`^Line ${n}:`) });
  await line(mine, 300).click();
  const box = mine.getByRole('textbox', { name: 'Comment on long.txt:300' });
  await box.fill('Half a thought');
  await line(mine, 300).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const scrolled = await scrollTop(mine);
  expect(scrolled).toBeGreaterThan(5000);

  // The other tab comments on line 298, in view here: it shows, and the sheet stays where it was read.
  const theirs = await openReview(otherPage);
  await line(theirs, 298).click();
  await theirs.getByRole('textbox', { name: 'Comment on long.txt:298' }).fill('From the other tab.');
  await theirs.getByRole('button', { name: 'Add comment' }).click();
  const comment = mine.getByRole('article', { name: 'Comment on long.txt:298' });
  await expect(comment).toContainText('From the other tab.');
  await expect(mine.getByTestId('review-drafts')).toHaveText('1 draft comment');
  await expect(comment).toBeInViewport();
  expect(await scrollTop(mine)).toBe(scrolled);
  await expect(box).toHaveValue('Half a thought');

  // It sends the review: shown sent here, still where it was read.
  await theirs.getByRole('button', { name: 'Send review' }).click();
  await expect(comment).toContainText('sent ✓');
  await expect(mine.getByTestId('review-drafts')).toHaveText('0 draft comments');
  expect(await scrollTop(mine)).toBe(scrolled);
  await theirs.getByRole('button', { name: 'Close the review' }).click();
  await other.expectReply('From the other tab.');

  // The agent writes a file listed above long.txt: its turn done, the file
  // shows here, and line 300 stays where it was on the screen.
  const at = await onScreen(line(mine, 300));
  await other.send('[scenario:write path=early.rs content="fn early() {}\\n"]');
  await expect(mine.locator('details', { hasText: 'early.rs' })).toBeVisible({ timeout: REPLY_TIMEOUT });
  expect(Math.abs((await onScreen(line(mine, 300))) - at)).toBeLessThan(2);
  expect(await scrollTop(mine)).toBeGreaterThan(scrolled);
  await expect(box).toHaveValue('Half a thought');
  await expect(line(mine, 300)).toHaveAttribute('aria-pressed', 'true');
  expect(await seriousViolations(page, 'section[aria-label="Review"]')).toEqual([]);
  await other.waitUntilIdle();
  await otherPage.close();
});

/** How far `sheet` is scrolled, read once the page has drawn what came in. */
async function scrollTop(sheet: Locator): Promise<number> {
  return sheet.evaluate(
    (el) => new Promise<number>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(el.scrollTop)))),
  );
}

/** Where `target` is on the screen (its top, in CSS pixels), once the page has drawn. */
async function onScreen(target: Locator): Promise<number> {
  return target.evaluate(
    (el) =>
      new Promise<number>((done) =>
        requestAnimationFrame(() => requestAnimationFrame(() => done(el.getBoundingClientRect().top))),
      ),
  );
}
