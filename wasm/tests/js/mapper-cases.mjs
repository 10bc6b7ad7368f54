// The object mapper's end-to-end cases, shared by every host: Node.js (mapper.test.mjs, one
// test per case), headless Chromium (mapper.html, through web.test.mjs) and workerd
// (mapper-worker.js, through worker.test.mjs). Each host imports the package through its
// own entry point (node.js, index.js, worker.js) and passes it in as `lib`; nothing here
// uses a host's own API. Each host works in a keyspace of its own (the JS test files run
// in parallel against the same cql-sim).
import { same } from "../common/suite.js";

function show(v) {
  return JSON.stringify(v, (_, x) => {
    if (typeof x === "bigint") return `${x}n`;
    if (x instanceof Map) return { Map: [...x.entries()] };
    if (x instanceof Set) return { Set: [...x] };
    return x;
  });
}

function eq(actual, expected, what) {
  if (!same(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function ok(cond, what) {
  if (!cond) throw new Error(what);
}

/** Awaits `f()` and checks it fails with an instance of `C` whose message matches `re`; returns the error. */
async function rejects(f, C, re, what) {
  let err = null;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  if (err === null) throw new Error(`${what}: expected a ${C.name}, but it succeeded`);
  if (!(err instanceof C)) throw new Error(`${what}: expected a ${C.name}, got ${err?.name}: ${err?.message}`);
  if (re && !re.test(err.message)) throw new Error(`${what}: message ${JSON.stringify(err.message)} does not match ${re}`);
  return err;
}

const day = (d) => new Date(Date.UTC(2024, 0, d));

/** A client whose execute and batch calls are counted (to see what is sent, and when). */
function counting(client) {
  const c = {
    calls: 0,
    execute: (...a) => { c.calls++; return client.execute(...a); },
    batch: (...a) => { c.calls++; return client.batch(...a); },
    on: (...a) => client.on(...a),
    get metadata() { return client.metadata; },
    get keyspace() { return client.keyspace; },
  };
  return c;
}

/** The models of the suite, in keyspace `ks`. */
function models(lib, ks) {
  const camel = new lib.UnderscoreCqlToCamelCaseMappings();
  return {
    User: {
      tables: ["users"], keyspace: ks, mappings: camel,
      // A JSON document in a text column, under another property name.
      columns: { info: { name: "profile", toModel: (v) => (v === null ? null : JSON.parse(v)), fromModel: JSON.stringify } },
    },
    // One model, two tables: writes go to both, reads to the one the filter fits.
    Video: { tables: ["videos", "videos_by_id"], keyspace: ks, mappings: camel },
    PageHits: { tables: ["page_hits"], keyspace: ks, mappings: camel },
    Event: { tables: ["events"], keyspace: ks },
  };
}

/** Creates the keyspace and tables, and reads the schema. */
export async function setup(lib, client, ks) {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await client.execute(`CREATE TABLE ${ks}.users (user_id int PRIMARY KEY, name text, email text, age int,
    tags set<text>, scores list<int>, prefs map<text, text>, info text)`);
  await client.execute(`CREATE INDEX ON ${ks}.users (email)`);
  await client.execute(`CREATE INDEX ON ${ks}.users (tags)`);
  await client.execute(`CREATE INDEX ON ${ks}.users (keys(prefs))`);
  await client.execute(`CREATE TABLE ${ks}.videos (user_id int, added_date timestamp, video_id int, title text,
    views int, PRIMARY KEY (user_id, added_date, video_id)) WITH CLUSTERING ORDER BY (added_date DESC, video_id ASC)`);
  await client.execute(`CREATE TABLE ${ks}.videos_by_id (video_id int PRIMARY KEY, user_id int, added_date timestamp,
    title text, views int)`);
  await client.execute(`CREATE TABLE ${ks}.page_hits (page text PRIMARY KEY, hits counter)`);
  await client.execute(`CREATE TABLE ${ks}.events (day text, seq int, source text static, payload text,
    PRIMARY KEY (day, seq))`);
  await client.refreshSchema();
}

const ada = {
  userId: 1, name: "Ada", email: "ada@example.com", age: 36, tags: new Set(["admin", "math"]),
  scores: [3, 1], prefs: new Map([["theme", "dark"]]), profile: { born: 1815 },
};

/** The cases, in order (later ones use rows earlier ones wrote). */
export const cases = [
  ["statements: bind markers only, prepared, one text per shape (a client that records them)", async ({ lib }) => {
    const { q } = lib;
    const sent = [];
    const answer = { rows: [], columns: [], pageState: null, applied: null };
    const recorder = {
      execute: async (query, params, options) => { sent.push({ query, params, options }); return answer; },
      batch: async (statements, options) => { sent.push({ statements, options }); return answer; },
    };
    const m = new lib.Mapper(recorder, { models: { T: { keyspace: "ks", tables: [{
      table: "t", partitionKey: ["a", "b"], clustering: [{ name: "c", order: "DESC" }, "d"],
      columns: { a: "int", b: "text", c: "int", d: "int", v: "text", Weird: "int", tags: "set<text>", s: "text" },
      indexes: [{ target: "s", className: "org.apache.cassandra.index.sasi.SASIIndex" }],
    }] } } });
    const t = m.forModel("T");
    const last = () => sent[sent.length - 1];
    await t.find({ d: q.gt(4), b: "x", a: 1, c: 2 });
    eq(last(), { query: "SELECT * FROM ks.t WHERE a = ? AND b = ? AND c = ? AND d > ?", params: [1, "x", 2, 4], options: { prepare: true } }, "find");
    await t.find({ c: 2, a: 1, d: q.gt(5), b: "y" });
    eq([last().query, last().params], [sent[0].query, [1, "y", 2, 5]], "the same text whatever the order of the properties");
    await t.find({ a: q.in_([1, 2]), b: "x" }, { fields: ["v", "Weird"], orderBy: { c: "asc" }, limit: 3 }, { fetchSize: 10, isIdempotent: true });
    eq(last(), { query: 'SELECT v, "Weird" FROM ks.t WHERE a IN ? AND b = ? ORDER BY c ASC LIMIT ?', params: [[1, 2], "x", 3],
      options: { pageSize: 10, idempotent: true, prepare: true } }, "find with fields, orderBy, limit, options");
    await t.find({ v: "it's" }, { allowFiltering: true }, "a-profile");
    eq(last(), { query: "SELECT * FROM ks.t WHERE v = ? ALLOW FILTERING", params: ["it's"], options: { executionProfile: "a-profile", prepare: true } }, "allowFiltering");
    // (cql-sim has no SASI: LIKE is checked here only.)
    await t.find({ s: q.like("ab%") });
    eq([last().query, last().params], ["SELECT * FROM ks.t WHERE s LIKE ?", ["ab%"]], "q.like on a SASI index");
    const key = { a: 1, b: "x", c: 2, d: 3 };
    await t.insert({ ...key, v: "it's", Weird: 5 }, { ttl: 60, timestamp: 7n });
    eq([last().query, last().params], ['INSERT INTO ks.t (a, b, c, d, v, "Weird") VALUES (?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
      [1, "x", 2, 3, "it's", 5, 60, 7n]], "insert");
    await t.update({ ...key, v: "y", tags: q.append(["z"]) }, { ttl: 9, when: { v: q.notEq("w") } });
    eq([last().query, last().params], ["UPDATE ks.t USING TTL ? SET v = ?, tags = tags + ? WHERE a = ? AND b = ? AND c = ? AND d = ? IF v != ?",
      [9, "y", ["z"], 1, "x", 2, 3, "w"]], "update");
    await t.remove({ ...key, v: null }, { deleteOnlyColumns: true, ifExists: true });
    eq([last().query, last().params], ["DELETE v FROM ks.t WHERE a = ? AND b = ? AND c = ? AND d = ? IF EXISTS", [1, "x", 2, 3]], "remove columns");
    await t.remove(key, { timestamp: 8 });
    eq([last().query, last().params], ["DELETE FROM ks.t USING TIMESTAMP ? WHERE a = ? AND b = ? AND c = ? AND d = ?", [8, 1, "x", 2, 3]], "remove");
    await m.batch([t.batching.insert(key), t.batching.remove(key)], { logged: false });
    eq(last(), { statements: [
      { query: "INSERT INTO ks.t (a, b, c, d) VALUES (?, ?, ?, ?)", params: [1, "x", 2, 3] },
      { query: "DELETE FROM ks.t WHERE a = ? AND b = ? AND c = ? AND d = ?", params: [1, "x", 2, 3] },
    ], options: { logged: false, prepare: true, counter: false } }, "batch");
    eq(sent.filter((s) => s.options.prepare !== true).length, 0, "every statement prepared");
  }],

  ["insert and get a document (naming convention, a converted column)", async ({ lib, mapper, ks }) => {
    const users = mapper.forModel("User");
    const r = await users.insert(ada);
    ok(r instanceof lib.Result && r.wasApplied() && r.length === 0 && r.first() === null, "an insert's result is empty and applied");
    for (const [id, name, age, tags] of [[2, "Grace", 45, ["navy"]], [3, "Alan", 41, ["math"]], [4, "Edsger", 72, []], [5, "Barbara", 80, ["admin"]]]) {
      await users.insert({ userId: id, name, email: `${name.toLowerCase()}@example.com`, age, tags: new Set(tags) });
    }
    eq(await users.get({ userId: 1 }), ada, "get by the partition key");
    eq(await users.get({ userId: 99 }), null, "get of a missing row");
    eq(await users.get({ userId: 1 }, { fields: ["name", "profile"] }), { name: "Ada", profile: { born: 1815 } }, "get with fields");
    // The row as stored: snake_case columns, the profile as JSON text.
    const raw = await mapper.client.execute(`SELECT info, user_id FROM ${ks}.users WHERE user_id = ?`, [1]);
    eq(raw.rows[0], { info: '{"born":1815}', user_id: 1 }, "columns written");
  }],

  ["find with =, q.in_ and the index operators (q.contains, q.containsKey); Result's API", async ({ lib, mapper }) => {
    const { q } = lib;
    const users = mapper.forModel("User");
    const some = await users.find({ userId: q.in_([3, 1, 2]) });
    eq(some.toArray().map((u) => u.userId).sort(), [1, 2, 3], "q.in_ on the partition key");
    eq(some.length, 3, "length");
    const names = [];
    some.forEach((u, i) => names.push([i, typeof u.name]));
    eq(names, [[0, "string"], [1, "string"], [2, "string"]], "forEach");
    eq([...some].length, 3, "for...of");
    eq((await users.find({ email: "grace@example.com" })).toArray().map((u) => u.name), ["Grace"], "= on an indexed column");
    eq((await users.find({ tags: q.contains("math") })).toArray().map((u) => u.name).sort(), ["Ada", "Alan"], "q.contains on an indexed set");
    eq((await users.find({ prefs: q.containsKey("theme") })).toArray().map((u) => u.name), ["Ada"], "q.containsKey on a map's keys index");
    eq((await users.find({ userId: 42 })).first(), null, "first() of nothing");
  }],

  ["find on clustering columns: q.gt, q.gte, q.lt, q.lte, q.and, orderBy, limit, fields", async ({ lib, mapper }) => {
    const { q } = lib;
    const videos = mapper.forModel("Video");
    for (let i = 1; i <= 5; i++) {
      await videos.insert({ userId: 1, addedDate: day(i), videoId: i, title: `video ${i}`, views: i * 10 });
    }
    await videos.insert({ userId: 2, addedDate: day(1), videoId: 6, title: "video 6", views: 0 });
    const ids = async (doc, info) => (await videos.find(doc, info)).toArray().map((v) => v.videoId);
    eq(await ids({ userId: 1 }), [5, 4, 3, 2, 1], "a partition, in clustering order (DESC)");
    eq(await ids({ userId: 1, addedDate: q.gt(day(2)) }), [5, 4, 3], "q.gt");
    eq(await ids({ userId: 1, addedDate: q.gte(day(2)) }), [5, 4, 3, 2], "q.gte");
    eq(await ids({ userId: 1, addedDate: q.lt(day(2)) }), [1], "q.lt");
    eq(await ids({ userId: 1, addedDate: q.lte(day(2)) }), [2, 1], "q.lte");
    eq(await ids({ userId: 1, addedDate: q.and(q.gte(day(2)), q.lt(day(4))) }), [3, 2], "q.and");
    eq(await ids({ userId: 1 }, { orderBy: { addedDate: "asc" } }), [1, 2, 3, 4, 5], "orderBy reversed");
    eq(await ids({ userId: 1 }, { orderBy: { addedDate: "desc", videoId: "asc" } }), [5, 4, 3, 2, 1], "orderBy as declared");
    eq(await ids({ userId: 1 }, { limit: 2 }), [5, 4], "limit");
    eq(await ids({ userId: q.in_([1, 2]), addedDate: day(1) }), [1, 6], "q.in_ with a clustering value");
    eq(await ids({ userId: 1, addedDate: day(3), videoId: q.in_([3, 4]) }), [3], "q.in_ on the last clustering column");
    eq((await videos.find({ userId: 1, addedDate: day(3) }, { fields: ["title", "views"] })).toArray(),
      [{ title: "video 3", views: 30 }], "fields");
    eq((await videos.get({ userId: 1, addedDate: day(3), videoId: 3 })).title, "video 3", "get with the whole primary key");
  }],

  ["a model on two tables: writes to both, reads from the one the filter fits", async ({ lib, mapper }) => {
    const videos = mapper.forModel("Video");
    // Inserted in both tables by the previous case.
    const byId = await videos.find({ videoId: 3 });
    eq(byId.toArray(), [{ videoId: 3, userId: 1, addedDate: day(3), title: "video 3", views: 30 }], "by videoId: videos_by_id");
    await videos.update({ videoId: 3, userId: 1, addedDate: day(3), title: "renamed" });
    eq((await videos.get({ videoId: 3 })).title, "renamed", "update of videos_by_id");
    eq((await videos.get({ userId: 1, addedDate: day(3), videoId: 3 })).title, "renamed", "update of videos");
    // Only videos_by_id has its key here.
    await videos.update({ videoId: 6, views: 7 });
    eq((await videos.get({ videoId: 6 })).views, 7, "update of the one table the keys fit");
    eq((await videos.get({ userId: 2, addedDate: day(1), videoId: 6 })).views, 0, "the other table untouched");
  }],

  ["insert with ttl, timestamp and ifNotExists (applied and not applied)", async ({ lib, mapper, ks }) => {
    const users = mapper.forModel("User");
    await users.insert({ userId: 10, name: "Temp" }, { ttl: 3600, timestamp: 1700000000000000 });
    const written = users.mapWithQuery(
      `SELECT TTL(name) AS name_ttl, WRITETIME(name) AS name_writetime FROM ${ks}.users WHERE user_id = ?`,
      (doc) => [doc.userId]);
    const w = (await written({ userId: 10 })).first();
    ok(w.nameTtl > 3500 && w.nameTtl <= 3600, `ttl ${w.nameTtl}`);
    eq(w.nameWritetime, 1700000000000000n, "writetime");
    const r = await users.insert({ userId: 11, name: "First" }, { ifNotExists: true });
    ok(r.wasApplied() && r.length === 0, "applied");
    const e = await rejects(() => users.insert({ userId: 11, name: "Second" }, { ifNotExists: true }),
      lib.NotAppliedError, /insert on model User not applied: a row with this primary key exists/, "insert if not exists");
    ok(e instanceof lib.CqlError, "a CqlError");
    eq(e.row, { userId: 11, name: "First", email: null, age: null, tags: null, scores: null, prefs: null, profile: null }, "the current row");
    ok(/^INSERT INTO \w+\.users \(user_id, name\) VALUES \(\?, \?\) IF NOT EXISTS$/.test(e.query), `query ${e.query}`);
    eq((await users.get({ userId: 11 })).name, "First", "unchanged");
    await rejects(() => users.insert({ userId: 12 }, { ifNotExists: true, timestamp: 5 }), lib.ArgumentError,
      /conditional write .* takes no timestamp/, "timestamp of a conditional write");
  }],

  ["update with values, ttl, ifExists and when (applied and not applied)", async ({ lib, mapper, ks }) => {
    const { q } = lib;
    const users = mapper.forModel("User");
    await users.update({ userId: 2, email: "g@navy.mil" }, { ttl: 100 });
    const ttl = users.mapWithQuery(`SELECT TTL(email) AS t FROM ${ks}.users WHERE user_id = ?`, (d) => [d.userId]);
    ok((await ttl({ userId: 2 })).first().t <= 100, "update with ttl");
    let r = await users.update({ userId: 2, name: "Grace H." }, { ifExists: true });
    ok(r.wasApplied(), "ifExists applied");
    eq((await users.get({ userId: 2 })).name, "Grace H.", "updated");
    let e = await rejects(() => users.update({ userId: 404, name: "x" }, { ifExists: true }), lib.NotAppliedError,
      /update on model User not applied: no row with this primary key/, "ifExists on a missing row");
    eq([e.row, e.rows], [null, []], "no current row");
    r = await users.update({ userId: 2, age: 46 }, { when: { name: "Grace H.", age: q.lt(46) } });
    ok(r.wasApplied(), "when applied");
    e = await rejects(() => users.update({ userId: 2, age: 50 }, { when: { name: "Grace" } }), lib.NotAppliedError,
      /its condition is false/, "when not applied");
    eq(e.row, { name: "Grace H." }, "the current values of the condition's columns");
    await users.update({ userId: 2, age: 47 }, { when: { name: q.notEq("Grace"), age: q.and(q.gte(46), q.lte(46)) } });
    await users.update({ userId: 2, age: 48 }, { when: { age: q.in_([40, 47]) } });
    await rejects(() => users.update({ userId: 2, age: 49 }, { when: { age: q.gt(48) } }), lib.NotAppliedError, null, "q.gt not applied");
    eq((await users.get({ userId: 2 })).age, 48, "conditions applied in turn");
  }],

  ["collection updates: q.append, q.prepend, q.remove on lists, sets and maps", async ({ lib, mapper }) => {
    const { q } = lib;
    const users = mapper.forModel("User");
    await users.update({ userId: 1, tags: q.append(["logic"]), scores: q.append([9, 9]), prefs: q.append({ lang: "en" }) });
    await users.update({ userId: 1, scores: q.prepend([0]) });
    await users.update({ userId: 1, tags: q.remove(["admin"]), scores: q.remove([9]), prefs: q.remove(new Set(["theme"])) });
    const u = await users.get({ userId: 1 }, { fields: ["tags", "scores", "prefs"] });
    eq(u, { tags: new Set(["logic", "math"]), scores: [0, 3, 1], prefs: new Map([["lang", "en"]]) }, "collections");
    await rejects(() => users.update({ userId: 1, name: q.append("x") }), lib.ArgumentError,
      /q\.append\(\) needs a non-frozen list, set or map; name is text/, "append to text");
    await rejects(() => users.update({ userId: 1, tags: q.prepend(["x"]) }), lib.ArgumentError, /q\.prepend\(\) needs a list/, "prepend to a set");
  }],

  ["counter updates: q.incr, q.decr; counters refuse plain values and inserts", async ({ lib, mapper }) => {
    const { q } = lib;
    const hits = mapper.forModel("PageHits");
    await hits.update({ page: "/", hits: q.incr(5) });
    await hits.update({ page: "/", hits: q.decr(2n) });
    eq(await hits.get({ page: "/" }), { page: "/", hits: 3n }, "counter");
    await rejects(() => hits.update({ page: "/", hits: 1 }), lib.ArgumentError, /hits is a counter: set it with q\.incr\(\) or q\.decr\(\)/, "plain value");
    await rejects(() => hits.insert({ page: "/x", hits: 1 }), lib.ArgumentError, /counters change through update\(\)/, "insert");
    await rejects(() => mapper.forModel("User").update({ userId: 1, age: q.incr(1) }), lib.ArgumentError,
      /q\.incr\(\) needs a counter column; age is int/, "q.incr on an int");
    await rejects(() => hits.update({ page: "/", hits: q.incr(1) }, { ttl: 5 }), lib.ArgumentError, /counters take no ttl/, "ttl");
  }],

  ["remove a row, or only some of its columns; conditional removes", async ({ lib, mapper }) => {
    const { q } = lib;
    const users = mapper.forModel("User");
    await users.remove({ userId: 5, name: "ignored without deleteOnlyColumns" });
    eq(await users.get({ userId: 5 }), null, "row removed");
    await users.remove({ userId: 4, email: null, tags: null }, { deleteOnlyColumns: true });
    eq(await users.get({ userId: 4 }, { fields: ["name", "email", "tags"] }), { name: "Edsger", email: null, tags: null }, "columns removed");
    let e = await rejects(() => users.remove({ userId: 404 }, { ifExists: true }), lib.NotAppliedError, /remove on model User not applied/, "ifExists");
    eq(e.row, null, "no row");
    e = await rejects(() => users.remove({ userId: 4 }, { when: { name: "Dijkstra" } }), lib.NotAppliedError, null, "when not applied");
    eq(e.row, { name: "Edsger" }, "current value");
    await users.remove({ userId: 4 }, { when: { name: q.notEq("Dijkstra") } });
    eq(await users.get({ userId: 4 }), null, "removed when its condition held");
    await users.remove({ userId: 10 }, { timestamp: 1700000000000001 });
    eq(await users.get({ userId: 10 }), null, "removed with a timestamp");
  }],

  ["batch: items of several models; counter batches; a conditional batch not applied", async ({ lib, mapper }) => {
    const { q } = lib;
    const users = mapper.forModel("User");
    const videos = mapper.forModel("Video");
    const hits = mapper.forModel("PageHits");
    const r = await mapper.batch([
      users.batching.insert({ userId: 20, name: "Katherine" }),
      users.batching.update({ userId: 3, name: "Alan T." }),
      users.batching.remove({ userId: 11 }),
      videos.batching.insert({ userId: 20, addedDate: day(9), videoId: 20, title: "orbits" }),
    ]);
    ok(r.wasApplied(), "applied");
    eq((await users.get({ userId: 20 })).name, "Katherine", "insert in the batch");
    eq((await users.get({ userId: 3 })).name, "Alan T.", "update in the batch");
    eq(await users.get({ userId: 11 }), null, "remove in the batch");
    eq((await videos.get({ videoId: 20 })).title, "orbits", "a two-table insert in the batch");
    await mapper.batch([hits.batching.update({ page: "/a", hits: q.incr(1) }), hits.batching.update({ page: "/b", hits: q.incr(2) })]);
    eq((await hits.find({ page: q.in_(["/a", "/b"]) })).toArray().map((h) => h.hits), [1n, 2n], "a counter batch");
    await rejects(() => mapper.batch([hits.batching.update({ page: "/a", hits: q.incr(1) }), users.batching.update({ userId: 3, age: 42 })]),
      lib.ArgumentError, /counter updates only or none/, "counters mixed with other writes");
    const e = await rejects(() => mapper.batch([
      users.batching.insert({ userId: 20, name: "again" }, { ifNotExists: true }),
      users.batching.update({ userId: 20, age: 1 }),
    ]), lib.NotAppliedError, /batch not applied: a row with this primary key exists/, "a conditional batch");
    eq(e.row.name, "Katherine", "the current row");
    eq((await users.get({ userId: 20 })).age, null, "nothing of the batch applied");
    await rejects(() => mapper.batch([]), lib.ArgumentError, /non-empty array/, "an empty batch");
  }],

  ["mapWithQuery: custom CQL, rows read as documents, parameters from the document", async ({ lib, mapper, ks }) => {
    const videos = mapper.forModel("Video");
    videos.countByUser = videos.mapWithQuery(`SELECT COUNT(*) AS video_count FROM ${ks}.videos WHERE user_id = ?`, (v) => [v.userId]);
    eq((await videos.countByUser({ userId: 1 })).first(), { videoCount: 5n }, "count");
    const titles = videos.mapWithQuery(`SELECT title, added_date FROM ${ks}.videos WHERE user_id = ?`, (v) => [v.userId], { fetchSize: 2 });
    const page = await titles({ userId: 1 });
    eq([page.length, page.pageState !== null], [2, true], "first page of a custom query");
    const all = [];
    for await (const v of page) all.push(v.addedDate.getUTCDate());
    eq(all, [5, 4, 3, 2, 1], "every page");
  }],

  ["findAll and find page lazily (fetchSize, pageState, for await)", async ({ lib, mapper, client, ks }) => {
    const events = mapper.forModel("Event");
    for (let i = 0; i < 7; i++) await events.insert({ day: "d1", seq: i, payload: `p${i}` });
    for (let i = 0; i < 3; i++) await events.insert({ day: "d2", seq: i, payload: `q${i}` });
    const c = counting(client);
    const lazy = new lib.Mapper(c, { models: models(lib, ks) }).forModel("Event");
    const first = await lazy.findAll({}, { fetchSize: 3 });
    eq([first.length, first.pageState !== null, c.calls], [3, true, 1], "the first page alone");
    const seen = [];
    for await (const e of first) {
      seen.push(e.payload);
      if (seen.length === 4) break;
    }
    eq(c.calls, 2, "the second page fetched when reached, no more");
    const every = [];
    for await (const e of await lazy.findAll({}, { fetchSize: 3 })) every.push(e.payload);
    eq(every.length, 10, "every row");
    eq(new Set(every).size, 10, "each once");
    const next = await lazy.findAll({}, { fetchSize: 3, pageState: first.pageState });
    eq(next.toArray().map((e) => e.payload), every.slice(3, 6), "resumed from pageState");
    const d1 = [];
    for await (const e of await events.find({ day: "d1" }, { fields: ["seq"] }, { fetchSize: 2 })) d1.push(e.seq);
    eq(d1, [0, 1, 2, 3, 4, 5, 6], "find across pages");
  }],

  ["a declared schema, for a client without schema metadata; static columns", async ({ lib, options, mapper, ks }) => {
    const bare = await lib.Client.connect({ ...options, schemaMetadata: false });
    try {
      const declared = {
        table: "events", partitionKey: "day", clustering: [{ name: "seq", order: "ASC" }],
        columns: { day: "text", seq: "int", source: "text static", payload: "text" },
      };
      const m = new lib.Mapper(bare, { models: { Event: { tables: [declared], keyspace: ks }, Meta: { tables: ["events"], keyspace: ks } } });
      const events = m.forModel("Event");
      await events.update({ day: "d1", source: "sensor" });
      await events.insert({ day: "d3", source: "static only" });
      eq((await events.find({ day: "d1" }, { limit: 2 })).toArray(),
        [{ day: "d1", seq: 0, source: "sensor", payload: "p0" }, { day: "d1", seq: 1, source: "sensor", payload: "p1" }], "find");
      eq(await events.get({ day: "d3", seq: 0 }), null, "no row");
      eq((await events.find({ day: "d3" })).toArray(), [{ day: "d3", seq: null, source: "static only", payload: null }], "a partition with its static column only");
      await rejects(() => events.find({ payload: "p1" }), lib.ArgumentError, /payload is neither in the primary key nor indexed/, "declared: no index");
      await rejects(() => m.forModel("Meta").find({ day: "d1" }), lib.ArgumentError,
        /table \w+\.events is not in client\.metadata .*declare the table's schema/, "no metadata");
    } finally {
      await bare.close();
    }
  }],

  ["errors before sending: unknown model, missing keys, bad filters, bad options", async ({ lib, mapper, client, ks }) => {
    const { q, ArgumentError } = lib;
    const c = counting(client);
    const m = new lib.Mapper(c, { models: models(lib, ks) });
    const users = m.forModel("User");
    const videos = m.forModel("Video");
    let e = null;
    try { m.forModel("Nope"); } catch (err) { e = err; }
    ok(e instanceof ArgumentError && /no model "Nope" in the Mapper's options \(models: User, Video, PageHits, Event\)/.test(e.message), `unknown model: ${e?.message}`);
    await rejects(() => users.get({ name: "Ada" }), ArgumentError, /get needs every primary key column with a value: userId \(column user_id\) missing/, "get without its key");
    await rejects(() => videos.get({ userId: 1, addedDate: day(1) }), ArgumentError, /videoId \(column video_id\) missing/, "get without a clustering column");
    await rejects(() => users.insert({ name: "x" }), ArgumentError, /missing key field userId \(column user_id\)/, "insert without its key");
    await rejects(() => users.update({ userId: 1 }), ArgumentError, /no column to set/, "update of nothing");
    await rejects(() => videos.remove({ userId: 1 }), ArgumentError, /missing key fields addedDate \(column added_date\), videoId \(column video_id\) of \w+\.videos/, "remove without clustering columns");
    await rejects(() => users.find({ age: 36 }), ArgumentError, /age is neither in the primary key nor indexed — .*allowFiltering: true/, "a non-indexed column");
    await rejects(() => users.find({ name: q.like("A%") }), ArgumentError, /name is neither in the primary key nor indexed/, "q.like");
    await rejects(() => users.find({ email: q.like("a%") }), ArgumentError, /the index on email does not serve q\.like\(\)/, "q.like on a plain index");
    await rejects(() => users.find({ email: "a", tags: q.contains("b") }), ArgumentError, /more than one restriction/, "two indexed columns");
    await rejects(() => videos.find({ addedDate: day(1) }), ArgumentError, /no table of|clustering column addedDate|videos_by_id/, "a clustering column without the partition key");
    await rejects(() => videos.find({ userId: 1, videoId: 2 }), ArgumentError, /videoId \(column video_id\) is restricted but addedDate \(column added_date\) before it is not/, "a skipped clustering column");
    await rejects(() => users.find({ userId: q.gt(1) }), ArgumentError, /partitions are selected by = or q\.in_\(\) only/, "a range on the partition key");
    await rejects(() => users.find({ name: q.notEq("x") }), ArgumentError, /q\.notEq\(\) .* not allowed here \(a condition operator/, "q.notEq in a filter");
    await rejects(() => users.find({ userId: q.incr(1) }), ArgumentError, /an update operator/, "q.incr in a filter");
    await rejects(() => users.find({ nmae: "x" }), ArgumentError, /filter on nmae, not a column of \w+\.users/, "an unknown property");
    await rejects(() => users.insert({ userId: 1, nmae: "x" }), ArgumentError, /nmae is not a column of \w+\.users/, "an unknown property in a write");
    await rejects(() => videos.find({ userId: 1 }, { orderBy: { videoId: "asc" } }), ArgumentError, /orderBy follows the clustering columns/, "orderBy out of order");
    await rejects(() => users.findAll({ orderBy: { userId: "asc" } }), ArgumentError, /orderBy needs the whole partition key/, "orderBy without a partition");
    await rejects(() => users.find({ userId: 1 }, { limt: 1 }), ArgumentError, /unknown docInfo option `limt`/, "a docInfo typo");
    await rejects(() => users.update({ userId: 1, name: "x" }, { ifExists: true, when: { name: "y" } }), ArgumentError, /ifExists and when together/, "ifExists and when");
    await rejects(() => users.update({ userId: 1, name: "x" }, { when: { userId: 1 } }), ArgumentError, /condition on primary key column/, "a condition on the key");
    await rejects(() => users.update({ userId: q.in_([1, 2]), name: "x" }), ArgumentError, /primary key userId \(column user_id\) takes a value, not q\.in_\(\)/, "an operator on a written key");
    await rejects(() => users.update({ userId: 1, age: q.gt(3) }), ArgumentError, /q\.gt\(\) on age is not allowed here \(update takes values, q\.incr\(\)/, "a relation in an update");
    await rejects(() => users.insert({ userId: 1, age: q.incr(3) }), ArgumentError, /q\.incr\(\) on age is not allowed here \(insert takes values\)/, "an assignment in an insert");
    await rejects(() => videos.insert({ userId: 1, videoId: 3, addedDate: day(3), title: "x" }, { ifNotExists: true }), ArgumentError,
      /a conditional write spans tables/, "a conditional write on two tables");
    e = null;
    try { q.in_(5); } catch (err) { e = err; }
    ok(e instanceof ArgumentError, "q.in_ of a non-array");
    e = null;
    try { new lib.Mapper(client, { models: { X: { table: "x" } } }); } catch (err) { e = err; }
    ok(e instanceof ArgumentError && /unknown option `table`/.test(e.message), `a model option typo: ${e?.message}`);
    eq(c.calls, 0, "nothing was sent");
    // With allowFiltering the same filters run.
    eq((await users.find({ age: q.gt(40) }, { allowFiltering: true })).toArray().map((u) => u.name).sort(),
      ["Alan T.", "Grace H."], "allowFiltering");
    // The node's own errors come through as they are.
    const bad = users.mapWithQuery("SELECT * FROM nowhere WHERE k = ?", (d) => [d.userId]);
    const se = await rejects(() => bad({ userId: 1 }), lib.ServerError, null, "a server error");
    ok(typeof se.codeName === "string", "with its fields");
  }],

  ["schema changes: a column added and an index created serve at once after refreshSchema()", async ({ lib, mapper, client, ks }) => {
    const users = mapper.forModel("User");
    await users.get({ userId: 1 });
    await client.execute(`ALTER TABLE ${ks}.users ADD nick_name text`);
    await client.execute(`CREATE INDEX ON ${ks}.users (age)`);
    await client.refreshSchema();
    // Sooner than the schema event: the mapper reads the table again when its cached copy refuses.
    await users.update({ userId: 1, nickName: "Countess" });
    eq((await users.find({ age: 36 })).toArray().map((u) => [u.name, u.nickName]), [["Ada", "Countess"]], "the new column, through the new index");
  }],
];

/**
 * Runs every case against a client on `options`, in keyspace `ks`; resolves with
 * `[{ name, ok, error }]` (a host that cannot use node:test reports these).
 */
export async function runAll(lib, options, ks) {
  const client = await lib.Client.connect(options);
  const results = [];
  try {
    await setup(lib, client, ks);
    const ctx = context(lib, client, options, ks);
    for (const [name, run] of cases) {
      try {
        await run(ctx);
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

/** What each case gets: the package, the client, its options, the keyspace and a Mapper of the suite's models. */
export function context(lib, client, options, ks) {
  const mapper = new lib.Mapper(client, { models: models(lib, ks) });
  return { lib, client, options, ks, mapper };
}

/** Connect options for the test servers. */
export function connectOptions(bridge, node, token) {
  const o = { bridge, contactPoints: [node], requestTimeout: 10000, connectTimeout: 5000 };
  if (token) o.token = token;
  return o;
}
