"""Requests per second the Python cassandra-driver sends to one node.

`python python_driver_load.py --port P --seconds S --concurrency 128 --query Q` prepares Q
and keeps `concurrency` executions in flight for S seconds (the driver's own
execute_concurrent machinery), then prints `requests_per_second: N`.
"""

import argparse
import itertools
import time

from cassandra import ProtocolVersion
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--concurrency", type=int, default=128)
    p.add_argument("--query", required=True)
    p.add_argument("--keyspace")
    args = p.parse_args()
    cluster = Cluster([args.host], port=args.port, protocol_version=ProtocolVersion.V4)
    session = cluster.connect(args.keyspace)
    statement = session.prepare(args.query)
    params = [() for _ in range(2000)] if "?" not in args.query else None
    done = 0
    started = time.perf_counter()
    counter = itertools.count()
    while time.perf_counter() - started < args.seconds:
        batch = params or [(next(counter) % 1000,) for _ in range(2000)]
        results = execute_concurrent_with_args(
            session, statement, batch, concurrency=args.concurrency, raise_on_first_error=True)
        done += sum(1 for ok, _ in results if ok)
    elapsed = time.perf_counter() - started
    print(f"requests_per_second: {done / elapsed:.0f}")
    cluster.shutdown()


if __name__ == "__main__":
    main()
