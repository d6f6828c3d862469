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

test('fenced code in a known language is highlighted, and the rest stays plain', async ({ pocketcode }) => {
  await pocketcode.newChat();
  await pocketcode.send(
    '[scenario:verbatim text="look:\\n```rust\\nfn main() { let n = 42; } // done\\n```\\n\\n```text\\nlet plain\\n```\\n"]',
  );
  const reply = pocketcode.messages('Assistant').last();
  const rust = reply.locator('code.language-rust');
  await expect(rust).toContainText('fn main() { let n = 42; } // done');
  await expect(rust.locator('.tok-k')).toHaveText(['fn', 'let']);
  await expect(rust.locator('.tok-n')).toHaveText('42');
  await expect(rust.locator('.tok-c')).toHaveText('// done');
  // Coloured: a keyword is not the text's own colour.
  const colours = await rust.evaluate((code) => {
    const keyword = code.querySelector('.tok-k');
    return [getComputedStyle(code).color, keyword ? getComputedStyle(keyword).color : ''];
  });
  expect(colours[1]).not.toBe(colours[0]);
  await expect(reply.locator('code.language-text')).toHaveText('let plain');
  await expect(reply.locator('code.language-text span')).toHaveCount(0);
});
