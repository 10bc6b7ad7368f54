// The object mapper in Node.js: the package's Node.js entry (pkg/node.js) against cql-sim
// through the bridge, one test per case of mapper-cases.mjs (shared with Chromium and
// workerd, see web.test.mjs and worker.test.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as lib from "../../pkg/node.js";
import { cases, setup, context, connectOptions } from "./mapper-cases.mjs";
import { BRIDGE, NODE, TOKEN, skip } from "./env.mjs";

const options = connectOptions(BRIDGE, NODE, TOKEN);
const ks = "mapper_node";
let client;
let ctx;

before(async () => {
  if (skip) return;
  client = await lib.Client.connect(options);
  await setup(lib, client, ks);
  ctx = context(lib, client, options, ks);
});

after(async () => {
  await client?.close();
});

for (const [name, run] of cases) {
  test(`mapper (Node.js): ${name}`, { skip }, () => run(ctx));
}

test("a dropped Mapper's schema listener leaves the client at its next event", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  const listeners = new Set();
  const client = {
    execute: async () => ({ rows: [] }),
    on: (event, l) => listeners.add(l),
    off: (event, l) => listeners.delete(l),
  };
  let mapper = new lib.Mapper(client, { models: { M: { tables: ["t"], keyspace: "k" } } });
  assert.equal(listeners.size, 1);
  mapper = null;
  for (let i = 0; i < 10 && listeners.size > 0; i++) {
    // WeakRef targets live until the current job ends: collect from a later task.
    await new Promise((r) => setTimeout(r, 10));
    gc();
    for (const l of [...listeners]) l({ keyspace: "k" });
  }
  assert.equal(mapper, null);
  assert.equal(listeners.size, 0);
});
