// Pages in headless Chromium, served from 127.0.0.1 and driven through chromedriver's
// WebDriver API: the web example (examples/js/web), whose query result the test reads from
// the page, and the object mapper's cases (mapper.html running mapper-cases.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { BRIDGE, NODE, TOKEN, DSE_NODE, skip, REPO_DIR } from "./env.mjs";
import { cases } from "./mapper-cases.mjs";
import { cases as graphCases } from "./graph-cases.mjs";

const types = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
  ".json": "application/json",
};

function serve(root) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

async function webdriver(base, method, path, body) {
  const res = await fetch(base + path, {
    method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/**
 * Loads `path` (under the repository's root) with the test servers in its query string, and
 * polls `#result` until its `data-status` is no longer "pending" (every 100 ms, `polls`
 * times); resolves with `[status, text]`.
 */
async function runPage(path, polls) {
  const server = await serve(REPO_DIR);
  const port = await freePort();
  const driver = spawn(process.env.CHROMEDRIVER ?? "chromedriver", [`--port=${port}`], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  let session;
  try {
    for (let i = 0; i < 100; i++) {
      try { await fetch(`${base}/status`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    const created = await webdriver(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "goog:chromeOptions": {
        binary: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
          "--disable-background-networking", "--disable-component-update", "--no-first-run"],
      } } },
    });
    session = created.sessionId;
    const q = new URLSearchParams({ bridge: BRIDGE, node: NODE, token: TOKEN, dse: DSE_NODE });
    const page = `http://127.0.0.1:${server.address().port}/${path}?${q}`;
    await webdriver(base, "POST", `/session/${session}/url`, { url: page });
    let state;
    for (let i = 0; i < polls; i++) {
      state = await webdriver(base, "POST", `/session/${session}/execute/sync`, {
        script: "const e = document.getElementById('result'); return [e.dataset.status, e.textContent];", args: [],
      });
      if (state[0] !== "pending") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return state;
  } finally {
    if (session) await webdriver(base, "DELETE", `/session/${session}`).catch(() => {});
    driver.kill();
    server.close();
  }
}

test("web example runs a query in headless Chromium", { skip, timeout: 60000 }, async () => {
  const state = await runPage("examples/js/web/index.html", 200);
  assert.equal(state[0], "ok", `page says: ${state[1]}`);
  const rows = JSON.parse(state[1]);
  assert.equal(rows.length, 1);
  assert.equal(typeof rows[0].release_version, "string");
});

test("the object mapper's cases pass in headless Chromium (the package's browser entry)", { skip, timeout: 120000 }, async () => {
  const [status, text] = await runPage("wasm/tests/js/mapper.html", 1000);
  assert.equal(status, "done", `page says: ${text}`);
  const results = JSON.parse(text);
  assert.equal(results.length, cases.length, "every case ran");
  for (const r of results) assert.ok(r.ok, `mapper (Chromium): ${r.name}: ${r.error}`);
  console.log(`mapper cases in Chromium: ${results.filter((r) => r.ok).length}/${results.length} passed`);
});

test("the graph and DSE type cases pass in headless Chromium (the package's browser entry)",
  { skip: skip || (!DSE_NODE ? "CQL_WASM_DSE_NODE not set (cql-bridge runs only)" : false), timeout: 120000 }, async () => {
    const [status, text] = await runPage("wasm/tests/js/graph.html", 1000);
    assert.equal(status, "done", `page says: ${text}`);
    const results = JSON.parse(text);
    assert.equal(results.length, graphCases.length, "every case ran");
    for (const r of results) assert.ok(r.ok, `graph (Chromium): ${r.name}: ${r.error}`);
    console.log(`graph cases in Chromium: ${results.filter((r) => r.ok).length}/${results.length} passed`);
  });
