// Bundles the app into dist/: one ES module, one stylesheet and index.html.
// The server serves dist/ as its web root (index.html for unknown paths).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
const bytes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith(".js"))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`bundle: dist/ written (${Math.round(bytes / 1024)} KiB of JavaScript)`);
