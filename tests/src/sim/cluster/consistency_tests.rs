//! Every consistency level against Cassandra 4.1's numbers.

use super::*;
use Consistency as C;

fn simple(rf: usize) -> Factors {
    Factors::Simple(rf)
}

fn nts(dcs: &[(&str, usize)]) -> Factors {
    Factors::NetworkTopology(dcs.iter().map(|(d, n)| (d.to_string(), *n)).collect())
}

/// One datacenter `dc1` with `alive` of `total` replicas alive.
fn one_dc(alive: usize, total: usize) -> ReplicaCounts {
    ReplicaCounts::from_counts([("dc1", alive, total)])
}

fn fails(
    cl: Consistency,
    op: Operation,
    f: &Factors,
    r: &ReplicaCounts,
) -> (Consistency, usize, usize) {
    let u = check(cl, op, f, r, "dc1").expect_err("should be unavailable");
    (u.consistency, u.required, u.alive)
}

fn passes(cl: Consistency, op: Operation, f: &Factors, r: &ReplicaCounts) -> bool {
    check(cl, op, f, r, "dc1").is_ok()
}

#[test]
fn factors_from_replication_maps() {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>()
    };
    let s = Factors::from_replication(&map(&[
        ("class", "org.apache.cassandra.locator.SimpleStrategy"),
        ("replication_factor", "3"),
    ]));
    assert_eq!(s, simple(3));
    assert_eq!((s.total(), s.quorum(), s.local_quorum("any")), (3, 2, 2));
    let n = Factors::from_replication(&map(&[
        (
            "class",
            "org.apache.cassandra.locator.NetworkTopologyStrategy",
        ),
        ("dc1", "3"),
        ("dc2", "2/1"),
        ("dc3", "0"),
    ]));
    assert_eq!(n, nts(&[("dc1", 3), ("dc2", 2), ("dc3", 0)]));
    assert_eq!((n.total(), n.quorum()), (5, 3));
    assert_eq!(
        (
            n.local_quorum("dc1"),
            n.local_quorum("dc2"),
            n.local_quorum("x")
        ),
        (2, 2, 1)
    );
    let local = Factors::from_replication(&map(&[(
        "class",
        "org.apache.cassandra.locator.LocalStrategy",
    )]));
    assert_eq!(local, simple(1));
}

#[test]
fn block_for_every_level() {
    let s = simple(3);
    let n = nts(&[("dc1", 3), ("dc2", 2)]);
    let expect = [
        (C::Any, 1, 1),
        (C::One, 1, 1),
        (C::LocalOne, 1, 1),
        (C::Two, 2, 2),
        (C::Three, 3, 3),
        (C::Quorum, 2, 3),
        (C::Serial, 2, 3),
        (C::All, 3, 5),
        (C::LocalQuorum, 2, 2),
        (C::LocalSerial, 2, 2),
        (C::EachQuorum, 2, 4),
    ];
    for (cl, simple_n, nts_n) in expect {
        assert_eq!(s.block_for(cl, "dc1"), simple_n, "{cl} simple");
        assert_eq!(n.block_for(cl, "dc1"), nts_n, "{cl} nts");
    }
}

#[test]
fn one_two_three_all() {
    let f = simple(3);
    for op in [Operation::Read, Operation::Write] {
        assert!(passes(C::One, op, &f, &one_dc(1, 3)));
        assert_eq!(fails(C::One, op, &f, &one_dc(0, 3)), (C::One, 1, 0));
        assert!(passes(C::Two, op, &f, &one_dc(2, 3)));
        assert_eq!(fails(C::Two, op, &f, &one_dc(1, 3)), (C::Two, 2, 1));
        assert!(passes(C::Three, op, &f, &one_dc(3, 3)));
        assert_eq!(fails(C::Three, op, &f, &one_dc(2, 3)), (C::Three, 3, 2));
        assert!(passes(C::All, op, &f, &one_dc(3, 3)));
        assert_eq!(fails(C::All, op, &f, &one_dc(2, 3)), (C::All, 3, 2));
    }
    // THREE with RF 2: required 3 whatever the ring holds.
    assert_eq!(
        fails(C::Three, Operation::Write, &simple(2), &one_dc(2, 2)),
        (C::Three, 3, 2)
    );
}

#[test]
fn quorum_counts_the_configured_factor() {
    let f = simple(3);
    assert!(passes(C::Quorum, Operation::Read, &f, &one_dc(2, 3)));
    assert_eq!(
        fails(C::Quorum, Operation::Write, &f, &one_dc(1, 3)),
        (C::Quorum, 2, 1)
    );
    // RF 3 on a single node: quorum is 2 of the 3 configured replicas, one exists.
    assert_eq!(
        fails(C::Quorum, Operation::Read, &f, &one_dc(1, 1)),
        (C::Quorum, 2, 1)
    );
    assert!(passes(C::One, Operation::Read, &f, &one_dc(1, 1)));
    assert_eq!(
        fails(C::All, Operation::Write, &f, &one_dc(1, 1)),
        (C::All, 3, 1)
    );
    // QUORUM under NTS counts every datacenter's replicas.
    let n = nts(&[("dc1", 3), ("dc2", 2)]);
    let r = ReplicaCounts::from_counts([("dc1", 1, 3), ("dc2", 2, 2)]);
    assert!(passes(C::Quorum, Operation::Read, &n, &r));
    let r = ReplicaCounts::from_counts([("dc1", 1, 3), ("dc2", 1, 2)]);
    assert_eq!(
        fails(C::Quorum, Operation::Write, &n, &r),
        (C::Quorum, 3, 2)
    );
}

#[test]
fn single_node_rf1_satisfies_every_level_but_two_and_three() {
    let f = simple(1);
    let r = one_dc(1, 1);
    for cl in [
        C::One,
        C::LocalOne,
        C::Quorum,
        C::All,
        C::LocalQuorum,
        C::EachQuorum,
    ] {
        assert!(passes(cl, Operation::Read, &f, &r), "{cl} read");
        assert!(passes(cl, Operation::Write, &f, &r), "{cl} write");
    }
    assert!(passes(C::Any, Operation::Write, &f, &r));
    assert!(passes(C::Serial, Operation::Paxos, &f, &r));
    assert!(passes(C::LocalSerial, Operation::Paxos, &f, &r));
    assert_eq!(fails(C::Two, Operation::Read, &f, &r), (C::Two, 2, 1));
}

#[test]
fn any_accepts_writes_with_every_replica_down() {
    assert!(passes(C::Any, Operation::Write, &simple(3), &one_dc(0, 3)));
    assert!(validate_read(C::Any).is_err());
    assert_eq!(
        validate_read(C::Any).unwrap_err().message,
        "ANY ConsistencyLevel is only supported for writes"
    );
    assert!(
        validate_read(C::EachQuorum).is_ok(),
        "4.1 reads at EACH_QUORUM"
    );
}

#[test]
fn local_levels_count_the_coordinator_datacenter() {
    let n = nts(&[("dc1", 3), ("dc2", 2)]);
    let r = ReplicaCounts::from_counts([("dc1", 0, 3), ("dc2", 2, 2)]);
    assert_eq!(
        fails(C::LocalOne, Operation::Read, &n, &r),
        (C::LocalOne, 1, 0)
    );
    assert_eq!(
        fails(C::LocalQuorum, Operation::Write, &n, &r),
        (C::LocalQuorum, 2, 0)
    );
    assert!(check(C::LocalQuorum, Operation::Read, &n, &r, "dc2").is_ok());
    let r = ReplicaCounts::from_counts([("dc1", 2, 3), ("dc2", 0, 2)]);
    assert!(passes(C::LocalQuorum, Operation::Read, &n, &r));
    assert!(passes(C::LocalOne, Operation::Write, &n, &r));
    // A coordinator in a datacenter without replicas: factor 0, local quorum 1.
    let u = check(C::LocalQuorum, Operation::Read, &n, &r, "dc3").unwrap_err();
    assert_eq!((u.required, u.alive), (1, 0));
    // Under SimpleStrategy LOCAL_QUORUM is the whole quorum, counted locally.
    let r = ReplicaCounts::from_counts([("dc1", 1, 1), ("dc2", 2, 2)]);
    assert_eq!(
        fails(C::LocalQuorum, Operation::Read, &simple(3), &r),
        (C::LocalQuorum, 2, 1)
    );
}

#[test]
fn each_quorum_reports_the_failing_datacenter_with_alive_zero() {
    let n = nts(&[("dc1", 3), ("dc2", 2)]);
    let r = ReplicaCounts::from_counts([("dc1", 2, 3), ("dc2", 2, 2)]);
    assert!(passes(C::EachQuorum, Operation::Write, &n, &r));
    assert!(passes(C::EachQuorum, Operation::Read, &n, &r));
    let r = ReplicaCounts::from_counts([("dc1", 3, 3), ("dc2", 1, 2)]);
    let u = check(C::EachQuorum, Operation::Write, &n, &r, "dc1").unwrap_err();
    assert_eq!(
        (u.consistency, u.required, u.alive, u.datacenter.as_deref()),
        (C::EachQuorum, 2, 0, Some("dc2"))
    );
    assert_eq!(
        u.message(),
        "Cannot achieve consistency level EACH_QUORUM in DC dc2"
    );
    // Datacenters are checked in name order; the first failing one is reported.
    let r = ReplicaCounts::from_counts([("dc1", 1, 3), ("dc2", 0, 2)]);
    let u = check(C::EachQuorum, Operation::Read, &n, &r, "dc2").unwrap_err();
    assert_eq!(u.datacenter.as_deref(), Some("dc1"));
    // A datacenter listed with factor 0 still wants a quorum of 1.
    let z = nts(&[("dc1", 1), ("dc2", 0)]);
    let r = ReplicaCounts::from_counts([("dc1", 1, 1)]);
    let u = check(C::EachQuorum, Operation::Write, &z, &r, "dc1").unwrap_err();
    assert_eq!((u.required, u.alive), (1, 0));
    // Under SimpleStrategy EACH_QUORUM is QUORUM.
    assert_eq!(
        fails(C::EachQuorum, Operation::Write, &simple(3), &one_dc(1, 3)),
        (C::EachQuorum, 2, 1)
    );
}

#[test]
fn paxos_needs_a_majority_of_the_placed_replicas() {
    let f = simple(3);
    assert!(passes(C::Serial, Operation::Paxos, &f, &one_dc(2, 3)));
    assert_eq!(
        fails(C::Serial, Operation::Paxos, &f, &one_dc(1, 3)),
        (C::Serial, 2, 1)
    );
    // RF 3 on one node: one placed replica, a majority of one.
    assert!(passes(C::Serial, Operation::Paxos, &f, &one_dc(1, 1)));
    // LOCAL_SERIAL counts the coordinator's datacenter only.
    let n = nts(&[("dc1", 3), ("dc2", 3)]);
    let r = ReplicaCounts::from_counts([("dc1", 2, 3), ("dc2", 0, 3)]);
    assert!(passes(C::LocalSerial, Operation::Paxos, &n, &r));
    assert_eq!(
        fails(C::Serial, Operation::Paxos, &n, &r),
        (C::Serial, 4, 2)
    );
    let r = ReplicaCounts::from_counts([("dc1", 1, 3), ("dc2", 3, 3)]);
    assert_eq!(
        fails(C::LocalSerial, Operation::Paxos, &n, &r),
        (C::LocalSerial, 2, 1)
    );
    assert_eq!(paxos_read_level(C::Serial), C::Quorum);
    assert_eq!(paxos_read_level(C::LocalSerial), C::LocalQuorum);
}

#[test]
fn reads_need_one_live_replica_even_when_nothing_is_required() {
    // ALL over a strategy with no replicas: required 0, and reads still need one.
    let empty = nts(&[]);
    let u = check(
        C::All,
        Operation::Read,
        &empty,
        &ReplicaCounts::default(),
        "dc1",
    )
    .unwrap_err();
    assert_eq!((u.required, u.alive), (0, 0));
    assert_eq!(u.message(), "Insufficient full replicas");
    assert!(
        check(
            C::All,
            Operation::Write,
            &empty,
            &ReplicaCounts::default(),
            "dc1"
        )
        .is_ok()
    );
}

#[test]
fn unavailable_errors_carry_the_fields() {
    let u = check(C::Quorum, Operation::Read, &simple(3), &one_dc(1, 3), "dc1").unwrap_err();
    let e = u.to_error();
    assert_eq!(
        e.error,
        DbError::Unavailable {
            consistency: C::Quorum,
            required: 2,
            alive: 1
        }
    );
    assert_eq!(e.message, "Cannot achieve consistency level QUORUM");
}

#[test]
fn validations() {
    assert!(validate_write(C::One).is_ok());
    assert_eq!(
        validate_write(C::Serial).unwrap_err().message,
        "You must use conditional updates for serializable writes"
    );
    assert!(validate_write(C::LocalSerial).is_err());
    assert_eq!(
        validate_counter_write(C::Any, "hits").unwrap_err().message,
        "Consistency level ANY is not yet supported for counter table hits"
    );
    assert_eq!(
        validate_counter_write(C::Serial, "hits")
            .unwrap_err()
            .message,
        "Counter operations are inherently non-serializable"
    );
    assert!(validate_counter_write(C::Quorum, "hits").is_ok());
    assert!(validate_cas(C::Serial).is_ok());
    assert!(validate_cas(C::LocalSerial).is_ok());
    assert_eq!(
        validate_cas(C::Quorum).unwrap_err().message,
        "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL"
    );
    assert!(validate_cas_commit(C::Quorum, &simple(3)).is_ok());
    assert!(validate_cas_commit(C::Any, &simple(3)).is_ok());
    assert_eq!(
        validate_cas_commit(C::EachQuorum, &simple(3))
            .unwrap_err()
            .message,
        "consistency level EACH_QUORUM not compatible with replication strategy (org.apache.cassandra.locator.SimpleStrategy)"
    );
    assert!(validate_cas_commit(C::EachQuorum, &nts(&[("dc1", 1)])).is_ok());
    assert!(
        validate_cas_commit(C::Serial, &simple(1))
            .unwrap_err()
            .message
            .starts_with("SERIAL is not supported as conditional update commit consistency.")
    );
}
