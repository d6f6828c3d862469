import type { Locator } from '@playwright/test';

import { seriousViolations } from '../fixtures/axe';
import { mentionRepo, SECRET, trustRepo } from '../fixtures/mentions';
import { expect, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';
import { expectTappable } from '../fixtures/tappable';

/** Phones zoom into inputs whose text is under 16 px. */
async function expectNoZoom(input: Locator): Promise<void> {
  const size = await input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(16);
}

test('the / picker offers the repo\'s command, a tap inserts it and Send runs it', async ({
  pocketcode,
  page,
  consoleErrors,
}, testInfo) => {
  const repo = mentionRepo(testInfo.project.name);
  try {
    const chat = await pocketcode.newChat(repo.dir);
    await trustRepo(page, chat);
    await expectNoZoom(pocketcode.prompt);

    await pocketcode.prompt.pressSequentially('/zoo');
    const commands = page.getByRole('listbox', { name: 'Commands' });
    const option = commands.getByRole('option', { name: /\/zoo-greet/ });
    await expect(option).toBeVisible();
    await expect(option).toContainText('Greet the zoo animals');
    await expect(pocketcode.prompt).toHaveAttribute('aria-controls', 'mention-options');
    await expectTappable(option);
    expect(await seriousViolations(page, 'form'), 'the composer with the picker open').toEqual([]);
    await phoneScreenshot(page, 'pickers-commands.png');

    // Escape closes the list; typing on opens it again.
    await pocketcode.prompt.press('Escape');
    await expect(commands).toBeHidden();
    await pocketcode.prompt.pressSequentially('-g');
    await expect(option).toBeVisible();
    await option.tap();
    await expect(commands).toBeHidden();
    await expect(pocketcode.prompt).toHaveValue('/zoo-greet ');
    await expect(pocketcode.prompt).toBeFocused();

    await pocketcode.prompt.pressSequentially('Zara and Zed');
    await pocketcode.sendButton.click();
    await expect(pocketcode.prompt).toHaveValue('');
    // opencode ran the command: its template is the turn the model got.
    await pocketcode.expectReply('Please greet the zoo animals named Zara and Zed');
    expect(consoleErrors).toEqual([]);
  } finally {
    repo.cleanup();
  }
});

test('the @ picker finds a file by keyboard, and its content reaches the model', async ({
  pocketcode,
  page,
  consoleErrors,
}, testInfo) => {
  const repo = mentionRepo(testInfo.project.name);
  try {
    await pocketcode.newChat(repo.dir);
    await pocketcode.prompt.pressSequentially('what is in @zebra');
    const files = page.getByRole('listbox', { name: 'Files' });
    const option = files.getByRole('option', { name: 'docs/zebra_facts.txt' });
    await expect(option).toBeVisible();
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await expect(pocketcode.prompt).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
    await expectTappable(option);
    expect(await seriousViolations(page, 'form'), 'the composer with the file list open').toEqual([]);
    await phoneScreenshot(page, 'pickers-files.png');

    await pocketcode.prompt.press('Enter');
    await expect(files).toBeHidden();
    await expect(pocketcode.prompt).toHaveValue('what is in @docs/zebra_facts.txt ');
    await pocketcode.prompt.pressSequentially('please?');
    await pocketcode.sendButton.click();
    await expect(pocketcode.prompt).toHaveValue('');
    // The scripted model quotes every text of the turn it got: opencode put
    // the file's content there because the prompt carried a file part.
    await pocketcode.expectReply(SECRET);
    await expect(pocketcode.messages('You').last()).toContainText('@docs/zebra_facts.txt');
    expect(consoleErrors).toEqual([]);
  } finally {
    repo.cleanup();
  }
});

test('the sidebar filters chats by title as you type', async ({ pocketcode, page }, testInfo) => {
  const tag = `${testInfo.project.name}-${Math.random().toString(36).slice(2, 8)}`;
  const titles = [`Walrus migration ${tag}`, `Penguin census ${tag}`];
  const chats = [];
  for (const title of titles) {
    const chat = await pocketcode.newChat();
    const renamed = await page.request.post('/pocket/fn/rename_chat', {
      form: { repo: chat.repo, chat_id: chat.chatId, session_id: chat.sessionId, title },
    });
    expect(renamed.status(), await renamed.text()).toBe(200);
    chats.push(chat);
  }
  await pocketcode.reload();
  await pocketcode.openSidebar();
  const filter = page.getByRole('searchbox', { name: 'Filter chats' });
  await expectNoZoom(filter);
  const [walrus, penguin] = chats.map((chat) => pocketcode.chatLink(chat));
  await expect(walrus).toBeVisible();
  await expect(penguin).toBeVisible();

  await filter.pressSequentially(`walrus ${tag}`);
  await expect(penguin).toBeHidden();
  await expect(walrus).toBeVisible();
  expect(await seriousViolations(page, '#sidebar'), 'the sidebar with its filter').toEqual([]);
  await phoneScreenshot(page, 'pickers-sidebar-filter.png');

  await filter.fill(`okapi ${tag}`);
  await expect(walrus).toBeHidden();
  await expect(pocketcode.sidebar.getByText(`No chat matches “okapi ${tag}”`)).toBeVisible();
  await filter.fill('');
  await expect(walrus).toBeVisible();
  await expect(penguin).toBeVisible();
});
