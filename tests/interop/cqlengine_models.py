#!/usr/bin/env python3
"""Cross-client proof for the object mapper, the Python side: the same models declared with
cqlengine (the Python driver's ORM) as transport-tcp/tests/mapper_cqlengine.rs declares
with this driver's mapper.

    cqlengine_models.py sync  --keyspace KS [--keyspace ...] --model events|hits [--model ...]
                              [--version 1|2]
    cqlengine_models.py write --keyspace KS --plan plan.json
    cqlengine_models.py read  --keyspace KS --plan plan.json
    (all take --host H --port P)

`sync` runs cqlengine's `management.sync_table` for each keyspace and model and prints, for
each, `RESULT {"keyspace", "model", "statements": [...], "warnings": [...]}`: every
statement cqlengine ran (captured from its own query log) and every warning it gave (a
column whose type differs from the model's...). A sync with nothing to do runs nothing.

`write` creates the plan's rows with cqlengine: `Model.create(...)` (through `Model.ttl(n)`
when the row has a "ttl"), then the row's cqlengine-style "update" (`tags__add`,
`scores__append`, `prefs__update`... passed to `QuerySet.update`), and counters by
increments (`objects(...).update(hits=delta)`, then `obj.hits += delta; obj.update()`).
Prints `RESULT {"written": n}`.

`read` reads each of the plan's keys with `Model.objects(...).get()` and prints
`RESULT {"events": [row...], "hits": [row...], "ttl": [n...]}`, with each row converted to
the JSON conventions below, and "ttl" the `TTL(note)` of each event row (read with the
Python driver's session, by key), all in plan order.

The plan: {"events": [{"values": {column: json}, "ttl": n?, "update": {...}?}],
"hits": [{"page": p, "increments": [n...]}]}; `read` needs only the key columns.

JSON conventions, one per CQL type: text as a string; int, bigint and counter as numbers;
boolean as true/false; double as a number; decimal and varint as strings (Python's
`str(Decimal)`, written plainly: "12.5"; cqlengine writes a decimal into the query text
as `float(value)`, so "12.50" would arrive as 12.5); timestamp as milliseconds since the epoch; uuid
and timeuuid as lower-case hyphenated strings; list as a list; set as a sorted list; map
(text keys) as an object; a user type as an object with every field; null, and an empty
collection (Cassandra stores no cell for it), as null.
"""

import argparse
import datetime
import decimal
import json
import logging
import os
import sys
import uuid
import warnings
from collections import OrderedDict

os.environ.setdefault("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")

from cassandra.cqlengine import columns, connection, management  # noqa: E402
from cassandra.cqlengine.models import Model  # noqa: E402
from cassandra.cqlengine.usertype import UserType  # noqa: E402
from cassandra.policies import WhiteListRoundRobinPolicy  # noqa: E402

EPOCH = datetime.datetime(1970, 1, 1)


class Address(UserType):
    __type_name__ = "address"
    street = columns.Text()
    zip = columns.Integer()


def event_model(version):
    """The `events` model; version 2 has one column more (`extra`)."""
    attrs = OrderedDict()
    attrs["__table_name__"] = "events"
    attrs["__options__"] = {
        "comment": "cross-client events",
        "default_time_to_live": 86400,
        "gc_grace_seconds": 3600,
        "compaction": {"class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"},
    }
    attrs["device"] = columns.Text(partition_key=True)
    attrs["day"] = columns.Integer(partition_key=True)
    attrs["at"] = columns.DateTime(primary_key=True, clustering_order="DESC")
    attrs["seq"] = columns.TimeUUID(primary_key=True)
    attrs["owner"] = columns.Text(static=True)
    attrs["id"] = columns.UUID()
    attrs["done"] = columns.Boolean()
    attrs["value"] = columns.Double()
    attrs["price"] = columns.Decimal()
    attrs["big"] = columns.VarInt()
    attrs["note"] = columns.Text(index=True)
    attrs["tags"] = columns.Set(columns.Text, index=True)
    attrs["scores"] = columns.List(columns.Integer)
    attrs["prefs"] = columns.Map(columns.Text, columns.Integer)
    attrs["home"] = columns.UserDefinedType(Address)
    if version >= 2:
        attrs["extra"] = columns.Text()
    return type("Event" if version == 1 else "EventV2", (Model,), dict(attrs))


class Hits(Model):
    __table_name__ = "page_hits"
    page = columns.Text(partition_key=True)
    hits = columns.Counter()
    bytes = columns.Counter()


def models(version):
    return {"events": event_model(version), "hits": Hits}


class QueryLog(logging.Handler):
    """Every statement cqlengine runs (its connection logs each at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        # "[Connection: name] Query: <cql>, Params: <params>"
        _, found, rest = record.getMessage().partition("] Query: ")
        if found:
            self.statements.append(rest.rsplit(", Params: ", 1)[0])


def from_json(column, v):
    """A JSON value (conventions above) as the value cqlengine takes for `column`."""
    if v is None:
        return None
    if isinstance(column, columns.DateTime):
        return EPOCH + datetime.timedelta(milliseconds=int(v))
    if isinstance(column, (columns.UUID, columns.TimeUUID)):
        return uuid.UUID(v)
    if isinstance(column, columns.Decimal):
        return decimal.Decimal(v)
    if isinstance(column, columns.VarInt):
        return int(v)
    if isinstance(column, columns.Set):
        return {from_json(column.value_col, x) for x in v}
    if isinstance(column, columns.List):
        return [from_json(column.value_col, x) for x in v]
    if isinstance(column, columns.Map):
        return {from_json(column.key_col, k): from_json(column.value_col, x) for k, x in v.items()}
    if isinstance(column, columns.UserDefinedType):
        fields = column.user_type._fields
        return column.user_type(**{name: from_json(fields[name], x) for name, x in v.items()})
    if isinstance(column, columns.Double):
        return float(v)
    return v


def to_json(column, v):
    """A value cqlengine read for `column`, in the JSON conventions above."""
    if v is None:
        return None
    if isinstance(column, columns.DateTime):
        micros = (v - EPOCH) // datetime.timedelta(microseconds=1)
        return round(micros / 1000)
    if isinstance(column, (columns.UUID, columns.TimeUUID)):
        return str(v)
    if isinstance(column, (columns.Decimal, columns.VarInt)):
        return str(v)
    if isinstance(column, columns.Set):
        return sorted(to_json(column.value_col, x) for x in v) or None
    if isinstance(column, columns.List):
        return [to_json(column.value_col, x) for x in v] or None
    if isinstance(column, columns.Map):
        pairs = {to_json(column.key_col, k): to_json(column.value_col, x) for k, x in v.items()}
        return pairs or None
    if isinstance(column, columns.UserDefinedType):
        return {name: to_json(f, v[name]) for name, f in column.user_type._fields.items()}
    return v


def row_json(model, obj):
    return {name: to_json(col, getattr(obj, name)) for name, col in model._columns.items()}


def keys_of(model, values):
    """The primary-key values of a plan row, as cqlengine takes them."""
    return {
        name: from_json(col, values[name])
        for name, col in model._columns.items()
        if col.primary_key
    }


def sync(args):
    log = QueryLog()
    logger = logging.getLogger("cassandra.cqlengine.connection")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(log)
    for keyspace in args.keyspace:
        for name in args.model:
            model = models(args.version)[name]
            log.statements.clear()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                management.sync_table(model, keyspaces=[keyspace])
            # cqlengine warns (UserWarning) of a column or field whose type differs.
            said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
            result = {
                "keyspace": keyspace,
                "model": name,
                "statements": list(log.statements),
                "warnings": said,
            }
            print("RESULT " + json.dumps(result), flush=True)


def write(args, plan):
    event = event_model(1)
    written = 0
    for row in plan.get("events", []):
        values = {n: from_json(event._columns[n], v) for n, v in row["values"].items()}
        creator = event.ttl(row["ttl"]) if row.get("ttl") else event.objects
        creator.create(**values)
        if row.get("update"):
            # "tags__add": [..], "prefs__update": {..}: the column's own JSON form.
            update = {
                op: from_json(event._columns[op.split("__")[0]], v)
                for op, v in row["update"].items()
            }
            event.objects(**keys_of(event, row["values"])).update(**update)
        written += 1
    for row in plan.get("hits", []):
        increments = row["increments"]
        for delta in increments[:-1]:
            Hits.objects(page=row["page"]).update(hits=delta, bytes=delta * 100)
        # The last one through a model instance, as cqlengine's docs show counters.
        h = Hits.get(page=row["page"])
        h.hits += increments[-1]
        h.bytes += increments[-1] * 100
        h.update()
        written += 1
    print("RESULT " + json.dumps({"written": written}), flush=True)


def read(args, plan):
    event = event_model(1)
    session = connection.get_session()
    ttl = session.prepare(
        f'SELECT TTL(note) AS t FROM "{args.keyspace[0]}".events '
        "WHERE device = ? AND day = ? AND at = ? AND seq = ?"
    )
    out = {"events": [], "hits": [], "ttl": []}
    for row in plan.get("events", []):
        keys = keys_of(event, row["values"])
        out["events"].append(row_json(event, event.objects(**keys).get()))
        t = session.execute(ttl, (keys["device"], keys["day"], keys["at"], keys["seq"])).one()
        out["ttl"].append(t["t"] if t else None)
    for row in plan.get("hits", []):
        out["hits"].append(row_json(Hits, Hits.get(page=row["page"])))
    print("RESULT " + json.dumps(out, allow_nan=False), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["sync", "write", "read"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9042)
    ap.add_argument("--keyspace", action="append", required=True)
    ap.add_argument("--model", action="append", choices=["events", "hits"], default=[])
    ap.add_argument("--version", type=int, choices=[1, 2], default=1)
    ap.add_argument("--plan")
    args = ap.parse_args()
    connection.setup(
        [args.host],
        args.keyspace[0],
        port=args.port,
        load_balancing_policy=WhiteListRoundRobinPolicy([args.host]),
    )
    try:
        if args.mode == "sync":
            sync(args)
        else:
            with open(args.plan) as f:
                plan = json.load(f)
            (write if args.mode == "write" else read)(args, plan)
    finally:
        connection.unregister_connection("default")
    print(f"summary: {args.mode} done", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report anything to the Rust side
        print(f"ERROR {type(e).__name__}: {e}", flush=True)
        sys.exit(1)
