// Compiled with `tsc --noEmit` against the package's index.d.ts (tests/js/types.test.mjs):
// the generated definitions must accept normal use and reject misuse.
import {
  Client, Prepared, ServerError, CqlError, NoHostAvailableError, TimeoutError, ArgumentError,
  AuthenticationError, CqlDecimal, CqlDate as CqlDateClass, setWebSocketImplementation,
  type ConnectOptions, type ResultSet, type Row, type CqlDate, type CqlValue, type HostInfo,
  type Consistency, type Params, type ClientEvent, Metadata, type KeyspaceMetadata,
  type TableMetadata, type ColumnMetadata, type ReplicaInfo, type SchemaChangeEvent,
  type UserTypeMetadata, type FunctionMetadata, type AggregateMetadata, type ViewMetadata,
  Mapper, ModelMapper, Result, NotAppliedError, q, UnderscoreCqlToCamelCaseMappings, TableMappings,
  type MappingOptions, type FilterDoc,
  Point, Polygon, DateRange, DateRangeBound, OPEN_BOUND, Vertex, g, __, P, Order, TraversalBatch,
  GraphTypes, type GraphResultSet, timeUuid, minTimeUuid, maxTimeUuid, timeUuidDate,
} from "cql-wasm";

export async function use(): Promise<number> {
  const options: ConnectOptions = {
    bridge: "wss://bridge.example.com/cql", token: "t", contactPoints: ["10.0.0.5:9042"],
    keyspace: "ks", credentials: { username: "u", password: "p" }, localDatacenter: "dc1",
    consistency: "LOCAL_QUORUM", pageSize: 100, timestamps: "number",
    addressTranslation: { "10.0.0.6:9042": "172.16.0.6:9042" },
    networkBridges: { "10.2.0.0/16": "wss://bridge-dc2.example.com/cql" },
  };
  const client: Client = await Client.connect(options);
  const r: ResultSet = await client.execute("SELECT * FROM t WHERE k = ?", [1n], { consistency: "ONE", pageSize: 10 });
  const first: Row | undefined = r.rows[0];
  const day = first?.day as CqlDate | undefined;
  const next: Uint8Array | string | null = r.pageState;
  // JSON-safe results, and a page state kept as a string (a REST cursor).
  const page = await client.execute("SELECT * FROM t", [], { json: true, pageState: "00ab10" });
  const cursor: string = JSON.stringify({ rows: page.rows, next: page.pageState });
  await client.execute("SELECT * FROM t", [], { pageState: next ?? undefined });
  // Value classes print themselves, and are parameters too.
  const text: string = String(day) + JSON.stringify(day?.toJSON());
  await client.execute("INSERT INTO d (k, de, da) VALUES (?, ?, ?)", [1, new CqlDecimal(12345n, 2), new CqlDateClass(2024, 2, 29)]);
  // @ts-expect-error: a decimal's scale is a number
  new CqlDecimal(1n, "2");
  // Host events.
  const onDown = (e: ClientEvent) => { n += e.address.length + (e.error?.message ?? "").length + e.level.length; };
  client.on("hostDown", onDown);
  client.on("log", (e) => console.log(e.message));
  client.off("hostDown", onDown);
  // @ts-expect-error: not an event
  client.on("hostExploded", onDown);
  setWebSocketImplementation(null);
  await client.execute("SELECT * FROM t");
  const p: Prepared = await client.prepare("SELECT * FROM t WHERE k = ?");
  const names: string[] = p.params.map((c) => c.type);
  await client.execute(p, { k: 1 });
  await client.batch([{ query: p, params: [1] }, "DELETE FROM t WHERE k = 2"], { logged: false });
  let n = 0;
  for await (const row of client.stream("SELECT * FROM t", null, { pageSize: 50 })) {
    if (row.k !== null) n++;
  }
  // Blob parameters: an ArrayBuffer or any view of one, alone or inside collections.
  const bytes = new ArrayBuffer(4);
  await client.execute("INSERT INTO b (k, v) VALUES (?, ?)", [1, bytes]);
  await client.execute("INSERT INTO b (k, v) VALUES (?, ?)", [2, new Int8Array([1, -1])]);
  await client.execute("INSERT INTO b (k, v) VALUES (:k, :v)", { k: 3, v: new DataView(bytes, 1, 2) });
  await client.execute("INSERT INTO b (k, l, m) VALUES (?, ?, ?)",
    [4, [new Uint8Array(2), bytes], new Map([["a", new Uint16Array(1)]])]);
  await client.batch([{ query: "INSERT INTO b (k, v) VALUES (?, ?)", params: [5, new Float64Array(1)] }]);
  const params: Params = [new BigInt64Array(1), { field: new Uint8ClampedArray(1) }];
  await client.execute(p, params);
  // ...but results stay Uint8Array: these are parameter types only.
  // @ts-expect-error: a result value is never an ArrayBuffer
  const notResult: CqlValue = bytes;
  // @ts-expect-error: nor a DataView in a row
  const notRow: Row = { v: new DataView(bytes) };
  // @ts-expect-error: a function is not a value
  await client.execute("INSERT INTO b (k, v) VALUES (?, ?)", [6, () => bytes]);
  try {
    await client.execute("SELEKT");
  } catch (e) {
    if (e instanceof ServerError) {
      const host: string = e.host;
      const level: Consistency | undefined = e.consistency;
      n += e.code + (e.required ?? 0) + e.codeName.length + e.serverMessage.length + host.length;
      n += (e.alive ?? 0) + (e.received ?? 0) + (e.blockFor ?? 0) + (e.failures ?? 0) + (e.contentions ?? 0);
      n += Object.values(e.reasonByReplica ?? {}).reduce((a, b) => a + b, 0);
      n += (e.writeType ?? "").length + (e.keyspace ?? "").length + (e.table ?? "").length + (level ?? "").length;
      n += (e.functionName ?? "").length + (e.argTypes ?? []).join(",").length + (e.queryId?.byteLength ?? 0);
      n += e.dataPresent ? 1 : 0;
      // @ts-expect-error: queryId is the statement id's bytes
      const id: string | undefined = e.queryId;
      // @ts-expect-error: argTypes are CQL type names
      const args: number[] | undefined = e.argTypes;
      n += (id ?? "").length + (args ?? []).length;
    }
    if (e instanceof ServerError || e instanceof ArgumentError) n += (e.query ?? "").length + (e.queries ?? []).length;
    if (e instanceof AuthenticationError) n += (e.errors ?? []).length;
    if (e instanceof TimeoutError) n += e.timeoutMs + e.host.length;
    if (e instanceof NoHostAvailableError) n += e.errors.length;
    if (e instanceof CqlError) n += (e.host ?? "").length;
  }
  const hosts: HostInfo[] = client.hosts();
  n += hosts.filter((h) => h.up && h.datacenter !== null).length + hosts[0].connections;
  n += (hosts[0].lastError?.message ?? "").length;
  const where: string = hosts[0].address;
  n += where.length;
  // @ts-expect-error: read-only view, no such field
  n += hosts[0].port;
  n += await schema(client);
  n += await mapping(client);
  await client.close();
  // @ts-expect-error: the bridge is required
  await Client.connect({ contactPoints: ["x"] });
  // @ts-expect-error: not a consistency level
  await client.execute("SELECT 1", [], { consistency: "MOST" });
  const n2 = text.length + cursor.length;
  return n + n2 + names.length + (day?.year ?? 0) + (next?.length ?? 0) + (notResult ? 1 : 0) + Object.keys(notRow).length;
}

/** Schema metadata: the snapshot's lookups, replicas, the CQL export, schema events. */
async function schema(client: Client): Promise<number> {
  const only = await Client.connect({ bridge: "ws://b/cql", contactPoints: ["n"], schemaMetadata: ["shop"] });
  const off = await Client.connect({ bridge: "ws://b/cql", contactPoints: ["n"], schemaMetadata: false });
  // @ts-expect-error: keyspace names, not a filter function
  await Client.connect({ bridge: "ws://b/cql", contactPoints: ["n"], schemaMetadata: (k: string) => k === "shop" });
  await client.refreshSchema();
  const m: Metadata = client.metadata;
  const ks: KeyspaceMetadata | undefined = m.keyspaces["shop"];
  let n = (ks?.tables.length ?? 0) + (ks?.replication["class"] ?? "").length + (ks?.strategy ?? "").length;
  const same: KeyspaceMetadata | null = m.keyspace("shop");
  const t: TableMetadata | null = m.table("shop", "users");
  if (t !== null) {
    const pk: ColumnMetadata[] = t.partitionKeys;
    const order: "ASC" | "DESC" = t.clusteringKeys[0].order;
    const kinds: string[] = t.columns.map((c) => c.kind + c.type + c.position + c.isStatic + c.isReversed);
    const ttl = t.options["default_time_to_live"];
    if (typeof ttl === "number") n += ttl;
    n += pk.length + order.length + kinds.length + t.indexes.map((i) => i.target ?? "").length + (t.id ?? "").length;
    // @ts-expect-error: a column's kind is one of four names
    const bad: ColumnMetadata["kind"] = "primary";
  }
  const v: ViewMetadata | null = m.view("shop", "by_name");
  const u: UserTypeMetadata | null = m.userType("shop", "address");
  const f: FunctionMetadata[] | null = m.functions("shop", "plus");
  const a: AggregateMetadata[] | null = m.aggregates("shop", "total");
  n += (v?.baseTable.length ?? 0) + (u?.fields[0].type.length ?? 0) + (f?.[0]?.body.length ?? 0) + (a?.[0]?.stateType.length ?? 0);
  const replicas: ReplicaInfo[] | null = m.getReplicas("shop", "events", ["dev-1", "2024-05-01"]);
  n += (replicas ?? []).map((r) => r.address + r.hostId + (r.datacenter ?? "")).length;
  m.getReplicas("shop", "events", { device: "dev-1", day: new Date() });
  const cql: string | null = m.exportAsString();
  m.exportAsString("shop", "python");
  // @ts-expect-error: not an export style
  m.exportAsString("shop", "cqlsh");
  // @ts-expect-error: lookups are synchronous
  await m.table("shop", "users").then(() => 1);
  const onChange = (e: SchemaChangeEvent) => { n += e.keyspace.length + (e.name ?? "").length + e.change.length; };
  client.on("schemaChange", onChange);
  client.off("schemaChange", onChange);
  // @ts-expect-error: a schema change has no address
  client.on("schemaChange", (e) => e.address);
  await only.close();
  await off.close();
  return n + (same ? 1 : 0) + (cql ?? "").length;
}

/** The object mapper: a model's type follows from forModel<T>. */
interface User {
  userId: number;
  name: string | null;
  joined: Date;
  tags: Set<string> | null;
  visits: bigint;
}

async function mapping(client: Client): Promise<number> {
  const options: MappingOptions = {
    models: {
      User: {
        tables: ["users", { name: "users_by_name", isView: true }], keyspace: "shop",
        mappings: new UnderscoreCqlToCamelCaseMappings(),
        columns: { info: { name: "profile", toModel: JSON.parse, fromModel: JSON.stringify }, userid: "userId" },
      },
      Event: {
        tables: [{ table: "events", partitionKey: ["device", "day"], clustering: [{ name: "at", order: "DESC" }],
          columns: { device: "text", day: "date", at: "timestamp", payload: "text" }, indexes: ["payload"] }],
      },
    },
  };
  const mapper = new Mapper(client, options);
  const users: ModelMapper<User> = mapper.forModel<User>("User");
  const found: Result<User> = await users.find({ userId: 1, joined: q.gte(new Date()) }, { fields: ["name"], orderBy: { joined: "desc" }, limit: 5 });
  const first: User | null = found.first();
  const all: User[] = found.toArray();
  for (const u of found) all.push(u);
  for await (const u of await users.findAll({}, { fetchSize: 100 })) all.push(u);
  const one: User | null = await users.get({ userId: 1 }, "my-profile");
  await users.find({ userId: q.in_([1, 2, 3]), tags: q.contains("admin") }, { allowFiltering: true }, { consistency: "ONE", fetchSize: 10 });
  await users.insert({ userId: 2, name: "Ada", joined: new Date() }, { ttl: 60, timestamp: 1700000000000000n, ifNotExists: true });
  await users.update({ userId: 2, tags: q.append(["x"]), visits: q.incr(1) }, { when: { name: q.notEq("Bob") }, ttl: 5 });
  await users.remove({ userId: 2, name: null }, { deleteOnlyColumns: true, ifExists: true });
  const byName = users.mapWithQuery("SELECT * FROM shop.users_by_name WHERE name = ?", (d: { name: string }) => [d.name]);
  const r: Result<User> = await byName({ name: "Ada" });
  await mapper.batch([users.batching.insert({ userId: 3 }), users.batching.update({ userId: 3, name: "x" })], { logged: false });
  const filter: FilterDoc<User> = { name: q.and(q.gt("a"), q.lt("m")) };
  class Custom extends TableMappings {
    getColumnName(p: string): string { return p.toUpperCase(); }
  }
  new Mapper(client, { models: { X: { mappings: new Custom() } } });
  try {
    await users.insert({ userId: 4 }, { ifNotExists: true });
  } catch (e) {
    if (e instanceof NotAppliedError) all.push(e.row as User);
  }
  const untyped = mapper.forModel("Event");
  const anyDoc = (await untyped.get({ device: "d", day: "2024-05-01", at: 0 }))?.whatever;
  // @ts-expect-error: not a property of User
  await users.find({ nope: 1 });
  // @ts-expect-error: a property's operator takes its type
  await users.find({ userId: q.gt("1") });
  // @ts-expect-error: fields are User's properties
  await users.find({ userId: 1 }, { fields: ["nope"] });
  // @ts-expect-error: a ttl is a number of seconds
  await users.insert({ userId: 1 }, { ttl: "1h" });
  // @ts-expect-error: update operators are not filters
  await users.find({ visits: q.incr(1) });
  // @ts-expect-error: get resolves with a document, not a Result
  const notResult: Result<User> = await users.get({ userId: 1 });
  // @ts-expect-error: the model's documents are Users
  const wrong: Result<{ other: string }> = await users.find({ userId: 1 });
  return (first ? 1 : 0) + all.length + (one ? 1 : 0) + r.length + Object.keys(filter).length + (anyDoc ? 1 : 0)
    + (notResult ? 1 : 0) + wrong.length;
}

/** DSE values and graph statements. */
export async function dse(client: Client): Promise<number> {
  await client.execute("INSERT INTO ks.t (k, p, r) VALUES (?, ?, ?)", [1, new Point(1, 2),
    new DateRange({ lowerBound: new DateRangeBound(new Date(0), "DAY"), upperBound: OPEN_BOUND })]);
  const area: string = new Polygon([[0, 0], [1, 0], [0, 1], [0, 0]]).toString();
  const r: GraphResultSet = await client.executeGraph(
    g.V().has("name", P.within("a", "b")).out("knows").order().by("age", Order.desc), null,
    { graphName: "g", graphProtocol: "graphson-3.0", pageSize: 10 });
  const v = r.results[0];
  const label = v instanceof Vertex ? v.label : "";
  await client.executeGraph("g.V().has('id', id)", { id: GraphTypes.int64(5n) });
  await client.executeGraph(new TraversalBatch([g.addV("p"), g.V().addE("e").to(__.V())]));
  // @ts-expect-error: graphProtocol names a GraphSON version
  await client.executeGraph("g.V()", null, { graphProtocol: "graphson-4.0" });
  const id: string = timeUuid(new Date(), 0x0123456789abn, 0x1234);
  const range = [minTimeUuid(new Date(0)), maxTimeUuid(Date.now()), timeUuid()];
  const at: Date = timeUuidDate(id);
  return area.length + label.length + (r.pageState ? 1 : 0) + range.length + at.getTime();
}
