// DSE graph statements and DSE value types, shared by Node.js (graph.test.mjs, one test per
// case) and headless Chromium (graph.html, through web.test.mjs), against the DSE-mode
// cql-sim of wasm/tests/with-servers.sh (CQL_WASM_DSE_NODE). Each host imports the package
// through its own entry and works in a graph keyspace of its own.
import { same } from "../common/suite.js";

function show(v) {
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
}

function eq(actual, expected, what) {
  if (!same(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function ok(cond, what) {
  if (!cond) throw new Error(what);
}

async function rejects(f, C, re, what) {
  let err = null;
  try { await f(); } catch (e) { err = e; }
  if (err === null) throw new Error(`${what}: expected a ${C.name}, but it succeeded`);
  if (!(err instanceof C)) throw new Error(`${what}: expected a ${C.name}, got ${err?.name}: ${err?.message}`);
  if (re && !re.test(err.message)) throw new Error(`${what}: message ${JSON.stringify(err.message)} does not match ${re}`);
}

/** A Core graph keyspace `ks` with a table of DSE-typed columns, and the modern graph's people. */
export async function setup(lib, client, ks) {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'`);
  await client.execute(`CREATE TABLE ${ks}.places (id int PRIMARY KEY, pt 'PointType', ls 'LineStringType', pg 'PolygonType', dr 'DateRangeType')`);
  await client.refreshSchema();
  const { g, TraversalBatch } = lib;
  const batch = new TraversalBatch();
  for (const [name, age] of [["marko", 29], ["vadas", 27], ["josh", 32]]) {
    batch.add(g.addV("person").property("name", name).property("age", age));
  }
  batch.add(g.addV("software").property("name", "lop").property("where", new lib.Point(2.5, -1)));
  await client.executeGraph(batch, null, { graphName: ks });
  for (const [from, to, label] of [["marko", "vadas", "knows"], ["marko", "josh", "knows"], ["josh", "lop", "created"]]) {
    await client.executeGraph(
      g.V().has("name", from).addE(label).to(lib.__.V().has("name", to)).property("weight", 0.5),
      null, { graphName: ks });
  }
}

export const cases = [
  ["geometry and date ranges: bound as the package's classes, read back as them", async ({ lib, client, ks }) => {
    const { Point, LineString, Polygon, DateRange, DateRangeBound, OPEN_BOUND } = lib;
    const pt = new Point(-122.25, 37.5);
    const ls = new LineString([[0, 0], [1, 1]]);
    const pg = new Polygon([[0, 0], [4, 0], [4, 3], [0, 0]], [[[1, 1], [2, 1], [1, 2], [1, 1]]]);
    const dr = new DateRange({ lowerBound: new DateRangeBound(Date.UTC(2019, 5, 20), "DAY"), upperBound: OPEN_BOUND });
    await client.execute(`INSERT INTO ${ks}.places (id, pt, ls, pg, dr) VALUES (?, ?, ?, ?, ?)`, [1, pt, ls, pg, dr]);
    await client.execute(`INSERT INTO ${ks}.places (id, pt, dr) VALUES (?, ?, ?)`, [2, "POINT (1 2)", "[2017-01 TO 2018]"]);
    const r1 = (await client.execute(`SELECT * FROM ${ks}.places WHERE id = ?`, [1])).rows[0];
    ok(r1.pt instanceof Point && r1.ls instanceof LineString && r1.pg instanceof Polygon, "geometry classes");
    eq(String(r1.pt), "POINT (-122.25 37.5)", "point WKT");
    eq(String(r1.ls), "LINESTRING (0.0 0.0, 1.0 1.0)", "linestring WKT");
    eq(r1.pg.interiors.length, 1, "one hole");
    ok(r1.dr instanceof DateRange, "a DateRange");
    eq(String(r1.dr), "[2019-06-20 TO *]", "date range text");
    const r2 = (await client.execute(`SELECT pt, dr FROM ${ks}.places WHERE id = ?`, [2])).rows[0];
    eq([r2.pt.x, r2.pt.y], [1, 2], "point from WKT");
    eq(String(r2.dr), "[2017-01 TO 2018]", "range from text");
    eq(r2.dr.upperBound.date.toISOString(), "2018-12-31T23:59:59.999Z", "upper bound rounded up");
  }],
  ["traversals: the graph written by addV/addE read back, GraphSON 3.0 from the graph engine", async ({ lib, client, ks }) => {
    const { g, P, Order } = lib;
    const r = await client.executeGraph(
      g.V().has("person", "name", "marko").out("knows").order().by("age", Order.desc).values("name"), null, { graphName: ks });
    eq(r.protocol, "graphson-3.0", "protocol");
    eq(r.results, ["josh", "vadas"], "names");
    eq((await client.executeGraph(g.V().hasLabel("person").count(), null, { graphName: ks })).results, [3n], "count");
    const older = (await client.executeGraph(g.V().has("age", P.gt(28)).values("name"), null, { graphName: ks })).results;
    eq(older.sort(), ["josh", "marko"], "P.gt");
    const within = (await client.executeGraph(g.V().has("name", P.within("vadas", "lop")).label(), null, { graphName: ks })).results;
    eq(within.sort(), ["person", "software"], "P.within");
  }],
  ["elements: Vertex, Edge, VertexProperty and Path classes", async ({ lib, client, ks }) => {
    const { g } = lib;
    const [v] = (await client.executeGraph(g.V().has("name", "lop"), null, { graphName: ks })).results;
    ok(v instanceof lib.Vertex, `a Vertex: ${show(v)}`);
    eq(v.label, "software", "label");
    ok(v.properties.name[0] instanceof lib.VertexProperty, "a VertexProperty");
    eq(v.properties.name[0].value, "lop", "property value");
    ok(v.properties.where[0].value instanceof lib.Point, "a Point property");
    const edges = (await client.executeGraph(g.E().hasLabel("knows"), null, { graphName: ks })).results;
    eq(edges.length, 2, "edges");
    ok(edges[0] instanceof lib.Edge, "an Edge");
    eq([edges[0].outVLabel, edges[0].inVLabel, edges[0].properties.weight], ["person", "person", 0.5], "edge fields");
    const [path] = (await client.executeGraph(g.V().has("name", "marko").out("knows").has("name", "josh").out("created").path(),
      null, { graphName: ks })).results;
    ok(path instanceof lib.Path, "a Path");
    eq(path.objects.length, 3, "path length");
  }],
  ["scripts, protocols and pages", async ({ client, ks, lib }) => {
    const count = await client.executeGraph("g.V().count()", null, { graphName: ks });
    eq(count.protocol, "graphson-3.0", "a Core graph's script");
    eq(count.results, [4n], "script count");
    const v1 = await client.executeGraph("g.V().count()", {}, { graphName: ks, graphProtocol: "graphson-1.0" });
    eq(v1.protocol, "graphson-1.0", "GraphSON 1.0 asked");
    eq(v1.results, [4n], "GraphSON 1.0 integers carry no width: 64-bit, a bigint");
    const v2 = await client.executeGraph(lib.g.V().has("name", "vadas").values("age"), null, { graphName: ks, graphProtocol: "graphson-2.0" });
    eq(v2.results, [27], "GraphSON 2.0 Int32");
    const names = [];
    let pageState = null;
    do {
      const page = await client.executeGraph(lib.g.V().values("name"), null, { graphName: ks, pageSize: 1, pageState });
      names.push(...page.results);
      pageState = page.pageState;
    } while (pageState);
    eq(names.sort(), ["josh", "lop", "marko", "vadas"], "pages");
  }],
  ["errors: unsupported step, bytecode in GraphSON 1.0, bad options, unknown graph", async ({ lib, client, ks }) => {
    const { g } = lib;
    await rejects(() => client.executeGraph(g.V().step("match"), null, { graphName: ks }), lib.ServerError, /match/, "unsupported step");
    await rejects(() => client.executeGraph(g.V(), null, { graphName: ks, graphProtocol: "graphson-1.0" }),
      lib.ArgumentError, /not 1\.0/, "bytecode in GraphSON 1.0");
    await rejects(() => client.executeGraph("g.V()", null, { graphName: ks, graphProtocol: "graphson-4" }),
      lib.ArgumentError, /graphProtocol/, "unknown protocol");
    await rejects(() => client.executeGraph("g.V()", null, { graphNmae: ks }), lib.ArgumentError, /graphNmae/, "unknown option");
    await rejects(() => client.executeGraph(g.V(), null, { graphName: "nowhere" }), lib.ServerError, /nowhere/, "unknown graph");
  }],
];

/** Runs every case in one client; results as `{ name, ok, error }` (for browser pages). */
export async function runAll(lib, options, ks) {
  const client = await lib.Client.connect(options);
  const results = [];
  try {
    await setup(lib, client, ks);
    for (const [name, run] of cases) {
      try {
        await run({ lib, client, ks });
        results.push({ name, ok: true });
      } catch (e) {
        results.push({ name, ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` });
      }
    }
  } finally {
    await client.close();
  }
  return results;
}

/** Connect options for the DSE-mode test node. */
export function connectOptions(bridge, node, token) {
  const o = { bridge, contactPoints: [node], requestTimeout: 10000, connectTimeout: 5000 };
  if (token) o.token = token;
  return o;
}
