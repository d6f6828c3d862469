import { expect, test } from '../fixtures/pocketcode';

test('the session list shows a new session after a reload and selects it', async ({ pocketcode, page }) => {
  await pocketcode.goto('/');
  const id = await pocketcode.newSession();

  await pocketcode.reload();
  await expect(pocketcode.sessionLink(id)).toBeVisible();
  await expect(pocketcode.sessionLink(id)).toHaveAttribute('aria-current', 'page');

  // From the bare page, the list leads back to the session.
  await pocketcode.goto('/');
  await expect(pocketcode.prompt).toHaveCount(0);
  await pocketcode.sessionLink(id).click();
  await page.waitForURL(`/?session=${id}`);
  await expect(pocketcode.prompt).toBeVisible();
  await expect(pocketcode.sessionLink(id)).toHaveAttribute('aria-current', 'page');
});

test('the list picks up the title opencode generates, without a reload', async ({ pocketcode }) => {
  await pocketcode.goto('/');
  const id = await pocketcode.newSession();
  // The scripted model titles a session with the prompt's first words.
  const marker = `title${Date.now().toString(36)}`;
  await pocketcode.send(`${marker} please name this chat`);
  await pocketcode.waitUntilIdle();
  await expect(pocketcode.sessionLink(id)).toContainText(`${marker} please name this chat`, { timeout: 20_000 });
});
