"""cqlengine (the Python driver's object mapper) against a cql-sim node: keyspace and
table sync read back from system_schema, then the mapper's queries.

Run as `python cqlengine_smoke.py --host 127.0.0.1 --port 9042 [--only name]`. Each
scenario prints `PASS name` or `FAIL name: ...`; the last line is
`summary: N passed, M failed, 0 skipped`. The scenarios run in order and share the
keyspace `cqlengine_smoke` (the first one creates it).
"""

import argparse
import datetime
import os
import sys
import time
import traceback
import warnings

os.environ.setdefault("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")

from cassandra import InvalidRequest, ProtocolVersion  # noqa: E402
from cassandra.cqlengine import columns, connection, management  # noqa: E402
from cassandra.cqlengine.models import Model  # noqa: E402
from cassandra.cqlengine.query import BatchQuery, DoesNotExist, LWTException  # noqa: E402
from cassandra.cqlengine.usertype import UserType  # noqa: E402
from cassandra.util import Date  # noqa: E402

KS = "cqlengine_smoke"
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


# --- models --------------------------------------------------------------------------------

class Address(UserType):
    __type_name__ = "address"
    street = columns.Text()
    zip = columns.Integer()


LCS = "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"


class Reading(Model):
    __keyspace__ = KS
    __table_name__ = "reading"
    __options__ = {"comment": "sensor readings", "default_time_to_live": 0,
                   "compaction": {"class": LCS}}
    device = columns.Text(partition_key=True)
    day = columns.Date(partition_key=True)
    at = columns.DateTime(primary_key=True, clustering_order="DESC")
    seq = columns.Integer(primary_key=True, clustering_order="DESC")
    site = columns.Text(static=True)
    value = columns.Double()
    kind = columns.Text(index=True)
    tags = columns.Set(columns.Text)
    notes = columns.List(columns.Text)
    attrs = columns.Map(columns.Text, columns.Integer)
    home = columns.UserDefinedType(Address)


class ReadingV2(Model):
    """The same table with one more column."""
    __keyspace__ = KS
    __table_name__ = "reading"
    __options__ = Reading.__options__
    device = columns.Text(partition_key=True)
    day = columns.Date(partition_key=True)
    at = columns.DateTime(primary_key=True, clustering_order="DESC")
    seq = columns.Integer(primary_key=True, clustering_order="DESC")
    site = columns.Text(static=True)
    value = columns.Double()
    kind = columns.Text(index=True)
    tags = columns.Set(columns.Text)
    notes = columns.List(columns.Text)
    attrs = columns.Map(columns.Text, columns.Integer)
    home = columns.UserDefinedType(Address)
    unit = columns.Text()


class Hits(Model):
    __keyspace__ = KS
    page = columns.Text(partition_key=True)
    n = columns.Counter()


class Animal(Model):
    __keyspace__ = KS
    __table_name__ = "animals"
    owner = columns.Text(partition_key=True)
    name = columns.Text(primary_key=True)
    kind = columns.Text(discriminator_column=True, index=True)
    legs = columns.Integer()


class Cat(Animal):
    __discriminator_value__ = "cat"
    lives = columns.Integer()


class Dog(Animal):
    __discriminator_value__ = "dog"
    breed = columns.Text()


# --- helpers -------------------------------------------------------------------------------

class Recorder:
    """Records the statements management functions execute."""

    def __init__(self):
        self.statements = []
        self.real = management.execute

    def __enter__(self):
        def execute(query, *args, **kwargs):
            self.statements.append(str(query))
            return self.real(query, *args, **kwargs)
        management.execute = execute
        return self

    def __exit__(self, *exc):
        management.execute = self.real


def session():
    return connection.get_session()


DAY = Date(datetime.date(2024, 5, 1))
T0 = datetime.datetime(2024, 5, 1, 8, 0, 0)


def key(seq, minutes=0):
    return dict(device="d1", day=DAY, at=T0 + datetime.timedelta(minutes=minutes), seq=seq)


# --- scenarios -----------------------------------------------------------------------------

@scenario
def keyspace_and_sync(env):
    management.drop_keyspace(KS)
    management.create_keyspace_simple(KS, 1)
    management.create_keyspace_simple(KS, 1)  # exists: nothing happens
    management.sync_type(KS, Address)
    with Recorder() as first:
        management.sync_table(Reading)
    check(any(s.startswith("CREATE TABLE") for s in first.statements), f"created: {first.statements}")
    check(any(s.startswith("CREATE INDEX") for s in first.statements), f"indexed: {first.statements}")
    with Recorder() as second:
        management.sync_table(Reading)
    eq(second.statements, [], "a second sync_table changes nothing")
    with Recorder() as types:
        management.sync_type(KS, Address)
    eq(types.statements, [], "a second sync_type changes nothing")
    meta = session().cluster.metadata.keyspaces[KS].tables["reading"]
    eq([c.name for c in meta.partition_key], ["device", "day"], "partition key")
    eq([(c.name, c.is_reversed) for c in meta.clustering_key], [("at", True), ("seq", True)], "clustering")
    eq(meta.columns["site"].is_static, True, "static column")
    eq(meta.options["comment"], "sensor readings", "comment")
    eq(meta.columns["home"].cql_type, "frozen<address>", "udt column")
    eq(sorted(i.index_options["target"] for i in meta.indexes.values()), ["kind"], "index")
    for model in (Hits, Animal, Cat, Dog):
        management.sync_table(model)
        with Recorder() as again:
            management.sync_table(model)
        eq(again.statements, [], f"second sync of {model.__name__}")


@scenario
def added_column(env):
    with Recorder() as rec:
        management.sync_table(ReadingV2)
    eq([s.strip() for s in rec.statements if "ALTER" in s.upper()],
       [f'ALTER TABLE {KS}.reading add "unit" text'], "one column added")
    with Recorder() as again:
        management.sync_table(ReadingV2)
    eq(again.statements, [], "in sync afterwards")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Recorder() as old:
            management.sync_table(Reading)  # the extra column is left alone
    eq(old.statements, [], "the narrower model syncs without changes")


@scenario
def create_get_filter(env):
    Reading.objects(device="d1", day=DAY).delete()
    for i in range(5):
        Reading.create(**key(i, minutes=i), value=float(i), kind="even" if i % 2 == 0 else "odd",
                       tags={"t%d" % i}, notes=["n%d" % i], attrs={"a": i},
                       home=Address(street="main", zip=1000 + i), site="lab")
    r = Reading.get(**key(3, minutes=3))
    eq((r.value, r.kind, r.tags, r.notes, r.attrs, r.home.zip, r.site),
       (3.0, "odd", {"t3"}, ["n3"], {"a": 3}, 1003, "lab"), "get")
    rows = list(Reading.objects(device="d1", day=DAY))
    eq([x.seq for x in rows], [4, 3, 2, 1, 0], "clustering DESC")
    rows = list(Reading.objects(device="d1", day=DAY).order_by("at", "seq"))
    eq([x.seq for x in rows], [0, 1, 2, 3, 4], "order_by ASC")
    rows = list(Reading.objects(device="d1", day=DAY, at__gt=T0 + datetime.timedelta(minutes=1)).limit(2))
    eq([x.seq for x in rows], [4, 3], "range + limit")
    eq(Reading.objects(device="d1", day=DAY).count(), 5, "count")
    eq(sorted(x.seq for x in Reading.objects(kind="even")), [0, 2, 4], "index query")
    eq(sorted(x.seq for x in Reading.objects(device="d1", day=DAY, kind="odd")), [1, 3], "index in partition")
    eq(sorted(x.seq for x in Reading.objects(device="d1", day=DAY).filter(value__gte=3.0).allow_filtering()),
       [3, 4], "allow filtering")
    eq(list(Reading.objects(device="d1", day=DAY).values_list("seq", flat=True).limit(2)), [4, 3], "values_list")
    eq([(x.device, x.day) for x in Reading.objects.distinct(["device", "day"])], [("d1", DAY)], "distinct")
    eq(sorted(x.seq for x in Reading.objects(device="d1", day=DAY, seq__in=[1, 2], at__in=[
        T0 + datetime.timedelta(minutes=m) for m in (1, 2)])), [1, 2], "IN on clustering")
    try:
        Reading.get(**key(99))
        raise AssertionError("get of a missing row")
    except DoesNotExist:
        pass
    eq(sorted(x.seq for x in Reading.objects(device="d1", day=DAY, tags__contains="t2").allow_filtering()),
       [2], "CONTAINS")


@scenario
def updates_and_deletes(env):
    r = Reading.get(**key(4, minutes=4))
    r.update(value=40.0, tags={"x", "y"})
    Reading.objects(**key(4, minutes=4)).update(notes__append=["last"], notes__prepend=["first"],
                                                attrs__update={"b": 2}, tags__remove={"x"})
    r = Reading.get(**key(4, minutes=4))
    eq((r.value, r.tags, r.notes, r.attrs), (40.0, {"y"}, ["first", "n4", "last"], {"a": 4, "b": 2}),
       "collection updates")
    r.notes = ["only"]
    r.save()
    eq(Reading.get(**key(4, minutes=4)).notes, ["only"], "save of a changed collection")
    # cqlengine deletes removed map keys by partition key alone (static_only |= ... in
    # DMLQuery._delete_null_columns), which Cassandra refuses on a table with clustering
    # columns: the same answer here.
    r.attrs.pop("a")
    try:
        r.save()
        raise AssertionError("a map key deleted without the clustering key")
    except InvalidRequest as e:
        check("Range deletion is not supported for specific columns" in str(e), str(e))
    Reading.objects(device="d1", day=DAY).update(site="office")
    eq({x.site for x in Reading.objects(device="d1", day=DAY)}, {"office"}, "static update")
    Reading.objects(**key(4, minutes=4)).delete()
    eq(Reading.objects(device="d1", day=DAY).count(), 4, "row deleted")
    r = Reading.get(**key(3, minutes=3))
    r.kind = None
    r.save()
    eq(Reading.get(**key(3, minutes=3)).kind, None, "column set to null")
    Reading.objects(device="d1", day=DAY, at=T0 + datetime.timedelta(minutes=2), seq=2).delete()
    eq(Reading.objects(device="d1", day=DAY).count(), 3, "delete through the queryset")


@scenario
def ttl_and_timestamp(env):
    Reading.ttl(600).create(**key(10, minutes=10), value=1.0)
    row = session().execute(
        f"SELECT TTL(value), WRITETIME(value) FROM {KS}.reading WHERE device='d1' AND day='2024-05-01' "
        "AND at='2024-05-01 08:10:00+0000' AND seq=10").one()
    ttl = row["ttl(value)"]
    check(590 <= ttl <= 600, f"ttl {ttl}")
    # (after the partition deletion of create_get_filter, which shadows older writes)
    before = time.time()
    Reading.timestamp(datetime.timedelta(hours=1)).create(**key(11, minutes=11), value=2.0)
    row = session().execute(
        f"SELECT WRITETIME(value) FROM {KS}.reading WHERE device='d1' AND day='2024-05-01' "
        "AND at='2024-05-01 08:11:00+0000' AND seq=11").one()
    wt = row["writetime(value)"] / 1e6
    check(before + 3590 < wt < time.time() + 3610, f"writetime {wt} for now + 1h")
    # an older timestamp loses
    Reading.timestamp(datetime.timedelta(minutes=30)).create(**key(11, minutes=11), value=3.0)
    eq(Reading.get(**key(11, minutes=11)).value, 2.0, "older write loses")
    r = Reading.get(**key(10, minutes=10))
    r.ttl(300).update(value=5.0)
    row = session().execute(
        f"SELECT TTL(value) FROM {KS}.reading WHERE device='d1' AND day='2024-05-01' "
        "AND at='2024-05-01 08:10:00+0000' AND seq=10").one()
    check(290 <= row["ttl(value)"] <= 300, f"ttl after update {row}")


@scenario
def lightweight_transactions(env):
    Reading.if_not_exists().create(**key(20, minutes=20), value=1.0)
    try:
        Reading.if_not_exists().create(**key(20, minutes=20), value=2.0)
        raise AssertionError("if_not_exists on an existing row applied")
    except LWTException as e:
        eq(e.existing.get("[applied]"), False, "not applied")
        eq(e.existing.get("value"), 1.0, "the existing row comes back")
    r = Reading.get(**key(20, minutes=20))
    r.iff(value=1.0).update(value=3.0)
    try:
        r.iff(value=1.0).update(value=4.0)
        raise AssertionError("iff with a wrong value applied")
    except LWTException as e:
        eq(e.existing, {"[applied]": False, "value": 3.0}, "condition column comes back")
    Reading.objects(**key(20, minutes=20)).iff(value=3.0).update(kind="lwt")
    eq(Reading.get(**key(20, minutes=20)).kind, "lwt", "queryset iff")
    Reading.objects(**key(20, minutes=20)).if_exists().update(value=6.0)
    try:
        Reading.objects(**key(21, minutes=21)).if_exists().update(value=6.0)
        raise AssertionError("if_exists on a missing row applied")
    except LWTException as e:
        eq(e.existing, {"[applied]": False}, "if_exists on a missing row")
    Reading.objects(**key(20, minutes=20)).if_exists().delete()
    eq(Reading.objects(**key(20, minutes=20)).count(), 0, "if_exists delete")


@scenario
def batches(env):
    with BatchQuery() as b:
        Reading.batch(b).create(**key(30, minutes=30), value=1.0)
        Reading.batch(b).create(**key(31, minutes=31), value=2.0)
        Reading.objects(**key(3, minutes=3)).batch(b).update(value=9.0)
    eq(Reading.get(**key(31, minutes=31)).value, 2.0, "batch create")
    eq(Reading.get(**key(3, minutes=3)).value, 9.0, "batch update")
    b = BatchQuery()
    Reading.objects(**key(30, minutes=30)).batch(b).delete()
    Reading.batch(b).if_not_exists().create(**key(32, minutes=32), value=3.0)
    b.execute()
    eq(Reading.objects(**key(30, minutes=30)).count(), 0, "batch delete")
    b = BatchQuery()
    Reading.batch(b).if_not_exists().create(**key(32, minutes=32), value=4.0)
    try:
        b.execute()
        raise AssertionError("conditional batch applied twice")
    except LWTException as e:
        eq(e.existing.get("[applied]"), False, "batch not applied")
        eq(e.existing.get("value"), 3.0, "batch existing row")


@scenario
def counters(env):
    Hits.objects(page="home").delete()
    h = Hits(page="home")
    h.n += 3
    h.save()
    h = Hits.get(page="home")
    h.n -= 1
    h.save()
    eq(Hits.get(page="home").n, 2, "counter")
    Hits.objects(page="about").update(n=5)
    eq(Hits.get(page="about").n, 5, "counter through update")


@scenario
def polymorphic_models(env):
    Animal.objects(owner="ann").delete()
    Cat.create(owner="ann", name="tom", legs=4, lives=9)
    Dog.create(owner="ann", name="rex", legs=4, breed="lab")
    pets = sorted(Animal.objects(owner="ann"), key=lambda a: a.name)
    eq([type(p).__name__ for p in pets], ["Dog", "Cat"], "subclasses from the discriminator")
    # the base model's query selects the base columns only (cqlengine's choice)
    eq([p.legs for p in pets], [4, 4], "base columns")
    eq(Cat.get(owner="ann", name="tom").lives, 9, "subclass columns")
    eq([c.name for c in Cat.objects(owner="ann")], ["tom"], "subclass query")
    eq(Dog.get(owner="ann", name="rex").breed, "lab", "subclass get")
    eq(session().execute(f"SELECT kind FROM {KS}.animals WHERE owner='ann' AND name='tom'").one()["kind"],
       "cat", "discriminator stored")


@scenario
def drop_everything(env):
    management.drop_table(ReadingV2)
    management.drop_table(ReadingV2)
    check("reading" not in session().cluster.metadata.keyspaces[KS].tables, "table dropped")
    management.drop_keyspace(KS)
    check(KS not in session().cluster.metadata.keyspaces, "keyspace dropped")


# --- runner --------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9042)
    p.add_argument("--only", action="append")
    args = p.parse_args()
    connection.setup([args.host], KS, protocol_version=ProtocolVersion.V4, port=args.port,
                     connect_timeout=10, control_connection_timeout=10)
    passed = failed = 0
    try:
        for fn in SCENARIOS:
            if args.only and fn.__name__ not in args.only:
                continue
            try:
                fn(None)
                print(f"PASS {fn.__name__}", flush=True)
                passed += 1
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}", flush=True)
                traceback.print_exc(file=sys.stdout)
                failed += 1
    finally:
        connection.unregister_connection("default")
    print(f"summary: {passed} passed, {failed} failed, 0 skipped", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
