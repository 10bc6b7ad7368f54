// Run by worker.test.mjs in workerd: the cases of mapper-cases.mjs with the package's
// workerd entry (pkg/worker.js), answering one request with their results. Bindings:
// CQL_BRIDGE, CQL_NODE, CQL_TOKEN.
import * as lib from "../../pkg/worker.js";
import { runAll, connectOptions } from "./mapper-cases.mjs";

export default {
  async fetch(request, env) {
    try {
      // Worker I/O belongs to the request: the client is connected (and closed) within it.
      const results = await runAll(lib, connectOptions(env.CQL_BRIDGE, env.CQL_NODE, env.CQL_TOKEN), "mapper_worker");
      return Response.json(results);
    } catch (e) {
      return Response.json({ error: `${e?.name}: ${e?.message}`, stack: e?.stack }, { status: 500 });
    }
  },
};
