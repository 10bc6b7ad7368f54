// The npm package: `npm pack` of wasm/pkg installed into fresh directories and used as
// "cql-wasm" from an ES module project, from a CommonJS project through require(), and
// from an .mjs file in a CommonJS project, each querying cql-sim through the bridge; and
// the Node.js examples (examples/js/node.mjs, examples/js/mapper.mjs) run the same way.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRIDGE, NODE, TOKEN, DSE_NODE, skip, WASM_DIR, REPO_DIR } from "./env.mjs";

const esmApp = `
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

// CommonJS: require() of the ES module package (Node 20.19+ / 22.12+), an async main.
const cjsApp = `
const { Client, ServerError, CqlError, ClosedError, version } = require("cql-wasm");

async function main() {
  const client = await Client.connect({
    bridge: process.env.CQL_WASM_BRIDGE, token: process.env.CQL_WASM_TOKEN || undefined,
    contactPoints: [process.env.CQL_WASM_NODE],
  });
  await client.execute("CREATE KEYSPACE IF NOT EXISTS pkg_cjs WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute("CREATE TABLE IF NOT EXISTS pkg_cjs.t (k int PRIMARY KEY, v text, b blob)");
  await client.execute("INSERT INTO pkg_cjs.t (k, v, b) VALUES (?, ?, ?)", [1, "from require", Buffer.from("hi")]);
  const { rows } = await client.execute("SELECT v, b FROM pkg_cjs.t WHERE k = ?", [1]);
  let syntax;
  try { await client.execute("SELEKT"); } catch (e) { syntax = e; }
  await client.close();
  let closed;
  try { await client.execute("SELECT v FROM pkg_cjs.t"); } catch (e) { closed = e; }
  console.log(JSON.stringify({
    version: version(),
    v: rows[0].v,
    b: Buffer.from(rows[0].b).toString(),
    error: [syntax instanceof ServerError, syntax instanceof CqlError, syntax.codeName],
    closed: closed instanceof ClosedError,
    // What the README tells users of older Node to do instead: the same module.
    sameViaImport: (await import("cql-wasm")).Client === Client,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
`;

// An .mjs file in a CommonJS project, shaped like the README's example.
const mjsApp = `
import { Client, ServerError } from "cql-wasm";

const connection = {
  bridge: process.env.CQL_WASM_BRIDGE, token: process.env.CQL_WASM_TOKEN || undefined,
  contactPoints: [process.env.CQL_WASM_NODE],
};
const setup = await Client.connect(connection);
await setup.execute("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
await setup.execute("CREATE TABLE IF NOT EXISTS shop.users (id bigint PRIMARY KEY, name text, tags set<text>)");
await setup.execute("CREATE TABLE IF NOT EXISTS shop.events (day date, at timestamp, payload text, PRIMARY KEY (day, at))");
await setup.execute("CREATE TABLE IF NOT EXISTS shop.t (k int PRIMARY KEY, v text)");
await setup.execute("INSERT INTO shop.users (id, name, tags) VALUES (?, ?, ?)", [42n, "Grace", ["admin"]]);
for (let i = 0; i < 3; i++) {
  await setup.execute("INSERT INTO shop.events (day, at, payload) VALUES (?, ?, ?)",
    ["2024-05-01", new Date(Date.UTC(2024, 4, 1, i)), "e" + i]);
}
await setup.close();

const client = await Client.connect({
  ...connection,
  keyspace: "shop",
  localDatacenter: "datacenter1",
  consistency: "LOCAL_QUORUM",
  pageSize: 1000,
});

const { rows } = await client.execute("SELECT id, name, tags FROM users WHERE id = ?", [42n]);
await client.execute("UPDATE users SET name = :name WHERE id = :id", { id: 42n, name: "Ada" });
const events = [];
for await (const row of client.stream("SELECT * FROM events WHERE day = ?", ["2024-05-01"])) {
  events.push([row.at.toISOString(), row.payload]);
}
await client.batch([
  { query: "INSERT INTO t (k, v) VALUES (?, ?)", params: [1, "a"] },
  { query: "INSERT INTO t (k, v) VALUES (?, ?)", params: [2, "b"] },
], { logged: true });
const stmt = await client.prepare("SELECT * FROM t WHERE k = ?");
const t = await client.execute(stmt, [2]);
const after = await client.execute("SELECT name FROM users WHERE id = ?", [42n]);
let missing;
try { await client.execute("SELECT * FROM nowhere"); } catch (e) { missing = e; }
await client.close();
console.log(JSON.stringify({
  before: [String(rows[0].id), rows[0].name, [...rows[0].tags]],
  after: after.rows[0].name,
  events,
  t: t.rows[0].v,
  params: stmt.params.map((p) => p.type),
  error: [missing instanceof ServerError, missing.codeName],
}));
`;

// A script that never calls close(): it must end once its last call settles (no timer or
// socket of the driver keeps Node.js running), yet stay alive while a call is in flight.
const forgetfulApp = `
import { Client } from "cql-wasm";
const result = {};
process.on("exit", (code) => {
  result.code = code;
  result.exitMsAfterLastCall = Date.now() - result.settledAt;
  console.log(JSON.stringify(result));
});
const client = await Client.connect({
  bridge: process.env.CQL_WASM_BRIDGE, token: process.env.CQL_WASM_TOKEN || undefined,
  contactPoints: [process.env.CQL_WASM_NODE], heartbeatInterval: 200,
});
result.first = (await client.execute("SELECT release_version FROM system.local")).rows.length;
await new Promise((r) => setTimeout(r, 500));
result.second = (await client.execute("SELECT release_version FROM system.local")).rows.length;
result.settledAt = Date.now();
`;

let dir;
let tarball;

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "cql-wasm-pkg-"));
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir, `${WASM_DIR}pkg`], { encoding: "utf8" })
    .trim().split("\n").pop();
  tarball = join(dir, name);
  assert.ok(existsSync(tarball), `tarball ${name}`);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh project with `packageJson`, the tarball installed and `file` written; runs it and returns its output. */
function runScript(project, packageJson, file, source, node = NODE) {
  const cwd = join(dir, project);
  mkdirSync(cwd);
  writeFileSync(join(cwd, "package.json"), JSON.stringify({ name: project, private: true, ...packageJson }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd, stdio: "inherit" });
  writeFileSync(join(cwd, file), source);
  // No --experimental-websocket: the package brings ws, so Node 20 needs no flag.
  return execFileSync(process.execPath, ["--no-warnings", file], {
    cwd, encoding: "utf8", timeout: 60_000,
    env: {
      ...process.env, CQL_WASM_BRIDGE: BRIDGE, CQL_WASM_NODE: node, CQL_WASM_TOKEN: TOKEN,
      // The names examples/js/node.mjs reads.
      CQL_BRIDGE: BRIDGE, CQL_NODE: node, CQL_TOKEN: TOKEN,
    },
  });
}

/** runScript, and its last line parsed as JSON. */
function run(project, packageJson, file, source) {
  const out = runScript(project, packageJson, file, source);
  return JSON.parse(out.trim().split("\n").pop());
}

test("npm pack tarball installs into a fresh directory and runs there", { skip }, () => {
  const got = run("esm", { type: "module" }, "app.mjs", esmApp);
  assert.deepEqual(got, {
    version: "0.1.0", n: 5, big: String(2n ** 62n + 4n), at: "2024-01-05T00:00:00.000Z",
    tags: ["x", "y4"], error: [true, true, "SyntaxError"],
    hosts: [[NODE, "datacenter1", true]],
  });
});

test("a CommonJS project loads the package with require()", {
  skip: skip || (!process.features.require_module && "require() of ES modules needs Node 20.19+ / 22.12+"),
}, () => {
  const got = run("cjs", {}, "app.js", cjsApp);
  assert.deepEqual(got, {
    version: "0.1.0", v: "from require", b: "hi", error: [true, true, "SyntaxError"], closed: true,
    sameViaImport: true,
  });
});

test("an .mjs file in a CommonJS project imports the package (the README's example)", { skip }, () => {
  const got = run("cjs-with-mjs", {}, "app.mjs", mjsApp);
  assert.deepEqual(got, {
    before: ["42", "Grace", ["admin"]],
    after: "Ada",
    events: [0, 1, 2].map((i) => [`2024-05-01T0${i}:00:00.000Z`, "e" + i]),
    t: "b",
    params: ["int"],
    error: [true, "Invalid"],
  });
});

test("a script that never calls close() ends when its last call settles", { skip }, () => {
  const got = run("forgetful", { type: "module" }, "app.mjs", forgetfulApp);
  assert.equal(got.code, 0);
  assert.deepEqual([got.first, got.second], [1, 1]);
  // Without unreferenced timers and sockets it waited for a garbage collection (seconds)
  // or forever; the heartbeat (200 ms here) must not hold it either.
  assert.ok(got.exitMsAfterLastCall < 2000, `exited ${got.exitMsAfterLastCall} ms after the last call`);
});

test("the Node.js example (examples/js/node.mjs) runs in a project that installed the package", { skip }, () => {
  const source = readFileSync(`${REPO_DIR}examples/js/node.mjs`, "utf8");
  const out = runScript("node-example", { type: "module" }, "node.mjs", source);
  process.stdout.write(out);
  assert.match(out, /^user 1: Ada, joined 2024-01-01T00:00:00.000Z$/m);
  assert.match(out, /^first page: \w+, \w+; more: true$/m);
  assert.match(out, /^streamed: Ada, Alan, Grace$/m);
  assert.match(out, /^server error: Invalid: /m);
});

test("the mapper example (examples/js/mapper.mjs) runs in a project that installed the package", { skip }, () => {
  const source = readFileSync(`${REPO_DIR}examples/js/mapper.mjs`, "utf8");
  const out = runScript("mapper-example", { type: "module" }, "mapper.mjs", source);
  process.stdout.write(out);
  assert.equal(out, [
    "get: Lambdas (video 2)",
    "since Jan 3: Types, Monads",
    "oldest two: Intro, Lambdas",
    "not applied: Intro is there",
    "updated: Introduction [basics, fp]",
    "views of video 1: 9",
    "videos of user 7: 4",
    "all: Types, Monads, Lambdas, Introduction",
    "after remove: 3 videos",
    "",
  ].join("\n"));
});

test("the graph example (examples/js/graph.mjs) runs in a project that installed the package", {
  skip: skip || (!DSE_NODE ? "CQL_WASM_DSE_NODE not set (cql-bridge runs only)" : false),
}, () => {
  const source = readFileSync(`${REPO_DIR}examples/js/graph.mjs`, "utf8");
  const out = runScript("graph-example", { type: "module" }, "graph.mjs", source, DSE_NODE);
  process.stdout.write(out);
  assert.equal(out, [
    "store 1: POINT (-122.42 37.77), open [2024-03 TO *]",
    "marko knows (oldest first): josh, vadas [graphson-3.0]",
    "over 30: josh",
    "vertices: 3",
    "",
  ].join("\n"));
});
