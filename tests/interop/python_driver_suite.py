"""Interop scenarios: the real Python cassandra-driver (PyPI) against a cql-sim node.

Run as `python python_driver_suite.py --host 127.0.0.1 --port 9042 [--tls-ca ca.pem]
[--user u --password p] [--only name]`. Each scenario is a named test case; the last line
is `summary: N passed, M failed`. Exit status 1 when any failed.

The Rust integration test `tests/tests/python_driver.rs` starts the node (plain, TLS and
with authentication) and runs this file in the venv the test command creates.
"""

import argparse
import datetime
import decimal
import ipaddress
import os
import ssl
import sys
import time
import traceback
import uuid

from cassandra import ConsistencyLevel, FunctionFailure, InvalidRequest, ProtocolVersion
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT, NoHostAvailable
from cassandra.policies import RoundRobinPolicy
from cassandra.query import BatchStatement, BatchType, SimpleStatement, dict_factory
from cassandra.util import Date, Duration, Time

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


class Env:
    def __init__(self, args):
        self.args = args
        self.clusters = []

    def cluster(self, **kwargs):
        kwargs.setdefault("protocol_version", ProtocolVersion.V4)
        if kwargs["protocol_version"] is None:
            del kwargs["protocol_version"]  # let the driver negotiate from its newest
        kwargs.setdefault("port", self.args.port)
        kwargs.setdefault("connect_timeout", 10)
        kwargs.setdefault("control_connection_timeout", 10)
        kwargs.setdefault(
            "execution_profiles",
            {EXEC_PROFILE_DEFAULT: ExecutionProfile(
                load_balancing_policy=RoundRobinPolicy(), request_timeout=20)},
        )
        if self.args.user and "auth_provider" not in kwargs:
            kwargs["auth_provider"] = PlainTextAuthProvider(self.args.user, self.args.password)
        if self.args.tls_ca and "ssl_context" not in kwargs:
            ctx = ssl.create_default_context(cafile=self.args.tls_ca)
            ctx.check_hostname = False
            kwargs["ssl_context"] = ctx
        c = Cluster([self.args.host], **kwargs)
        self.clusters.append(c)
        return c

    def session(self, **kwargs):
        return self.cluster(**kwargs).connect()

    def close(self):
        for c in self.clusters:
            c.shutdown()
        self.clusters = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def fresh_keyspace(session, name):
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")
    session.execute(
        f"CREATE KEYSPACE {name} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.set_keyspace(name)


# --- connection ------------------------------------------------------------------------

@scenario
def connect_protocol_v4(env):
    s = env.session(protocol_version=ProtocolVersion.V4)
    row = s.execute("SELECT release_version, cql_version FROM system.local WHERE key='local'").one()
    check(row.release_version.startswith("4."), f"release_version {row.release_version}")
    check(s.cluster.protocol_version == 4, "negotiated v4")


@scenario
def connect_protocol_v5(env):
    s = env.session(protocol_version=ProtocolVersion.V5)
    check(s.cluster.protocol_version == 5, "negotiated v5")
    check(s.execute("SELECT key FROM system.local").one().key == "local", "system.local read")


@scenario
def negotiates_down_from_newest(env):
    # Unpinned, the driver starts at its newest version (DSE_V2) and must step down to one
    # the node speaks, guided by the node's "unsupported protocol version" errors.
    c = env.cluster(protocol_version=None)
    s = c.connect()
    check(c.protocol_version in (4, 5), f"downgraded to {c.protocol_version}")
    s.execute("SELECT key FROM system.local")


@scenario
def lz4_compression(env):
    for version in (ProtocolVersion.V4, ProtocolVersion.V5):
        s = env.session(protocol_version=version, compression="lz4")
        rows = list(s.execute("SELECT * FROM system_schema.columns"))
        check(len(rows) > 20, f"v{version}: {len(rows)} schema columns over lz4")


@scenario
def cluster_metadata_sees_the_node(env):
    c = env.cluster()
    c.connect()
    hosts = c.metadata.all_hosts()
    check(len(hosts) == 1, f"hosts {hosts}")
    host = hosts[0]
    check(host.datacenter and host.rack, "dc and rack")
    check(c.metadata.partitioner.endswith("Murmur3Partitioner"), c.metadata.partitioner)
    check(len(c.metadata.token_map.ring) > 0, "token ring")
    check("system" in c.metadata.keyspaces, "system keyspace in metadata")


# --- schema ------------------------------------------------------------------------------

EXPORT_SCHEMA = [
    "CREATE TYPE address (street text, city text, zip int)",
    "CREATE TABLE users (id uuid PRIMARY KEY, name text, home frozen<address>, tags set<text>)",
    "CREATE TABLE events (device text, day date, at timestamp, value double, note text, "
    "PRIMARY KEY ((device, day), at)) WITH CLUSTERING ORDER BY (at DESC) "
    "AND comment = 'sensor readings' AND default_time_to_live = 86400",
    "CREATE INDEX users_name_idx ON users (name)",
]


@scenario
def metadata_export_as_string(env):
    s = env.session()
    fresh_keyspace(s, "interop_schema")
    for ddl in EXPORT_SCHEMA:
        s.execute(ddl)
    s.cluster.refresh_schema_metadata()
    ks = s.cluster.metadata.keyspaces["interop_schema"]
    text = ks.export_as_string()
    expected_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export_schema.expected")
    with open(expected_path) as f:
        expected = f.read()
    if text.strip() != expected.strip():
        print(text)
        raise AssertionError(f"export_as_string differs from {expected_path}")
    check("CREATE KEYSPACE interop_schema WITH replication = {'class': 'SimpleStrategy', "
          "'replication_factor': '1'}  AND durable_writes = true;" in text, "keyspace line")
    check("CREATE TYPE interop_schema.address (\n    street text,\n    city text,\n    zip int\n);"
          in text, "type")
    check("PRIMARY KEY ((device, day), at)\n) WITH CLUSTERING ORDER BY (at DESC)" in text,
          "clustering order")
    check("AND comment = 'sensor readings'" in text, "comment option")
    check("AND default_time_to_live = 86400" in text, "ttl option")
    check("home frozen<address>" in text, "frozen udt column")
    check("tags set<text>" in text, "set column")
    check("CREATE INDEX users_name_idx ON interop_schema.users (name);" in text, "index")
    events = ks.tables["events"]
    check([c.name for c in events.partition_key] == ["device", "day"], "partition key")
    check([c.name for c in events.clustering_key] == ["at"], "clustering key")
    check(events.clustering_key[0].is_reversed, "DESC clustering")


@scenario
def schema_change_events_reach_other_clients(env):
    """A client that runs no DDL and never refreshes learns of a new keyspace and table
    from the SCHEMA_CHANGE events the node pushes on its control connection."""
    # One executor thread, so that the watcher applies the events in the order they came.
    # The driver (3.30) refreshes its metadata per event on its executor (2 threads by
    # default): the KEYSPACE and TABLE refreshes, scheduled 10 ms apart, then run at once,
    # and when the TABLE one finishes first, Metadata._update_table drops the table (its
    # keyspace is not known yet) and the KEYSPACE refresh then installs the keyspace
    # without it, for good. That race is the driver's, against Cassandra too; it made this
    # scenario fail about once in 12 runs on a loaded machine.
    watcher = env.cluster(executor_threads=1)
    watcher.connect()
    s = env.session()
    s.execute("DROP KEYSPACE IF EXISTS interop_events")
    s.execute("CREATE KEYSPACE interop_events WITH replication = "
              "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    s.execute("CREATE TABLE interop_events.t (k int PRIMARY KEY, v text)")
    # The driver refreshes within schema_event_refresh_window (2 s) of an event; the rest
    # of the deadline is for a loaded machine.
    deadline = time.time() + 30
    while time.time() < deadline:
        ks = watcher.metadata.keyspaces.get("interop_events")
        if ks is not None and "t" in ks.tables:
            return
        time.sleep(0.1)
    ks = watcher.metadata.keyspaces.get("interop_events")
    tables = sorted(ks.tables) if ks is not None else None
    raise AssertionError(f"the watcher never learned of interop_events.t "
                         f"(keyspace known: {ks is not None}, tables: {tables})")


@scenario
def use_keyspace(env):
    s = env.session()
    fresh_keyspace(s, "interop_use")
    s.execute("CREATE TABLE t (k int PRIMARY KEY, v text)")
    s.execute("USE interop_use")
    s.execute("INSERT INTO t (k, v) VALUES (1, 'one')")
    check(s.execute("SELECT v FROM t WHERE k = 1").one().v == "one", "read back in USEd keyspace")
    s2 = env.session()
    s2.set_keyspace("interop_use")
    check(s2.execute("SELECT v FROM t WHERE k = 1").one().v == "one", "set_keyspace")


@scenario
def credentials_checked(env):
    """With authentication on: the right password connects, a wrong one is refused."""
    if not env.args.user:
        return "SKIP"
    env.session().execute("SELECT key FROM system.local")
    from cassandra import AuthenticationFailed
    try:
        env.session(auth_provider=PlainTextAuthProvider(env.args.user, "wrong"))
        raise AssertionError("wrong password accepted")
    except NoHostAvailable as e:
        errors = list(e.errors.values())
        check(errors and isinstance(errors[0], AuthenticationFailed), f"errors {errors}")
        check("Provided username" in str(errors[0]), f"message {errors[0]}")


@scenario
def tls_connection(env):
    """With TLS on: the driver verifies the node's certificate against the given CA."""
    if not env.args.tls_ca:
        return "SKIP"
    s = env.session()
    check(s.execute("SELECT key FROM system.local").one().key == "local", "query over TLS")
    try:
        env.session(ssl_context=ssl.create_default_context())
        raise AssertionError("an unknown CA was trusted")
    except NoHostAvailable:
        pass


# --- data ---------------------------------------------------------------------------------

ALL_TYPES = [
    ("a_ascii", "ascii", "hello"),
    ("a_bigint", "bigint", -9007199254740993),
    ("a_blob", "blob", b"\x00\x01\xfe\xff"),
    ("a_boolean", "boolean", True),
    ("a_date", "date", Date(datetime.date(2024, 2, 29))),
    ("a_decimal", "decimal", decimal.Decimal("-1234567890.0987654321")),
    ("a_double", "double", 3.141592653589793),
    ("a_duration", "duration", Duration(1, 2, 3000000000)),
    ("a_float", "float", 1.5),
    ("a_inet", "inet", "2001:db8::1"),
    ("a_int", "int", -2147483648),
    ("a_smallint", "smallint", -32768),
    ("a_text", "text", "zaźółć gęślą jaźń ☃"),
    ("a_time", "time", Time(datetime.time(23, 59, 59, 999999))),
    ("a_timestamp", "timestamp", datetime.datetime(2024, 1, 2, 3, 4, 5, 678000)),
    ("a_timeuuid", "timeuuid", uuid.UUID("e7c4a3e0-8f3c-11ee-b9d1-0242ac120002")),
    ("a_tinyint", "tinyint", -128),
    ("a_uuid", "uuid", uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")),
    ("a_varchar", "varchar", ""),
    ("a_varint", "varint", 123456789012345678901234567890),
    ("a_list", "list<int>", [3, 1, 2]),
    ("a_set", "set<text>", {"b", "a"}),
    ("a_map", "map<text, int>", {"x": 1, "y": 2}),
    ("a_frozen", "frozen<list<frozen<map<int, text>>>>", [{1: "a"}, {2: "b"}]),
    ("a_tuple", "tuple<int, text, boolean>", (1, "t", False)),
    ("a_vector", "vector<float, 3>", [1.0, 2.5, -3.0]),
]


@scenario
def every_cql_type_round_trips(env):
    s = env.session()
    fresh_keyspace(s, "interop_types")
    s.execute("CREATE TYPE point (x int, y int, label text)")
    cols = ", ".join(f"{name} {typ}" for name, typ, _ in ALL_TYPES)
    s.execute(f"CREATE TABLE all_types (k int PRIMARY KEY, {cols}, a_udt frozen<point>, "
              "a_counterless text)")
    s.cluster.register_user_type("interop_types", "point", dict)
    names = [n for n, _, _ in ALL_TYPES] + ["a_udt"]
    values = [v for _, _, v in ALL_TYPES] + [{"x": 1, "y": -2, "label": "p"}]
    marks = ", ".join("?" for _ in names)
    insert = s.prepare(f"INSERT INTO all_types (k, {', '.join(names)}) VALUES (?, {marks})")
    # A UDT registered as dict is read back as a dict; the driver writes it from a tuple.
    s.execute(insert, [1] + values[:-1] + [(1, -2, "p")])
    row = s.execute(f"SELECT {', '.join(names)} FROM all_types WHERE k = 1").one()
    for name, value in zip(names, values):
        got = getattr(row, name)
        if name == "a_inet":
            got, value = ipaddress.ip_address(got), ipaddress.ip_address(value)
        if name in ("a_set",):
            got = set(got)
        if name == "a_map":
            got = dict(got)
        if name == "a_frozen":
            got = [dict(m) for m in got]
        if name == "a_udt":
            got = dict(got)
        check(got == value, f"{name}: wrote {value!r}, read {got!r}")
    # Simple (unprepared) statement with literals too.
    s.execute("INSERT INTO all_types (k, a_int, a_text, a_list) VALUES (2, 7, 'seven', [7])")
    row = s.execute("SELECT a_int, a_text, a_list FROM all_types WHERE k = 2").one()
    check((row.a_int, row.a_text, row.a_list) == (7, "seven", [7]), f"literal row {row}")
    # Nulls.
    s.execute("INSERT INTO all_types (k, a_int) VALUES (3, null)")
    check(s.execute("SELECT a_int FROM all_types WHERE k = 3").one().a_int is None, "null")


@scenario
def prepared_statements(env):
    s = env.session()
    fresh_keyspace(s, "interop_prepared")
    s.execute("CREATE TABLE kv (k int, c int, v text, PRIMARY KEY (k, c))")
    insert = s.prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
    check(insert.routing_key_indexes == [0], f"routing key indexes {insert.routing_key_indexes}")
    for c in range(5):
        s.execute(insert, (1, c, f"v{c}"))
    select = s.prepare("SELECT c, v FROM kv WHERE k = ? AND c >= ?")
    rows = list(s.execute(select, (1, 2)))
    check([r.c for r in rows] == [2, 3, 4], f"rows {rows}")
    named = s.prepare("SELECT v FROM kv WHERE k = :k AND c = :c")
    check(s.execute(named, {"k": 1, "c": 3}).one().v == "v3", "named markers")


@scenario
def paging_10000_rows(env):
    s = env.session()
    fresh_keyspace(s, "interop_paging")
    s.execute("CREATE TABLE p (k int, c int, v text, PRIMARY KEY (k, c))")
    insert = s.prepare("INSERT INTO p (k, c, v) VALUES (?, ?, ?)")
    from cassandra.concurrent import execute_concurrent_with_args
    args = [(k, c, f"{k}-{c}") for k in range(10) for c in range(1000)]
    results = execute_concurrent_with_args(s, insert, args, concurrency=64)
    check(all(ok for ok, _ in results), "inserts")
    stmt = SimpleStatement("SELECT k, c FROM p", fetch_size=100)
    result = s.execute(stmt)
    seen, pages = 0, 1
    keys = set()
    for row in result:
        keys.add((row.k, row.c))
        seen += 1
    pages = seen // 100
    check(seen == 10000 and len(keys) == 10000, f"read {seen} rows, {len(keys)} distinct")
    check(pages == 100, f"{pages} pages")
    # Resume from a paging state on a new session.
    first = s.execute(SimpleStatement("SELECT k, c FROM p", fetch_size=100))
    state = first.paging_state
    other = env.session()
    other.set_keyspace("interop_paging")
    page2 = other.execute(SimpleStatement("SELECT k, c FROM p", fetch_size=100),
                          paging_state=state)
    check(len(page2.current_rows) == 100, "second page on another connection")
    check(set((r.k, r.c) for r in page2.current_rows).isdisjoint(
        set((r.k, r.c) for r in first.current_rows)), "pages do not overlap")


@scenario
def batches(env):
    s = env.session()
    fresh_keyspace(s, "interop_batch")
    s.execute("CREATE TABLE b (k int, c int, v text, PRIMARY KEY (k, c))")
    s.execute("CREATE TABLE counts (k int PRIMARY KEY, n counter)")
    insert = s.prepare("INSERT INTO b (k, c, v) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=BatchType.LOGGED)
    for c in range(10):
        batch.add(insert, (1, c, str(c)))
    batch.add(SimpleStatement("UPDATE b SET v = 'x' WHERE k = 1 AND c = 0"))
    s.execute(batch)
    rows = list(s.execute("SELECT c, v FROM b WHERE k = 1"))
    check(len(rows) == 10 and rows[0].v == "x", f"logged batch rows {rows}")
    unlogged = BatchStatement(batch_type=BatchType.UNLOGGED)
    unlogged.add(insert, (2, 0, "u"))
    s.execute(unlogged)
    counter = BatchStatement(batch_type=BatchType.COUNTER)
    counter.add(SimpleStatement("UPDATE counts SET n = n + 2 WHERE k = 1"))
    counter.add(SimpleStatement("UPDATE counts SET n = n + 3 WHERE k = 1"))
    s.execute(counter)
    check(s.execute("SELECT n FROM counts WHERE k = 1").one().n == 5, "counter batch")
    s.execute("BEGIN BATCH INSERT INTO b (k, c, v) VALUES (3, 0, 'a'); "
              "INSERT INTO b (k, c, v) VALUES (3, 1, 'b'); APPLY BATCH")
    check(len(list(s.execute("SELECT * FROM b WHERE k = 3"))) == 2, "CQL batch")


@scenario
def lightweight_transactions(env):
    s = env.session()
    fresh_keyspace(s, "interop_lwt")
    s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)")
    r = s.execute("INSERT INTO accounts (id, owner, balance) VALUES (1, 'ada', 10) IF NOT EXISTS")
    check(r.was_applied, "first insert applied")
    r = s.execute("INSERT INTO accounts (id, owner, balance) VALUES (1, 'bob', 99) IF NOT EXISTS")
    check(not r.was_applied, "second insert not applied")
    check(r.one().owner == "ada", "existing row returned")
    r = s.execute("UPDATE accounts SET balance = 20 WHERE id = 1 IF balance = 10")
    check(r.was_applied, "conditional update applied")
    r = s.execute("UPDATE accounts SET balance = 30 WHERE id = 1 IF balance = 10")
    check(not r.was_applied and r.one().balance == 20, "stale condition refused")
    r = s.execute("DELETE FROM accounts WHERE id = 1 IF EXISTS")
    check(r.was_applied, "delete if exists")


@scenario
def ttl_expiry(env):
    s = env.session()
    fresh_keyspace(s, "interop_ttl")
    s.execute("CREATE TABLE t (k int PRIMARY KEY, v text)")
    s.execute("INSERT INTO t (k, v) VALUES (1, 'short') USING TTL 1")
    s.execute("INSERT INTO t (k, v) VALUES (2, 'long') USING TTL 1000")
    ttl = s.execute("SELECT ttl(v) FROM t WHERE k = 2").one()[0]
    check(990 <= ttl <= 1000, f"ttl {ttl}")
    time.sleep(1.5)
    check(s.execute("SELECT * FROM t WHERE k = 1").one() is None, "expired row gone")
    check(s.execute("SELECT v FROM t WHERE k = 2").one().v == "long", "live row stays")


@scenario
def errors_come_back_typed(env):
    from cassandra import InvalidRequest
    from cassandra.protocol import SyntaxException
    s = env.session()
    try:
        s.execute("SELEC * FROM system.local")
        raise AssertionError("syntax error accepted")
    except SyntaxException as e:
        check("line 1:0" in str(e), f"message {e}")
    try:
        s.execute("SELECT * FROM no_such_ks.t")
        raise AssertionError("unknown keyspace accepted")
    except InvalidRequest:
        pass


@scenario
def cqlengine_models(env):
    from cassandra.cqlengine import columns, connection, management
    from cassandra.cqlengine.models import Model
    s = env.session()
    fresh_keyspace(s, "interop_orm")
    connection.set_session(s)

    class Book(Model):
        __keyspace__ = "interop_orm"
        isbn = columns.Text(primary_key=True)
        title = columns.Text()
        pages = columns.Integer()
        tags = columns.Set(columns.Text)

    management.sync_table(Book)
    Book.create(isbn="1", title="Dune", pages=412, tags={"sf"})
    Book.create(isbn="2", title="Emma", pages=474, tags={"classic"})
    check(Book.objects.count() == 2, "count")
    dune = Book.objects(isbn="1").get()
    check(dune.title == "Dune" and dune.tags == {"sf"}, f"get {dune}")
    dune.update(pages=500)
    check(Book.objects(isbn="1").get().pages == 500, "update")
    long_books = list(Book.objects.filter(pages__gt=480).allow_filtering())
    check([b.isbn for b in long_books] == ["1"], f"filter {long_books}")
    Book.objects(isbn="2").delete()
    check(Book.objects.count() == 1, "delete")
    management.sync_table(Book)  # idempotent


@scenario
def user_functions_and_aggregates(env):
    c = env.cluster()
    s = c.connect()
    fresh_keyspace(s, "interop_udf")
    s.execute("CREATE FUNCTION interop_udf.plus(a int, b int) RETURNS NULL ON NULL INPUT "
              "RETURNS int LANGUAGE java AS 'return a + b;'")
    s.execute("CREATE FUNCTION interop_udf.acc(st int, v int) CALLED ON NULL INPUT "
              "RETURNS int LANGUAGE java AS 'return st + v;'")
    s.execute("CREATE AGGREGATE interop_udf.total(int) SFUNC acc STYPE int INITCOND 0")
    c.refresh_schema_metadata()
    ks = c.metadata.keyspaces["interop_udf"]
    check("plus(int,int)" in ks.functions, f"functions {list(ks.functions)}")
    check("total(int)" in ks.aggregates, f"aggregates {list(ks.aggregates)}")
    check(ks.aggregates["total(int)"].state_func == "acc", "state function")
    s.execute("DROP AGGREGATE interop_udf.total")
    c.refresh_schema_metadata()
    check("total(int)" not in c.metadata.keyspaces["interop_udf"].aggregates, "dropped")


@scenario
def user_functions_and_aggregates_run(env):
    s = env.session()
    fresh_keyspace(s, "interop_udf_run")
    s.execute("CREATE TABLE interop_udf_run.t (k int, c int, v int, PRIMARY KEY (k, c))")
    s.execute("CREATE FUNCTION interop_udf_run.twice_plus(v int, n int) RETURNS NULL ON NULL INPUT "
              "RETURNS int LANGUAGE java AS 'return v * 2 + n;'")
    s.execute("CREATE FUNCTION interop_udf_run.inv(v int) CALLED ON NULL INPUT "
              "RETURNS int LANGUAGE java AS 'return 100 / v;'")
    s.execute("CREATE FUNCTION interop_udf_run.avg_state(state tuple<int, bigint>, val int) "
              "CALLED ON NULL INPUT RETURNS tuple<int, bigint> LANGUAGE java AS "
              "'if (val != null) { state.setInt(0, state.getInt(0) + 1); "
              "state.setLong(1, state.getLong(1) + val.intValue()); } return state;'")
    s.execute("CREATE FUNCTION interop_udf_run.avg_final(state tuple<int, bigint>) "
              "CALLED ON NULL INPUT RETURNS double LANGUAGE java AS "
              "'double r = 0; if (state.getInt(0) == 0) return null; r = state.getLong(1); "
              "r /= state.getInt(0); return Double.valueOf(r);'")
    s.execute("CREATE AGGREGATE interop_udf_run.average(int) SFUNC avg_state "
              "STYPE tuple<int, bigint> FINALFUNC avg_final INITCOND (0, 0)")
    insert = s.prepare("INSERT INTO interop_udf_run.t (k, c, v) VALUES (1, ?, ?)")
    for c, v in [(1, 1), (2, 2), (3, None), (4, 4)]:
        s.execute(insert, (c, v))
    rows = list(s.execute("SELECT interop_udf_run.twice_plus(v, 1) AS f FROM interop_udf_run.t WHERE k = 1"))
    check([r.f for r in rows] == [3, 5, None, 9], f"UDF values {rows}")
    select = s.prepare("SELECT interop_udf_run.twice_plus(v, ?) FROM interop_udf_run.t WHERE k = ? AND c = ?")
    row = s.execute(select, (10, 1, 2)).one()
    check(row[0] == 14, f"prepared UDF {row}")
    avg = s.execute("SELECT interop_udf_run.average(v) FROM interop_udf_run.t WHERE k = 1").one()[0]
    check(abs(avg - 7 / 3) < 1e-12, f"average {avg}")
    empty = s.execute("SELECT interop_udf_run.average(v) FROM interop_udf_run.t WHERE k = 2").one()[0]
    check(empty is None, f"average of nothing {empty}")
    s.execute("INSERT INTO interop_udf_run.t (k, c, v) VALUES (3, 1, 0)")
    try:
        s.execute("SELECT interop_udf_run.inv(v) FROM interop_udf_run.t WHERE k = 3")
        check(False, "division by zero answered")
    except FunctionFailure as e:
        check("execution of 'interop_udf_run.inv[int]' failed: java.lang.ArithmeticException: / by zero"
              in str(e), f"failure {e}")
    try:
        s.prepare("UPDATE interop_udf_run.t SET v = ? WHERE c = ?")
        check(False, "partial key prepared")
    except InvalidRequest as e:
        check("Some partition key parts are missing: k" in str(e), f"prepare error {e}")


@scenario
def materialized_views(env):
    s = env.session()
    fresh_keyspace(s, "interop_mv")
    s.execute("CREATE TABLE interop_mv.users (id int PRIMARY KEY, email text, name text)")
    rs = s.execute("CREATE MATERIALIZED VIEW interop_mv.by_email AS SELECT id, email, name "
                   "FROM interop_mv.users WHERE email IS NOT NULL AND id IS NOT NULL "
                   "PRIMARY KEY (email, id)")
    warnings = rs.response_future.warnings or []
    check(warnings == ["Materialized views are experimental and are not recommended for "
                       "production use."], f"warnings {warnings}")
    for i, (email, name) in enumerate([("b@x", "Bo"), ("a@x", "Al")]):
        s.execute("INSERT INTO interop_mv.users (id, email, name) VALUES (%s, %s, %s)",
                  (i, email, name))
    rows = list(s.execute("SELECT email, name FROM interop_mv.by_email WHERE email = 'a@x'"))
    check([(r.email, r.name) for r in rows] == [("a@x", "Al")], f"view rows {rows}")
    s.execute("UPDATE interop_mv.users SET email = 'c@x' WHERE id = 1")
    check(not list(s.execute("SELECT * FROM interop_mv.by_email WHERE email = 'a@x'")),
          "old view row gone")
    check(s.cluster.metadata.keyspaces["interop_mv"].views.get("by_email") is not None,
          "view metadata")


@scenario
def json_round_trip(env):
    s = env.session()
    fresh_keyspace(s, "interop_json")
    s.execute("CREATE TABLE interop_json.t (k int PRIMARY KEY, name text, tags set<text>, "
              "at timestamp, score double)")
    s.execute("INSERT INTO interop_json.t JSON '{\"k\": 1, \"name\": \"ann\", "
              "\"tags\": [\"b\", \"a\"], \"at\": \"2021-03-04 05:06:07.000Z\", "
              "\"score\": 2.5}'")
    prepared = s.prepare("INSERT INTO interop_json.t JSON ? DEFAULT UNSET")
    s.execute(prepared, ['{"k": 1, "score": 3.0}'])
    row = s.execute("SELECT JSON * FROM interop_json.t WHERE k = 1").one()
    want = ('{"k": 1, "at": "2021-03-04 05:06:07.000Z", "name": "ann", "score": 3.0, '
            '"tags": ["a", "b"]}')
    check(row[0] == want, f"json {row[0]}")
    check(list(row._fields) == ["json"] or list(row._fields) == ["[json]"], f"{row._fields}")
    r = s.execute("SELECT toJson(tags) AS j FROM interop_json.t WHERE k = 1").one()
    check(r.j == '["a", "b"]', f"toJson {r.j}")
    try:
        s.execute("""INSERT INTO interop_json.t JSON '{"k": 2, "nope": 1}'""")
        raise AssertionError("unknown column accepted")
    except InvalidRequest as e:
        check("JSON values map contains unrecognized column: nope" in str(e), str(e))


@scenario
def warnings_after_large_batch(env):
    s = env.session()
    fresh_keyspace(s, "interop_warn")
    s.execute("CREATE TABLE interop_warn.t (k int PRIMARY KEY, v text)")
    batch = BatchStatement(batch_type=BatchType.LOGGED)
    for k in range(4):
        batch.add(SimpleStatement("INSERT INTO interop_warn.t (k, v) VALUES (%s, %s)"),
                  (k, "x" * 2000))
    rs = s.execute(batch)
    warnings = rs.response_future.warnings or []
    check(len(warnings) == 1 and warnings[0].startswith("Batch for [interop_warn.t] is of size ")
          and "exceeding specified threshold of 5.000KiB" in warnings[0], f"warnings {warnings}")
    rs = s.execute("SELECT count(*) FROM interop_warn.t")
    check(rs.one()[0] == 4, "count")
    check(rs.response_future.warnings == ["Aggregation query used without partition key"],
          f"aggregation warnings {rs.response_future.warnings}")
    rs = s.execute("SELECT v FROM interop_warn.t WHERE k = 1")
    check(not rs.response_future.warnings, "no warnings on a plain read")


@scenario
def roles_and_permissions(env):
    """Needs a node with the authorizer and the cassandra/cassandra superuser."""
    if not env.args.user:
        return "SKIP"
    from cassandra import Unauthorized
    admin = env.session()
    fresh_keyspace(admin, "interop_roles")
    admin.execute("CREATE TABLE interop_roles.t (k int PRIMARY KEY, v int)")
    admin.execute("INSERT INTO interop_roles.t (k, v) VALUES (1, 10)")
    admin.execute("DROP ROLE IF EXISTS reader")
    admin.execute("CREATE ROLE reader WITH PASSWORD = 'r3ad' AND LOGIN = true")
    roles = {r.role: (r.super, r.login) for r in admin.execute("LIST ROLES")}
    check(roles.get("reader") == (False, True), f"roles {roles}")
    reader = env.session(auth_provider=PlainTextAuthProvider("reader", "r3ad"))
    try:
        reader.execute("SELECT v FROM interop_roles.t WHERE k = 1")
        raise AssertionError("read without permission")
    except Unauthorized as e:
        check("User reader has no SELECT permission on <table interop_roles.t> or any of its "
              "parents" in str(e), str(e))
    admin.execute("GRANT SELECT ON KEYSPACE interop_roles TO reader")
    check(reader.execute("SELECT v FROM interop_roles.t WHERE k = 1").one().v == 10, "granted")
    perms = [(p.role, p.resource, p.permission)
             for p in admin.execute("LIST ALL PERMISSIONS OF reader")]
    check(perms == [("reader", "<keyspace interop_roles>", "SELECT")], f"perms {perms}")
    try:
        reader.execute("INSERT INTO interop_roles.t (k, v) VALUES (2, 2)")
        raise AssertionError("write without permission")
    except Unauthorized:
        pass
    admin.execute("REVOKE SELECT ON KEYSPACE interop_roles FROM reader")
    try:
        reader.execute("SELECT v FROM interop_roles.t WHERE k = 1")
        raise AssertionError("read after revoke")
    except Unauthorized:
        pass
    try:
        env.session(auth_provider=PlainTextAuthProvider("reader", "wrong"))
        raise AssertionError("wrong password accepted")
    except NoHostAvailable:
        pass
    rows = list(admin.execute("SELECT role, can_login FROM system_auth.roles WHERE role = 'reader'"))
    check([(r.role, r.can_login) for r in rows] == [("reader", True)], f"system_auth {rows}")


# --- runner --------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9042)
    p.add_argument("--tls-ca")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--only", action="append")
    args = p.parse_args()
    env = Env(args)
    passed = failed = skipped = 0
    for fn in SCENARIOS:
        if args.only and fn.__name__ not in args.only:
            continue
        try:
            if fn(env) == "SKIP":
                print(f"SKIP {fn.__name__}", flush=True)
                skipped += 1
            else:
                print(f"PASS {fn.__name__}", flush=True)
                passed += 1
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc(file=sys.stdout)
            failed += 1
        finally:
            env.close()
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
