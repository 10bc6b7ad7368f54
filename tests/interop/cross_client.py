#!/usr/bin/env python3
"""Cross-client proof, the Python side: the real cassandra-driver writes golden-vector
values for the Rust driver to read, and reads back what the Rust driver wrote.

    cross_client.py write --plan plan.json --host H --port P
    cross_client.py read  --plan plan.json --host H --port P

The plan (written by transport-tcp/tests/cross_client.rs) lists rows:
{"keyspace", "rows": [{"id", "table", "column", "cql_type", "value"}]} with values in the
golden vectors' JSON conventions (shared/vectors/README.md). The schema exists already.

`write` inserts each row with a prepared statement (counters: UPDATE n = n + ?), the value
converted from JSON to the Python driver's own types, guided by the prepared metadata.
`read` selects each row and prints one line `RESULT {"id": value, ...}` with each value
converted back to the JSON conventions, guided by the result metadata. Both end with
`summary: N rows`.
"""

import argparse
import datetime
import decimal
import json
import sys
import uuid

from cassandra import cqltypes, util
from cassandra.cluster import Cluster
from cassandra.policies import WhiteListRoundRobinPolicy

EPOCH = datetime.datetime(1970, 1, 1)


class Pairs:
    """A map value in wire order (the driver serializes anything with items())."""

    def __init__(self, pairs):
        self._pairs = pairs

    def items(self):
        return self._pairs

    def __len__(self):
        return len(self._pairs)


def float_of(v):
    if isinstance(v, str):
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[v])
    return float(v)


def json_float(x):
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def unwrap(t):
    """The type inside frozen<...>, if any."""
    while issubclass(t, cqltypes.FrozenType):
        t = t.subtypes[0]
    return t


def to_python(t, v):
    """A vector's JSON value as the Python driver's value for type class `t`."""
    t = unwrap(t)
    if v is None:
        return None
    if issubclass(t, cqltypes.VectorType):
        return [to_python(t.subtype, x) for x in v]
    if issubclass(t, cqltypes.UserType):
        return tuple(to_python(sub, v.get(name)) for name, sub in zip(t.fieldnames, t.subtypes))
    if issubclass(t, cqltypes.TupleType):
        return tuple(to_python(sub, x) for sub, x in zip(t.subtypes, v))
    if issubclass(t, cqltypes.MapType):
        k, val = t.subtypes
        return Pairs([(to_python(k, a), to_python(val, b)) for a, b in v])
    if issubclass(t, (cqltypes.ListType, cqltypes.SetType)):
        return [to_python(t.subtypes[0], x) for x in v]
    name = t.typename
    if name == "varint":
        return int(v)
    if name == "decimal":
        unscaled = int(v["unscaled"])
        digits = tuple(int(d) for d in str(abs(unscaled)))
        return decimal.Decimal((1 if unscaled < 0 else 0, digits, -int(v["scale"])))
    if name in ("float", "double"):
        return float_of(v)
    if name == "blob":
        return bytes.fromhex(v)
    if name == "timestamp":
        return int(v)  # milliseconds: the driver writes numbers as they are
    if name == "date":
        return util.Date(int(v))  # days since the epoch
    if name == "time":
        return util.Time(int(v))  # nanoseconds since midnight
    if name in ("uuid", "timeuuid"):
        return uuid.UUID(v)
    if name == "duration":
        return util.Duration(v["months"], v["days"], v["nanos"])
    return v  # ascii, text, varchar, inet, boolean, integers, counter


def to_json(t, v):
    """A value the Python driver read, for type class `t`, in the vectors' conventions."""
    t = unwrap(t)
    if v is None:
        return None
    if issubclass(t, cqltypes.VectorType):
        return [to_json(t.subtype, x) for x in v]
    if issubclass(t, cqltypes.UserType):
        return {name: to_json(sub, v[i]) for i, (name, sub) in enumerate(zip(t.fieldnames, t.subtypes))}
    if issubclass(t, cqltypes.TupleType):
        return [to_json(sub, x) for sub, x in zip(t.subtypes, v)]
    if issubclass(t, cqltypes.MapType):
        k, val = t.subtypes
        return [[to_json(k, a), to_json(val, b)] for a, b in v.items()]
    if issubclass(t, (cqltypes.ListType, cqltypes.SetType)):
        return [to_json(t.subtypes[0], x) for x in v]
    name = t.typename
    if name == "varint":
        return str(v)
    if name == "decimal":
        sign, digits, exponent = v.as_tuple()
        unscaled = int("".join(map(str, digits)) or "0")
        return {"unscaled": str(-unscaled if sign else unscaled), "scale": -exponent}
    if name in ("float", "double"):
        return json_float(v)
    if name == "blob":
        return bytes(v).hex()
    if name == "timestamp":
        micros = (v - EPOCH) // datetime.timedelta(microseconds=1)
        return round(micros / 1000)
    if name == "date":
        return v.days_from_epoch if isinstance(v, util.Date) else (v - datetime.date(1970, 1, 1)).days
    if name == "time":
        return v.nanosecond_time
    if name in ("uuid", "timeuuid"):
        return str(v)
    if name == "duration":
        return {"months": v.months, "days": v.days, "nanos": v.nanoseconds}
    return v


def write_cql(ks, row):
    if row["table"] == "counts":
        return f"UPDATE {ks}.counts SET n = n + ? WHERE id = ?"
    return f"INSERT INTO {ks}.{row['table']} (id, {row['column']}) VALUES (?, ?)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["write", "read"])
    ap.add_argument("--plan", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9042)
    ap.add_argument("--protocol-version", type=int, default=None)
    args = ap.parse_args()
    with open(args.plan) as f:
        plan = json.load(f)
    ks = plan["keyspace"]
    kwargs = {}
    if args.protocol_version:
        kwargs["protocol_version"] = args.protocol_version
    cluster = Cluster(
        [args.host],
        port=args.port,
        load_balancing_policy=WhiteListRoundRobinPolicy([args.host]),
        **kwargs,
    )
    session = cluster.connect()
    print(f"connected: protocol v{cluster.protocol_version}", flush=True)
    prepared = {}
    out = {}
    for row in plan["rows"]:
        if args.mode == "write":
            cql = write_cql(ks, row)
            if cql not in prepared:
                prepared[cql] = session.prepare(cql)
            stmt = prepared[cql]
            if row["table"] == "counts":
                session.execute(stmt, (int(row["value"]), row["id"]))
            else:
                t = stmt.column_metadata[1].type
                session.execute(stmt, (row["id"], to_python(t, row["value"])))
        else:
            cql = f"SELECT {row['column']} FROM {ks}.{row['table']} WHERE id = ?"
            if cql not in prepared:
                prepared[cql] = session.prepare(cql)
            rs = session.execute(prepared[cql], (row["id"],))
            rows = list(rs)
            if not rows:
                out[row["id"]] = "<missing row>"
                continue
            out[row["id"]] = to_json(rs.column_types[0], rows[0][0])
    if args.mode == "read":
        print("RESULT " + json.dumps(out, allow_nan=False), flush=True)
    print(f"summary: {len(plan['rows'])} rows {args.mode}", flush=True)
    cluster.shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report anything to the Rust side
        print(f"ERROR {type(e).__name__}: {e}", flush=True)
        sys.exit(1)
