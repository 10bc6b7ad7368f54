// Requests/s of the wasm driver in Node.js through cql-bridge: a prepared single-row
// SELECT, N requests in flight, BENCH_SECONDS seconds each (the counterpart of
// examples/native_bench.rs). Uses the package built in wasm/pkg.
//
//   CQL_WASM_PROFILE=release bash wasm/tests/with-servers.sh \
//       node --experimental-websocket wasm/bench/node-bench.mjs
import { Client } from "../pkg/node.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const client = await Client.connect({
  bridge: process.env.CQL_WASM_BRIDGE ?? "ws://127.0.0.1:8080/cql",
  token: process.env.CQL_WASM_TOKEN || undefined,
  contactPoints: [process.env.CQL_WASM_NODE ?? "127.0.0.1:9042"],
});
await client.execute("CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
await client.execute("CREATE TABLE IF NOT EXISTS bench.kv (k int PRIMARY KEY, v text)");
await client.execute("INSERT INTO bench.kv (k, v) VALUES (1, 'one')");
const select = await client.prepare("SELECT k, v FROM bench.kv WHERE k = ?");
for (const concurrency of [1, 8, 32]) {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const r = await client.execute(select, [1]);
      if (r.rows[0].v !== "one") throw new Error("wrong row");
      done++;
    }
  }));
  const rate = done / ((performance.now() - started) / 1000);
  console.log(`wasm driver in Node.js via cql-bridge, concurrency ${concurrency}: ${rate.toFixed(0)} req/s`);
}
await client.close();
