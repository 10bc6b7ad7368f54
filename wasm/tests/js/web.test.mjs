// The web example (examples/js/web) in headless Chromium: served from 127.0.0.1, driven
// through chromedriver's WebDriver API; the test reads the query result from the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { BRIDGE, NODE, TOKEN, skip, REPO_DIR } from "./env.mjs";

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

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

test("web example runs a query in headless Chromium", { skip, timeout: 60000 }, async () => {
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
    const q = new URLSearchParams({ bridge: BRIDGE, node: NODE, token: TOKEN });
    const page = `http://127.0.0.1:${server.address().port}/examples/js/web/index.html?${q}`;
    await webdriver(base, "POST", `/session/${session}/url`, { url: page });
    let state;
    for (let i = 0; i < 200; i++) {
      state = await webdriver(base, "POST", `/session/${session}/execute/sync`, {
        script: "const e = document.getElementById('result'); return [e.dataset.status, e.textContent];", args: [],
      });
      if (state[0] !== "pending") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state[0], "ok", `page says: ${state[1]}`);
    const rows = JSON.parse(state[1]);
    assert.equal(rows.length, 1);
    assert.equal(typeof rows[0].release_version, "string");
  } finally {
    if (session) await webdriver(base, "DELETE", `/session/${session}`).catch(() => {});
    driver.kill();
    server.close();
  }
});
