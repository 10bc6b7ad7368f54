// The driver from Node.js: connect through cql-bridge, create a keyspace and a table,
// insert rows with parameters, read them back (one row, one page, every row as a
// stream), see a server error, and close.
//
// With cql-sim and cql-bridge running as wasm/README.md ("Try it locally") starts them,
// and the package installed where this file is (npm install ./cql-wasm-*.tgz):
//
//   node node.mjs
//
// CQL_BRIDGE, CQL_TOKEN and CQL_NODE name another bridge URL, token and node. Works in
// keyspace `node_example`, dropped at the end.
import { Client, ServerError } from "cql-wasm";

const token = process.env.CQL_TOKEN ?? "local-demo-token-0123";
const client = await Client.connect({
  bridge: process.env.CQL_BRIDGE ?? "ws://127.0.0.1:8080/cql",
  token: token || undefined, // empty: a bridge that wants no token
  // As the bridge's allow-list (--target) spells it.
  contactPoints: [process.env.CQL_NODE ?? "127.0.0.1:9042"],
});
try {
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS node_example WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute(
    "CREATE TABLE IF NOT EXISTS node_example.users (id int PRIMARY KEY, name text, joined timestamp)");

  // Statements with parameters are prepared once, and each value converted to its
  // column's type (a Date to a timestamp here).
  const insert = "INSERT INTO node_example.users (id, name, joined) VALUES (?, ?, ?)";
  for (const [id, name] of [[1, "Ada"], [2, "Grace"], [3, "Alan"]]) {
    await client.execute(insert, [id, name, new Date(Date.UTC(2024, 0, id))]);
  }

  const { rows } = await client.execute("SELECT name, joined FROM node_example.users WHERE id = ?", [1]);
  console.log(`user 1: ${rows[0].name}, joined ${rows[0].joined.toISOString()}`);

  // One page of two rows, and where the next page starts.
  const page = await client.execute("SELECT id, name FROM node_example.users", [], { pageSize: 2 });
  console.log(`first page: ${page.rows.map((row) => row.name).join(", ")}; more: ${page.pageState !== null}`);

  // Every row, the next page fetched as the loop gets there.
  const names = [];
  for await (const row of client.stream("SELECT id, name FROM node_example.users", [], { pageSize: 2 })) {
    names.push(row.name);
  }
  console.log(`streamed: ${names.sort().join(", ")}`);

  try {
    await client.execute("SELECT * FROM node_example.missing");
  } catch (e) {
    if (!(e instanceof ServerError)) throw e;
    console.log(`server error: ${e.codeName}: ${e.serverMessage}`);
  }

  await client.execute("DROP KEYSPACE node_example");
} finally {
  await client.close();
}
