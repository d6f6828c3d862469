import { expect, test } from '../fixtures/pocketcode';

test("the agent's markdown is rendered, its raw HTML is not, and links open in a new tab", async ({ pocketcode }) => {
  await pocketcode.newChat();
  // The scripted model answers `You said: "<prompt>"`.
  await pocketcode.send('some **bold** and `code`, a [link](https://example.com) and <b id="raw">raw</b>');
  const reply = pocketcode.messages('Assistant').last();
  await expect(reply.locator('strong')).toHaveText('bold');
  await expect(reply.locator('code')).toHaveText('code');
  const link = reply.getByRole('link', { name: 'link' });
  await expect(link).toHaveAttribute('href', 'https://example.com');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);
  await expect(reply.locator('#raw')).toHaveCount(0);
  await expect(reply).toContainText('<b id="raw">raw</b>');
  // The user's own text is shown as typed.
  await expect(pocketcode.messages('You').last()).toContainText('some **bold**');
});
