// The object mapper from Node.js: documents (plain objects with camelCase properties) mapped
// to rows of snake_case tables. Insert, get, find with operators, conditional writes,
// collection and counter updates, a batch, a custom query, and every page of a table.
//
// With cql-sim and cql-bridge running as wasm/README.md ("Try it locally") starts them,
// and the package installed where this file is (npm install ./cql-wasm-*.tgz):
//
//   node mapper.mjs
//
// CQL_BRIDGE, CQL_TOKEN and CQL_NODE name another bridge URL, token and node. Works in
// keyspace `mapper_example`, dropped at the end.
import { Client, Mapper, q, UnderscoreCqlToCamelCaseMappings, NotAppliedError } from "cql-wasm";

const token = process.env.CQL_TOKEN ?? "local-demo-token-0123";
const client = await Client.connect({
  bridge: process.env.CQL_BRIDGE ?? "ws://127.0.0.1:8080/cql",
  token: token || undefined, // empty: a bridge that wants no token
  contactPoints: [process.env.CQL_NODE ?? "127.0.0.1:9042"],
});
try {
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS mapper_example WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute(`CREATE TABLE IF NOT EXISTS mapper_example.videos (user_id int, added_date timestamp,
    video_id int, title text, tags set<text>, PRIMARY KEY (user_id, added_date)) WITH CLUSTERING ORDER BY (added_date DESC)`);
  await client.execute("CREATE TABLE IF NOT EXISTS mapper_example.video_stats (video_id int PRIMARY KEY, views counter)");
  // The mapper reads tables from client.metadata: make it see the new ones at once.
  await client.refreshSchema();

  const mapper = new Mapper(client, {
    models: {
      Video: { tables: ["videos"], keyspace: "mapper_example", mappings: new UnderscoreCqlToCamelCaseMappings() },
      VideoStats: { tables: ["video_stats"], keyspace: "mapper_example", mappings: new UnderscoreCqlToCamelCaseMappings() },
    },
  });
  const videos = mapper.forModel("Video");
  const stats = mapper.forModel("VideoStats");

  const day = (d) => new Date(Date.UTC(2024, 0, d));
  for (const [d, title] of [[1, "Intro"], [2, "Lambdas"], [3, "Monads"], [4, "Types"]]) {
    await videos.insert({ userId: 7, addedDate: day(d), videoId: d, title, tags: new Set(["fp"]) });
  }

  const video = await videos.get({ userId: 7, addedDate: day(2) });
  console.log(`get: ${video.title} (video ${video.videoId})`);

  const recent = await videos.find({ userId: 7, addedDate: q.gte(day(3)) }, { fields: ["title"] });
  console.log(`since Jan 3: ${recent.toArray().map((v) => v.title).join(", ")}`);

  const oldest = await videos.find({ userId: 7 }, { orderBy: { addedDate: "asc" }, limit: 2 });
  console.log(`oldest two: ${oldest.toArray().map((v) => v.title).join(", ")}`);

  // A conditional write that is not applied rejects, with the current row.
  try {
    await videos.insert({ userId: 7, addedDate: day(1), videoId: 99, title: "Duplicate" }, { ifNotExists: true });
  } catch (e) {
    if (!(e instanceof NotAppliedError)) throw e;
    console.log(`not applied: ${e.row.title} is there`);
  }
  await videos.update({ userId: 7, addedDate: day(1), title: "Introduction" }, { when: { title: "Intro" } });
  await videos.update({ userId: 7, addedDate: day(1), tags: q.append(["basics"]) });
  const first = await videos.get({ userId: 7, addedDate: day(1) });
  console.log(`updated: ${first.title} [${[...first.tags].sort().join(", ")}]`);

  // Counters change through q.incr / q.decr; a batch of counter updates is a counter batch.
  await mapper.batch([
    stats.batching.update({ videoId: 1, views: q.incr(10) }),
    stats.batching.update({ videoId: 2, views: q.incr(3) }),
  ]);
  await stats.update({ videoId: 1, views: q.decr(1) });
  console.log(`views of video 1: ${(await stats.get({ videoId: 1 })).views}`);

  // A custom query, its rows read as documents of the model.
  videos.countFor = videos.mapWithQuery(
    "SELECT COUNT(*) AS video_count FROM mapper_example.videos WHERE user_id = ?", (v) => [v.userId]);
  console.log(`videos of user 7: ${(await videos.countFor({ userId: 7 })).first().videoCount}`);

  // Every row, two per page, the next page fetched as the loop reaches it.
  const titles = [];
  for await (const v of await videos.findAll({}, { fetchSize: 2 })) titles.push(v.title);
  console.log(`all: ${titles.join(", ")}`);

  await videos.remove({ userId: 7, addedDate: day(4) });
  console.log(`after remove: ${(await videos.find({ userId: 7 })).length} videos`);

  await client.execute("DROP KEYSPACE mapper_example");
} finally {
  await client.close();
}
