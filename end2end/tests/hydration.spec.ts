import { expect, test } from '../fixtures/pocketcode';

test('the page hydrates without console errors and says the scripted model is in use', async ({
  pocketcode,
  consoleErrors,
}) => {
  await pocketcode.goto('/');
  await expect(pocketcode.page.getByRole('banner')).toContainText('pocketcode');
  await expect(pocketcode.page.getByRole('banner').getByRole('note')).toHaveText('scripted model (no API key set)');
  await expect(pocketcode.newChatButton).toBeEnabled();

  // A chat page too: SSR transcript, hydration and the live event stream.
  await pocketcode.newChat();
  await pocketcode.reload();
  await expect(pocketcode.prompt).toBeEditable();

  // The app's JS and WASM are asked for once the page is parsed (and has
  // painted), not beside the page's own bytes from the <head>.
  const timing = await pocketcode.page.evaluate(() => ({
    parsed: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventStart,
    bundle: performance
      .getEntriesByType('resource')
      .filter((e) => /\/pkg\/pocketcode(\.[\w-]+)?\.(js|wasm)$/.test(e.name))
      .map((e) => ({ name: e.name.replace(/.*\//, ''), start: e.startTime })),
  }));
  expect(timing.bundle.map((file) => file.name.replace(/.*\./, '')).sort()).toEqual(['js', 'wasm']);
  for (const file of timing.bundle) {
    expect(file.start, `${file.name} asked for before the page was parsed`).toBeGreaterThanOrEqual(timing.parsed);
  }

  expect(consoleErrors).toEqual([]);
});

test("pocketcode's own responses are compressed for a browser that asks, the event stream is not", async ({
  pocketcode,
  page,
}) => {
  await pocketcode.goto('/');
  const assets = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((name) => /\/pkg\/.*\.(wasm|js|css)$/.test(name)),
  );
  expect(assets.length).toBeGreaterThanOrEqual(3);
  for (const url of [...assets, '/']) {
    const response = await page.request.get(url, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(response.status(), url).toBe(200);
    expect(response.headers()['content-encoding'], url).toMatch(/^(br|gzip)$/);
  }
  const encoding = await page.evaluate(async () => {
    const controller = new AbortController();
    const response = await fetch('/pocket/events', { signal: controller.signal });
    const result = [response.headers.get('content-type'), response.headers.get('content-encoding')];
    controller.abort();
    return result;
  });
  expect(encoding[0]).toContain('text/event-stream');
  expect(encoding[1]).toBeNull();
});
