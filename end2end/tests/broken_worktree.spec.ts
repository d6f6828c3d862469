import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync } from 'node:fs';
import path from 'node:path';

import { LoginPage } from '../fixtures/login';
import { e2eRepo, expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { useOwnServer } from '../fixtures/own_server';

// A server of its own: the test breaks a chat's worktree, and every chat
// list of the shared server would fail meanwhile.
const ownServer = useOwnServer();

/** The directory in the clone that a worktree's `.git` file points at. */
function entryOf(worktree: string): string {
  const link = readFileSync(path.join(worktree, '.git'), 'utf8');
  return link.replace(/^gitdir:/, '').trim().replace(/\/$/, '');
}

test('a chat being deleted leaves the others listed, and a broken worktree is an error the page shows', async ({
  page,
}) => {
  const server = ownServer();
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${server.baseUrl}/`);
  await new LoginPage(page).logIn(server.password);
  await pocketcode.waitHydrated();
  const newChat = async () => {
    const made = await page.request.post(`${server.baseUrl}/pocket/fn/new_chat`, { form: { repo: e2eRepo() } });
    expect(made.status(), await made.text()).toBe(200);
    const chat = await made.json();
    return { href: `/chat/${chat.worktree.repo}/${chat.worktree.chat_id}`, worktree: chat.worktree.path as string };
  };
  const doomed = await newChat();
  const kept = await newChat();
  const link = (chat: { href: string }) => pocketcode.sidebar.locator(`a[href="${chat.href}"]`);
  const failure = pocketcode.sidebar.getByRole('alert').filter({ hasText: 'chat list' });

  // git deletes a worktree's entry in the clone first, then its checkout:
  // in between, the chat is being deleted, and the list goes on without it.
  const entry = entryOf(doomed.worktree);
  renameSync(entry, `${entry}.away`);
  try {
    for (const url of [kept.href, '/resources']) {
      await pocketcode.goto(`${server.baseUrl}${url}`);
      await pocketcode.openSidebar();
      await expect(link(kept)).toBeVisible();
      await expect(link(doomed)).toHaveCount(0);
    }

    // An entry there but not a worktree's (broken by hand): the list fails,
    // and the page still hydrates and says why, with a way to try again.
    mkdirSync(entry);
    await pocketcode.goto(`${server.baseUrl}${kept.href}`);
    await expect(pocketcode.prompt).toBeEditable();
    await pocketcode.openSidebar();
    await expect(failure).toContainText('The chat list could not be loaded:');
    await expect(link(kept)).toHaveCount(0);
    await expect(pocketcode.sidebar).not.toContainText('No chats yet');
  } finally {
    if (existsSync(entry)) rmdirSync(entry);
    renameSync(`${entry}.away`, entry);
  }

  // Mended: "Try again" lists both.
  await pocketcode.sidebar.getByRole('button', { name: 'Try again' }).click();
  await expect(link(kept)).toBeVisible();
  await expect(link(doomed)).toBeVisible();
  await expect(failure).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
