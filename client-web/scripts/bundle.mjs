// Bundles the app into dist/: one ES module, one stylesheet, index.html and
// the service worker. The server serves dist/ as its web root (index.html for
// unknown paths).
//
// Asset names carry a hash of their content (app-<hash>.js with its .map,
// styles-<hash>.css): the server lets a browser keep only such a name for a
// year (server/static_files.h, is_hashed_asset: "-" and 8+ lower-case hex
// digits before the first dot), so a new build reaches a returning browser
// through index.html, which is revalidated on every visit and names them.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const assets = join(dist, "assets");

/** 12 hex digits of SHA-256: 48 bits, more than enough to tell two builds apart. */
const contentHash = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 12);
};

/** Replaces each `from` with its `to`, failing the build if a name is missing:
 * a page or worker still naming an unhashed asset would load a 404 or an old
 * copy. */
const substitute = (text, file, names) => {
  for (const [from, to] of names) {
    if (!text.includes(from)) throw new Error(`bundle: ${file} does not name ${from}`);
    text = text.split(from).join(to);
  }
  return text;
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const result = await build({
  entryPoints: { app: join(root, "src/main.ts") },
  outdir: assets,
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  minify: true,
  // External, without the sourceMappingURL comment: the comment must name the
  // hashed map, which is known only once both files are.
  sourcemap: "external",
  metafile: true,
  legalComments: "linked",
  charset: "utf8",
  logLevel: "warning",
  write: false,
});
const outputs = new Map(result.outputFiles.map((f) => [basename(f.path), f]));
const js = outputs.get("app.js");
const map = outputs.get("app.js.map");
if (!js || !map || outputs.size !== 2) {
  // A new kind of output (a chunk, a CSS import, a LEGAL.txt) needs a hashed
  // name of its own here, or it would be served with a fixed name.
  throw new Error(`bundle: unexpected esbuild outputs: ${[...outputs.keys()].join(", ")}`);
}
// The map is in the hash too: it can change while the minified code does not.
const appName = `app-${contentHash(js.contents, map.contents)}.js`;
writeFileSync(join(assets, appName), `${js.text.replace(/\n?$/, "\n")}//# sourceMappingURL=${appName}.map\n`);
writeFileSync(join(assets, `${appName}.map`), map.contents);

const css = readFileSync(join(root, "static/styles.css"));
const cssName = `styles-${contentHash(css)}.css`;
writeFileSync(join(assets, cssName), css);

const names = [
  ["/assets/app.js", `/assets/${appName}`],
  ["/assets/styles.css", `/assets/${cssName}`],
];
const index = substitute(readFileSync(join(root, "static/index.html"), "utf8"), "static/index.html", names);
writeFileSync(join(dist, "index.html"), index);
// A cache name of this build: the new worker's activate step deletes every
// other one, so an old build's shell does not linger beside the new.
const sw = readFileSync(join(root, "static/sw.js"), "utf8");
const shellCache = `kenes-shell-${contentHash(index, sw)}`;
// At the root, so that its scope covers every page of the app.
writeFileSync(join(dist, "sw.js"), substitute(sw, "static/sw.js", [...names, ['"kenes-shell-dev"', JSON.stringify(shellCache)]]));
const bytes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith(".js"))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`bundle: dist/ written (${Math.round(bytes / 1024)} KiB of JavaScript: ${appName}, ${cssName}, cache ${shellCache})`);

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
