import { expect, REPLY_TIMEOUT, test } from '../fixtures/pocketcode';

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
  await expect(pocketcode.chatLink(chat)).toContainText(`${marker} please name this chat`, { timeout: REPLY_TIMEOUT });
});

test('a busy chat shows as working in the sidebar, then idle', async ({ pocketcode }) => {
  const chat = await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=10 ms=300] keep busy');
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'busy');
  await expect(pocketcode.chatLink(chat)).toContainText('working');
  await pocketcode.waitUntilIdle();
  await expect(pocketcode.chatLink(chat)).toHaveAttribute('data-status', 'idle');
});

test('three chats at once: each shows its own live status in the sidebar, and switching shows each one', async ({
  pocketcode,
  page,
}) => {
  test.setTimeout(180_000);
  // Long enough to still be working when the test leaves it for the others.
  const slow = await pocketcode.newChat();
  await pocketcode.send('[scenario:slow chunks=100 ms=400] keep working');
  const asking = await pocketcode.newChat();
  await pocketcode.send('[scenario:question question="Tea or coffee?" options="Tea,Coffee"]');
  const permission = await pocketcode.newChat();
  await pocketcode.send('[scenario:permission command="echo three > three.txt"]');

  await pocketcode.openSidebar();
  await expect(pocketcode.chatLink(slow)).toHaveAttribute('data-status', 'busy');
  await expect(pocketcode.chatLink(slow)).toContainText('working');
  await expect(pocketcode.chatLink(asking)).toHaveAttribute('data-status', 'waitinganswer');
  await expect(pocketcode.chatLink(asking)).toContainText('asks you');
  await expect(pocketcode.chatLink(permission)).toHaveAttribute('data-status', 'waitingpermission');
  await expect(pocketcode.chatLink(permission)).toContainText('needs permission');

  // Each chat's page shows that chat only.
  const question = page.getByRole('group', { name: 'Question', exact: true });
  const request = page.getByRole('group', { name: 'Permission request' });
  await pocketcode.openFromSidebar(slow);
  await expect(pocketcode.messages('Assistant').last()).toContainText('Slow chunk');
  await expect(question).toHaveCount(0);
  await expect(request).toHaveCount(0);

  await pocketcode.openFromSidebar(asking);
  await expect(question).toContainText('Tea or coffee?');
  await expect(request).toHaveCount(0);
  await question.getByRole('button', { name: 'Tea' }).click();
  await pocketcode.expectReply('"Tea or coffee?"="Tea"');

  await pocketcode.openFromSidebar(permission);
  await expect(request).toContainText('echo three > three.txt');
  await expect(question).toHaveCount(0);
  await request.getByRole('button', { name: 'Allow once' }).click();
  await pocketcode.expectReply('bash tool returned');

  // The slow one finishes while another chat is open: idle, and marked unread.
  await pocketcode.openSidebar();
  await expect(pocketcode.chatLink(asking)).toHaveAttribute('data-status', 'idle');
  await expect(pocketcode.chatLink(permission)).toHaveAttribute('data-status', 'idle');
  await expect(pocketcode.chatLink(slow)).toHaveAttribute('data-status', 'idle', { timeout: 60_000 });
  await expect(pocketcode.chatLink(slow).getByRole('img', { name: 'unread' })).toBeVisible();
  await expect(pocketcode.chatLink(permission).getByRole('img', { name: 'unread' })).toHaveCount(0);
});

test('switching back to a chat paints its kept messages at once, then the opened chat takes their place', async ({
  pocketcode,
  page,
}) => {
  const first = await pocketcode.newChat();
  await pocketcode.send('the first chat speaks');
  await pocketcode.expectReply('the first chat speaks');
  const second = await pocketcode.newChat();
  // Shown here, then left for the other chat: this page keeps its messages.
  await pocketcode.openFromSidebar(first);
  await pocketcode.expectReply('the first chat speaks');
  await pocketcode.openFromSidebar(second);

  // The chat's opening is held: only the kept copy can show its messages.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pocket/fn/open_chat*', async (route) => {
    await held;
    await route.continue();
  });
  await pocketcode.openSidebar();
  await pocketcode.chatLink(first).click();
  const preview = page.getByTestId('chat-preview');
  await expect(preview).toHaveAttribute('aria-busy', 'true');
  await expect(preview.getByRole('listitem', { name: 'Assistant' })).toContainText('the first chat speaks');
  await expect(pocketcode.prompt).toHaveCount(0);

  release();
  await expect(pocketcode.prompt).toBeVisible();
  await expect(preview).toHaveCount(0);
  await pocketcode.expectReply('the first chat speaks');
  await page.unrouteAll({ behavior: 'wait' });
});
