import { expect, test } from '../fixtures/pocketcode';

test('the page hydrates without console errors and says the scripted model is in use', async ({
  pocketcode,
  consoleErrors,
}) => {
  await pocketcode.goto('/');
  await expect(pocketcode.page.getByRole('banner')).toContainText('pocketcode');
  await expect(pocketcode.page.getByRole('banner').getByRole('note')).toHaveText('scripted model (no API key set)');
  await expect(pocketcode.newChatButton).toBeEnabled();

  // A chat page too: SSR transcript, hydration and the live event stream.
  await pocketcode.newChat();
  await pocketcode.reload();
  await expect(pocketcode.prompt).toBeEditable();

  expect(consoleErrors).toEqual([]);
});
