import { loaderChunks, watchCompiledChunks } from '../fixtures/chunks';
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

test.describe('the markdown code in its own chunk', () => {
  // The service worker's own fetches are not the page's to route.
  test.use({ serviceWorkers: 'block' });

  test("a reply that comes before the chunk shows as written, then as markdown; a reloaded chat keeps the server's markdown without it", async ({
    pocketcode,
    page,
  }) => {
    const MARKDOWN_CHUNK = /\/pkg\/split_markdown\.[^/]+\.wasm$/;
    let refuse = true;
    let asked = 0;
    await page.route(MARKDOWN_CHUNK, async (route) => {
      asked += 1;
      if (refuse) await route.abort('internetdisconnected');
      else await route.continue();
    });

    await pocketcode.newChat();
    // pulldown-cmark and the highlighter are not in the page's main bundle.
    expect(await loaderChunks(page)).toContainEqual(expect.stringMatching(/^\/pkg\/split_markdown\./));

    // The chunk cannot come: the reply reads as the model wrote it.
    await pocketcode.send('first with **bold**\nand a second line');
    const first = pocketcode.messages('Assistant').first();
    await expect(first).toContainText('first with **bold**');
    await expect(first.locator('strong')).toHaveCount(0);
    await expect(first.locator('p.whitespace-pre-wrap')).toContainText('and a second line');
    expect(asked).toBeGreaterThan(0);

    // The next reply asks for it again; it comes, and both turn into markdown.
    refuse = false;
    await pocketcode.send('then `code`');
    const second = pocketcode.messages('Assistant').last();
    await expect(second.locator('code')).toHaveText('code');
    await expect(first.locator('strong')).toHaveText('bold');
    await expect(first).not.toContainText('**');

    // Reloaded, the server's markdown stays and the chunk is not compiled.
    await pocketcode.waitUntilIdle();
    const compiledChunks = await watchCompiledChunks(page);
    await pocketcode.reload();
    await expect(pocketcode.messages('Assistant').first().locator('strong')).toHaveText('bold');
    await expect(pocketcode.messages('Assistant').last().locator('code')).toHaveText('code');
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
    expect(await compiledChunks()).not.toContainEqual(expect.stringMatching(/^\/pkg\/split_markdown\./));
  });
});
