import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LoginPage } from '../fixtures/login';
import { expect, PocketcodePage, test } from '../fixtures/pocketcode';
import { releaseBinary, type Server, startPocketcode } from '../fixtures/server';

// A deploy as a phone sees it: the app at the same address comes back as a
// new build (new content-hashed file names). Its own server and deploy
// directory, so the shared server's files are never touched.
test.use({ storageState: { cookies: [], origins: [] } });

const repoRoot = path.resolve(__dirname, '..', '..');
let deploy: string;
let servers: Server[] = [];

test.beforeAll(() => {
  deploy = fs.mkdtempSync(path.join(os.tmpdir(), 'pocketcode-e2e-deploy-'));
  fs.mkdirSync(path.join(deploy, 'bin'));
  // The build under test, wherever it was built ($CARGO_TARGET_DIR too).
  const built = path.dirname(releaseBinary('pocketcode'));
  for (const file of ['pocketcode', 'hash.txt']) {
    fs.copyFileSync(path.join(built, file), path.join(deploy, 'bin', file));
  }
  fs.chmodSync(path.join(deploy, 'bin', 'pocketcode'), 0o755);
  fs.cpSync(path.join(repoRoot, 'target', 'site'), path.join(deploy, 'site'), { recursive: true });
});
test.afterAll(async () => {
  for (const server of servers) await server.stop();
  if (deploy) fs.rmSync(deploy, { recursive: true, force: true });
});

/** What the next build would ship: every hashed file under a new hash, and
 * the main JS and the split chunks' loader, which import each other, naming
 * each other's new names. */
function nextBuild(): Record<string, string> {
  const hashFile = path.join(deploy, 'bin', 'hash.txt');
  const pkg = path.join(deploy, 'site', 'pkg');
  const renamed: Record<string, string> = {};
  const lines = fs
    .readFileSync(hashFile, 'utf8')
    .split('\n')
    .map((line) => {
      const match = /^(css|js|wasm|split): (\S+)$/.exec(line.trim());
      if (!match) return line;
      const [, kind, hash] = match;
      const next = `${hash.slice(0, -2)}n2`;
      const name = (h: string) => (kind === 'split' ? `__wasm_split.${h}.js` : `pocketcode.${h}.${kind}`);
      fs.renameSync(path.join(pkg, name(hash)), path.join(pkg, name(next)));
      renamed[`/pkg/${name(hash)}`] = `/pkg/${name(next)}`;
      return `${kind}: ${next}`;
    });
  fs.writeFileSync(hashFile, lines.join('\n'));
  expect(Object.keys(renamed)).toHaveLength(4);
  // The main WASM imports the loader by name too. The new names are as long
  // as the old ones, so its bytes are rewritten in place.
  for (const file of Object.values(renamed).filter((name) => /\.(js|wasm)$/.test(name))) {
    const where = path.join(deploy, 'site', file);
    const bytes = fs.readFileSync(where);
    for (const [from, to] of Object.entries(renamed)) {
      const [old, next] = [Buffer.from(path.basename(from)), Buffer.from(path.basename(to))];
      for (let at = bytes.indexOf(old); at >= 0; at = bytes.indexOf(old, at + old.length)) next.copy(bytes, at);
    }
    fs.writeFileSync(where, bytes);
  }
  return renamed;
}

/** The app's own files (CSS, JS, WASM, the chunks' loader) this page
 * loaded; the lazy chunks (a page's, fetched ahead once idle) apart. */
const appFiles = (page: import('@playwright/test').Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((name) => /^\/pkg\/(pocketcode|__wasm_split)\.[^/]*\.(css|js|wasm)$/.test(name))
      .sort(),
  );

test('after a deploy an open tab offers a reload, and the reload runs the new build', async ({ page }) => {
  const binary = path.join(deploy, 'bin', 'pocketcode');
  const siteRoot = path.join(deploy, 'site');
  const first = await startPocketcode({ binary, siteRoot, keepData: true });
  servers.push(first);
  const pocketcode = new PocketcodePage(page);
  await page.goto(`${first.baseUrl}/repos`);
  await new LoginPage(page).logIn(first.password);
  await pocketcode.waitHydrated();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await pocketcode.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
  const before = await appFiles(page);
  // The CSS, the JS, the main WASM, and the loader of the split chunks that
  // the JS imports.
  expect(before).toHaveLength(4);
  expect(before.filter((name) => name.startsWith('/pkg/__wasm_split.'))).toHaveLength(1);
  // Hashed files are for keeps.
  const wasm = before.find((name) => name.endsWith('.wasm')) ?? '';
  const cached = await page.request.get(`${first.baseUrl}${wasm}`);
  expect(cached.headers()['cache-control']).toBe('public, max-age=31536000, immutable');

  // The deploy: the server goes, the new build comes up at the same address.
  await first.stop();
  servers = [];
  const renamed = nextBuild();
  const second = await startPocketcode({
    binary,
    siteRoot,
    port: Number(new URL(first.baseUrl).port),
    dataDir: first.dataDir,
    password: first.password,
  });
  servers.push(second);

  // The tab is still on the old build until the user says so.
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
  const prompt = page.getByRole('status').filter({ hasText: 'A new version of pocketcode is ready.' });
  await expect(prompt).toBeVisible();
  expect(await appFiles(page)).toEqual(before);
  await prompt.getByRole('button', { name: 'Reload' }).click();

  // Reloaded into the new build: its files, hydrated, one cache left.
  await expect(prompt).toHaveCount(0);
  await pocketcode.waitHydrated();
  await expect.poll(() => appFiles(page)).toEqual(before.map((name) => renamed[name]).sort());
  const kept = await page.evaluate(() => caches.keys());
  expect(kept).toHaveLength(1);
  expect(kept[0]).toContain(renamed[wasm].split('.')[1]);
  await expect(page.getByLabel(/Add a repo/)).toBeVisible();
});
