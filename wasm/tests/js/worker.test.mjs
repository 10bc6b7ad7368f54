// The edge worker example (examples/js/worker) in workerd, through Miniflare: an HTTP request
// answered by querying cql-sim through the bridge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { BRIDGE, NODE, TOKEN, skip, REPO_DIR } from "./env.mjs";

test("worker answers HTTP requests by querying through the bridge", { skip }, async () => {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: REPO_DIR,
    scriptPath: `${REPO_DIR}examples/js/worker/src/worker.js`,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { CQL_BRIDGE: BRIDGE, CQL_NODE: NODE, CQL_TOKEN: TOKEN },
    cf: false,
  });
  try {
    for (const n of [1, 2]) {
      const res = await mf.dispatchFetch("http://localhost/?name=edge");
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.hello, "edge");
      assert.ok(body.visits >= n, `visits counter ${body.visits}`);
      assert.equal(typeof body.release, "string");
    }
  } finally {
    await mf.dispose();
  }
});
