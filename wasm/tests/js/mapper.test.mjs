// The object mapper in Node.js: the package's Node.js entry (pkg/node.js) against cql-sim
// through the bridge, one test per case of mapper-cases.mjs (shared with Chromium and
// workerd, see web.test.mjs and worker.test.mjs).
import { test, before, after } from "node:test";
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
