// Workers in workerd, through Miniflare: the edge worker example (examples/js/worker), an
// HTTP request answered by querying cql-sim through the bridge; and the object mapper's
// cases (mapper-worker.js running mapper-cases.mjs with the package's workerd entry).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { BRIDGE, NODE, TOKEN, skip, REPO_DIR } from "./env.mjs";
import { cases } from "./mapper-cases.mjs";

/** A Miniflare running `script` (a path under the repository's root) with the test servers as bindings. */
function worker(script) {
  return new Miniflare({
    modules: true,
    modulesRoot: REPO_DIR,
    scriptPath: `${REPO_DIR}${script}`,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { CQL_BRIDGE: BRIDGE, CQL_NODE: NODE, CQL_TOKEN: TOKEN },
    cf: false,
  });
}

test("worker answers HTTP requests by querying through the bridge", { skip }, async () => {
  const mf = worker("examples/js/worker/src/worker.js");
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

test("the object mapper's cases pass in workerd (the package's workerd entry)", { skip, timeout: 120000 }, async () => {
  const mf = worker("wasm/tests/js/mapper-worker.js");
  try {
    const res = await mf.dispatchFetch("http://localhost/");
    const results = await res.json();
    assert.equal(res.status, 200, JSON.stringify(results));
    assert.equal(results.length, cases.length, "every case ran");
    for (const r of results) assert.ok(r.ok, `mapper (workerd): ${r.name}: ${r.error}`);
    console.log(`mapper cases in workerd: ${results.filter((r) => r.ok).length}/${results.length} passed`);
  } finally {
    await mf.dispose();
  }
});
