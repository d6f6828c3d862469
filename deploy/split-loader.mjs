// Makes a --split build's chunk loader (pkg/__wasm_split.<hash>.js, written
// by cargo-leptos 0.3.10) start the code chunks a split needs one per task.
//
// As generated, loading a split calls every chunk loader it depends on in
// one synchronous loop (`deps.map(d => d())`), and each starts a fetch().
// The chunk `later` (app::later) needs 55 files: on a phone (Pixel 7
// profile, CPU ×4) those fetch() calls alone were one 160 ms task right
// after hydration, which is what Lighthouse's total blocking time counts and
// what a key typed then waits behind. Here each starts in a task of its own
// (a MessageChannel message: no timer clamping), so input runs between them;
// the fetches still run side by side and the split is instantiated once all
// came, as before.
//
//   node deploy/split-loader.mjs SITE_ROOT
//
// Run after `cargo leptos build --split` and before deploy/precompress.mjs.
// A loader already rewritten is left as it is, and its compressed copies are
// removed when it is rewritten (precompress writes them again). A loader
// whose text is not the one this expects fails the build: the generator has
// changed, and this must be looked at again.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED = 'const parallelStuff = deps.map(d => d());';
export const REWRITTEN =
  'const parallelStuff = []; for (const d of deps) { parallelStuff.push(d()); await __pocketcodeNextTask(); }';
export const NEXT_TASK =
  '\nconst __pocketcodeNextTask = () => new Promise((resolve) => { ' +
  'const channel = new MessageChannel(); channel.port1.onmessage = () => resolve(); ' +
  'channel.port2.postMessage(undefined); });\n';
const LOADER = /^__wasm_split\.[A-Za-z0-9_-]+\.js$/;

/** The loader `text` rewritten, or `undefined` when it already was; throws on an unknown text. */
export function rewrite(text) {
  if (text.includes(REWRITTEN)) return undefined;
  const at = text.indexOf(GENERATED);
  if (at < 0 || text.indexOf(GENERATED, at + 1) >= 0) {
    throw new Error(`expected one "${GENERATED}" in the loader: cargo-leptos's loader has changed`);
  }
  // After the import line(s): an ES module's imports come first.
  const body = text.search(/^(?!import )/m);
  const withHelper = text.slice(0, body) + NEXT_TASK + text.slice(body);
  return withHelper.replace(GENERATED, REWRITTEN);
}

/** Rewrites each loader under `siteRoot/pkg`; the names of those rewritten. */
export function rewriteSite(siteRoot) {
  const pkg = join(siteRoot, 'pkg');
  const rewritten = [];
  for (const name of readdirSync(pkg).filter((n) => LOADER.test(n))) {
    const file = join(pkg, name);
    const text = rewrite(readFileSync(file, 'utf8'));
    if (text === undefined) continue;
    for (const copy of [`${file}.br`, `${file}.gz`]) if (existsSync(copy)) rmSync(copy);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    rewritten.push(name);
  }
  return rewritten;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const siteRoot = process.argv[2];
  if (!siteRoot) {
    console.error('usage: node deploy/split-loader.mjs SITE_ROOT');
    process.exit(2);
  }
  try {
    for (const name of rewriteSite(siteRoot)) console.log(`split loader: ${name} starts one chunk per task`);
  } catch (error) {
    console.error(`split loader: ${error.message}`);
    process.exit(1);
  }
}
