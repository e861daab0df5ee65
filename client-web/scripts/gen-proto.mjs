// Generates TypeScript from ../proto/kenes/v1/*.proto into src/gen/ with
// protoc (Debian's protobuf-compiler) and protoc-gen-es. The output is
// git-ignored and rebuilt on every build: never edit it by hand.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const protoRoot = resolve(root, "../proto");
const outDir = join(root, "src/gen");
const plugin = join(root, "node_modules/.bin/protoc-gen-es");

const protoDir = join(protoRoot, "kenes/v1");
if (!existsSync(protoDir)) {
  console.error(`gen-proto: ${protoDir} not found; run from the Kenes repository.`);
  process.exit(1);
}
if (!existsSync(plugin)) {
  console.error("gen-proto: protoc-gen-es is missing; run `npm ci` in client-web first.");
  process.exit(1);
}
const protos = readdirSync(protoDir)
  .filter((f) => f.endsWith(".proto"))
  .sort()
  .map((f) => `kenes/v1/${f}`);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
try {
  execFileSync(
    "protoc",
    [
      `--plugin=protoc-gen-es=${plugin}`,
      `--es_out=${outDir}`,
      "--es_opt=target=ts,import_extension=none",
      `-I${protoRoot}`,
      ...protos,
    ],
    { stdio: "inherit" },
  );
} catch (e) {
  if (e.code === "ENOENT") {
    console.error("gen-proto: protoc not found; install it with `apt-get install protobuf-compiler`.");
  }
  process.exit(1);
}
console.log(`gen-proto: ${protos.length} files -> src/gen/`);
