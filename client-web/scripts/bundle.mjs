// Bundles the app into dist/: one ES module, one stylesheet and index.html.
// The server serves dist/ as its web root (index.html for unknown paths).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: { app: join(root, "src/main.ts") },
  outdir: join(dist, "assets"),
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: "linked",
  charset: "utf8",
  logLevel: "warning",
});
copyFileSync(join(root, "static/index.html"), join(dist, "index.html"));
copyFileSync(join(root, "static/styles.css"), join(dist, "assets/styles.css"));
// At the root, so that its scope covers every page of the app.
copyFileSync(join(root, "static/sw.js"), join(dist, "sw.js"));
const bytes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith(".js"))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`bundle: dist/ written (${Math.round(bytes / 1024)} KiB of JavaScript)`);

// Precompressed copies next to each text file: the server sends `<file>.br`
// or `<file>.gz` to a browser that accepts it (server/static_files.h), so the
// first visit on a slow link costs a third of the bytes and the server spends
// no CPU per request. Highest settings: this runs once per build, not per
// request. Written last, so each copy is newer than its file (the server
// ignores an older one as stale). A copy that would not be smaller is not
// written; nor is one for a file too small to matter.
const compressible = /\.(html|js|mjs|css|json|map|svg|txt|webmanifest|wasm)$/;
const minBytes = 256;
let plainBytes = 0;
let brBytes = 0;
let gzBytes = 0;
const precompress = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      precompress(path);
      continue;
    }
    if (!entry.isFile() || !compressible.test(entry.name)) continue;
    const plain = readFileSync(path);
    if (plain.length < minBytes) continue;
    const gz = gzipSync(plain, { level: zlib.Z_BEST_COMPRESSION });
    const br = brotliCompressSync(plain, {
      params: {
        [zlib.BROTLI_PARAM_MODE]: entry.name.endsWith(".wasm") ? zlib.BROTLI_MODE_GENERIC : zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: plain.length,
      },
    });
    plainBytes += plain.length;
    if (gz.length < plain.length) {
      writeFileSync(`${path}.gz`, gz);
      gzBytes += gz.length;
    }
    if (br.length < plain.length) {
      writeFileSync(`${path}.br`, br);
      brBytes += br.length;
    }
  }
};
precompress(dist);
const kib = (n) => Math.round(n / 1024);
console.log(`bundle: precompressed ${kib(plainBytes)} KiB to ${kib(brBytes)} KiB (br), ${kib(gzBytes)} KiB (gzip)`);
