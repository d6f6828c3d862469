import { expect, PocketcodePage, test } from '../fixtures/pocketcode';

test('the draft is kept per chat across reloads and shared with other tabs', async ({ pocketcode, context }) => {
  const chat = await pocketcode.newChat();
  // Opened: the prompt box has the focus.
  await expect(pocketcode.prompt).toBeFocused();
  await pocketcode.prompt.fill('half a thought');
  await pocketcode.reload();
  await expect(pocketcode.prompt).toHaveValue('half a thought');

  const other = new PocketcodePage(await context.newPage());
  await other.goto(chat.href);
  await expect(other.prompt).toHaveValue('half a thought');
  // The last write wins, in both directions.
  await other.prompt.fill('a better thought');
  await expect(pocketcode.prompt).toHaveValue('a better thought');

  // Another chat has its own (empty) draft.
  const second = await pocketcode.newChat();
  await expect(pocketcode.prompt).toHaveValue('');
  await pocketcode.goto(chat.href);
  await expect(pocketcode.prompt).toHaveValue('a better thought');

  // Sent: gone everywhere.
  await pocketcode.sendButton.click();
  await expect(pocketcode.prompt).toHaveValue('');
  await expect(other.prompt).toHaveValue('');
  await pocketcode.reload();
  await expect(pocketcode.prompt).toHaveValue('');
  expect(second.chatId).not.toBe(chat.chatId);
});

test('the transcript follows new content at the bottom; scrolled up, a button brings it back', async ({
  pocketcode,
  page,
}) => {
  await pocketcode.newChat();
  const scroller = page.getByTestId('transcript-scroll');
  const button = page.getByRole('button', { name: 'Scroll to bottom' });
  const gap = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

  await pocketcode.send('[scenario:slow chunks=200 ms=40] a long answer');
  // Following: taller than the box, and still at the bottom while it grows.
  await expect.poll(() => scroller.evaluate((el) => el.scrollHeight > el.clientHeight + 200)).toBe(true);
  await expect.poll(gap).toBeLessThan(60);

  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(button).toBeVisible();
  const top = await scroller.evaluate((el) => el.scrollTop);
  await pocketcode.expectReply('Slow chunk 150 of 200.');
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(top);

  await button.click();
  await expect(button).toBeHidden();
  await expect.poll(gap).toBeLessThan(60);
  await pocketcode.waitUntilIdle();
  await expect.poll(gap).toBeLessThan(60);
});

test('Stop aborts a slow reply through opencode', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=40 ms=250] stop me');
  const reply = pocketcode.messages('Assistant').last();
  await expect(reply).toContainText('Slow chunk 2 of 40.');
  await page.getByRole('button', { name: 'Stop' }).click();
  await pocketcode.waitUntilIdle();
  await expect(reply).toContainText(/abort/i);
  // opencode stored the answer as finished: no more chunks come of it.
  await expect.poll(() => pocketcode.answerFinished(chat)).toBe(true);
  await expect(reply).not.toContainText('Slow chunk 40 of 40.');
});
