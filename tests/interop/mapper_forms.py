"""The statement forms the object mapper sends, run through the real Python driver as
prepared statements with bound values, with Cassandra 4.1's answers as the expectation.

Run as `python mapper_forms.py --host 127.0.0.1 --port 9042 [--only name]`. Each scenario
prints `PASS name` or `FAIL name: ...`; the last line is `summary: N passed, M failed`.
Every identifier is double-quoted and every table keyspace-qualified, as the mapper
writes them.
"""

import argparse
import datetime
import sys
import traceback
import uuid

from cassandra import InvalidRequest, ProtocolVersion
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import RoundRobinPolicy
from cassandra.query import BatchStatement, BatchType, UNSET_VALUE
from cassandra.util import uuid_from_time

KS = "mapper_forms"
SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


class Env:
    def __init__(self, session):
        self.s = session
        self.prepared = {}

    def prep(self, q):
        if q not in self.prepared:
            self.prepared[q] = self.s.prepare(q)
        return self.prepared[q]

    def run(self, q, values=()):
        return self.s.execute(self.prep(q), values)

    def rows(self, q, values=()):
        return [tuple(r) for r in self.run(q, values)]

    def ddl(self, q):
        return self.s.execute(q)

    def invalid(self, q, values, message, at_prepare=False):
        """The statement is refused with Invalid (code 0x2200) and this exact message."""
        try:
            if at_prepare:
                self.s.prepare(q)
            else:
                self.run(q, values)
        except InvalidRequest as e:
            text = str(e)
            check(f'message="{message}"' in text, f"{q}: {text}\n  want {message!r}")
            return
        raise AssertionError(f"{q}: accepted, want Invalid {message!r}")


def applied_row(result):
    """The LWT answer as (column names, values)."""
    cols = list(result.column_names)
    rows = list(result.current_rows)
    check(len(rows) == 1, f"one LWT row, got {rows}")
    return cols, tuple(rows[0])


def setup(env):
    env.ddl(f'DROP KEYSPACE IF EXISTS "{KS}"')
    env.ddl(f"CREATE KEYSPACE \"{KS}\" WITH replication = "
            "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    env.ddl(f'CREATE TABLE IF NOT EXISTS "{KS}"."t" ("p1" int, "p2" text, "c1" int, "c2" int, '
            '"a" text, "b" int, "st" text static, "l" list<int>, "s" set<text>, '
            '"m" map<text, int>, PRIMARY KEY (("p1", "p2"), "c1", "c2"))')
    env.ddl(f'CREATE TABLE IF NOT EXISTS "{KS}"."mixed" ("p" int, "c1" int, "c2" int, "v" int, '
            'PRIMARY KEY ("p", "c1", "c2")) WITH CLUSTERING ORDER BY ("c1" ASC, "c2" DESC)')
    env.ddl(f'CREATE TABLE IF NOT EXISTS "{KS}"."tu" ("p" int, "u" timeuuid, "v" int, '
            'PRIMARY KEY ("p", "u"))')
    env.ddl(f'CREATE TABLE IF NOT EXISTS "{KS}"."cnt" ("p" int PRIMARY KEY, "n" counter)')
    env.ddl(f'CREATE TABLE IF NOT EXISTS "{KS}"."ix" ("p" int, "c" int, "a" text, '
            '"tags" set<text>, "attrs" map<text, text>, "name" text, "fl" frozen<list<int>>, '
            '"nm" text, "n" int, PRIMARY KEY ("p", "c"))')
    env.ddl(f'CREATE INDEX IF NOT EXISTS "ix_a" ON "{KS}"."ix" ("a")')
    env.ddl(f'CREATE INDEX IF NOT EXISTS "ix_tags" ON "{KS}"."ix" (values("tags"))')
    env.ddl(f'CREATE INDEX IF NOT EXISTS "ix_attrs_keys" ON "{KS}"."ix" (keys("attrs"))')
    env.ddl(f'CREATE INDEX IF NOT EXISTS "ix_attrs_entries" ON "{KS}"."ix" (entries("attrs"))')
    env.ddl(f'CREATE INDEX IF NOT EXISTS "ix_fl" ON "{KS}"."ix" (full("fl"))')
    env.ddl(f'CREATE CUSTOM INDEX IF NOT EXISTS "ix_name" ON "{KS}"."ix" ("name") '
            "USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}")


T = f'"{KS}"."t"'


def fill_t(env):
    env.run(f'TRUNCATE {T}') if False else env.ddl(f"TRUNCATE {T}")
    q = f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b") VALUES (?, ?, ?, ?, ?, ?)'
    for p1 in (1, 2):
        for c1 in (1, 2):
            for c2 in (1, 2, 3):
                env.run(q, (p1, "x", c1, c2, f"a{c1}{c2}", c1 * 10 + c2))


# --- SELECT ---------------------------------------------------------------------------------

@scenario
def select_full_form(env):
    fill_t(env)
    q = (f'SELECT "a", "b" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" > ? '
         'ORDER BY "c1" DESC, "c2" DESC PER PARTITION LIMIT ? LIMIT ? ALLOW FILTERING')
    eq(env.rows(q, (1, "x", 1, 1, 5, 10)), [("a13", 13), ("a12", 12)], "desc order")
    eq(env.rows(q, (1, "x", 1, 1, 1, 10)), [("a13", 13)], "per partition limit")
    eq(env.rows(q, (1, "x", 1, 0, 5, 2)), [("a13", 13), ("a12", 12)], "limit")
    q = (f'SELECT "a" FROM {T} WHERE "p1" = ? AND "p2" = ? ORDER BY "c1" ASC, "c2" ASC')
    eq([r[0] for r in env.rows(q, (1, "x"))], ["a11", "a12", "a13", "a21", "a22", "a23"], "asc")
    # A mixed clustering order reverses only as a whole.
    m = f'"{KS}"."mixed"'
    for c1 in (1, 2):
        for c2 in (1, 2):
            env.run(f'INSERT INTO {m} ("p", "c1", "c2", "v") VALUES (?, ?, ?, ?)', (1, c1, c2, c1 * 10 + c2))
    eq([r[0] for r in env.rows(f'SELECT "v" FROM {m} WHERE "p" = ?', (1,))], [12, 11, 22, 21], "mixed")
    eq([r[0] for r in env.rows(f'SELECT "v" FROM {m} WHERE "p" = ? ORDER BY "c1" DESC, "c2" ASC', (1,))],
       [21, 22, 11, 12], "mixed reversed")
    env.invalid(f'SELECT "v" FROM {m} WHERE "p" = ? ORDER BY "c1" DESC, "c2" DESC', (1,),
                "Unsupported order by relation", at_prepare=True)
    # PER PARTITION LIMIT over several partitions
    q = f'SELECT "p1", "c1", "c2" FROM {T} WHERE "p1" IN ? AND "p2" = ? PER PARTITION LIMIT ?'
    eq(env.rows(q, ([2, 1], "x", 2)), [(1, 1, 1), (1, 1, 2), (2, 1, 1), (2, 1, 2)], "ppl over IN")


@scenario
def select_in_markers(env):
    fill_t(env)
    q = f'SELECT "p1", "c1", "c2" FROM {T} WHERE "p1" IN ? AND "p2" = ? AND "c1" = ? AND "c2" = ?'
    eq(env.rows(q, ([2, 1, 2], "x", 1, 1)), [(1, 1, 1), (2, 1, 1)], "partition IN")
    q = f'SELECT "c1", "c2" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" IN ?'
    eq(env.rows(q, (1, "x", [2, 1])), [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)], "clustering IN")
    q = f'SELECT "c2" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" IN ?'
    eq(env.rows(q, (1, "x", 2, [3, 1, 7])), [(1,), (3,)], "last clustering IN")
    eq(env.rows(q, (1, "x", 2, [])), [], "empty IN")
    # IN on the partition key with ORDER BY pages only when the limit fits a page
    q = f'SELECT "c1" FROM {T} WHERE "p1" IN ? AND "p2" = ? ORDER BY "c1" DESC'
    env.invalid(q, ([1, 2], "x"),
                "Cannot page queries with both ORDER BY and a IN restriction on the partition key; "
                "you must either remove the ORDER BY or the IN and sort client side, or disable "
                "paging for this query")
    q = f'SELECT "p1", "c1" FROM {T} WHERE "p1" IN ? AND "p2" = ? AND "c1" = ? ORDER BY "c1" DESC, "c2" DESC LIMIT ?'
    eq(env.rows(q, ([1, 2], "x", 2, 2)), [(1, 2), (1, 2)], "IN + ORDER BY + LIMIT")


@scenario
def select_token(env):
    fill_t(env)
    all_rows = env.rows(f'SELECT DISTINCT "p1", "p2", token("p1", "p2") FROM {T}')
    eq(len(all_rows), 2, "distinct partitions")
    tokens = [r[2] for r in all_rows]
    check(tokens == sorted(tokens), "token order")
    q = f'SELECT DISTINCT "p1", "p2" FROM {T} WHERE token("p1", "p2") > ?'
    eq(env.rows(q, (tokens[0],)), [all_rows[1][:2]], "token > bigint")
    q = f'SELECT DISTINCT "p1", "p2" FROM {T} WHERE token("p1", "p2") > token(?, ?)'
    eq(env.rows(q, all_rows[0][:2]), [all_rows[1][:2]], "token > token(?, ?)")
    q = f'SELECT DISTINCT "p1", "p2" FROM {T} WHERE token("p1", "p2") >= ? AND token("p1", "p2") <= ?'
    eq(env.rows(q, (tokens[0], tokens[0])), [all_rows[0][:2]], "token range")
    cnt = f'"{KS}"."cnt"'
    tu = f'"{KS}"."tu"'
    env.run(f'INSERT INTO {tu} ("p", "u", "v") VALUES (?, ?, ?)', (1, uuid.uuid1(), 1))
    env.run(f'INSERT INTO {tu} ("p", "u", "v") VALUES (?, ?, ?)', (2, uuid.uuid1(), 2))
    ps = env.rows(f'SELECT "p", token("p") FROM {tu}')
    q = f'SELECT "p" FROM {tu} WHERE token("p") > token(?)'
    eq([r[0] for r in env.rows(q, (ps[0][0],))], [p for p, _ in ps[1:]], "token(p) > token(?)")
    del cnt


@scenario
def select_timeuuid_bounds(env):
    tu = f'"{KS}"."tu"'
    env.ddl(f"TRUNCATE {tu}")
    base = datetime.datetime(2024, 1, 1, 12, 0, 0)
    for i in range(5):
        at = base + datetime.timedelta(minutes=i)
        env.run(f'INSERT INTO {tu} ("p", "u", "v") VALUES (?, ?, ?)',
                (7, uuid_from_time(at), i))
    q = f'SELECT "v" FROM {tu} WHERE "p" = ? AND "u" > minTimeuuid(?) AND "u" < maxTimeuuid(?)'
    got = [r[0] for r in env.rows(q, (7, base + datetime.timedelta(minutes=1),
                                      base + datetime.timedelta(minutes=3)))]
    eq(got, [1, 2, 3], "between min/max timeuuid")
    q = f'SELECT "v" FROM {tu} WHERE "p" = ? AND "u" >= minTimeuuid(?) ORDER BY "u" DESC'
    eq([r[0] for r in env.rows(q, (7, base + datetime.timedelta(minutes=3)))], [4, 3], "desc from")


@scenario
def select_count_and_distinct(env):
    fill_t(env)
    r = env.run(f'SELECT COUNT(*) FROM {T} WHERE "p1" = ? AND "p2" = ?', (1, "x"))
    eq(list(r.column_names), ["count"], "count column")
    eq([tuple(x) for x in r], [(6,)], "count")
    r = env.run(f'SELECT COUNT(*) FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ?', (1, "x", 2))
    eq([tuple(x) for x in r], [(3,)], "count slice")
    eq(sorted(env.rows(f'SELECT DISTINCT "p1", "p2" FROM {T}')), [(1, "x"), (2, "x")], "distinct")
    env.run(f'UPDATE {T} SET "st" = ? WHERE "p1" = ? AND "p2" = ?', ("s1", 1, "x"))
    eq(sorted(env.rows(f'SELECT DISTINCT "p1", "p2", "st" FROM {T}')),
       [(1, "x", "s1"), (2, "x", None)], "distinct static")
    env.invalid(f'SELECT DISTINCT "p1", "a" FROM {T}', (),
                "SELECT DISTINCT queries must only request partition key columns and/or static "
                "columns (not a)", at_prepare=True)
    env.invalid(f'SELECT DISTINCT "p1" FROM {T}', (),
                "SELECT DISTINCT queries must request all the partition key columns (missing p2)",
                at_prepare=True)


IX = f'"{KS}"."ix"'


def fill_ix(env):
    env.ddl(f"TRUNCATE {IX}")
    q = (f'INSERT INTO {IX} ("p", "c", "a", "tags", "attrs", "name", "fl", "nm", "n") '
         'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    env.run(q, (1, 1, "x", {"red", "blue"}, {"k1": "v1"}, "abc", [1, 2], "abc", 1))
    env.run(q, (1, 2, "y", {"red"}, {"k2": "v2"}, "xaby", [3], "xaby", 2))
    env.run(q, (2, 1, "x", {"green"}, {"k1": "other"}, "zzab", [1, 2], "zzab", 3))
    env.run(q, (3, 1, "z", set(), {}, "nothing", [], "nothing", 4))


def keys_of(rows):
    return sorted((r[0], r[1]) for r in rows)


@scenario
def select_secondary_indexes(env):
    fill_ix(env)
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "a" = ?', ("x",))), [(1, 1), (2, 1)], "= on index")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "tags" CONTAINS ?', ("red",))),
       [(1, 1), (1, 2)], "CONTAINS on indexed set")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "attrs" CONTAINS KEY ?', ("k1",))),
       [(1, 1), (2, 1)], "CONTAINS KEY on keys() index")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "attrs"[?] = ?', ("k1", "v1"))),
       [(1, 1)], "entries() index")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "fl" = ?', ([1, 2],))),
       [(1, 1), (2, 1)], "full() index")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "p" = ? AND "a" = ?', (1, "x"))),
       [(1, 1)], "index within a partition")
    # an index and a non-indexed column: filtering
    env.invalid(f'SELECT "p" FROM {IX} WHERE "a" = ? AND "n" = ?', ("x", 1),
                "Cannot execute this query as it might involve data filtering and thus may have "
                "unpredictable performance. If you want to execute this query despite the "
                "performance unpredictability, use ALLOW FILTERING", at_prepare=True)
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "a" = ? AND "n" = ? ALLOW FILTERING',
                        ("x", 3))), [(2, 1)], "index + filtering")
    # CONTAINS on a map's values has no index here (keys and entries only)
    env.invalid(f'SELECT "p" FROM {IX} WHERE "attrs" CONTAINS ?', ("v1",),
                "Cannot execute this query as it might involve data filtering and thus may have "
                "unpredictable performance. If you want to execute this query despite the "
                "performance unpredictability, use ALLOW FILTERING", at_prepare=True)
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "attrs" CONTAINS ? ALLOW FILTERING', ("v1",))),
       [(1, 1)], "CONTAINS values filtered")


@scenario
def select_like_sasi(env):
    fill_ix(env)
    q = f'SELECT "p", "c" FROM {IX} WHERE "name" LIKE ?'
    eq(keys_of(env.rows(q, ("ab%",))), [(1, 1)], "prefix")
    eq(keys_of(env.rows(q, ("%ab",))), [(2, 1)], "suffix")
    eq(keys_of(env.rows(q, ("%ab%",))), [(1, 1), (1, 2), (2, 1)], "contains")
    eq(keys_of(env.rows(q, ("abc",))), [(1, 1)], "exact")
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "name" = ?', ("xaby",))), [(1, 2)], "= on SASI")


@scenario
def select_refusals(env):
    fill_ix(env)
    filtering = ("Cannot execute this query as it might involve data filtering and thus may have "
                 "unpredictable performance. If you want to execute this query despite the "
                 "performance unpredictability, use ALLOW FILTERING")
    env.invalid(f'SELECT "p" FROM {IX} WHERE "nm" = ?', ("abc",), filtering, at_prepare=True)
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "nm" = ? ALLOW FILTERING', ("abc",))),
       [(1, 1)], "filtering")
    env.invalid(f'SELECT "p" FROM {IX} WHERE "nm" LIKE ?', ("ab%",),
                "LIKE restriction is only supported on properly indexed columns. nm LIKE ? is not valid.",
                at_prepare=True)
    env.invalid(f'SELECT "p" FROM {IX} WHERE "nm" LIKE ? ALLOW FILTERING', ("ab%",),
                "LIKE restriction is only supported on properly indexed columns. nm LIKE ? is not valid.",
                at_prepare=True)
    # IN on a regular column filters (Cassandra 4.0+), never through an index
    env.invalid(f'SELECT "p" FROM {IX} WHERE "nm" IN ?', (["abc"],), filtering, at_prepare=True)
    env.invalid(f'SELECT "p" FROM {IX} WHERE "a" IN ?', (["x"],), filtering, at_prepare=True)
    eq(keys_of(env.rows(f'SELECT "p", "c" FROM {IX} WHERE "nm" IN ? ALLOW FILTERING', (["abc", "zzab"],))),
       [(1, 1), (2, 1)], "IN filtered")
    env.invalid(f'SELECT "p" FROM {IX} WHERE "tags" CONTAINS KEY ?', ("red",),
                "Cannot use CONTAINS KEY on non-map column tags", at_prepare=True)
    env.invalid(f'SELECT "p" FROM {IX} WHERE "nm" CONTAINS ?', ("red",),
                "Cannot use CONTAINS on non-collection column nm", at_prepare=True)


# --- INSERT --------------------------------------------------------------------------------

@scenario
def insert_forms(env):
    env.ddl(f"TRUNCATE {T}")
    q = (f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b") VALUES (?, ?, ?, ?, ?, ?) '
         'IF NOT EXISTS USING TTL ? AND TIMESTAMP ?')
    env.invalid(q, (1, "x", 1, 1, "a", 1, 100, 1000),
                "Cannot provide custom timestamp for conditional updates", at_prepare=True)
    q = (f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b") VALUES (?, ?, ?, ?, ?, ?) '
         'IF NOT EXISTS USING TTL ?')
    r = env.run(q, (1, "x", 1, 1, "a", 1, 1000))
    eq(applied_row(r), (["[applied]"], (True,)), "applied")
    r = env.run(q, (1, "x", 1, 1, "other", 2, 1000))
    cols, vals = applied_row(r)
    eq(cols, ["[applied]", "p1", "p2", "c1", "c2", "st", "a", "b", "l", "m", "s"], "not applied columns")
    eq(vals, (False, 1, "x", 1, 1, None, "a", 1, None, None, None), "existing row")
    ttl, wt = env.rows(f'SELECT TTL("b"), WRITETIME("b") FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?',
                       (1, "x", 1, 1))[0]
    check(990 <= ttl <= 1000, f"ttl {ttl}")
    check(wt > 1_600_000_000_000_000, f"writetime {wt}")
    # TTL alone, TIMESTAMP alone
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) USING TTL ?',
            (1, "x", 1, 2, "t", 50))
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
            (1, "x", 1, 3, "ts", 12345))
    r = env.rows(f'SELECT "c2", TTL("a"), WRITETIME("a") FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ?',
                 (1, "x", 1))
    eq([x[0] for x in r], [1, 2, 3], "rows")
    check(45 <= r[1][1] <= 50 and r[2][1] is None and r[2][2] == 12345, f"ttl/timestamp {r}")
    # an older timestamp loses
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
            (1, "x", 1, 3, "old", 100))
    eq(env.rows(f'SELECT "a" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?', (1, "x", 1, 3)),
       [("ts",)], "older write loses")
    # TTL 0 means no TTL; a negative TTL is refused
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) USING TTL ?',
            (1, "x", 1, 4, "z", 0))
    eq(env.rows(f'SELECT TTL("a") FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?', (1, "x", 1, 4)),
       [(None,)], "ttl 0")
    env.invalid(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) USING TTL ?',
                (1, "x", 1, 5, "z", -1), "A TTL must be greater or equal to 0, but was -1")


@scenario
def insert_unset_leaves_columns(env):
    env.ddl(f"TRUNCATE {T}")
    q = f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b", "l") VALUES (?, ?, ?, ?, ?, ?, ?)'
    env.run(q, (5, "u", 1, 1, "keep", 7, [1, 2]))
    env.run(q, (5, "u", 1, 1, UNSET_VALUE, 8, UNSET_VALUE))
    eq(env.rows(f'SELECT "a", "b", "l" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?',
                (5, "u", 1, 1)), [("keep", 8, [1, 2])], "unset left the columns")
    # null writes a tombstone
    env.run(q, (5, "u", 1, 1, None, 8, None))
    eq(env.rows(f'SELECT "a", "b", "l" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?',
                (5, "u", 1, 1)), [(None, 8, None)], "null deleted")


# --- UPDATE --------------------------------------------------------------------------------

def row_t(env, cols, key):
    return env.rows(f'SELECT {cols} FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?', key)


@scenario
def update_collections(env):
    env.ddl(f"TRUNCATE {T}")
    key = (9, "k", 1, 1)
    where = 'WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?'
    env.run(f'UPDATE {T} USING TTL ? AND TIMESTAMP ? SET "a" = ?, "l" = ?, "s" = ?, "m" = ? {where}',
            (500, 1_000_000, "A", [1, 2], {"x"}, {"a": 1}) + key)
    env.run(f'UPDATE {T} SET "l" = "l" + ? {where}', ([3],) + key)
    env.run(f'UPDATE {T} SET "l" = ? + "l" {where}', ([0],) + key)
    eq(row_t(env, '"l"', key), [([0, 1, 2, 3],)], "append/prepend")
    env.run(f'UPDATE {T} SET "l" = "l" - ? {where}', ([2],) + key)
    env.run(f'UPDATE {T} SET "l"[?] = ? {where}', (0, 10) + key)
    eq(row_t(env, '"l"', key), [([10, 1, 3],)], "remove/set by index")
    env.invalid(f'UPDATE {T} SET "l"[?] = ? {where}', (5, 1) + key,
                "List index 5 out of bound, list has size 3")
    env.run(f'UPDATE {T} SET "s" = "s" + ? {where}', ({"y", "z"},) + key)
    env.run(f'UPDATE {T} SET "s" = "s" - ? {where}', ({"x"},) + key)
    eq(row_t(env, '"s"', key), [({"y", "z"},)], "set add/remove")
    env.run(f'UPDATE {T} SET "m"[?] = ? {where}', ("b", 2) + key)
    env.run(f'UPDATE {T} SET "m" = "m" + ? {where}', ({"c": 3},) + key)
    env.run(f'UPDATE {T} SET "m" = "m" - ? {where}', ({"a"},) + key)
    eq(row_t(env, '"m"', key), [({"b": 2, "c": 3},)], "map put/putall/remove keys")
    env.run(f'UPDATE {T} SET "st" = ? WHERE "p1" = ? AND "p2" = ?', ("static", 9, "k"))
    eq(row_t(env, '"st", "a"', key), [("static", "A")], "static")
    ttl, wt = row_t(env, 'TTL("a"), WRITETIME("a")', key)[0]
    check(490 <= ttl <= 500 and wt == 1_000_000, f"ttl {ttl} writetime {wt}")
    env.invalid(f'UPDATE {T} SET "a" = ? WHERE "p1" = ? AND "p2" = ?', ("x", 9, "k"),
                "Some clustering keys are missing: c1, c2", at_prepare=True)
    # a null collection assignment deletes it; removing from an absent one is a no-op
    env.run(f'UPDATE {T} SET "s" = ? {where}', (None,) + key)
    env.run(f'UPDATE {T} SET "s" = "s" - ? {where}', ({"q"},) + key)
    eq(row_t(env, '"s"', key), [(None,)], "null set")


@scenario
def update_conditions(env):
    env.ddl(f"TRUNCATE {T}")
    key = (3, "c", 1, 1)
    where = 'WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?'
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF EXISTS', ("v",) + key)
    eq(applied_row(r), (["[applied]"], (False,)), "IF EXISTS on a missing row")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" = ? AND "b" > ?', ("v",) + key + ("x", 1))
    eq(applied_row(r), (["[applied]"], (False,)), "conditions on a missing row")
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b") VALUES (?, ?, ?, ?, ?, ?)', key + ("a0", 5))
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF EXISTS', ("a1",) + key)
    eq(applied_row(r), (["[applied]"], (True,)), "IF EXISTS applied")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" = ? AND "b" > ?', ("a2",) + key + ("a1", 9))
    eq(applied_row(r), (["[applied]", "a", "b"], (False, "a1", 5)), "condition columns")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "b" > ? AND "a" = ?', ("a2",) + key + (9, "a1"))
    eq(applied_row(r), (["[applied]", "b", "a"], (False, 5, "a1")), "condition columns in IF order")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" = ? AND "b" > ?', ("a2",) + key + ("a1", 4))
    eq(applied_row(r), (["[applied]"], (True,)), "conditions applied")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" IN ?', ("a3",) + key + (["x", "y"],))
    eq(applied_row(r), (["[applied]", "a"], (False, "a2")), "IN not applied")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" IN ?', ("a3",) + key + (["x", "a2"],))
    eq(applied_row(r), (["[applied]"], (True,)), "IN applied")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" != ?', ("a4",) + key + ("a3",))
    eq(applied_row(r), (["[applied]", "a"], (False, "a3")), "!= not applied")
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "a" != ?', ("a4",) + key + ("zz",))
    eq(applied_row(r), (["[applied]"], (True,)), "!= applied")
    # a null column: = null holds, > fails
    r = env.run(f'UPDATE {T} SET "a" = ? {where} IF "st" = ?', ("a5",) + key + (None,))
    eq(applied_row(r), (["[applied]"], (True,)), "IF st = null")
    env.invalid(f'UPDATE {T} USING TIMESTAMP ? SET "a" = ? {where} IF EXISTS', (1, "v") + key,
                "Cannot provide custom timestamp for conditional updates", at_prepare=True)
    r = env.run(f'UPDATE {T} USING TTL ? SET "a" = ? {where} IF EXISTS', (100, "ttl") + key)
    eq(applied_row(r), (["[applied]"], (True,)), "LWT with TTL")
    # the static column alone, partition key only
    r = env.run(f'UPDATE {T} SET "st" = ? WHERE "p1" = ? AND "p2" = ? IF "st" = ?', ("s1", 3, "c", "nope"))
    eq(applied_row(r), (["[applied]", "st"], (False, None)), "static condition")


@scenario
def update_counters(env):
    cnt = f'"{KS}"."cnt"'
    env.ddl(f"TRUNCATE {cnt}")
    env.run(f'UPDATE {cnt} SET "n" = "n" + ? WHERE "p" = ?', (5, 1))
    env.run(f'UPDATE {cnt} SET "n" = "n" - ? WHERE "p" = ?', (2, 1))
    eq(env.rows(f'SELECT "n" FROM {cnt} WHERE "p" = ?', (1,)), [(3,)], "counter")
    # (checked when executed: these prepare)
    env.invalid(f'UPDATE {cnt} USING TTL ? SET "n" = "n" + ? WHERE "p" = ?', (10, 1, 1),
                "Cannot provide custom TTL for counter updates")
    env.invalid(f'UPDATE {cnt} USING TIMESTAMP ? SET "n" = "n" + ? WHERE "p" = ?', (10, 1, 1),
                "Cannot provide custom timestamp for counter updates")
    env.invalid(f'UPDATE {cnt} SET "n" = ? WHERE "p" = ?', (10, 1),
                "Cannot set the value of counter column n (counters can only be incremented/decremented, not set)",
                at_prepare=True)
    env.invalid(f'INSERT INTO {cnt} ("p", "n") VALUES (?, ?)', (1, 1),
                "INSERT statements are not allowed on counter tables, use UPDATE instead",
                at_prepare=True)
    env.invalid(f'UPDATE {cnt} SET "n" = "n" + ? WHERE "p" = ? IF EXISTS', (1, 1),
                "Conditional updates are not supported on counter tables", at_prepare=True)


# --- DELETE --------------------------------------------------------------------------------

@scenario
def delete_forms(env):
    fill_t(env)
    env.run(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" > ? AND "c2" <= ?',
            (1, "x", 1, 1, 3))
    eq(env.rows(f'SELECT "c1", "c2" FROM {T} WHERE "p1" = ? AND "p2" = ?', (1, "x")),
       [(1, 1), (2, 1), (2, 2), (2, 3)], "range delete")
    env.run(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ?', (1, "x", 2))
    eq(env.rows(f'SELECT "c1", "c2" FROM {T} WHERE "p1" = ? AND "p2" = ?', (1, "x")), [(1, 1)], "prefix delete")
    env.run(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?', (1, "x", 1, 1))
    eq(env.rows(f'SELECT "c1" FROM {T} WHERE "p1" = ? AND "p2" = ?', (1, "x")), [], "row delete")
    env.run(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ?', (2, "x"))
    eq(env.rows(f'SELECT "c1" FROM {T} WHERE "p1" = ? AND "p2" = ?', (2, "x")), [], "partition delete")
    key = (4, "d", 1, 1)
    where = 'WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?'
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a", "b", "l", "m") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            key + ("a", 1, [1, 2, 3], {"x": 1, "y": 2}))
    env.run(f'DELETE "a", "m"[?], "l"[?] FROM {T} {where}', ("x", 1) + key)
    eq(row_t(env, '"a", "b", "l", "m"', key), [(None, 1, [1, 3], {"y": 2})], "column/element delete")
    env.run(f'DELETE FROM {T} USING TIMESTAMP ? {where}', (1,) + key)
    eq(row_t(env, '"b"', key), [(1,)], "older delete loses")
    r = env.run(f'DELETE FROM {T} {where} IF "b" = ?', key + (2,))
    eq(applied_row(r), (["[applied]", "b"], (False, 1)), "delete IF not applied")
    r = env.run(f'DELETE FROM {T} {where} IF "b" = ?', key + (1,))
    eq(applied_row(r), (["[applied]"], (True,)), "delete IF applied")
    r = env.run(f'DELETE FROM {T} {where} IF EXISTS', key)
    eq(applied_row(r), (["[applied]"], (False,)), "delete IF EXISTS missing")
    env.invalid(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" > ? IF EXISTS', (4, "d", 0),
                "DELETE statements must restrict all PRIMARY KEY columns with equality relations in "
                "order to delete non static columns", at_prepare=True)
    env.invalid(f'DELETE "st" FROM {T} WHERE "p1" = ? AND "p2" = ? IF "a" = ?', (4, "d", "x"),
                "DELETE statements must restrict all PRIMARY KEY columns with equality relations in "
                "order to use IF condition on non static columns", at_prepare=True)
    r = env.run(f'DELETE "st" FROM {T} WHERE "p1" = ? AND "p2" = ? IF "st" = ?', (4, "d", "zz"))
    eq(applied_row(r), (["[applied]"], (False,)), "static-only conditional delete, empty partition")
    env.run(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?)', (4, "d", 2, 2, "x"))
    r = env.run(f'DELETE "st" FROM {T} WHERE "p1" = ? AND "p2" = ? IF "st" = ?', (4, "d", "zz"))
    eq(applied_row(r), (["[applied]", "st"], (False, None)), "static-only conditional delete")
    r = env.run(f'DELETE "st" FROM {T} WHERE "p1" = ? AND "p2" = ? IF "st" = ?', (4, "d", None))
    eq(applied_row(r), (["[applied]"], (True,)), "static-only conditional delete applied")
    env.invalid(f'DELETE FROM {T} WHERE "p1" IN ? AND "p2" = ? AND "c1" = ? AND "c2" = ? IF EXISTS',
                ([4, 5], "d", 1, 1), "IN on the partition key is not supported with conditional deletions")
    env.invalid(f'DELETE "a" FROM {T} WHERE "p1" = ? AND "p2" = ?', (4, "d"),
                "Range deletion is not supported for specific columns")
    env.invalid(f'DELETE "a" FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ?', (4, "d", 1),
                "Range deletions are not supported for specific columns")
    env.invalid(f'DELETE FROM {T} WHERE "p1" = ?', (4,),
                "Some partition key parts are missing: p2", at_prepare=True)


# --- BATCH ---------------------------------------------------------------------------------

@scenario
def batches(env):
    env.ddl(f"TRUNCATE {T}")
    ins = env.prep(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?)')
    upd = env.prep(f'UPDATE {T} SET "b" = ? WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?')
    dele = env.prep(f'DELETE FROM {T} WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ?')
    for kind in (BatchType.LOGGED, BatchType.UNLOGGED):
        b = BatchStatement(batch_type=kind)
        b.add(ins, (1, "b", 1, 1, "x"))
        b.add(ins, (2, "b", 1, 1, "y"))
        b.add(upd, (7, 1, "b", 1, 1))
        b.add(dele, (2, "b", 1, 1))
        r = env.s.execute(b)
        eq(list(r.current_rows), [], "batch answers void")
    eq(row_t(env, '"a", "b"', (1, "b", 1, 1)), [("x", 7)], "batch wrote")
    eq(row_t(env, '"a"', (2, "b", 1, 1)), [], "batch deleted")
    cnt = f'"{KS}"."cnt"'
    env.ddl(f"TRUNCATE {cnt}")
    inc = env.prep(f'UPDATE {cnt} SET "n" = "n" + ? WHERE "p" = ?')
    b = BatchStatement(batch_type=BatchType.COUNTER)
    b.add(inc, (2, 1))
    b.add(inc, (3, 1))
    env.s.execute(b)
    eq(env.rows(f'SELECT "n" FROM {cnt} WHERE "p" = ?', (1,)), [(5,)], "counter batch")
    # conditional batch on one partition
    cins = env.prep(f'INSERT INTO {T} ("p1", "p2", "c1", "c2", "a") VALUES (?, ?, ?, ?, ?) IF NOT EXISTS')
    cupd = env.prep(f'UPDATE {T} SET "b" = ? WHERE "p1" = ? AND "p2" = ? AND "c1" = ? AND "c2" = ? IF "a" = ?')
    b = BatchStatement()
    b.add(cins, (1, "b", 1, 2, "new"))
    b.add(cupd, (8, 1, "b", 1, 1, "x"))
    r = env.s.execute(b)
    eq(applied_row(r), (["[applied]"], (True,)), "conditional batch applied")
    b = BatchStatement()
    b.add(cins, (1, "b", 1, 2, "again"))
    b.add(cupd, (9, 1, "b", 1, 1, "wrong"))
    r = env.s.execute(b)
    cols = list(r.column_names)
    rows = [tuple(x) for x in r.current_rows]
    eq(cols, ["[applied]", "p1", "p2", "c1", "c2", "st", "a", "b", "l", "m", "s"], "failed batch columns")
    eq(rows, [(False, 1, "b", 1, 1, None, "x", 8, None, None, None),
              (False, 1, "b", 1, 2, None, "new", None, None, None, None)], "failed batch rows")
    b = BatchStatement()
    b.add(cupd, (9, 1, "b", 1, 1, "wrong"))
    r = env.s.execute(b)
    eq(list(r.column_names), ["[applied]", "p1", "p2", "c1", "c2", "a"], "failed batch (conditions) columns")
    eq([tuple(x) for x in r.current_rows], [(False, 1, "b", 1, 1, "x")], "failed batch (conditions) rows")
    b = BatchStatement()
    b.add(cins, (1, "b", 1, 3, "n"))
    b.add(cins, (2, "b", 1, 3, "n"))
    try:
        env.s.execute(b)
        raise AssertionError("a conditional batch over two partitions was accepted")
    except InvalidRequest as e:
        check("Batch with conditions cannot span multiple partitions" in str(e), str(e))


# --- DDL and system_schema -----------------------------------------------------------------

@scenario
def ddl_and_schema_rows(env):
    s = env.s
    s.execute(f'DROP TABLE IF EXISTS "{KS}"."opts"')
    s.execute(f'CREATE TABLE IF NOT EXISTS "{KS}"."opts" ("p1" int, "p2" text, "c1" int, "c2" int, '
              '"v" text, "fl" frozen<list<int>>, "m" map<text, int>, "s" set<int>, '
              'PRIMARY KEY (("p1", "p2"), "c1", "c2")) '
              'WITH CLUSTERING ORDER BY ("c1" ASC, "c2" DESC) AND comment = \'the comment\' '
              "AND default_time_to_live = 86400 AND compaction = {'class': 'LeveledCompactionStrategy'}")
    # IF NOT EXISTS on an existing table is a no-op, whatever its definition
    s.execute(f'CREATE TABLE IF NOT EXISTS "{KS}"."opts" ("x" int PRIMARY KEY)')
    row = s.execute("SELECT * FROM system_schema.tables WHERE keyspace_name = %s AND table_name = 'opts'", (KS,)).one()
    eq(row.comment, "the comment", "comment")
    eq(row.default_time_to_live, 86400, "default ttl")
    eq(dict(row.compaction), {"class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
                              "max_threshold": "32", "min_threshold": "4"}, "compaction")
    eq(row.flags, {"compound"}, "flags")
    cols = {r.column_name: r for r in s.execute(
        "SELECT * FROM system_schema.columns WHERE keyspace_name = %s AND table_name = 'opts'", (KS,))}
    eq({n: (c.kind, c.position, c.clustering_order, c.type) for n, c in cols.items()}, {
        "p1": ("partition_key", 0, "none", "int"),
        "p2": ("partition_key", 1, "none", "text"),
        "c1": ("clustering", 0, "asc", "int"),
        "c2": ("clustering", 1, "desc", "int"),
        "v": ("regular", -1, "none", "text"),
        "fl": ("regular", -1, "none", "frozen<list<int>>"),
        "m": ("regular", -1, "none", "map<text, int>"),
        "s": ("regular", -1, "none", "set<int>"),
    }, "columns")
    s.execute(f'ALTER TABLE "{KS}"."opts" ADD "x" int')
    s.execute(f'ALTER TABLE "{KS}"."opts" ADD "y" text static')
    s.execute(f'ALTER TABLE "{KS}"."opts" WITH comment = \'changed\'')
    row = s.execute("SELECT comment, default_time_to_live FROM system_schema.tables WHERE keyspace_name = %s AND table_name = 'opts'", (KS,)).one()
    eq((row.comment, row.default_time_to_live), ("changed", 86400), "altered options kept")
    kinds = {r.column_name: r.kind for r in s.execute(
        "SELECT column_name, kind FROM system_schema.columns WHERE keyspace_name = %s AND table_name = 'opts'", (KS,))}
    eq((kinds["x"], kinds["y"]), ("regular", "static"), "added columns")
    # user types
    s.execute(f'CREATE TYPE IF NOT EXISTS "{KS}"."addr" ("street" text, "zip" int)')
    s.execute(f'CREATE TYPE IF NOT EXISTS "{KS}"."addr" ("other" int)')
    s.execute(f'ALTER TYPE "{KS}"."addr" ADD "city" text')
    t = s.execute("SELECT * FROM system_schema.types WHERE keyspace_name = %s AND type_name = 'addr'", (KS,)).one()
    eq((t.field_names, t.field_types), (["street", "zip", "city"], ["text", "int", "text"]), "type row")
    # indexes
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_keys" ON "{KS}"."opts" (keys("m"))')
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_entries" ON "{KS}"."opts" (entries("m"))')
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_full" ON "{KS}"."opts" (full("fl"))')
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_values" ON "{KS}"."opts" (values("s"))')
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_v" ON "{KS}"."opts" ("v")')
    s.execute(f'CREATE INDEX IF NOT EXISTS "o_v" ON "{KS}"."opts" ("x")')
    s.execute(f'CREATE CUSTOM INDEX IF NOT EXISTS "o_sasi" ON "{KS}"."opts" ("y") '
              "USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}")
    idx = {r.index_name: (r.kind, dict(r.options)) for r in s.execute(
        "SELECT * FROM system_schema.indexes WHERE keyspace_name = %s AND table_name = 'opts'", (KS,))}
    eq(idx, {
        "o_keys": ("COMPOSITES", {"target": "keys(m)"}),
        "o_entries": ("COMPOSITES", {"target": "entries(m)"}),
        "o_full": ("COMPOSITES", {"target": "full(fl)"}),
        "o_values": ("COMPOSITES", {"target": "values(s)"}),
        "o_v": ("COMPOSITES", {"target": "v"}),
        "o_sasi": ("CUSTOM", {"class_name": "org.apache.cassandra.index.sasi.SASIIndex",
                              "mode": "CONTAINS", "target": "y"}),
    }, "index rows")
    try:
        s.execute(f'CREATE INDEX "o_v2" ON "{KS}"."opts" ("v")')
        raise AssertionError("a duplicate index was accepted")
    except InvalidRequest as e:
        check("Index o_v2 is a duplicate of existing index o_v" in str(e), str(e))
    # keyspaces
    s.execute('DROP KEYSPACE IF EXISTS "mapper_forms_nts"')
    s.execute("CREATE KEYSPACE IF NOT EXISTS \"mapper_forms_nts\" WITH replication = "
              "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3} AND durable_writes = false")
    k = s.execute("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'mapper_forms_nts'").one()
    eq(dict(k.replication), {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy",
                             "datacenter1": "3"}, "nts replication")
    eq(k.durable_writes, False, "durable_writes")
    k = s.execute("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = %s", (KS,)).one()
    eq(dict(k.replication), {"class": "org.apache.cassandra.locator.SimpleStrategy",
                             "replication_factor": "1"}, "simple replication")
    s.execute('DROP KEYSPACE IF EXISTS "mapper_forms_nts"')
    s.execute('DROP KEYSPACE IF EXISTS "mapper_forms_nts"')
    s.execute(f'DROP TABLE IF EXISTS "{KS}"."opts"')
    s.execute(f'DROP TABLE IF EXISTS "{KS}"."opts"')
    eq(s.execute("SELECT * FROM system_schema.indexes WHERE keyspace_name = %s AND table_name = 'opts'", (KS,)).one(),
       None, "indexes dropped with the table")


# --- runner --------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9042)
    p.add_argument("--only", action="append")
    args = p.parse_args()
    cluster = Cluster([args.host], port=args.port, protocol_version=ProtocolVersion.V4,
                      connect_timeout=10, control_connection_timeout=10,
                      execution_profiles={EXEC_PROFILE_DEFAULT: ExecutionProfile(
                          load_balancing_policy=RoundRobinPolicy(), request_timeout=20)})
    env = Env(cluster.connect())
    passed = failed = 0
    try:
        setup(env)
        for fn in SCENARIOS:
            if args.only and fn.__name__ not in args.only:
                continue
            try:
                fn(env)
                print(f"PASS {fn.__name__}", flush=True)
                passed += 1
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}", flush=True)
                traceback.print_exc(file=sys.stdout)
                failed += 1
    finally:
        cluster.shutdown()
    print(f"summary: {passed} passed, {failed} failed, 0 skipped", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
