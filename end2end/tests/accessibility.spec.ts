import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, test } from '../fixtures/pocketcode';

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds nothing serious on the chat, repos, resources and connections pages', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  // A transcript with a reply, a tool call with its diff and a todo list.
  await pocketcode.send('some **bold**, `code` and\n```rust\nfn main() {}\n```');
  await pocketcode.waitUntilIdle();
  await pocketcode.send('[scenario:todo]');
  await expect(pocketcode.toolCall('todowrite')).toHaveAttribute('data-tool-status', 'completed');
  await pocketcode.waitUntilIdle();
  expect(await seriousViolations(page), chat.href).toEqual([]);

  // The ⋯ menu open, and the sidebar (a drawer on phones) shown.
  await page.getByRole('button', { name: 'Chat menu' }).click();
  expect(await seriousViolations(page), `${chat.href} with its menu`).toEqual([]);
  await page.keyboard.press('Escape');
  await pocketcode.openSidebar();
  expect(await seriousViolations(page), `${chat.href} with the sidebar`).toEqual([]);

  for (const url of ['/repos', '/resources', '/connections']) {
    await pocketcode.goto(url);
    expect(await seriousViolations(page), url).toEqual([]);
  }
});

test.describe('logged out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('axe-core finds nothing serious on the login page', async ({ page }) => {
    await page.goto('/login');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
