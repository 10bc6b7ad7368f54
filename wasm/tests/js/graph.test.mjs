// DSE graph and DSE value types in Node.js: the package's Node.js entry against the
// DSE-mode cql-sim through the bridge, one test per case of graph-cases.mjs (shared with
// Chromium, see web.test.mjs).
import { test, before, after } from "node:test";
import * as lib from "../../pkg/node.js";
import { cases, setup, connectOptions } from "./graph-cases.mjs";
import { BRIDGE, DSE_NODE, TOKEN, skip } from "./env.mjs";

const skipDse = skip || (!DSE_NODE ? "CQL_WASM_DSE_NODE not set (cql-bridge runs only)" : false);
const ks = "graph_node";
let client;

before(async () => {
  if (skipDse) return;
  client = await lib.Client.connect(connectOptions(BRIDGE, DSE_NODE, TOKEN));
  await setup(lib, client, ks);
});

after(async () => {
  await client?.close();
});

for (const [name, run] of cases) {
  test(`graph (Node.js): ${name}`, { skip: skipDse }, () => run({ lib, client, ks }));
}
