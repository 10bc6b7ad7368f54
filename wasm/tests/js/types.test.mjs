// The package's TypeScript definitions: tests/types/usage.ts (normal use, and misuse marked
// @ts-expect-error) must compile against pkg/index.d.ts.
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { WASM_DIR } from "./env.mjs";

test("TypeScript definitions accept normal use and reject misuse", () => {
  execFileSync(`${WASM_DIR}node_modules/.bin/tsc`, ["-p", `${WASM_DIR}tests/types/tsconfig.json`], { stdio: "inherit" });
});
