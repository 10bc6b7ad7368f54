#!/usr/bin/env python3
"""Prints what the Python cassandra-driver's metadata says of one keyspace, for
transport-tcp/tests/metadata.rs to compare with this driver's export:

    export_schema.py --host H --port P --keyspace KS

stdout: the keyspace's `export_as_string()`, whole.
"""

import argparse
import sys

from cassandra.cluster import Cluster
from cassandra.policies import WhiteListRoundRobinPolicy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keyspace", required=True)
    args = parser.parse_args()
    cluster = Cluster(
        [args.host],
        port=args.port,
        load_balancing_policy=WhiteListRoundRobinPolicy([args.host]),
        protocol_version=4,
    )
    try:
        cluster.connect()
        cluster.refresh_schema_metadata()
        keyspace = cluster.metadata.keyspaces.get(args.keyspace)
        if keyspace is None:
            print(f"keyspace {args.keyspace} not in the Python driver's metadata", file=sys.stderr)
            return 1
        sys.stdout.write(keyspace.export_as_string())
        return 0
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
