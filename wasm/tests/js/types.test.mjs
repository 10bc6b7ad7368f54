// The package's TypeScript definitions: tests/types/usage.ts (normal use, and misuse marked
// @ts-expect-error) must compile against pkg/index.d.ts with a default tsconfig (no `lib`,
// strict, the package's .d.ts files checked), under the current TypeScript and under 5.x.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { WASM_DIR } from "./env.mjs";

// Both packages install a `tsc` into node_modules/.bin, so each is run from its own package.
const compilers = [
  { pkg: "typescript", major: "7", config: "tsconfig.json" },
  { pkg: "typescript5", major: "5", config: "tsconfig.ts5.json" },
];

for (const { pkg, major, config } of compilers) {
  test(`TypeScript ${major} accepts normal use and rejects misuse`, () => {
    const tsc = `${WASM_DIR}node_modules/${pkg}/bin/tsc`;
    const version = execFileSync(process.execPath, [tsc, "--version"], { encoding: "utf8" });
    assert.match(version, new RegExp(`^Version ${major}\\.`));
    execFileSync(process.execPath, [tsc, "-p", `${WASM_DIR}tests/types/${config}`], { stdio: "inherit" });
  });
}
