// The npm package: `npm pack` of wasm/pkg installed into a fresh directory, imported as
// "cql-wasm" from a Node.js ES module, querying cql-sim through the bridge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRIDGE, NODE, TOKEN, skip, WASM_DIR } from "./env.mjs";

const app = `
import { Client, ServerError, CqlError, version } from "cql-wasm";
const client = await Client.connect({
  bridge: process.env.CQL_WASM_BRIDGE, token: process.env.CQL_WASM_TOKEN || undefined,
  contactPoints: [process.env.CQL_WASM_NODE], pageSize: 2,
});
await client.execute("CREATE KEYSPACE IF NOT EXISTS pkg WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
await client.execute("CREATE TABLE IF NOT EXISTS pkg.t (k int, c int, big bigint, at timestamp, tags set<text>, PRIMARY KEY (k, c))");
for (let c = 0; c < 5; c++) {
  await client.execute("INSERT INTO pkg.t (k, c, big, at, tags) VALUES (?, ?, ?, ?, ?)",
    [1, c, 2n ** 62n + BigInt(c), new Date(Date.UTC(2024, 0, 1 + c)), new Set(["x", "y" + c])]);
}
const rows = [];
for await (const row of client.stream("SELECT * FROM pkg.t WHERE k = ?", [1])) rows.push(row);
let syntax;
try { await client.execute("SELEKT"); } catch (e) { syntax = e; }
const hosts = client.hosts().map((h) => [h.address, h.datacenter, h.up]);
await client.close();
console.log(JSON.stringify({
  version: version(),
  n: rows.length,
  big: String(rows[4].big),
  at: rows[4].at.toISOString(),
  tags: [...rows[4].tags],
  error: [syntax instanceof ServerError, syntax instanceof CqlError, syntax.codeName],
  hosts,
}));
`;

test("npm pack tarball installs into a fresh directory and runs there", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cql-wasm-pkg-"));
  try {
    const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir, `${WASM_DIR}pkg`], { encoding: "utf8" })
      .trim().split("\n").pop();
    assert.ok(existsSync(join(dir, tgz)), `tarball ${tgz}`);
    const project = join(dir, "app");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, tgz)], { cwd: project, stdio: "inherit" });
    writeFileSync(join(project, "app.mjs"), app);
    const out = execFileSync(process.execPath, ["--experimental-websocket", "--no-warnings", "app.mjs"], {
      cwd: project, encoding: "utf8",
      env: { ...process.env, CQL_WASM_BRIDGE: BRIDGE, CQL_WASM_NODE: NODE, CQL_WASM_TOKEN: TOKEN },
    });
    const got = JSON.parse(out.trim().split("\n").pop());
    assert.deepEqual(got, {
      version: "0.1.0", n: 5, big: String(2n ** 62n + 4n), at: "2024-01-05T00:00:00.000Z",
      tags: ["x", "y4"], error: [true, true, "SyntaxError"],
      hosts: [[NODE, "datacenter1", true]],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
