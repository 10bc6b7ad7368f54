// The servers started by wasm/tests/with-servers.sh.
export const BRIDGE = process.env.CQL_WASM_BRIDGE;
export const NODE = process.env.CQL_WASM_NODE;
export const TOKEN = process.env.CQL_WASM_TOKEN || "";
// A DSE-mode cql-sim (graph, geometry, date ranges); unset with websockify.
export const DSE_NODE = process.env.CQL_WASM_DSE_NODE || "";
export const skip = !BRIDGE || !NODE ? "CQL_WASM_BRIDGE/CQL_WASM_NODE not set: run through wasm/tests/with-servers.sh" : false;
export const WASM_DIR = new URL("../../", import.meta.url).pathname;
// The examples live in examples/js/ at the repository's root and import wasm/pkg from there.
export const REPO_DIR = new URL("../../../", import.meta.url).pathname;
