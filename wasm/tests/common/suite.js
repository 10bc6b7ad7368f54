// The end-to-end suite, written against the JavaScript API as users see it. The Rust test
// files (node.rs, browser.rs) connect a Client and call these; each throws on failure.

export function options(bridge, node, token, keyspace) {
  const o = { bridge, contactPoints: [node], requestTimeout: 10000, connectTimeout: 5000 };
  if (token) o.token = token;
  if (keyspace) o.keyspace = keyspace;
  return o;
}

function fail(msg) { throw new Error(msg); }

function show(v) {
  return JSON.stringify(v, (_, x) => {
    if (typeof x === "bigint") return `${x}n`;
    if (x instanceof Uint8Array) return `Uint8Array[${Array.from(x)}]`;
    if (x instanceof Map) return { Map: Array.from(x.entries()) };
    if (x instanceof Set) return { Set: Array.from(x) };
    return x;
  });
}

/** Deep equality that knows BigInt, Date, Uint8Array, Map, Set and plain objects. */
export function same(a, b) {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    const be = Array.from(b.entries());
    return Array.from(a.entries()).every(([k, v], i) => same(k, be[i][0]) && same(v, be[i][1]));
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    const bv = Array.from(b);
    return Array.from(a).every((x, i) => same(x, bv[i]));
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

function eq(actual, expected, what) {
  if (!same(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export async function ddl(client, ks) {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  const r = await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  eq(r.schemaChange && r.schemaChange.change, "CREATED", "schema change of CREATE KEYSPACE");
  const use = await client.execute(`USE ${ks}`);
  eq(use.keyspace, ks, "keyspace set by USE");
  eq(client.keyspace, ks, "client.keyspace");
  await client.execute(`CREATE TYPE ${ks}.address (street text, zip int)`);
  await client.execute(`CREATE TABLE ${ks}.all_types (id int PRIMARY KEY, a ascii, bi bigint, b blob,
    bo boolean, de decimal, do double, f float, i int, ts timestamp, u uuid, t text, vi varint,
    tu timeuuid, ip inet, d date, ti time, si smallint, tiny tinyint, du duration, l list<int>,
    s set<text>, m map<text, bigint>, tup tuple<int, text>, addr frozen<address>,
    nested frozen<list<frozen<map<int, text>>>>, v vector<float, 3>)`);
  await client.execute(`CREATE TABLE ${ks}.counters (id int PRIMARY KEY, c counter)`);
  await client.execute(`CREATE TABLE ${ks}.pages (p int, c int, v text, PRIMARY KEY (p, c))`);
  return "ok";
}

const full = {
  id: 1, a: "ascii!", bi: -9007199254740993n, b: new Uint8Array([0, 1, 2, 254, 255]), bo: true,
  de: { unscaled: -12345678901234567890123n, scale: 7 }, do: -1.5e300, f: 0.15625,
  i: -2147483648, ts: new Date(1700000000123), u: "f47ac10b-58cc-4372-a567-0e02b2c3d479",
  t: "héllo ✓ 🌍", vi: -123456789012345678901234567890n, tu: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  ip: "2001:db8::1", d: { year: 2024, month: 2, day: 29 },
  ti: { hour: 23, minute: 59, second: 59, nanosecond: 999999999 }, si: -32768, tiny: 127,
  du: { months: 14, days: -3, nanoseconds: 123456789012n }, l: [3, 1, 2], s: new Set(["a", "b"]),
  m: new Map([["k1", 5n], ["k2", -6n]]), tup: [7, null], addr: { street: "Main St", zip: 12345 },
  nested: [new Map([[1, "one"]]), new Map()], v: [1.5, -2, 0.25],
};

export async function allTypes(client, ks) {
  const cols = Object.keys(full);
  const insert = `INSERT INTO ${ks}.all_types (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
  // Positional, prepared (the default with parameters).
  await client.execute(insert, cols.map((c) => full[c]));
  const r = await client.execute(`SELECT * FROM ${ks}.all_types WHERE id = ?`, [1]);
  eq(r.rows.length, 1, "row count");
  for (const c of cols) eq(r.rows[0][c], full[c], `column ${c}`);
  eq(r.columns.find((c) => c.name === "m").type, "map<text, bigint>", "column type");

  // Named parameters, alternative input forms, nulls, and unset (undefined).
  await client.execute(
    `INSERT INTO ${ks}.all_types (id, d, ti, de, ts, vi, bi, t, i, b, m) VALUES (:id, :d, :ti, :de, :ts, :vi, :bi, :t, :i, :b, :m)`,
    { id: 2, d: "1969-12-31", ti: "01:02:03.5", de: "123.4500", ts: 86400000, vi: 42, bi: 7, t: null,
      i: undefined, b: new Uint8Array(0), m: { a: 1n } });
  const r2 = await client.execute(`SELECT d, ti, de, ts, vi, bi, t, i, b, m FROM ${ks}.all_types WHERE id = 2`,
    undefined, { timestamps: "number" });
  eq(r2.rows[0], {
    d: { year: 1969, month: 12, day: 31 }, ti: { hour: 1, minute: 2, second: 3, nanosecond: 500000000 },
    de: { unscaled: 1234500n, scale: 4 }, ts: 86400000, vi: 42n, bi: 7n, t: null, i: null,
    b: new Uint8Array(0), m: new Map([["a", 1n]]),
  }, "second row");

  // Unprepared with natural types.
  await client.execute(`INSERT INTO ${ks}.all_types (id, t, do, bi, l) VALUES (3, ?, ?, ?, ?)`,
    ["simple", 2.5, 9n, ["x"].map(() => 1)], { prepare: false, hints: [null, null, null, "list<int>"] });
  const r3 = await client.execute(`SELECT t, do, bi, l FROM ${ks}.all_types WHERE id = 3`);
  eq(r3.rows[0], { t: "simple", do: 2.5, bi: 9n, l: [1] }, "simple statement");
  // Any view of bytes is a blob, also without metadata.
  const raw = new Uint8Array([9, 8, 7, 6]);
  await client.execute(`INSERT INTO ${ks}.all_types (id, b) VALUES (5, ?)`, [new Int8Array(raw.buffer)], { prepare: false });
  await client.execute(`INSERT INTO ${ks}.all_types (id, b) VALUES (6, ?)`, [new DataView(raw.buffer, 1, 2)], { prepare: false });
  const views = await client.execute(`SELECT id, b FROM ${ks}.all_types WHERE id IN (5, 6)`);
  eq(views.rows.map((r) => r.b), [raw, new Uint8Array([8, 7])], "typed-array views as blobs");

  // A 1 MiB blob: written in 64 KiB messages, read back across message boundaries.
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 7 + 3) & 0xff);
  await client.execute(`INSERT INTO ${ks}.all_types (id, b) VALUES (?, ?)`, [4, big]);
  const r4 = await client.execute(`SELECT b FROM ${ks}.all_types WHERE id = 4`);
  eq(r4.rows[0].b.length, big.length, "1 MiB blob length");
  eq(r4.rows[0].b, big, "1 MiB blob");

  // Counters.
  await client.execute(`UPDATE ${ks}.counters SET c = c + ? WHERE id = ?`, [9007199254740993n, 1]);
  const c = await client.execute(`SELECT c FROM ${ks}.counters WHERE id = 1`);
  eq(c.rows[0].c, 9007199254740993n, "counter");
  return "ok";
}

export async function paging(client, ks) {
  const ins = await client.prepare(`INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`);
  eq(ins.params.map((p) => p.type), ["int", "int", "text"], "prepared param types");
  for (let i = 0; i < 250; i += 50) {
    const batch = [];
    for (let j = i; j < i + 50; j++) batch.push({ query: ins, params: [1, j, `v${j}`] });
    await client.batch(batch, { logged: false });
  }
  const first = await client.execute(`SELECT c FROM ${ks}.pages WHERE p = ?`, [1], { pageSize: 100 });
  eq(first.rows.length, 100, "first page size");
  if (!(first.pageState instanceof Uint8Array)) fail("pageState missing on the first page");
  const second = await client.execute(`SELECT c FROM ${ks}.pages WHERE p = ?`, [1],
    { pageSize: 100, pageState: first.pageState });
  eq(second.rows[0].c, 100, "second page starts after the first");
  let n = 0;
  const stream = client.stream(`SELECT c, v FROM ${ks}.pages WHERE p = ?`, [1], { pageSize: 60 });
  for await (const row of stream) {
    eq(row.c, n, "streamed row order");
    eq(row.v, `v${n}`, "streamed value");
    n++;
  }
  eq(n, 250, "rows streamed");
  eq(stream.pagesFetched, 5, "pages fetched");
  // Early exit from for-await.
  let m = 0;
  for await (const _ of client.stream(`SELECT c FROM ${ks}.pages WHERE p = 1`, null, { pageSize: 10 })) {
    if (++m === 15) break;
  }
  eq(m, 15, "break out of a stream");
  // next() must be awaited row by row.
  const s2 = client.stream(`SELECT c FROM ${ks}.pages WHERE p = 1`);
  const [a, b] = await Promise.allSettled([s2.next(), s2.next()]);
  eq([a.status, a.value && a.value.value.c], ["fulfilled", 0], "first of two concurrent next()");
  eq([b.status, b.reason && b.reason.name], ["rejected", "ArgumentError"], "second concurrent next()");
  return "ok";
}

export async function errors(client, ks, E, badOptions, Client, goodOptions) {
  const rejects = async (p, cls, what) => {
    try { await p; } catch (e) {
      if (!(e instanceof cls)) fail(`${what}: expected ${cls.name}, got ${e && e.name}: ${e && e.message}`);
      if (!(e instanceof E.CqlError) || !(e instanceof Error)) fail(`${what}: not a CqlError/Error`);
      return e;
    }
    fail(`${what}: did not fail`);
  };
  let e = await rejects(client.execute("SELEC 1"), E.ServerError, "syntax error");
  eq([e.code, e.codeName], [0x2000, "SyntaxError"], "syntax error fields");
  e = await rejects(client.execute(`SELECT * FROM ${ks}.nope`), E.ServerError, "unknown table");
  eq(e.codeName, "Invalid", "unknown table code");
  e = await rejects(client.execute(`CREATE TABLE ${ks}.pages (a int PRIMARY KEY)`), E.ServerError, "already exists");
  eq([e.codeName, e.keyspace, e.table], ["AlreadyExists", ks, "pages"], "already exists fields");
  e = await rejects(client.execute(`INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`, [1, "x", "y"]),
    E.ArgumentError, "bad parameter");
  if (!/parameter 1 \(c\)/.test(e.message)) fail(`bad parameter message: ${e.message}`);
  await rejects(client.execute(`SELECT * FROM ${ks}.pages WHERE p = ?`, [1, 2]), E.ArgumentError, "too many params");
  await rejects(client.execute(`SELECT * FROM ${ks}.pages WHERE p = :p`, { q: 1 }), E.ArgumentError, "unknown name");
  await rejects(client.execute("SELECT 1", [], { consistency: "MOST" }), E.ArgumentError, "bad consistency");
  e = await rejects(Client.connect(badOptions), E.NoHostAvailableError, "unreachable bridge");
  if (!Array.isArray(e.errors) || e.errors.length !== 1 || !(e.errors[0].error instanceof E.CqlError)) {
    fail(`NoHostAvailableError.errors: ${show(e.errors)}`);
  }
  await rejects(Client.connect({ contactPoints: ["x"] }), E.ArgumentError, "missing bridge");
  if (goodOptions.token) {
    // The bridge refuses a wrong token with close code 4401; the reason reaches the user.
    e = await rejects(Client.connect({ ...goodOptions, token: "wrong-token" }), E.NoHostAvailableError, "bad token");
    if (!/4401|unauthorized/i.test(e.message)) fail(`bad token message: ${e.message}`);
    // A target outside the bridge's allow-list: 4404.
    e = await rejects(Client.connect({ ...goodOptions, contactPoints: ["127.0.0.1:1"] }), E.NoHostAvailableError, "target not allowed");
    if (!/4404|not allowed/i.test(e.message)) fail(`target refusal message: ${e.message}`);
  }
  return "ok";
}

export async function closing(client) {
  await client.close();
  if (!client.isClosed) fail("isClosed after close()");
  try { await client.execute("SELECT release_version FROM system.local"); } catch (e) {
    if (e.name !== "ClosedError") fail(`after close: ${e.name}: ${e.message}`);
    return "ok";
  }
  fail("execute after close() succeeded");
}

export async function systemLocal(client) {
  const r = await client.execute("SELECT release_version, cluster_name FROM system.local");
  if (typeof r.rows[0].release_version !== "string") fail(`system.local: ${show(r.rows)}`);
  return r.rows[0].release_version;
}

/**
 * A client with one contact point on a 3-node cluster: it discovers the other two nodes
 * (system.peers), reaches them through the same bridge, and routes queries to them.
 */
export async function discovery(client, contactPoint) {
  let hosts = [];
  for (let i = 0; i < 250; i++) {
    hosts = client.hosts();
    if (hosts.length === 3 && hosts.every((h) => h.up && h.connections > 0)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (hosts.length !== 3 || !hosts.every((h) => h.up && h.connections > 0)) {
    fail(`3 hosts up with connections: ${show(hosts)}`);
  }
  if (!hosts.some((h) => h.address === contactPoint)) fail(`${contactPoint} among ${show(hosts)}`);
  for (const h of hosts) {
    if (h.datacenter !== "datacenter1" || typeof h.rack !== "string") fail(`dc/rack: ${show(h)}`);
    if (!/^[0-9a-f-]{36}$/.test(h.hostId)) fail(`hostId: ${show(h)}`);
  }
  if (new Set(hosts.map((h) => h.address.split(":")[0])).size !== 3) fail(`3 addresses: ${show(hosts)}`);
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS wasm_discovery WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute("CREATE TABLE IF NOT EXISTS wasm_discovery.kv (k int PRIMARY KEY, v text)");
  for (let k = 0; k < 30; k++) {
    await client.execute("INSERT INTO wasm_discovery.kv (k, v) VALUES (?, ?)", [k, `v${k}`]);
  }
  for (let k = 0; k < 30; k++) {
    const r = await client.execute("SELECT v FROM wasm_discovery.kv WHERE k = ?", [k]);
    if (r.rows.length !== 1 || r.rows[0].v !== `v${k}`) fail(`key ${k}: ${show(r.rows)}`);
  }
  return hosts.length;
}

async function hostsWhere(client, what, check) {
  for (let i = 0; i < 250; i++) {
    if (check(client.hosts())) return client.hosts();
    await new Promise((r) => setTimeout(r, 20));
  }
  fail(`${what}: ${show(client.hosts())}`);
}

/**
 * `addressTranslation` and `networkBridges` on the 3-node cluster: a discovered node's
 * address translated to one the bridge refuses shows in `hosts()` under the translated
 * address and down, while queries go on through the other two; malformed entries are
 * ArgumentErrors.
 */
export async function translation(Client, opts, E) {
  const probe = await Client.connect(opts);
  const all = await hostsWhere(probe, "3 hosts up", (h) => h.length === 3 && h.every((x) => x.up));
  await probe.close();
  const victim = all.find((h) => h.address !== opts.contactPoints[0]).address;
  const moved = `127.0.0.9:${victim.split(":")[1]}`;
  const client = await Client.connect({
    ...opts,
    addressTranslation: { [victim]: moved },
    networkBridges: { "127.0.0.0/8": opts.bridge },
  });
  await hostsWhere(client, `${victim} translated to ${moved}, down`, (h) =>
    h.length === 3 && !h.some((x) => x.address === victim)
      && h.some((x) => x.address === moved && !x.up && x.connections === 0)
      && h.filter((x) => x.up && x.connections > 0).length === 2);
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS wasm_translation WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute("CREATE TABLE IF NOT EXISTS wasm_translation.kv (k int PRIMARY KEY, v int)");
  for (let k = 0; k < 20; k++) await client.execute("INSERT INTO wasm_translation.kv (k, v) VALUES (?, ?)", [k, k]);
  const r = await client.execute("SELECT count(*) AS n FROM wasm_translation.kv");
  if (r.rows[0].n !== 20n) fail(`count: ${show(r.rows)}`);
  await client.close();
  for (const bad of [
    { addressTranslation: { "10.0.0.1:9042": "10.0.0.2" } },
    { addressTranslation: ["x"] },
    { networkBridges: { "10.0.0.0/99": opts.bridge } },
    { networkBridges: { "10.0.0.0/8": "http://x/" } },
  ]) {
    let err;
    try { await Client.connect({ ...opts, ...bad }); } catch (e) { err = e; }
    if (!(err instanceof E.ArgumentError)) fail(`${show(bad)}: ${err}`);
  }
  return 3;
}

/**
 * The per-query `keyspace` option on every path: prepared (the default with parameters),
 * simple, streamed and batched statements run in that keyspace, not the client's.
 */
export async function keyspaceOption(client, ks) {
  const other = `${ks}_other`;
  for (const k of [ks, other]) {
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${k} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE IF NOT EXISTS ${k}.kv (k int PRIMARY KEY, v text)`);
    await client.execute(`INSERT INTO ${k}.kv (k, v) VALUES (1, '${k}')`);
  }
  await client.execute(`USE ${ks}`);
  const q = "SELECT v FROM kv WHERE k = ?";
  eq((await client.execute(q, [1])).rows[0].v, ks, "the client's keyspace");
  eq((await client.execute(q, [1], { keyspace: other })).rows[0].v, other, "prepared, keyspace option");
  eq((await client.execute(q, [1], { keyspace: other, prepare: false, hints: ["int"] })).rows[0].v, other, "simple, keyspace option");
  const streamed = [];
  for await (const row of client.stream(q, [1], { keyspace: other })) streamed.push(row.v);
  eq(streamed, [other], "stream, keyspace option");
  await client.batch([{ query: "INSERT INTO kv (k, v) VALUES (?, ?)", params: [2, "batched"] }], { keyspace: other });
  eq((await client.execute(q, [2], { keyspace: other })).rows.length, 1, "batch, keyspace option");
  eq((await client.execute(q, [2])).rows.length, 0, "the batch did not write the client's keyspace");
  return "ok";
}

/**
 * A rejection carries the caller's frames (not only the driver's) and the statement's
 * CQL text: `query` for execute, prepare and stream, `queries` for a batch.
 */
export async function errorContext(client, ks, E) {
  async function userCallsExecute() { return client.execute("SELEC 1"); }
  let e = await userCallsExecute().then(() => fail("SELEC 1 succeeded"), (x) => x);
  if (!(e instanceof E.ServerError)) fail(`syntax error: ${e}`);
  eq(e.query, "SELEC 1", "ServerError.query");
  if (!/userCallsExecute/.test(e.stack)) fail(`the caller is not in the stack:\n${e.stack}`);
  if (/wasm-function|wasm:\/\//.test(e.stack)) fail(`wasm frames in the stack:\n${e.stack}`);
  if (!e.stack.startsWith("ServerError: ")) fail(`stack header:\n${e.stack}`);

  const insert = `INSERT INTO ${ks}.pages (p, c, v) VALUES (?, ?, ?)`;
  e = await client.execute(insert, [1, "not an int", "v"]).then(() => fail("bad value bound"), (x) => x);
  if (!(e instanceof E.ArgumentError)) fail(`bad value: ${e}`);
  eq(e.query, insert, "ArgumentError.query");

  async function userCallsBatch() {
    return client.batch([`INSERT INTO ${ks}.pages (p, c, v) VALUES (1, 1, 'a')`, "SELEC 2"], { prepare: false });
  }
  e = await userCallsBatch().then(() => fail("batch succeeded"), (x) => x);
  if (!(e instanceof E.ServerError)) fail(`batch: ${e}`);
  eq(e.queries, [`INSERT INTO ${ks}.pages (p, c, v) VALUES (1, 1, 'a')`, "SELEC 2"], "ServerError.queries");
  if (!/userCallsBatch/.test(e.stack)) fail(`batch caller not in the stack:\n${e.stack}`);

  function userStartsAStream() { return client.stream(`SELECT * FROM ${ks}.nope WHERE p = ?`, [1]); }
  const stream = userStartsAStream();
  e = await stream.next().then(() => fail("stream of an unknown table"), (x) => x);
  eq(e.query, `SELECT * FROM ${ks}.nope WHERE p = ?`, "stream error query");
  if (!/userStartsAStream/.test(e.stack)) fail(`stream caller not in the stack:\n${e.stack}`);

  e = await client.prepare("SELEC 3").then(() => fail("prepared a syntax error"), (x) => x);
  eq(e.query, "SELEC 3", "prepare error query");
  return "ok";
}

/** Options the driver does not know are refused, naming what to use instead. */
export async function unknownOptions(client, Client, opts, E) {
  const refused = async (p, pattern, what) => {
    const e = await p.then(() => fail(`${what}: accepted`), (x) => x);
    if (!(e instanceof E.ArgumentError)) fail(`${what}: ${e}`);
    if (!pattern.test(e.message)) fail(`${what}: ${e.message}`);
  };
  await refused(client.execute("SELECT * FROM system.local", [], { fetchSize: 10 }),
    /`fetchSize` is `pageSize` here/, "fetchSize");
  await refused(client.execute("SELECT * FROM system.local", [], { pageSzie: 10 }),
    /did you mean `pageSize`/, "a typo");
  await refused(client.batch(["SELECT * FROM system.local"], { isIdempotent: true }),
    /`isIdempotent` is `idempotent` here/, "batch option");
  await refused(Client.connect({ ...opts, localDataCenter: "dc1" }),
    /`localDataCenter` is `localDatacenter` here/, "localDataCenter");
  await refused(Client.connect({ ...opts, queryOptions: { fetchSize: 10 } }),
    /`queryOptions`.*`consistency`/, "queryOptions");
  await refused(Client.connect({ ...opts, protocolOptions: { port: 9042 } }),
    /`port` and `protocolVersion`/, "protocolOptions");
  let thrown;
  try { client.stream("SELECT * FROM system.local", [], { autoPage: true }); } catch (e) { thrown = e; }
  if (!(thrown instanceof E.ArgumentError) || !/client\.stream/.test(thrown.message)) fail(`stream option: ${thrown}`);
  // Known options left undefined are fine.
  await client.execute("SELECT * FROM system.local", [], { pageSize: undefined, consistency: undefined });
  for (const e of [await Client.connect({ ...opts, localDataCenter: "x" }).catch((x) => x)]) {
    if (/SessionBuilder|::|with_|\(\)/.test(e.message)) fail(`a Rust name in a JS message: ${e.message}`);
  }
  return "ok";
}

/**
 * `json: true` gives values JSON.stringify keeps whole; the value objects of the default
 * mode print themselves (`toString`, `toJSON`); a page state travels as a string.
 */
export async function jsonResults(client, ks) {
  const q = `SELECT * FROM ${ks}.all_types WHERE id = 1`;
  const r = await client.execute(q, [], { json: true });
  const row = JSON.parse(JSON.stringify(r.rows[0]));
  eq(row, {
    id: 1, a: "ascii!", bi: "-9007199254740993", b: "AAEC/v8=", bo: true,
    de: "-1234567890123456.7890123", do: -1.5e300, f: 0.15625, i: -2147483648,
    ts: "2023-11-14T22:13:20.123Z", u: "f47ac10b-58cc-4372-a567-0e02b2c3d479", t: "héllo ✓ 🌍",
    vi: "-123456789012345678901234567890", tu: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    ip: "2001:db8::1", d: "2024-02-29", ti: "23:59:59.999999999", si: -32768, tiny: 127,
    du: "14mo-3d123456789012ns", l: [3, 1, 2], s: ["a", "b"], m: { k1: "5", k2: "-6" },
    tup: [7, null], addr: { street: "Main St", zip: 12345 },
    nested: [{ "1": "one" }, {}], v: [1.5, -2, 0.25],
  }, "JSON row");
  const native = (await client.execute(q)).rows[0];
  eq([String(native.de), String(native.d), String(native.ti), String(native.du)],
    [row.de, row.d, row.ti, row.du], "toString of decimal, date, time and duration");
  eq(JSON.parse(JSON.stringify({ d: native.d, de: native.de })), { d: row.d, de: row.de }, "toJSON");
  eq(String(new Date(native.ts).toISOString()), row.ts, "timestamp");
  // A page state as a string, back in.
  const page = `SELECT c FROM ${ks}.pages WHERE p = 1`;
  const first = await client.execute(page, [], { json: true, pageSize: 3 });
  if (typeof first.pageState !== "string") fail(`JSON pageState: ${show(first.pageState)}`);
  const next = await client.execute(page, [], { pageSize: 3, pageState: first.pageState });
  const viaBytes = await client.execute(page, [], {
    pageSize: 3, pageState: (await client.execute(page, [], { pageSize: 3 })).pageState,
  });
  eq(next.rows, viaBytes.rows, "pageState as hex string");
  const b64 = btoa(String.fromCharCode(...first.pageState.match(/../g).map((h) => parseInt(h, 16))));
  eq((await client.execute(page, [], { pageSize: 3, pageState: b64 })).rows, viaBytes.rows, "pageState as base64");
  return "ok";
}

async function until(what, check, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  fail(what);
}

/**
 * A node the bridge refuses: `hosts()` shows why (`lastError`), and listeners hear of
 * the failed attempts (`connectionError`, and `log`).
 */
export async function hostTrouble(Client, opts, E) {
  const probe = await Client.connect(opts);
  await until("3 hosts up", () => probe.hosts().length === 3 && probe.hosts().every((h) => h.up));
  const victim = probe.hosts().find((h) => h.address !== opts.contactPoints[0]).address;
  await probe.close();
  const moved = `127.0.0.9:${victim.split(":")[1]}`;
  const client = await Client.connect({ ...opts, addressTranslation: { [victim]: moved } });
  const heard = [], logged = [];
  const onError = (e) => heard.push(e);
  client.on("connectionError", onError);
  client.on("log", (e) => logged.push(e));
  await until(`lastError of ${moved}`, () => client.hosts().some((h) => h.address === moved && h.lastError));
  const down = client.hosts().find((h) => h.address === moved);
  if (down.up || !(down.lastError instanceof E.CqlError) || !/4404|allow-list/.test(down.lastError.message)) {
    fail(`down host: ${show(down)} ${down.lastError}`);
  }
  eq(client.hosts().filter((h) => h.lastError === null).length, 2, "the other hosts have no error");
  await until("a connectionError event", () => heard.length > 0);
  const ev = heard[0];
  eq([ev.type, ev.address, ev.level], ["connectionError", moved, "warning"], "event fields");
  if (!(ev.error instanceof E.CqlError) || !/4404/.test(ev.message)) fail(`event: ${show(ev)} ${ev.error}`);
  await until("a log record", () => logged.some((l) => l.type === "connectionError"));
  client.off("connectionError", onError);
  let bad;
  try { client.on("nope", () => {}); } catch (e) { bad = e; }
  if (!(bad instanceof E.ArgumentError) || !/hostDown/.test(bad.message)) fail(`unknown event: ${bad}`);
  await client.close();
  return "ok";
}

/** Every host refusing the credentials is an AuthenticationError (with `errors`). */
export async function badCredentials(Client, opts, E) {
  const e = await Client.connect({ ...opts, credentials: { username: "wasm", password: "wrong" } })
    .then(() => fail("connected with a wrong password"), (x) => x);
  if (!(e instanceof E.AuthenticationError)) fail(`wrong password: ${e && e.name}: ${e && e.message}`);
  if (!Array.isArray(e.errors) || !(e.errors[0].error instanceof E.AuthenticationError)) fail(`errors: ${show(e.errors)}`);
  const none = await Client.connect(opts).then(() => fail("connected without credentials"), (x) => x);
  if (!(none instanceof E.AuthenticationError)) fail(`no credentials: ${none && none.name}: ${none && none.message}`);
  if (/SessionBuilder|::|\bwith_/.test(none.message)) fail(`a Rust name in a JS message: ${none.message}`);
  const ok = await Client.connect({ ...opts, credentials: { username: "wasm", password: "wasm-password" } });
  await ok.execute("SELECT release_version FROM system.local");
  await ok.close();
  return "ok";
}

/**
 * Schema metadata: `client.metadata` after DDL and `refreshSchema()` (keyspace, table with
 * a composite partition key, a DESC clustering column, a static column and an index, a
 * user type), lookups of what is not there (`null`), an `ALTER TABLE` seen without a
 * refresh (events, debounced) and heard by a `schemaChange` listener, replicas by
 * partition key values, the CQL export, and the `schemaMetadata` option.
 */
export async function schemaMetadata(client, ks, Client, opts, E) {
  const throws = (f, what, pattern = /./) => {
    let err;
    try { f(); } catch (e) { err = e; }
    if (!(err instanceof E.ArgumentError)) fail(`${what}: expected an ArgumentError, got ${err}`);
    if (!pattern.test(err.message)) fail(`${what}: ${err.message}`);
    return err;
  };
  const heard = [];
  const onChange = (e) => {
    const t = client.metadata.table(e.keyspace, e.name ?? "");
    heard.push({ ...e, columns: t ? t.columns.map((c) => c.name) : null });
  };
  client.on("schemaChange", onChange);
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await client.execute(`CREATE TYPE ${ks}.address (street text, zip int)`);
  await client.execute(`CREATE TABLE ${ks}.events (device text, day date, at timestamp, seq int,
    value double, owner text static, home frozen<address>, PRIMARY KEY ((device, day), at, seq))
    WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND comment = 'sensor readings'
    AND default_time_to_live = 86400`);
  await client.execute(`CREATE INDEX events_value_idx ON ${ks}.events (value)`);
  await client.refreshSchema();

  const m = client.metadata;
  const k = m.keyspaces[ks];
  if (!k) fail(`keyspace ${ks} in ${show(Object.keys(m.keyspaces))}`);
  if (!/SimpleStrategy$/.test(k.replication.class)) fail(`replication: ${show(k.replication)}`);
  eq({ ...k, replication: { ...k.replication, class: "" } }, {
    name: ks, durableWrites: true, replication: { class: "", replication_factor: "1" },
    strategy: "SimpleStrategy", virtual: false, graphEngine: null, tables: ["events"], views: [],
    userTypes: ["address"], functions: [], aggregates: [], parseError: null,
  }, "keyspaces[ks]");
  eq(m.keyspace(ks), k, "keyspace(ks)");
  if (!m.keyspaces.system_schema || m.keyspaces.system_schema.virtual) fail("system_schema");

  const t = m.table(ks, "events");
  if (!t) fail("table events");
  eq([t.keyspace, t.name, t.virtual, t.parseError, t.views, t.triggers],
    [ks, "events", false, null, [], []], "table fields");
  if (!/^[0-9a-f-]{36}$/.test(t.id)) fail(`table id: ${t.id}`);
  const col = (name, type, kind, position, order = null) => ({
    name, type, kind, position, isStatic: kind === "static", isReversed: order === "DESC", order,
  });
  eq(t.partitionKeys, [col("device", "text", "partition_key", 0), col("day", "date", "partition_key", 1)],
    "partitionKeys");
  eq(t.clusteringKeys, [col("at", "timestamp", "clustering", 0, "DESC"), col("seq", "int", "clustering", 1, "ASC")],
    "clusteringKeys");
  eq(t.columns.slice(0, 4), [...t.partitionKeys, ...t.clusteringKeys], "key columns first");
  eq(t.columns.slice(4).sort((a, b) => a.name.localeCompare(b.name)), [
    col("home", "frozen<address>", "regular", -1), col("owner", "text", "static", -1),
    col("value", "double", "regular", -1),
  ], "other columns");
  eq([t.options.comment, t.options.default_time_to_live], ["sensor readings", 86400], "text and number options");
  if (typeof t.options.caching !== "object" || Array.isArray(t.options.caching) || !t.options.caching.keys) {
    fail(`a map option as an object: ${show(t.options.caching)}`);
  }
  eq(t.indexes.map(({ name, kind, target }) => ({ name, kind, target })),
    [{ name: "events_value_idx", kind: "COMPOSITES", target: "value" }], "indexes");
  eq(t.indexes[0].options.target, "value", "index options");
  eq(m.userType(ks, "address"), {
    keyspace: ks, name: "address", fields: [{ name: "street", type: "text" }, { name: "zip", type: "int" }],
  }, "userType");
  eq([m.functions(ks, "nope"), m.aggregates(ks, "nope")], [[], []], "no such function or aggregate");
  // What is not there: null, from every lookup.
  eq([m.keyspace("nope"), m.table(ks, "nope"), m.table("nope", "events"), m.view(ks, "nope"),
    m.userType(ks, "nope"), m.functions("nope", "f"), m.aggregates("nope", "a"),
    m.getReplicas(ks, "nope", [1]), m.exportAsString("nope")],
  [null, null, null, null, null, null, null, null, null], "unknown names");
  eq(m.keyspaces.nope, undefined, "keyspaces.nope");
  throws(() => m.table(ks), "a missing table name", /table must be a string/);
  throws(() => m.keyspace(42), "a number as a keyspace", /keyspace must be a string/);

  // Replicas: the cluster of one.
  const [host] = client.hosts();
  const expected = [{ address: host.address, hostId: host.hostId, datacenter: host.datacenter, rack: host.rack }];
  eq(m.getReplicas(ks, "events", ["dev-1", "2024-05-01"]), expected, "getReplicas");
  eq(m.getReplicas(ks, "events", { day: { year: 2024, month: 5, day: 1 }, device: "dev-1" }), expected,
    "getReplicas by column name");
  throws(() => m.getReplicas(ks, "events", ["dev-1", "not a date"]), "a bad key value", /key value 1 \(day\)/);
  throws(() => m.getReplicas(ks, "events", ["dev-1"]), "a missing key value", /2 column\(s\), 1 given/);
  throws(() => m.getReplicas(ks, "events", ["dev-1", null]), "a null key value", /null/);
  throws(() => m.getReplicas(ks, "events", "dev-1"), "key values as a string", /array/);

  // The schema as CQL.
  const cql = m.exportAsString(ks);
  if (!cql.includes(`CREATE TABLE ${ks}.events (`) || !/CLUSTERING ORDER BY \(at DESC, seq ASC\)/.test(cql)) {
    fail(`exportAsString(ks):\n${cql}`);
  }
  if (!cql.includes(`CREATE TYPE ${ks}.address`) || !cql.includes("CREATE INDEX events_value_idx")) {
    fail(`type and index in the export:\n${cql}`);
  }
  eq(m.exportAsString(ks, "describe"), cql, "describe is the default");
  if (!m.exportAsString().includes(cql)) fail("the whole schema holds the keyspace");
  if (m.exportAsString().includes("CREATE TABLE system_schema.")) fail("system keyspaces exported");
  const python = m.exportAsString(ks, "python");
  if (!/CLUSTERING ORDER BY \(at DESC, seq ASC\)/.test(python) || python === cql) fail(`python style:\n${python}`);
  throws(() => m.exportAsString(ks, "cqlsh"), "an unknown style", /"describe".*"python"/);

  // A change reaches client.metadata from the cluster's events (debounced), no refresh.
  await client.execute(`ALTER TABLE ${ks}.events ADD note text`);
  await until("the added column in client.metadata",
    () => client.metadata.table(ks, "events").columns.some((c) => c.name === "note"), 10000);
  eq(m.table(ks, "events").columns.some((c) => c.name === "note"), false, "an older snapshot is unchanged");
  await until("the schemaChange event", () => heard.some((e) => e.target === "TABLE" && e.change === "UPDATED"));
  const ev = heard.find((e) => e.target === "TABLE" && e.change === "UPDATED");
  eq([ev.type, ev.keyspace, ev.name, ev.argumentTypes, ev.level], ["schemaChange", ks, "events", null, "info"],
    "schemaChange event");
  if (!ev.columns.includes("note")) fail(`the listener ran before client.metadata had the change: ${show(ev)}`);
  if (!heard.some((e) => e.target === "KEYSPACE" && e.change === "CREATED" && e.keyspace === ks && e.name === null)) {
    fail(`keyspace creation heard: ${show(heard.map((e) => e.message))}`);
  }
  client.off("schemaChange", onChange);

  // The schemaMetadata option.
  const off = await Client.connect({ ...opts, schemaMetadata: false });
  eq([Object.keys(off.metadata.keyspaces), off.metadata.table(ks, "events")], [[], null], "schemaMetadata: false");
  await off.close();
  const only = await Client.connect({ ...opts, schemaMetadata: [ks] });
  eq(Object.keys(only.metadata.keyspaces), [ks], "schemaMetadata: [ks]");
  eq(only.metadata.table(ks, "events").clusteringKeys.map((c) => c.order), ["DESC", "ASC"], "filtered table");
  await only.close();
  const on = await Client.connect({ ...opts, schemaMetadata: true });
  if (!on.metadata.keyspace(ks) || !on.metadata.keyspace("system")) fail("schemaMetadata: true");
  await on.close();
  for (const bad of ["all", [1], [""], {}]) {
    const e = await Client.connect({ ...opts, schemaMetadata: bad }).then(() => fail(`accepted ${show(bad)}`), (x) => x);
    if (!(e instanceof E.ArgumentError) || !/`schemaMetadata`/.test(e.message)) fail(`${show(bad)}: ${e}`);
  }
  const renamed = await Client.connect({ ...opts, isMetadataSyncEnabled: false }).catch((x) => x);
  if (!(renamed instanceof E.ArgumentError) || !/`schemaMetadata` here/.test(renamed.message)) {
    fail(`isMetadataSyncEnabled: ${renamed}`);
  }
  return "ok";
}

/**
 * Functions (every overload), aggregates, materialized views and triggers in
 * `client.metadata`. Returns "skipped" when the node refuses `CREATE FUNCTION` (a node
 * without user-defined functions, or a cql-sim that predates them).
 */
export async function schemaObjects(client, ks, E) {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  try {
    await client.execute(`CREATE FUNCTION ${ks}.plus(a int, b int) CALLED ON NULL INPUT RETURNS int
      LANGUAGE java AS 'return a + b;'`);
  } catch (e) {
    if (e instanceof E.ServerError && (e.codeName === "SyntaxError" || e.codeName === "Invalid")) return "skipped";
    throw e;
  }
  await client.execute(`CREATE FUNCTION ${ks}.plus(a double, b double) RETURNS NULL ON NULL INPUT
    RETURNS double LANGUAGE java AS 'return a + b;'`);
  await client.execute(`CREATE AGGREGATE ${ks}.total(int) SFUNC plus STYPE int INITCOND 0`);
  await client.execute(`CREATE TABLE ${ks}.users (id int PRIMARY KEY, name text)`);
  await client.execute(`CREATE MATERIALIZED VIEW ${ks}.users_by_name AS SELECT * FROM ${ks}.users
    WHERE name IS NOT NULL AND id IS NOT NULL PRIMARY KEY (name, id)
    WITH CLUSTERING ORDER BY (id DESC) AND comment = 'users by name'`);
  await client.execute(`CREATE TRIGGER audit ON ${ks}.users USING 'org.example.Audit'`);
  await client.refreshSchema();
  const m = client.metadata;
  const k = m.keyspace(ks);
  eq([k.functions, k.aggregates, k.views, k.tables], [["plus"], ["total"], ["users_by_name"], ["users"]],
    "names in the keyspace");
  const plus = m.functions(ks, "plus").sort((a, b) => a.returnType.localeCompare(b.returnType));
  eq(plus.map(({ argumentNames, argumentTypes, returnType, language, body, calledOnNullInput }) =>
    ({ argumentNames, argumentTypes, returnType, language, body, calledOnNullInput })), [
    { argumentNames: ["a", "b"], argumentTypes: ["double", "double"], returnType: "double", language: "java",
      body: "return a + b;", calledOnNullInput: false },
    { argumentNames: ["a", "b"], argumentTypes: ["int", "int"], returnType: "int", language: "java",
      body: "return a + b;", calledOnNullInput: true },
  ], "both overloads of plus");
  eq([plus[0].keyspace, plus[0].name, typeof plus[0].deterministic, plus[0].monotonicOn], [ks, "plus", "boolean", []],
    "function fields");
  const [total] = m.aggregates(ks, "total");
  eq({ ...total, deterministic: null }, {
    keyspace: ks, name: "total", argumentTypes: ["int"], stateFunction: "plus", stateType: "int",
    finalFunction: null, initCondition: "0", returnType: "int", deterministic: null,
  }, "aggregate");
  const v = m.view(ks, "users_by_name");
  eq([v.keyspace, v.name, v.baseTable, v.includeAllColumns, v.options.comment, v.parseError],
    [ks, "users_by_name", "users", true, "users by name", null], "view fields");
  if (!/name IS NOT NULL/.test(v.whereClause)) fail(`whereClause: ${v.whereClause}`);
  eq([v.partitionKeys.map((c) => c.name), v.clusteringKeys.map((c) => [c.name, c.order])],
    [["name"], [["id", "DESC"]]], "view keys");
  const t = m.table(ks, "users");
  eq([t.views, t.triggers], [["users_by_name"], [{ name: "audit", options: { class: "org.example.Audit" } }]],
    "the table's views and triggers");
  const cql = m.exportAsString(ks);
  for (const s of ["CREATE FUNCTION", "CREATE AGGREGATE", "CREATE MATERIALIZED VIEW"]) {
    if (!cql.includes(s)) fail(`${s} in the export:\n${cql}`);
  }
  return "ok";
}
