import { seriousViolations } from '../fixtures/axe';
import { REPLY_TIMEOUT, expect, test } from '../fixtures/pocketcode';
import { phoneScreenshot } from '../fixtures/screenshots';

/** A number as the UI groups it: `12,345`. */
const grouped = (n: number) => n.toLocaleString('en-US');

test('the header gauge moves after a prompt, and Resources totals the chat', async ({
  pocketcode,
  page,
  consoleErrors,
}) => {
  const chat = await pocketcode.newChat();
  const header = page.getByTestId('chat-header');
  const meter = header.getByRole('meter', { name: 'Context used' });
  const button = header.getByRole('button', { name: /^Context .*: tokens and cost$/ });

  // Before the first answer: the default model's window, nothing in it.
  await expect(meter).toHaveAttribute('aria-valuenow', '0');
  const window = Number(await meter.getAttribute('aria-valuemax'));
  expect(window).toBeGreaterThan(0);
  await expect(button).toHaveText('0%');
  const size = await button.boundingBox();
  expect(size?.height ?? 0).toBeGreaterThanOrEqual(44);
  expect(size?.width ?? 0).toBeGreaterThanOrEqual(44);

  const prompt = `how full is my context? ${Math.random().toString(36).slice(2, 8)}`;
  await pocketcode.send(prompt);
  await pocketcode.expectReply(prompt);
  // The gauge reloads by itself when the turn ends: no page reload.
  await expect
    .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: REPLY_TIMEOUT })
    .toBeGreaterThan(0);
  const used = Number(await meter.getAttribute('aria-valuenow'));
  const percent = Math.ceil((used * 100) / window);
  await expect(button).toHaveText(`${percent}%`);
  await expect(meter).toHaveAttribute('aria-valuetext', new RegExp(`^${percent} % of `));

  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const details = page.getByRole('region', { name: 'Context and cost' });
  await expect(details).toContainText(`Context: ${grouped(used)} of ${grouped(window)} tokens (${percent} %)`);
  await expect(details).toContainText('Model: scripted/scripted-model');
  await expect(details.getByTestId('chat-cost')).toHaveText('Cost: $0');
  const counted = await details.getByTestId('chat-tokens').textContent();
  const total = /This chat: ([\d,]+) tokens in 1 model call/.exec(counted ?? '')?.[1];
  expect(total, counted ?? '').toBeDefined();
  expect(await seriousViolations(page, '[data-testid="chat-header"]'), 'the header and its details').toEqual([]);
  await phoneScreenshot(page, 'context-gauge.png');
  await button.click();
  await expect(details).toBeHidden();

  // Opened again, the chat comes with its gauge (added up beside its transcript).
  await pocketcode.reload();
  await expect(button).toHaveText(`${percent}%`);
  await expect(meter).toHaveAttribute('aria-valuenow', String(used));

  // Resources: the chat's turns, added up.
  await pocketcode.goto('/resources');
  const usage = page.getByRole('region', { name: 'Usage' });
  const row = usage.locator(`a[href="${chat.href}"]`);
  await expect(row).toContainText(`${chat.repo} · ${total} tokens · $0 · 1 model call`);
  const rowSize = await row.boundingBox();
  expect(rowSize?.height ?? 0).toBeGreaterThanOrEqual(44);
  await expect(usage.getByTestId('usage-total')).toContainText('All chats: ');
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await expect(usage.getByRole('list', { name: 'Usage per day' })).toContainText(new RegExp(`${today}|${yesterday}`));
  expect(await seriousViolations(page, 'section[aria-label="Usage"]'), 'the usage section').toEqual([]);
  expect(consoleErrors).toEqual([]);
});
