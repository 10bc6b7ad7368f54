// DSE from Node.js: geometry and date-range columns bound and read as the package's
// classes, then a graph — vertices and edges added with a traversal batch, read back with
// traversals and a Gremlin-Groovy script.
//
// With a DSE node (or `cql-sim --dse`) and cql-bridge running as wasm/README.md ("Try it
// locally") starts them, and the package installed where this file is:
//
//   node graph.mjs
//
// CQL_BRIDGE, CQL_TOKEN and CQL_NODE name another bridge URL, token and node. Works in the
// graph keyspace `graph_example`, dropped at the end.
import {
  Client, Point, Polygon, DateRange, DateRangeBound, OPEN_BOUND, g, __, P, Order, TraversalBatch, Vertex,
} from "cql-wasm";

const token = process.env.CQL_TOKEN ?? "local-demo-token-0123";
const client = await Client.connect({
  bridge: process.env.CQL_BRIDGE ?? "ws://127.0.0.1:8080/cql",
  token: token || undefined,
  contactPoints: [process.env.CQL_NODE ?? "127.0.0.1:9042"],
});
const ks = "graph_example";
try {
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication =
    {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'`);
  await client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.stores (id int PRIMARY KEY, location 'PointType',
    area 'PolygonType', open 'DateRangeType')`);
  // The driver picks GraphSON 3.0 for a Core graph from the keyspace's metadata.
  await client.refreshSchema();

  // DSE types: the classes print WKT and DSE's date-range text.
  await client.execute(`INSERT INTO ${ks}.stores (id, location, area, open) VALUES (?, ?, ?, ?)`, [
    1,
    new Point(-122.42, 37.77),
    new Polygon([[0, 0], [2, 0], [2, 2], [0, 0]]),
    new DateRange({ lowerBound: new DateRangeBound(Date.UTC(2024, 2, 1), "MONTH"), upperBound: OPEN_BOUND }),
  ]);
  const store = (await client.execute(`SELECT * FROM ${ks}.stores WHERE id = ?`, [1])).rows[0];
  console.log(`store 1: ${store.location}, open ${store.open}`);

  // A graph: people and who knows whom, added in one batch of traversals.
  const people = [["marko", 29], ["vadas", 27], ["josh", 32]];
  const batch = new TraversalBatch(people.map(([name, age]) => g.addV("person").property("name", name).property("age", age)));
  await client.executeGraph(batch, null, { graphName: ks });
  for (const [from, to] of [["marko", "vadas"], ["marko", "josh"]]) {
    await client.executeGraph(g.V().has("name", from).addE("knows").to(__.V().has("name", to)), null, { graphName: ks });
  }
  const friends = await client.executeGraph(
    g.V().has("person", "name", "marko").out("knows").order().by("age", Order.desc).values("name"), null, { graphName: ks });
  console.log(`marko knows (oldest first): ${friends.results.join(", ")} [${friends.protocol}]`);
  const [josh] = (await client.executeGraph(g.V().has("age", P.gt(30)), null, { graphName: ks })).results;
  console.log(`over 30: ${josh instanceof Vertex ? josh.properties.name[0].value : "?"}`);
  const count = await client.executeGraph("g.V().count()", null, { graphName: ks });
  console.log(`vertices: ${count.results[0]}`);
} finally {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
  await client.close();
}
