// Writes brotli (.br) and gzip (.gz) copies of the site's content-hashed
// files (pkg/pocketcode.<hash>.{wasm,js,css}, and a --split build's chunk
// loader __wasm_split.<hash>.js, its chunks split_<chunk>.<hash>.wasm and
// the code they share, chunk_<n>.<hash>.wasm), at the
// strongest settings, once:
// pocketcode's /pkg/ serves them as they are to browsers that accept them
// (compressing on every request would cost seconds of CPU for the WASM, at a
// weaker level). Only hashed names: their content never changes, so a copy
// can never go stale; a dev build's plain names are compressed per request.
//
//   node deploy/precompress.mjs SITE_ROOT
//
// Skips files whose copies exist, so a second run takes milliseconds.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const siteRoot = process.argv[2];
if (!siteRoot) {
  console.error('usage: node deploy/precompress.mjs SITE_ROOT');
  process.exit(2);
}
const pkg = join(siteRoot, 'pkg');
const HASHED = /^(?:pocketcode|__wasm_split|split_\w+|chunk_\d+)\.[A-Za-z0-9_-]+\.(wasm|js|css)$/;

// Written beside, then renamed: a server never serves half a file.
function writeOnce(path, make) {
  if (existsSync(path)) return 0;
  const bytes = make();
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
  return bytes.length;
}

let written = 0;
for (const name of readdirSync(pkg)) {
  const kind = HASHED.exec(name)?.[1];
  if (!kind) continue;
  const file = join(pkg, name);
  const data = readFileSync(file);
  const br = writeOnce(`${file}.br`, () =>
    brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
        [constants.BROTLI_PARAM_MODE]: kind === 'wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
  const gz = writeOnce(`${file}.gz`, () => gzipSync(data, { level: constants.Z_BEST_COMPRESSION }));
  if (br || gz) {
    written += 1;
    console.log(`precompressed ${name}: ${data.length} B, br ${br} B, gzip ${gz} B`);
  }
}
if (written === 0) console.log(`precompressed files in ${pkg} are up to date`);
