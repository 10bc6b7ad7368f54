"""The Python cassandra-driver's side of `cargo bench -p cql-bench --bench driver_throughput`
(one node) and `--bench driver_throughput_cluster` (1 and 3 nodes).

`python driver_throughput.py --addr HOST:PORT[,HOST:PORT...] --concurrency N --seconds S
--query Q [--fixed-key K]` prepares Q (one int bind marker, the partition key) on protocol v4
with the driver's defaults (TokenAwarePolicy(DCAwareRoundRobinPolicy()), one connection per
host; the nodes of a cluster are discovered from the contact points, which share one port),
keeps N executions in flight with the driver's async callbacks (each completed request starts
the next one; request i of a chain binds key i + chain number, or K with --fixed-key) for a
short warm-up and then S seconds. It prints `MEASURING` when the measured window starts, then

    RESULT <completed> <elapsed_s> <cpu_s> <peak_rss_kib> <errors>

where cpu_s is this process's user+sys CPU time (resource.getrusage(RUSAGE_SELF)) spent in
the measured window and peak_rss_kib its ru_maxrss.
"""

import argparse
import resource
import sys
import threading
import time

from cassandra import ProtocolVersion
from cassandra.cluster import Cluster


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Runner:
    """Keeps `concurrency` executions in flight until `deadline`."""

    def __init__(self, session, statement, concurrency, deadline, fixed_key=None):
        self.session = session
        self.statement = statement
        self.deadline = deadline
        self.fixed_key = fixed_key
        self.lock = threading.Lock()
        self.outstanding = concurrency
        self.completed = 0
        self.errors = 0
        self.done = threading.Event()
        for i in range(concurrency):
            self.start(i)

    def start(self, key):
        bound = key if self.fixed_key is None else self.fixed_key
        future = self.session.execute_async(self.statement, (bound,))
        future.add_callbacks(self.on_success, self.on_error, callback_args=(key,),
                             errback_args=(key,))

    def on_success(self, rows, key):
        # Decode the one cell as the other clients do.
        for row in rows:
            _ = row[0]
        self.next(key, ok=True)

    def on_error(self, _exc, key):
        self.next(key, ok=False)

    def next(self, key, ok):
        with self.lock:
            if ok:
                self.completed += 1
            else:
                self.errors += 1
        if time.perf_counter() < self.deadline:
            self.start((key + 1) & 0x7FFFFFFF)
            return
        with self.lock:
            self.outstanding -= 1
            if self.outstanding == 0:
                self.done.set()


def run(session, statement, concurrency, seconds, fixed_key=None):
    runner = Runner(session, statement, concurrency, time.perf_counter() + seconds, fixed_key)
    runner.done.wait()
    return runner


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--query", required=True)
    p.add_argument("--fixed-key", type=int, default=None)
    args = p.parse_args()
    hosts, ports = [], set()
    for addr in args.addr.split(","):
        host, port = addr.rsplit(":", 1)
        hosts.append(host)
        ports.add(int(port))
    if len(ports) != 1:
        raise SystemExit("the contact points must share one port")
    cluster = Cluster(hosts, port=ports.pop(), protocol_version=ProtocolVersion.V4)
    session = cluster.connect()
    statement = session.prepare(args.query)
    if not statement.routing_key_indexes:
        print("warning: the prepared statement has no partition key indexes (no token-aware "
              "routing)", file=sys.stderr, flush=True)
    if args.warmup > 0:
        run(session, statement, args.concurrency, args.warmup, args.fixed_key)
    print("MEASURING", flush=True)
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    runner = run(session, statement, args.concurrency, args.seconds, args.fixed_key)
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RESULT {runner.completed} {elapsed:.6f} {cpu:.6f} {peak_kib} {runner.errors}",
          flush=True)
    cluster.shutdown()


if __name__ == "__main__":
    main()
