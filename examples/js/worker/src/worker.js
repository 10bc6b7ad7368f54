// An edge worker (Cloudflare Workers / workerd module syntax) that answers each HTTP request
// by querying Cassandra through a cql-bridge. Bindings: CQL_BRIDGE, CQL_NODE, CQL_TOKEN.
//
// In a project that installed the package, import from "cql-wasm" (its "workerd" export is
// worker.js); this example imports the build in wasm/pkg directly.
import { Client, CqlError } from "../../../../wasm/pkg/worker.js";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    // Worker I/O belongs to the request that opened it: connect per request.
    let client;
    try {
      client = await Client.connect({
        bridge: env.CQL_BRIDGE,
        token: env.CQL_TOKEN || undefined,
        contactPoints: [env.CQL_NODE],
      });
      const name = url.searchParams.get("name") ?? "world";
      const local = await client.execute("SELECT cluster_name, release_version FROM system.local");
      await client.execute(
        "CREATE KEYSPACE IF NOT EXISTS edge WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      await client.execute("CREATE TABLE IF NOT EXISTS edge.visits (name text PRIMARY KEY, n counter)");
      await client.execute("UPDATE edge.visits SET n = n + 1 WHERE name = ?", [name]);
      const visits = await client.execute("SELECT n FROM edge.visits WHERE name = ?", [name]);
      return Response.json({
        hello: name,
        visits: Number(visits.rows[0].n),
        cluster: local.rows[0].cluster_name,
        release: local.rows[0].release_version,
        host: local.host,
      });
    } catch (e) {
      const body = { error: e instanceof CqlError ? e.name : "Error", message: String(e.message ?? e) };
      return Response.json(body, { status: 502 });
    } finally {
      await client?.close();
    }
  },
};
