"""Interop: the Python cassandra-driver (PyPI) against a simulated cluster.

Run by `tests/tests/python_driver.rs` (tests `python_driver_cluster_*`), which starts the
cluster and answers this script's commands: the script prints `CMD <command>` and reads
one line back, `OK [answer]` or `ERR message`. Commands:

    NODES                 -> "addr:port/dc/rack ..." for every node, by index
    STOP i | START i | RESTART i
    REPLICAS ks hexkey    -> the sim's replicas of that partition, "addr:port,..."
    PREPARED i            -> how many statements node i has prepared
    EXECUTES              -> how many EXECUTE requests each node recorded, "n0,n1,..."

Usage: `python python_driver_cluster.py --host 127.0.0.1 --port P --layout three|twodc
[--only name]`. Each scenario prints `PASS name`, `FAIL name: ...` or `SKIP name`; the
last line is `summary: N passed, M failed, K skipped`. Exit status 1 when any failed.

Token-aware routing is checked through the nodes' request records: each EXECUTE of a
bound statement must reach one of its partition's replicas.
"""

import argparse
import struct
import sys
import time
import traceback

from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import (DCAwareRoundRobinPolicy, TokenAwarePolicy,
                                WhiteListRoundRobinPolicy)
from cassandra.query import SimpleStatement

SCENARIOS = []


def scenario(*layouts):
    def register(fn):
        SCENARIOS.append((fn, layouts))
        return fn
    return register


def control(command):
    """Sends a command to the harness and returns its answer (after `OK`)."""
    print("CMD " + command, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise AssertionError(f"the harness went away during {command}")
    line = line.strip()
    if not line.startswith("OK"):
        raise AssertionError(f"harness refused {command}: {line}")
    return line[2:].strip()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_until(what, predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def reachable(session, profile):
    """Whether a request through `profile` succeeds (the driver's pools may lag behind
    its view of a host)."""
    try:
        session.execute("SELECT key FROM system.local", execution_profile=profile)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False


class Node:
    def __init__(self, text):
        endpoint, self.dc, self.rack = text.split("/")
        self.address, port = endpoint.rsplit(":", 1)
        self.port = int(port)

    @property
    def endpoint(self):
        return f"{self.address}:{self.port}"


class Env:
    def __init__(self, args):
        self.args = args
        self.clusters = []
        self.nodes = [Node(t) for t in control("NODES").split()]
        self.local_dc = self.nodes[0].dc

    def cluster(self, **kwargs):
        lbp = TokenAwarePolicy(DCAwareRoundRobinPolicy(
            local_dc=self.local_dc, used_hosts_per_remote_dc=len(self.nodes)))
        profiles = {EXEC_PROFILE_DEFAULT: ExecutionProfile(load_balancing_policy=lbp,
                                                           request_timeout=20)}
        profiles.update(kwargs.pop("extra_profiles", {}))
        kwargs.setdefault("protocol_version", 4)
        kwargs.setdefault("connect_timeout", 10)
        kwargs.setdefault("control_connection_timeout", 10)
        kwargs.setdefault("status_event_refresh_window", 0.1)
        kwargs.setdefault("topology_event_refresh_window", 0.1)
        kwargs.setdefault("schema_event_refresh_window", 0.1)
        c = Cluster([self.args.host], port=self.args.port, execution_profiles=profiles,
                    **kwargs)
        self.clusters.append(c)
        return c

    def close(self):
        for c in self.clusters:
            c.shutdown()
        self.clusters = []

    def host(self, cluster, index):
        node = self.nodes[index]
        for h in cluster.metadata.all_hosts():
            if h.address == node.address and h.endpoint.port == node.port:
                return h
        raise AssertionError(f"the driver does not know node {index} ({node.endpoint})")

    def keyspace(self, session, name, rf):
        session.execute(f"DROP KEYSPACE IF EXISTS {name}")
        if len({n.dc for n in self.nodes}) == 1:
            replication = f"{{'class': 'SimpleStrategy', 'replication_factor': {rf}}}"
        else:
            dcs = sorted({n.dc for n in self.nodes})
            per_dc = ", ".join(f"'{dc}': {min(rf, sum(n.dc == dc for n in self.nodes))}"
                               for dc in dcs)
            replication = f"{{'class': 'NetworkTopologyStrategy', {per_dc}}}"
        session.execute(f"CREATE KEYSPACE {name} WITH replication = {replication}")
        session.execute(f"CREATE TABLE {name}.t (k int PRIMARY KEY, v text)")


@scenario("three", "twodc")
def discovers_every_node(env):
    c = env.cluster()
    c.connect()
    hosts = c.metadata.all_hosts()
    seen = sorted((h.address, h.endpoint.port, h.datacenter, h.rack) for h in hosts)
    want = sorted((n.address, n.port, n.dc, n.rack) for n in env.nodes)
    check(seen == want, f"hosts {seen} != nodes {want}")
    # The driver opens pools to (and marks up) the local datacenter's hosts; hosts of
    # remote datacenters found after connecting stay unknown (is_up None) until an event
    # says otherwise, as the driver's DCAwareRoundRobinPolicy makes them IGNORED then.
    local = [h for h in c.metadata.all_hosts() if h.datacenter == env.local_dc]
    check(len(local) == sum(n.dc == env.local_dc for n in env.nodes), "local hosts")
    wait_until("every local host is up", lambda: all(h.is_up for h in local))
    check(len({h.host_id for h in hosts}) == len(env.nodes), "distinct host ids")


@scenario("three", "twodc")
def token_map_agrees_with_the_sim(env):
    c = env.cluster()
    s = c.connect()
    env.keyspace(s, "interop_tokens", 2)
    tm = c.metadata.token_map
    check(tm is not None, "the driver built a token map")
    compared = 0
    for k in range(64):
        key = struct.pack(">i", k)
        token = tm.token_class.from_key(key)
        driver = sorted(f"{h.address}:{h.endpoint.port}"
                        for h in tm.get_replicas("interop_tokens", token))
        sim = sorted(control(f"REPLICAS interop_tokens {key.hex()}").split(","))
        check(driver == sim, f"key {k}: driver {driver} != sim {sim}")
        compared += 1
    check(compared == 64, "every key compared")


@scenario("three", "twodc")
def token_aware_routing_hits_replicas(env):
    c = env.cluster()
    s = c.connect()
    env.keyspace(s, "interop_routing", 2)
    insert = s.prepare("INSERT INTO interop_routing.t (k, v) VALUES (?, ?)")
    executes = lambda: [int(n) for n in control("EXECUTES").split(",")]
    for k in range(30):
        before = executes()
        s.execute(insert, (k, "x"))
        after = executes()
        hit = [i for i, (b, a) in enumerate(zip(before, after)) if a > b]
        check(len(hit) == 1, f"key {k}: one node executed it, not {hit}")
        replicas = control(f"REPLICAS interop_routing {struct.pack('>i', k).hex()}").split(",")
        node = env.nodes[hit[0]]
        check(node.endpoint in replicas, f"key {k} went to {node.endpoint}, not {replicas}")
        check(node.dc == env.local_dc, f"key {k} left the local datacenter")


@scenario("three")
def queries_continue_at_one_with_a_node_stopped(env):
    c = env.cluster()
    s = c.connect()
    env.keyspace(s, "interop_down", 3)
    insert = s.prepare("INSERT INTO interop_down.t (k, v) VALUES (?, ?)")
    insert.consistency_level = ConsistencyLevel.QUORUM
    for k in range(20):
        s.execute(insert, (k, str(k)))
    control("STOP 2")
    host = env.host(c, 2)
    wait_until("node 2 is marked down", lambda: host.is_up is False)
    one = s.prepare("SELECT v FROM interop_down.t WHERE k = ?")
    one.consistency_level = ConsistencyLevel.ONE
    for k in range(20):
        row = s.execute(one, (k,)).one()
        check(row is not None and row.v == str(k), f"read {k} at ONE")
        s.execute(insert, (k + 100, "again"))
    try:
        s.execute(SimpleStatement("SELECT v FROM interop_down.t WHERE k = 1",
                                  consistency_level=ConsistencyLevel.ALL))
        raise AssertionError("ALL succeeded with a replica down")
    except Unavailable as e:
        check(e.consistency == ConsistencyLevel.ALL, f"consistency {e.consistency}")
        check((e.required_replicas, e.alive_replicas) == (3, 2),
              f"required/alive {e.required_replicas}/{e.alive_replicas}")
    control("START 2")
    wait_until("node 2 is up again", lambda: host.is_up is True)
    s.execute(SimpleStatement("SELECT v FROM interop_down.t WHERE k = 1",
                              consistency_level=ConsistencyLevel.ALL))


@scenario("three")
def unprepared_after_restart_is_reprepared(env):
    target = env.nodes[1]
    only_target = ExecutionProfile(
        load_balancing_policy=WhiteListRoundRobinPolicy([target.address]),
        request_timeout=20)
    c = env.cluster(reprepare_on_up=False, extra_profiles={"target": only_target})
    s = c.connect()
    env.keyspace(s, "interop_reprepare", 3)
    s.execute("INSERT INTO interop_reprepare.t (k, v) VALUES (1, 'one')")
    select = s.prepare("SELECT v FROM interop_reprepare.t WHERE k = ?")
    check(s.execute(select, (1,), execution_profile="target").one().v == "one", "before")
    check(int(control("PREPARED 1")) >= 1, "node 1 prepared the statement")
    # Stop first and let the driver see the node down, so that "up again" below is the
    # restart's (a restart is quicker than the driver's view of it).
    host = env.host(c, 1)
    control("STOP 1")
    wait_until("node 1 is marked down", lambda: host.is_up is False)
    control("RESTART 1")
    wait_until("node 1 is back up", lambda: host.is_up is True)
    check(int(control("PREPARED 1")) == 0, "node 1 forgot it on restart")
    wait_until("the driver can reach node 1 again",
               lambda: reachable(s, "target"))
    # Node 1 answers UNPREPARED; the driver prepares again there and retries.
    check(s.execute(select, (1,), execution_profile="target").one().v == "one", "after")
    check(int(control("PREPARED 1")) >= 1, "the driver prepared it again on node 1")


@scenario("twodc")
def remote_datacenter_down(env):
    c = env.cluster()
    s = c.connect()
    env.keyspace(s, "interop_dcs", 3)
    remote = [i for i, n in enumerate(env.nodes) if n.dc != env.local_dc]
    for i in remote:
        control(f"STOP {i}")
    for i in remote:
        host = env.host(c, i)
        wait_until(f"node {i} is marked down", lambda: host.is_up is False)
    for cl in (ConsistencyLevel.LOCAL_ONE, ConsistencyLevel.LOCAL_QUORUM):
        s.execute(SimpleStatement("INSERT INTO interop_dcs.t (k, v) VALUES (1, 'x')",
                                  consistency_level=cl))
        row = s.execute(SimpleStatement("SELECT v FROM interop_dcs.t WHERE k = 1",
                                        consistency_level=cl)).one()
        check(row.v == "x", f"read at {cl}")
    try:
        s.execute(SimpleStatement("INSERT INTO interop_dcs.t (k, v) VALUES (2, 'y')",
                                  consistency_level=ConsistencyLevel.EACH_QUORUM))
        raise AssertionError("EACH_QUORUM succeeded with a datacenter down")
    except Unavailable as e:
        check(e.consistency == ConsistencyLevel.EACH_QUORUM, f"consistency {e.consistency}")
        # Cassandra 4.1 reports alive 0 for the failing datacenter.
        check((e.required_replicas, e.alive_replicas) == (2, 0),
              f"required/alive {e.required_replicas}/{e.alive_replicas}")
    for i in remote:
        control(f"START {i}")
    for i in remote:
        host = env.host(c, i)
        wait_until(f"node {i} is up again", lambda: host.is_up is True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--layout", choices=["three", "twodc"], required=True)
    parser.add_argument("--only", action="append")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    env = Env(args)
    passed = failed = skipped = 0
    for fn, layouts in SCENARIOS:
        name = fn.__name__
        if args.only and name not in args.only:
            continue
        if args.layout not in layouts:
            print(f"SKIP {name}")
            skipped += 1
            continue
        try:
            fn(env)
            print(f"PASS {name}")
            passed += 1
        except Exception as e:  # noqa: BLE001 - every failure is reported
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
            failed += 1
        finally:
            env.close()
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
