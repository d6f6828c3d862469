// Test of deploy/split-loader.mjs (run by `make deploy-lint`): a loader in
// cargo-leptos's shape is rewritten to start one chunk per task and still
// loads every dependency before its split; a second run changes nothing;
// stale compressed copies go; an unknown loader fails. The rewritten loader
// is run here (node has MessageChannel): what it starts in the task that
// asks, what only after that task, and in which order.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED, rewrite, rewriteSite } from './split-loader.mjs';

// The parts of cargo-leptos 0.3.10's loader this rewrites, with a log in
// place of fetch() and instantiation.
const LOADER = `import { initSync } from "./pocketcode.abc.js";

function makeLoad(fetcher, deps) {
    const loader = async () => {
        ${GENERATED}
        const instantiate = fetcher();
        await Promise.all(parallelStuff);
        return instantiate();
    };
    let loadingModule = undefined;
    return () => {
        if (loadingModule === undefined) loadingModule = loader();
        return loadingModule;
    }
}
`;

let failures = 0;
async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}\n${error.stack}`);
  }
}

/**
 * Runs loader `text`: a split needing three chunks. What it started in the
 * task that asked for it, after the microtasks that follow, and in all.
 */
async function run(text) {
  const log = [];
  const module = `${text.replace(/^import .*$/m, '')}
    const chunk = (n) => makeLoad(() => { log.push('fetch ' + n); return () => 'chunk ' + n; }, []);
    export const split = makeLoad(() => { log.push('fetch split'); return () => { log.push('instantiate split'); }; },
      [chunk(1), chunk(2), chunk(3)]);`;
  globalThis.log = log;
  const { split } = await import(`data:text/javascript,${encodeURIComponent(`const log = globalThis.log;${module}`)}`);
  const loading = split();
  const inTask = [...log];
  for (let i = 0; i < 20; i += 1) await null;
  const afterMicrotasks = [...log];
  await loading;
  return { inTask, afterMicrotasks, all: log };
}

await check('as generated, every chunk starts in the task that asks', async () => {
  const { inTask, all } = await run(LOADER);
  assert.deepEqual(inTask, ['fetch 1', 'fetch 2', 'fetch 3', 'fetch split']);
  assert.deepEqual(all, [...inTask, 'instantiate split']);
});

await check('rewritten, one chunk per task, all before the split is instantiated', async () => {
  const text = rewrite(LOADER);
  assert.ok(text.startsWith('import { initSync } from "./pocketcode.abc.js";\n'), 'the import stays first');
  const { inTask, afterMicrotasks, all } = await run(text);
  assert.deepEqual(inTask, ['fetch 1']);
  assert.deepEqual(afterMicrotasks, ['fetch 1'], 'the next starts in a task of its own');
  assert.deepEqual(all, ['fetch 1', 'fetch 2', 'fetch 3', 'fetch split', 'instantiate split']);
});

await check('a second run changes nothing; an unknown loader is refused', async () => {
  assert.equal(rewrite(rewrite(LOADER)), undefined);
  assert.throws(() => rewrite(LOADER.replace(GENERATED, 'const parallelStuff = deps.map((d) => d());')), /has changed/);
  assert.throws(() => rewrite(LOADER + LOADER), /has changed/);
});

await check('in a site: only the loader, its stale compressed copies removed', async () => {
  const site = mkdtempSync(join(tmpdir(), 'split-loader-'));
  try {
    const pkg = join(site, 'pkg');
    mkdirSync(pkg);
    const loader = join(pkg, '__wasm_split.h1.js');
    writeFileSync(loader, LOADER);
    writeFileSync(`${loader}.br`, 'stale');
    writeFileSync(`${loader}.gz`, 'stale');
    writeFileSync(join(pkg, 'pocketcode.h2.js'), LOADER);
    assert.deepEqual(rewriteSite(site), ['__wasm_split.h1.js']);
    assert.equal(readFileSync(loader, 'utf8'), rewrite(LOADER) ?? 'rewritten twice');
    assert.equal(existsSync(`${loader}.br`) || existsSync(`${loader}.gz`), false);
    assert.equal(readFileSync(join(pkg, 'pocketcode.h2.js'), 'utf8'), LOADER);
    assert.deepEqual(rewriteSite(site), []);
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
});

console.log(failures === 0 ? 'split-loader: all passed' : `split-loader: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
