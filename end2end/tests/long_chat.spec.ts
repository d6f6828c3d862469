import { expect, test } from '../fixtures/pocketcode';

test('a long chat opens at its latest messages, and earlier ones come a page at a time', async ({ pocketcode, page }) => {
  test.setTimeout(180_000);
  const chat = await pocketcode.newChat();
  // 110 prompts added without replies (opencode's noReply): more than a page.
  for (let n = 1; n <= 110; n++) {
    const response = await page.request.post(`/session/${chat.sessionId}/message`, {
      headers: { 'x-opencode-directory': chat.worktree },
      data: { noReply: true, parts: [{ type: 'text', text: `note ${n}` }] },
    });
    expect(response.ok(), await response.text()).toBe(true);
  }
  await pocketcode.reload();
  const notes = pocketcode.messages('You');
  await expect(notes).toHaveCount(100);
  await expect(notes.first()).toContainText('note 11');
  await expect(notes.last()).toContainText('note 110');

  const earlier = page.getByRole('button', { name: 'Show earlier messages' });
  await earlier.click();
  await expect(notes).toHaveCount(110);
  await expect(notes.first()).toContainText('note 1');
  await expect(earlier).toHaveCount(0);
  // Still live: a new prompt and its reply come in below.
  await pocketcode.send('after the history');
  await expect(pocketcode.messages('Assistant').last()).toContainText('after the history');
  await expect(notes).toHaveCount(111);
});
