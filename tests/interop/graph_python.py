"""DSE Graph through the Python driver (cassandra-driver 3.30.1) against a cql-sim node in
DSE mode, with the graph primes of `graph_primes.json`:

    cql-sim --listen 127.0.0.1:9042 --dse --graph-primes tests/interop/graph_primes.json
    python graph_python.py --host 127.0.0.1 --port 9042 [--only name]

(`cargo test -p cql-testkit --test python_driver python_driver_dse_graph` starts the node
and runs this.) Each scenario prints `PASS name`, `FAIL name: ...` or `SKIP name: why`; the
last line is `summary: N passed, M failed, K skipped`. The scenarios run in order: the
second creates the Core graph `g` (a keyspace with `graph_engine = 'Core'`) the others use.

What is proven: the driver sees a DSE 6.8 node (dse_version, workloads), its DSE 6.8
schema parser refreshes the metadata and reads `graph_engine` and the vertex and edge
labels of tables (system_schema.vertices/edges); `execute_graph` decodes primed gremlin-groovy results in GraphSON 1.0, 2.0
and 3.0 into Vertex, Edge, VertexProperty, Path and plain values; the default graph
profile resolves to GraphSON 3.0 for the Core graph; bytecode (written by hand: the
driver's fluent API needs gremlinpython, which is not installed) writes to the node's
in-memory graph and a gremlin-groovy `g.V().count()` reads it back; graph errors reach
the driver as their exceptions.
"""

import argparse
import sys
import traceback
import uuid

from cassandra import InvalidRequest
from cassandra.cluster import (
    EXEC_PROFILE_GRAPH_DEFAULT,
    Cluster,
    GraphExecutionProfile,
    NoHostAvailable,
)
from cassandra.datastax.graph import (
    Edge,
    GraphOptions,
    GraphProtocol,
    Path,
    Result,
    Vertex,
    graph_graphson2_row_factory,
    graph_graphson3_row_factory,
    graph_object_row_factory,
)
from cassandra.protocol import ServerError
from cassandra.util import Point

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


class Skip(Exception):
    pass


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


FACTORIES = {1: graph_object_row_factory, 2: graph_graphson2_row_factory,
             3: graph_graphson3_row_factory}
PROTOCOLS = {1: GraphProtocol.GRAPHSON_1_0, 2: GraphProtocol.GRAPHSON_2_0,
             3: GraphProtocol.GRAPHSON_3_0}


def profile(version, language="gremlin-groovy"):
    # Setting graph_protocol does not pick the matching row factory: set both.
    return GraphExecutionProfile(
        row_factory=FACTORIES[version],
        graph_options=GraphOptions(graph_name="g", graph_language=language,
                                   graph_protocol=PROTOCOLS[version]))


def profiles():
    out = {f"v{v}": profile(v) for v in (1, 2, 3)}
    out.update({f"bytecode{v}": profile(v, "bytecode-json") for v in (2, 3)})
    out[EXEC_PROFILE_GRAPH_DEFAULT] = GraphExecutionProfile(
        graph_options=GraphOptions(graph_name="g"))
    return out


def graph(session, query, version, params=None):
    return list(session.execute_graph(query, params, execution_profile=f"v{version}"))


@scenario
def dse_identity(session):
    hosts = session.cluster.metadata.all_hosts()
    eq(len(hosts), 1, "hosts")
    host = hosts[0]
    eq(host.dse_version, "6.8.40", "dse_version")
    eq(host.dse_workload, "Cassandra", "workload")
    eq(set(host.dse_workloads), {"Cassandra", "Graph"}, "workloads")
    eq(host.release_version, "4.0.0.6840", "release_version")


@scenario
def core_graph_keyspace_metadata(session):
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS g WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1} AND graph_engine = 'Core'")
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS plain WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE IF NOT EXISTS g.person (id int PRIMARY KEY, name text) "
                    "WITH VERTEX LABEL person")
    session.execute("CREATE TABLE IF NOT EXISTS g.software (id int PRIMARY KEY, name text) "
                    "WITH VERTEX LABEL")
    session.execute("CREATE TABLE IF NOT EXISTS g.created (pid int, sid int, weight double, "
                    "PRIMARY KEY ((pid), sid)) "
                    "WITH EDGE LABEL created FROM person(pid) TO software(sid)")
    cluster = session.cluster
    cluster.refresh_schema_metadata()
    ks = cluster.metadata.keyspaces["g"]
    eq(ks.tables["person"].vertex.label_name, "person", "person's vertex label")
    eq(ks.tables["software"].vertex.label_name, "software", "software's vertex label")
    edge = ks.tables["created"].edge
    check(edge is not None, "created is an edge table")
    eq((edge.label_name, edge.from_label, edge.from_table, edge.to_label, edge.to_table),
       ("created", "person", "person", "software", "software"), "edge metadata")
    eq((edge.from_partition_key_columns, edge.to_partition_key_columns), (["pid"], ["sid"]),
       "edge key columns")
    check("EDGE LABEL created FROM person(pid) TO software(sid)"
          in ks.tables["created"].export_as_string(), ks.tables["created"].export_as_string())
    # The per-table refresh (a schema change event) reads the labels too.
    cluster.refresh_table_metadata("g", "created")
    eq(cluster.metadata.keyspaces["g"].tables["created"].edge.label_name, "created",
       "edge label after a table refresh")
    eq(ks.graph_engine, "Core", "graph_engine")
    check(ks.is_graph_enabled, "g is graph enabled")
    eq(cluster.metadata.keyspaces["plain"].graph_engine, None, "plain's graph_engine")
    check("AND graph_engine = 'Core'" in ks.export_as_string(), ks.export_as_string())
    check("vertices" in cluster.metadata.keyspaces["system_schema"].tables,
          "system_schema.vertices in the metadata")


def check_vertex(v, what):
    check(isinstance(v, Vertex), f"{what}: a Vertex, got {v!r}")
    eq(v.id, "dseg:/person/1", f"{what} id")
    eq(v.label, "person", f"{what} label")
    eq([p.value for p in v.properties["name"]], ["marko"], f"{what} name")
    locations = v.properties["location"]
    eq([p.value for p in locations], ["san diego", "santa fe"], f"{what} locations")
    eq(locations[0].properties, {"startTime": 1997, "endTime": 2001}, f"{what} meta-properties")


def check_edge(e, what):
    check(isinstance(e, Edge), f"{what}: an Edge, got {e!r}")
    eq((e.label, e.outVLabel, e.inVLabel), ("created", "person", "software"), f"{what} labels")
    out_v = e.outV.id if isinstance(e.outV, Vertex) else e.outV
    in_v = e.inV.id if isinstance(e.inV, Vertex) else e.inV
    eq((out_v, in_v), ("dseg:/person/1", "dseg:/software/10"), f"{what} ends")
    weight = e.properties["weight"]
    # GraphSON 2.0/3.0 edge properties decode to {key: {key: value}}.
    weight = weight["weight"] if isinstance(weight, dict) else weight
    eq(weight, 0.4, f"{what} weight")


@scenario
def graphson1_objects(session):
    check_vertex(graph(session, "g.V().has('name', name)", 1, {"name": "marko"})[0], "1.0 vertex")
    check_edge(graph(session, "g.E().hasLabel('created')", 1)[0], "1.0 edge")
    values = graph(session, "g.V().values('age')", 1)
    check(all(isinstance(r, Result) for r in values), "1.0 values are Results")
    eq([r.value for r in values], [29, 5000000000, 0.5, "text", True, None], "1.0 values")
    eq(graph(session, "g.V().valueMap()", 1)[0].value, {"name": ["marko"], "age": [29]}, "valueMap")
    path = graph(session, "g.V().out().path()", 1)[0].as_path()
    eq(path.labels, [["a"], []], "1.0 path labels")
    eq([o.label for o in path.objects], ["person", "software"], "1.0 path objects")


@scenario
def graphson2_objects(session):
    check_vertex(graph(session, "g.V().has('name', name)", 2, {"name": "marko"})[0], "2.0 vertex")
    check_edge(graph(session, "g.E().hasLabel('created')", 2)[0], "2.0 edge")
    eq(graph(session, "g.V().values('age')", 2), [29, 5000000000, 0.5, "text", True, None],
       "2.0 values")
    point, uid = graph(session, "g.V().values('location')", 2)
    check(isinstance(point, Point) and (point.x, point.y) == (1.5, -2.0), f"point {point!r}")
    eq(uid, uuid.UUID("d1b2c3a4-0000-4000-8000-00000000abcd"), "uuid")
    path = graph(session, "g.V().out().path()", 2)[0]
    # (No repr of a Path in messages: the driver's Path.__repr__ fails on vertices.)
    check(isinstance(path, Path), f"a Path, got {type(path)}")
    eq([o.id for o in path.objects], ["dseg:/person/1", "dseg:/software/10"], "2.0 path")


@scenario
def graphson3_objects(session):
    check_vertex(graph(session, "g.V().has('name', name)", 3, {"name": "marko"})[0], "3.0 vertex")
    check_edge(graph(session, "g.E().hasLabel('created')", 3)[0], "3.0 edge")
    eq(graph(session, "g.V().values('age')", 3), [29, 5000000000, 0.5, "text", True, None],
       "3.0 values")
    eq(graph(session, "g.V().valueMap()", 3), [{"name": ["marko"], "age": [29]}], "3.0 valueMap")
    path = graph(session, "g.V().out().path()", 3)[0]
    check(isinstance(path, Path), f"a Path, got {type(path)}")
    eq([set(l) for l in path.labels], [{"a"}, set()], "3.0 path labels")


@scenario
def fluent_bytecode(session):
    from cassandra.datastax.graph import fluent
    if not fluent.HAVE_GREMLIN:
        raise Skip("the driver's fluent API (DseGraph, TraversalBatch) needs gremlinpython, "
                   "which is not installed: bytecode_text sends the bytecode it would write")


def bytecode(*steps):
    import json
    return json.dumps({"@type": "g:Bytecode", "@value": {"step": [list(s) for s in steps]}})


def int32(n):
    return {"@type": "g:Int32", "@value": n}


@scenario
def bytecode_text(session):
    add = bytecode(["addV", "person"], ["property", "name", "vadas"],
                   ["property", "age", int32(27)], ["as", "v"],
                   ["addV", "person"], ["property", "name", "josh"],
                   ["addE", "knows"], ["from", "v"])
    rows = list(session.execute_graph(add, execution_profile="bytecode3"))
    check(len(rows) == 1 and isinstance(rows[0], Edge), f"addE answers the edge: {rows!r}")
    names = list(session.execute_graph(
        bytecode(["V"], ["has", "name", "vadas"], ["out", "knows"], ["values", "name"]),
        execution_profile="bytecode2"))
    eq(names, ["josh"], "traversal")
    ages = list(session.execute_graph(
        bytecode(["V"], ["hasLabel", "person"], ["values", "age"]),
        execution_profile="bytecode3"))
    eq(ages, [27], "ages")
    # Scripts read the graph traversals wrote.
    eq(graph(session, "g.V().count()", 3), [2], "g.V().count()")
    eq([v.label for v in graph(session, "g.V()", 1)], ["person", "person"], "g.V()")
    # The default graph profile resolves to GraphSON 3.0 for a Core graph: a bare int.
    eq(list(session.execute_graph("g.E().count()")), [1], "default profile")


@scenario
def graph_errors(session):
    try:
        graph(session, "g.V().fail()", 1)
        raise AssertionError("the primed error was not raised")
    except NoHostAvailable as e:
        # The driver tries the next host after a ServerError; there is none.
        errors = list(e.errors.values())
        check(len(errors) == 1 and isinstance(errors[0], ServerError), repr(errors))
        check("No signature of method" in str(errors[0]), str(errors[0]))
    try:
        graph(session, "g.V().unknown()", 1)
        raise AssertionError("an unknown script was answered")
    except InvalidRequest as e:
        check("g.V().unknown()" in str(e), str(e))
    try:
        session.execute_graph(bytecode(["V"], ["repeat", {"@type": "g:Bytecode",
                                                          "@value": {"step": [["out"]]}}]),
                              execution_profile="bytecode2")
        raise AssertionError("repeat() was run")
    except InvalidRequest as e:
        check("'repeat'" in str(e), str(e))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9042)
    p.add_argument("--only", action="append")
    args = p.parse_args()
    cluster = Cluster([args.host], port=args.port, execution_profiles=profiles(),
                      connect_timeout=10, control_connection_timeout=10)
    session = cluster.connect()
    passed = failed = skipped = 0
    try:
        for fn in SCENARIOS:
            if args.only and fn.__name__ not in args.only:
                continue
            try:
                fn(session)
                print(f"PASS {fn.__name__}", flush=True)
                passed += 1
            except Skip as s:
                print(f"SKIP {fn.__name__}: {s}", flush=True)
                skipped += 1
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"FAIL {fn.__name__}: {e!r}", flush=True)
                traceback.print_exc(file=sys.stderr)
                failed += 1
    finally:
        cluster.shutdown()
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
