import { expect, test } from '../fixtures/pocketcode';

test('the sidebar lists a new chat, marks it current, and / reopens the last chat focused', async ({
  pocketcode,
  page,
}) => {
  const chat = await pocketcode.newChat();
  await pocketcode.reload();
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('aria-current', 'page');
  await expect(pocketcode.chatLink(chat)).toContainText(chat.repo);

  // A fresh visit to / lands back in this chat.
  await pocketcode.goto('/');
  await page.waitForURL(chat.href);
  await expect(pocketcode.prompt).toBeVisible();

  // Another chat, then back to the first one through the sidebar.
  const second = await pocketcode.newChat();
  await expect(pocketcode.chatLink(second)).toHaveAttribute('aria-current', 'page');
  await pocketcode.openFromSidebar(chat);
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('aria-current', 'page');
  await expect(pocketcode.chatLink(second)).not.toHaveAttribute('aria-current', 'page');
});

test('the sidebar picks up the title opencode generates, without a reload', async ({ pocketcode }) => {
  const chat = await pocketcode.newChat();
  // The scripted model titles a session with the prompt's first words.
  const marker = `title${Date.now().toString(36)}`;
  await pocketcode.send(`${marker} please name this chat`);
  await pocketcode.waitUntilIdle();
  await expect(pocketcode.chatLink(chat)).toContainText(`${marker} please name this chat`, { timeout: 20_000 });
});

test('a busy chat shows as working in the sidebar, then idle', async ({ pocketcode }) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=10 ms=300] keep busy');
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'busy');
  await expect(pocketcode.chatLink(chat)).toContainText('working');
  await pocketcode.waitUntilIdle();
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'idle');
});
