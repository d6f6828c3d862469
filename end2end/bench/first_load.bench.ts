import { ANY_CHUNK } from '../fixtures/chunks';
import { expect, test } from '../fixtures/pocketcode';

/**
 * What a phone downloads to open a chat the first time (empty cache): each
 * response's bytes on the wire (compressed as the server sent them) by kind,
 * and the same bodies uncompressed, side by side. The lazy chunks the start
 * script fetches ahead once the page is idle (low priority, compiled only
 * when their sheet or page opens: `src/app/chunk_prefetch.rs`) are not part
 * of the first load; they are totalled apart. So is the chunk the chat page
 * asks for once it has hydrated, for the parts whose server HTML reads until
 * it came (`src/app/later/`: the top bar's version, the sidebar, the header's tools,
 * the transcript, the queue, the asks, the composer's interrupted banner and mic), with the code chunks it needs.
 */
// A first visit: no service worker yet (it would answer from its own fetches).
test.use({ serviceWorkers: 'block' });

test('first-load size of the chat page', async ({ pocketcode, page }) => {
  const chat = await pocketcode.newChat();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const kinds = new Map<string, string>();
  // WASM the page asked for at low priority: the idle chunk prefetch.
  const ahead = new Set<string>();
  // Chunks asked for otherwise: on a chat page, only the chunk loader asks,
  // once the page has hydrated (the later parts).
  const later = new Set<string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const low = e.request.initialPriority === 'Low' || e.request.initialPriority === 'VeryLow';
    const path = new URL(e.request.url).pathname;
    if (low && path.endsWith('.wasm')) ahead.add(e.requestId);
    else if (ANY_CHUNK.test(path)) later.add(e.requestId);
  });
  const wire = new Map<string, number>();
  cdp.on('Network.responseReceived', (e) => {
    const url = new URL(e.response.url);
    const kind = url.pathname.endsWith('.wasm')
      ? 'wasm'
      : url.pathname.endsWith('.js')
        ? 'js'
        : url.pathname.endsWith('.css')
          ? 'css'
          : e.type === 'Document'
            ? 'html'
            : 'other';
    kinds.set(e.requestId, `${kind} ${url.pathname} ${e.response.headers['content-encoding'] ?? 'identity'}`);
  });
  cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
  const raw = new Map<string, number>();
  cdp.on('Network.dataReceived', (e) => raw.set(e.requestId, (raw.get(e.requestId) ?? 0) + e.dataLength));

  await pocketcode.goto(chat.href);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const totals = new Map<string, [number, number]>();
  let aheadWire = 0;
  let aheadFiles = 0;
  let laterWire = 0;
  let laterFiles = 0;
  for (const [id, label] of kinds) {
    const kind = label.split(' ')[0];
    if (kind === 'other') continue;
    if (ahead.has(id)) {
      aheadWire += wire.get(id) ?? 0;
      aheadFiles += 1;
      continue;
    }
    if (later.has(id)) {
      console.log(`  after hydration: ${label}: ${wire.get(id) ?? 0} B on the wire`);
      laterWire += wire.get(id) ?? 0;
      laterFiles += 1;
      continue;
    }
    console.log(`  ${label}: ${wire.get(id) ?? 0} B on the wire, ${raw.get(id) ?? 0} B uncompressed`);
    const [w, r] = totals.get(kind) ?? [0, 0];
    totals.set(kind, [w + (wire.get(id) ?? 0), r + (raw.get(id) ?? 0)]);
  }
  let sumWire = 0;
  let sumRaw = 0;
  for (const [kind, [w, r]] of totals) {
    console.log(`first load, ${kind}: ${(w / 1024).toFixed(1)} KiB on the wire (${(r / 1024).toFixed(1)} KiB uncompressed)`);
    sumWire += w;
    sumRaw += r;
  }
  console.log(
    `first load of the chat page, HTML+WASM+JS+CSS: ${(sumWire / 1024).toFixed(1)} KiB on the wire, ` +
      `${(sumRaw / 1024).toFixed(1)} KiB uncompressed (${(sumRaw / sumWire).toFixed(1)}× smaller)`,
  );
  console.log(
    `fetched once hydrated (the later parts' chunk and the code it needs): ${laterFiles} files, ${(laterWire / 1024).toFixed(1)} KiB on the wire`,
  );
  console.log(
    `fetched at low priority (the idle chunk prefetch, compiled on open): ${aheadFiles} files, ${(aheadWire / 1024).toFixed(1)} KiB on the wire`,
  );
  expect(totals.has('wasm') && totals.has('html')).toBe(true);
});
