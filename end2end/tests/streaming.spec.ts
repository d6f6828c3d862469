import { ASSISTANT_LABEL, expect, test } from '../fixtures/pocketcode';

test('a slow reply streams in step by step and survives a reload', async ({ pocketcode, page }) => {
  await pocketcode.goto('/');
  await pocketcode.newChat();

  // Record every length the last assistant message takes, as the DOM changes.
  await pocketcode.transcript.evaluate((list) => {
    const lengths: number[] = [];
    (window as unknown as { replyLengths: number[] }).replyLengths = lengths;
    new MutationObserver(() => {
      const replies = list.querySelectorAll('li[aria-label="Assistant"]');
      const last = replies[replies.length - 1];
      const length = last?.textContent?.length ?? 0;
      if (length > 0 && lengths[lengths.length - 1] !== length) lengths.push(length);
    }).observe(list, { subtree: true, childList: true, characterData: true });
  });

  await pocketcode.send('[scenario:slow chunks=8 ms=250] hello');
  await expect(pocketcode.messages('You').last()).toContainText('hello');
  // Eight chunks 250 ms apart: the agent is visibly busy while they stream.
  await expect(pocketcode.working).toBeVisible();
  const reply = pocketcode.messages('Assistant').last();
  await pocketcode.expectReply('Slow chunk 8 of 8.', reply);
  await pocketcode.waitUntilIdle();

  const finalText = (await reply.textContent()) ?? '';
  const lengths = await page.evaluate(() => (window as unknown as { replyLengths: number[] }).replyLengths);
  const partial = lengths.filter((n) => n > ASSISTANT_LABEL.length && n < finalText.length);
  expect(finalText.length, `final reply: ${finalText}`).toBeGreaterThan(ASSISTANT_LABEL.length);
  expect(partial.length, `lengths seen: ${lengths.join(', ')}`).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < partial.length; i++) expect(partial[i]).toBeGreaterThan(partial[i - 1]);

  await pocketcode.reload();
  await expect(pocketcode.messages('You').last()).toContainText('hello');
  await expect(pocketcode.messages('Assistant').last()).toHaveText(finalText);
});

test('a reload in the middle of a reply picks the stream up again', async ({ pocketcode }) => {
  await pocketcode.goto('/');
  await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=12 ms=300] again');
  const reply = pocketcode.messages('Assistant').last();
  await expect(reply).toContainText('Slow chunk 2 of 12.');
  await expect(reply).not.toContainText('Slow chunk 12 of 12.');

  await pocketcode.reload();
  await expect(pocketcode.messages('You').last()).toContainText('again');
  await pocketcode.expectReply('Slow chunk 12 of 12.');
  await pocketcode.waitUntilIdle();
});
