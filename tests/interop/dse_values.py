"""Cross-client proof for the DSE value types: geometry (Point, LineString, Polygon) and
DateRange rows written and read with the Python driver 3.30.1 through cql-sim.

Modes:
  write --plan FILE   writes every planned value as a row `py/<vector id>` of dse.values
  read  --plan FILE   reads every row of dse.values and compares each with its vector's value

The plan is dse.json's `geo` and `daterange` vectors (`direction` both). Prints one line per
mismatch and ends with `summary: <rows> rows, <mismatches> mismatches`.
"""
import argparse
import json
import math
import sys

from cassandra.cluster import Cluster
from cassandra.util import (DateRange, DateRangeBound, LineString, OPEN_BOUND, Point,
                            Polygon)

COLUMNS = {"point": "pt", "linestring": "ls", "polygon": "pg", "daterange": "dr"}


def to_float(v):
    return float(v) if not isinstance(v, str) else float(v.replace("Infinity", "inf"))


def geo_value(kind, value):
    if kind == "point":
        return Point(to_float(value["x"]), to_float(value["y"]))
    if kind == "linestring":
        return LineString([tuple(map(to_float, p)) for p in value["points"]])
    return Polygon([tuple(map(to_float, p)) for p in value["exterior"]],
                   [[tuple(map(to_float, p)) for p in ring] for ring in value["interiors"]])


def bound(b):
    if b is None:
        return None
    if b == "*":
        return OPEN_BOUND
    return DateRangeBound(b["ms"], b["precision"])


def date_range(value):
    if value["value"] is not None:
        return DateRange(value=bound(value["value"]))
    return DateRange(lower_bound=bound(value["lower_bound"]), upper_bound=bound(value["upper_bound"]))


def neutral_float(f):
    return "NaN" if math.isnan(f) else (math.copysign(1, f), f)


def neutral(kind, v):
    if v is None:
        return None
    if kind == "point":
        return [neutral_float(v.x), neutral_float(v.y)]
    if kind == "linestring":
        return [[neutral_float(c) for c in p] for p in v.coords]
    if kind == "polygon":
        if not v.exterior.coords:
            return [[], []]
        return [[[neutral_float(c) for c in p] for p in v.exterior.coords],
                [[[neutral_float(c) for c in p] for p in ring.coords] for ring in v.interiors]]

    def b(x):
        if x is None:
            return None
        if x == OPEN_BOUND or x.milliseconds is None:
            return "*"
        return [x.milliseconds, x.precision]
    return [b(v.value), b(v.lower_bound), b(v.upper_bound)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["write", "read"])
    ap.add_argument("--plan", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9042)
    args = ap.parse_args()
    plan = json.load(open(args.plan))
    cluster = Cluster([args.host], port=args.port)
    session = cluster.connect()
    expected = {}
    for v in plan["geo"]:
        expected[v["id"]] = (v["geo_type"], geo_value(v["geo_type"], v["value"]))
    for v in plan["daterange"]:
        expected[v["id"]] = ("daterange", date_range(v["value"]))
    if args.mode == "write":
        # Geometry goes as a simple statement (the driver writes WKT literals, which the
        # node parses); DateRange prepared: the driver's simple-statement encoder writes its
        # text unquoted, which no node accepts.
        inserts = {k: session.prepare("INSERT INTO dse.values (id, kind, %s) VALUES (?, ?, ?)" % c)
                   for k, c in COLUMNS.items()}
        for vid, (kind, value) in expected.items():
            if kind == "daterange":
                session.execute(inserts[kind], ("py/" + vid, kind, value))
            else:
                session.execute(
                    "INSERT INTO dse.values (id, kind, %s) VALUES (%%s, %%s, %%s)" % COLUMNS[kind],
                    ("py/" + vid, kind, value))
        print("summary: %d rows written, 0 mismatches" % len(expected))
    else:
        rows, mismatches = 0, 0
        for row in session.execute("SELECT id, kind, pt, ls, pg, dr FROM dse.values"):
            rows += 1
            vid = row.id.split("/", 1)[1]
            kind, value = expected[vid]
            got = getattr(row, COLUMNS[kind])
            if neutral(kind, got) != neutral(kind, value):
                mismatches += 1
                print("MISMATCH %s: got %r, expected %r" % (row.id, got, value))
        print("summary: %d rows, %d mismatches" % (rows, mismatches))
    cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
