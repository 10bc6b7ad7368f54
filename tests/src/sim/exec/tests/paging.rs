//! Paged SELECTs: when a page carries a state, and the state's bytes (Cassandra's v4+
//! layout), for each of Cassandra's pagers.

use bytes::Bytes;

use crate::sim::exec::paging::{NO_LIMIT, PagingState, encode_key, encode_mark};
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome, RowsResult};

struct Client {
    node: Node,
    session: SessionState,
}

impl Client {
    fn new() -> Self {
        let mut c = Self {
            node: Node::new(NodeConfig::default()),
            session: SessionState::default(),
        };
        for q in [
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            "CREATE TABLE ks.t (k int, c int, s int STATIC, v int, PRIMARY KEY (k, c))",
            "CREATE TABLE ks.p (k int PRIMARY KEY, v int)",
        ] {
            c.page(q, 0, None);
        }
        for k in 0..3 {
            for ck in 0..4 {
                c.page(
                    &format!("INSERT INTO ks.t (k, c, v) VALUES ({k}, {ck}, {ck})"),
                    0,
                    None,
                );
            }
        }
        c
    }

    fn page(&mut self, q: &str, size: i32, state: Option<Bytes>) -> RowsResult {
        let params = ExecParams {
            page_size: (size > 0).then_some(size),
            paging_state: state,
            ..ExecParams::default()
        };
        match self
            .node
            .query(q, &BoundValues::default(), &params, &mut self.session)
            .unwrap_or_else(|e| panic!("{q}: {e:?}"))
        {
            Outcome::Rows(r) => r,
            _ => RowsResult::default(),
        }
    }

    /// Every page's row count, following the states.
    fn pages(&mut self, q: &str, size: i32) -> Vec<usize> {
        let mut state = None;
        let mut out = Vec::new();
        loop {
            let r = self.page(q, size, state);
            out.push(r.rows.len());
            state = r.paging_state;
            if state.is_none() {
                return out;
            }
            assert!(out.len() < 100, "{q}: endless paging");
        }
    }
}

fn int(v: i32) -> Bytes {
    Bytes::copy_from_slice(&v.to_be_bytes())
}

#[test]
fn an_exactly_full_last_page_carries_a_state_then_an_empty_page_has_none() {
    let mut c = Client::new();
    // 12 rows over the ring, pages of 4 and of 6
    assert_eq!(c.pages("SELECT * FROM ks.t", 4), [4, 4, 4, 0]);
    assert_eq!(c.pages("SELECT * FROM ks.t", 6), [6, 6, 0]);
    assert_eq!(c.pages("SELECT * FROM ks.t", 5), [5, 5, 2]);
    // one partition; an IN over two
    assert_eq!(c.pages("SELECT * FROM ks.t WHERE k = 1", 2), [2, 2, 0]);
    assert_eq!(
        c.pages("SELECT * FROM ks.t WHERE k IN (0, 1)", 4),
        [4, 4, 0]
    );
    // a LIMIT reached ends the paging even on a full page
    assert_eq!(c.pages("SELECT * FROM ks.t LIMIT 8", 4), [4, 4]);
    // one partition done (PER PARTITION LIMIT, or a table without clustering) ends it
    assert_eq!(
        c.pages("SELECT * FROM ks.t WHERE k = 1 PER PARTITION LIMIT 2", 2),
        [2]
    );
    c.page("INSERT INTO ks.p (k, v) VALUES (1, 1)", 0, None);
    assert_eq!(c.pages("SELECT * FROM ks.p WHERE k = 1", 1), [1]);
    // ... but over the ring the next partition may follow
    assert_eq!(c.pages("SELECT * FROM ks.p", 1), [1, 0]);
}

#[test]
fn states_are_cassandra_v4_bytes() {
    let mut c = Client::new();
    // one partition: no key, the mark of c = 1, LIMIT and PER PARTITION LIMIT counts
    let r = c.page("SELECT * FROM ks.t WHERE k = 1", 2, None);
    let s = PagingState::decode(r.paging_state.as_ref().unwrap()).unwrap();
    assert_eq!(
        s,
        PagingState {
            partition_key: None,
            row_mark: Some(encode_mark(&[int(1)])),
            remaining: NO_LIMIT - 2,
            remaining_in_partition: NO_LIMIT - 2,
        }
    );
    assert_eq!(
        r.paging_state.as_deref().unwrap(),
        [
            0, 6, 0, 4, 0, 0, 0, 1, 0xf0, 0x7f, 0xff, 0xff, 0xfd, 0xf0, 0x7f, 0xff, 0xff, 0xfd
        ]
    );
    // over the ring: the key; LIMIT counts down
    let r = c.page("SELECT * FROM ks.t PER PARTITION LIMIT 3 LIMIT 10", 3, None);
    let s = PagingState::decode(r.paging_state.as_ref().unwrap()).unwrap();
    let first_key = r.rows[0][0].clone().unwrap();
    assert_eq!(s.partition_key, Some(encode_key(&[first_key])));
    assert_eq!((s.remaining, s.remaining_in_partition), (7, 0));
    // a state this sim did not make, in the same layout, resumes the same way
    let made = PagingState {
        partition_key: None,
        row_mark: Some(encode_mark(&[int(2)])),
        remaining: NO_LIMIT - 3,
        remaining_in_partition: NO_LIMIT - 3,
    };
    let r = c.page("SELECT c FROM ks.t WHERE k = 2", 10, Some(made.encode()));
    assert_eq!(r.rows, [vec![Some(int(3))]]);
    // garbage is refused with Cassandra's error
    let params = ExecParams {
        page_size: Some(2),
        paging_state: Some(Bytes::from_static(&[1, 2, 3])),
        ..ExecParams::default()
    };
    let e = c
        .node
        .query(
            "SELECT * FROM ks.t",
            &BoundValues::default(),
            &params,
            &mut c.session,
        )
        .unwrap_err();
    assert_eq!(e.message, "Invalid value for the paging state");
}

#[test]
fn a_static_row_is_never_the_mark() {
    let mut c = Client::new();
    c.page("INSERT INTO ks.t (k, s) VALUES (7, 70)", 0, None);
    let all = c.page("SELECT k, c FROM ks.t", 0, None).rows;
    let at = all.iter().position(|r| r[0] == Some(int(7))).unwrap();
    assert!(at > 0, "the static-only partition is not first in the ring");
    // a page that ends on the static-only row: the partition is done and the mark is
    // the page's last regular row's
    let r = c.page("SELECT k, c FROM ks.t", at as i32 + 1, None);
    let s = PagingState::decode(r.paging_state.as_ref().unwrap()).unwrap();
    assert_eq!(s.partition_key, Some(encode_key(&[int(7)])));
    assert_eq!(s.remaining_in_partition, 0);
    let before = all[at - 1][1].clone().unwrap();
    assert_eq!(s.row_mark, Some(encode_mark(&[before])));
    let rest = c.page("SELECT k, c FROM ks.t", 100, r.paging_state).rows;
    assert_eq!(rest, all[at + 1..]);
}
