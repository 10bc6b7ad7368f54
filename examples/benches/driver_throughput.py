"""The Python cassandra-driver's side of `cargo bench -p cql-examples --bench driver_throughput`.

`python driver_throughput.py --addr HOST:PORT --concurrency N --seconds S --query Q` prepares Q
(one int bind marker) on protocol v4 with one connection to the node, keeps N executions in
flight with the driver's async callbacks (each completed request starts the next one) for a
short warm-up and then S seconds, and prints

    RESULT <completed> <elapsed_s> <cpu_s> <peak_rss_kib> <errors>

where cpu_s is this process's user+sys CPU time (resource.getrusage(RUSAGE_SELF)) spent in
the measured window and peak_rss_kib its ru_maxrss.
"""

import argparse
import resource
import threading
import time

from cassandra import ProtocolVersion
from cassandra.cluster import Cluster


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Runner:
    """Keeps `concurrency` executions in flight until `deadline`."""

    def __init__(self, session, statement, concurrency, deadline):
        self.session = session
        self.statement = statement
        self.deadline = deadline
        self.lock = threading.Lock()
        self.outstanding = concurrency
        self.completed = 0
        self.errors = 0
        self.done = threading.Event()
        for i in range(concurrency):
            self.start(i)

    def start(self, key):
        future = self.session.execute_async(self.statement, (key,))
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
            self.start(key)
            return
        with self.lock:
            self.outstanding -= 1
            if self.outstanding == 0:
                self.done.set()


def run(session, statement, concurrency, seconds):
    runner = Runner(session, statement, concurrency, time.perf_counter() + seconds)
    runner.done.wait()
    return runner


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", required=True)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--query", required=True)
    args = p.parse_args()
    host, port = args.addr.rsplit(":", 1)
    cluster = Cluster([host], port=int(port), protocol_version=ProtocolVersion.V4)
    session = cluster.connect()
    statement = session.prepare(args.query)
    if args.warmup > 0:
        run(session, statement, args.concurrency, args.warmup)
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    runner = run(session, statement, args.concurrency, args.seconds)
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RESULT {runner.completed} {elapsed:.6f} {cpu:.6f} {peak_kib} {runner.errors}",
          flush=True)
    cluster.shutdown()


if __name__ == "__main__":
    main()
