// The web example: connect through the bridge, run the query in the box, show the rows.
// Served from the repository's root, so the package built in wasm/pkg is at
// ../../../wasm/pkg/ (in a project that installed the package, import from "cql-wasm").
import { Client, CqlError } from "../../../wasm/pkg/index.js";

const params = new URL(location.href).searchParams;
const out = document.getElementById("result");
const show = (status, text) => { out.dataset.status = status; out.textContent = text; };
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2);

let client;
async function run(query) {
  try {
    client ??= await Client.connect({
      bridge: params.get("bridge") ?? "ws://127.0.0.1:8080/cql",
      token: params.get("token") || undefined,
      contactPoints: [params.get("node") ?? "127.0.0.1:9042"],
    });
    const result = await client.execute(query);
    show("ok", json(result.rows));
  } catch (e) {
    show("error", e instanceof CqlError ? `${e.name}: ${e.message}` : String(e));
  }
}

document.getElementById("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(document.getElementById("query").value);
});
run(document.getElementById("query").value);
