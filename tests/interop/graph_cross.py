"""Cross-client proof for DSE Graph: the Python driver 3.30.1 and this driver read the
same graph of a DSE-mode cql-sim and decode the same values.

Modes (graph `modern`, a Core-engine keyspace the Rust side creates):
  write  adds vertices and an edge with bytecode (written by hand: the driver's fluent API
         needs gremlinpython) carrying typed values (int, long, double, text, uuid, point,
         instant)
  dump   prints `DUMP <json>`: every vertex and edge as the driver decodes them through
         `g.V()` / `g.E()` in GraphSON 3.0 (and 2.0 for the vertices), in a neutral form
"""
import argparse
import datetime
import json
import sys
import uuid

from cassandra.cluster import EXEC_PROFILE_GRAPH_DEFAULT, Cluster, GraphExecutionProfile
from cassandra.datastax.graph import (GraphOptions, GraphProtocol,
                                      graph_graphson2_row_factory,
                                      graph_graphson3_row_factory)
from cassandra.util import Point


def neutral(v):
    """A decoded value as JSON this driver's test can rebuild."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        return {"double": v}
    if isinstance(v, uuid.UUID):
        return {"uuid": str(v)}
    if isinstance(v, Point):
        return {"point": {"x": v.x, "y": v.y}}
    if isinstance(v, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1)
        return {"instant_ms": int((v.replace(tzinfo=None) - epoch).total_seconds() * 1000)}
    if isinstance(v, (list, tuple)):
        return [neutral(x) for x in v]
    if isinstance(v, dict):
        return {str(k): neutral(x) for k, x in v.items()}
    if hasattr(v, "properties") and hasattr(v, "inV"):
        return {"edge": v.label, "outV": v.outV.id, "inV": v.inV.id,
                "properties": {k: neutral(edge_property(k, p))
                               for k, p in sorted(v.properties.items())}}
    if hasattr(v, "properties") and hasattr(v, "label"):
        return {"vertex": v.label, "id": neutral(v.id),
                "properties": {k: sorted((neutral(p.value) for p in ps), key=json.dumps)
                               for k, ps in sorted(v.properties.items())}}
    return {"repr": repr(v)}


def edge_property(key, p):
    """An edge property's value: the GraphSON 2/3 readers keep g:Property as {key: value}."""
    if isinstance(p, dict) and list(p) == [key]:
        return p[key]
    return p.value if hasattr(p, "value") else p


def profile(version, language):
    return GraphExecutionProfile(
        row_factory={2: graph_graphson2_row_factory, 3: graph_graphson3_row_factory}[version],
        graph_options=GraphOptions(
            graph_name="modern", graph_language=language,
            graph_protocol={2: GraphProtocol.GRAPHSON_2_0, 3: GraphProtocol.GRAPHSON_3_0}[version]))


def typed(t, v):
    return {"@type": t, "@value": v}


def bytecode(*steps):
    return json.dumps({"@type": "g:Bytecode", "@value": {"step": [list(s) for s in steps]}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["write", "dump"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9042)
    args = ap.parse_args()
    profiles = {"v2": profile(2, "gremlin-groovy"), "v3": profile(3, "gremlin-groovy"),
                "bytecode3": profile(3, "bytecode-json"),
                EXEC_PROFILE_GRAPH_DEFAULT: GraphExecutionProfile(
                    graph_options=GraphOptions(graph_name="modern"))}
    cluster = Cluster([args.host], port=args.port, execution_profiles=profiles)
    session = cluster.connect()
    if args.mode == "write":
        add = bytecode(
            ["addV", "person"], ["property", "name", "ada"],
            ["property", "age", typed("g:Int32", 36)],
            ["property", "visits", typed("g:Int64", 5000000000)],
            ["property", "score", typed("g:Double", 0.25)],
            ["property", "token", typed("g:UUID", "5b3e8f1c-2d4a-4e6b-9c8d-7f1e2a3b4c5d")],
            ["property", "home", typed("dse:Point", "POINT (1.5 -2.25)")],
            ["property", "since", typed("gx:Instant", "2020-01-02T03:04:05Z")],
            ["as", "a"],
            ["addV", "person"], ["property", "name", "grace"],
            ["addE", "knows"], ["from", "a"], ["property", "weight", typed("g:Double", 0.75)])
        rows = list(session.execute_graph(add, execution_profile="bytecode3"))
        print("wrote %d" % len(rows))
    else:
        out = {
            "vertices3": sorted((neutral(v) for v in session.execute_graph("g.V()", execution_profile="v3")),
                                key=json.dumps),
            "vertices2": sorted((neutral(v) for v in session.execute_graph("g.V()", execution_profile="v2")),
                                key=json.dumps),
            "edges3": sorted((neutral(e) for e in session.execute_graph("g.E()", execution_profile="v3")),
                             key=json.dumps),
            # The default profile: GraphSON 3.0 resolved from the keyspace's graph_engine.
            "count": neutral(list(session.execute_graph("g.V().count()"))),
        }
        print("DUMP " + json.dumps(out, sort_keys=True))
    cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
