import { seriousViolations } from '../fixtures/axe';
import { expect, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';

test('search finds a word from an old chat, and a tap opens that chat', async ({
  pocketcode,
  page,
  consoleErrors,
}, testInfo) => {
  // A word no other test types: this run's own.
  const word = `Quokka${testInfo.project.name.replace(/\W/g, '')}${Math.random().toString(36).slice(2, 8)}`;
  const old = await pocketcode.newChat();
  await pocketcode.send(`where does the ${word} sleep?`);
  await pocketcode.expectReply(word);
  await pocketcode.waitUntilIdle();
  // Another chat after it, so the old one is not the one on screen.
  await pocketcode.newChat();

  await pocketcode.openSidebar();
  await pocketcode.sidebar.getByRole('link', { name: 'Search messages' }).click();
  await page.waitForURL(/\/search$/);
  const box = page.getByRole('searchbox', { name: 'Text to find in every chat' });
  const size = await box.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size, 'no zoom on focus').toBeGreaterThanOrEqual(16);
  await box.fill(word.toLowerCase());
  await box.press('Enter');
  await page.waitForURL(/\/search\?q=/);

  const results = page.getByRole('list', { name: 'Search results' });
  const hits = results.getByRole('link');
  // The prompt and the scripted model's echo of it: both of this chat.
  await expect(hits).toHaveCount(2);
  await expect(page.getByTestId('search-summary')).toContainText('2 message(s)');
  const typed = hits.filter({ hasText: '· you' });
  await expect(typed.locator('mark')).toHaveText(word);
  await expect(typed).toContainText(`where does the ${word} sleep?`);
  const box2 = await typed.boundingBox();
  expect(box2?.height ?? 0).toBeGreaterThanOrEqual(44);
  expect(await seriousViolations(page, 'main'), 'the search page with results').toEqual([]);
  await phoneScreenshot(page, 'search-results.png');

  await typed.click();
  await page.waitForURL(old.href);
  await expect(pocketcode.messages('You').last()).toContainText(word);

  // A word nobody typed says so.
  await pocketcode.goto(`/search?q=${word}-nowhere`);
  await expect(page.getByTestId('search-summary')).toContainText('Nothing in');
  await expect(results.getByRole('link')).toHaveCount(0);
  // Too short: the server's message, shown as an error.
  await pocketcode.goto('/search?q=z');
  await expect(page.getByText('type at least 2 characters')).toBeVisible();
  expect(consoleErrors.filter((e) => !e.includes('400'))).toEqual([]);
});
