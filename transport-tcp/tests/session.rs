//! `cql_core::session::Session` end to end: this crate's TCP/TLS transports and tokio
//! runtime against the simulated node over real sockets.
//!
//! Needs `TcpTransport`, `TlsTransport`/`TlsConfig` and `TokioRuntime` from branch `tcp`:
//! merge `tcp` before this file. All pass on a merge of `session` and `tcp`.

mod common;

use common::sessions::{session_for, with_table};
use std::net::IpAddr;
use std::time::Duration;

use cql_testkit::sim::server::{ServerCertificate, SimServer, SimServerConfig};
use cql_transport_tcp::SessionBuilder;
use cql_transport_tcp::frame::{Compression, ProtocolVersion};
use cql_transport_tcp::message::{BatchType, Consistency, DbError};
use cql_transport_tcp::session::{Batch, Error, Statement};
use cql_transport_tcp::types::{
    CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlValue, CqlVarint, SerializeValue,
    Unset,
};
use cql_transport_tcp::{TlsConfig, TlsTransport};
use futures::StreamExt;

#[tokio::test]
async fn simple_and_prepared_statements_on_every_version_and_compression() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let cases = [
        (Some(ProtocolVersion::V4), Compression::None),
        (Some(ProtocolVersion::V4), Compression::Lz4),
        (Some(ProtocolVersion::V4), Compression::Snappy),
        (Some(ProtocolVersion::V5), Compression::None),
        (Some(ProtocolVersion::V5), Compression::Lz4),
        (None, Compression::Lz4),
    ];
    for (i, (version, compression)) in cases.into_iter().enumerate() {
        let mut builder = SessionBuilder::new().compression(compression);
        if let Some(v) = version {
            builder = builder.protocol_version(v);
        }
        let session = session_for(&server, builder).await;
        let expected = version.unwrap_or(ProtocolVersion::V5);
        assert_eq!(session.host_versions()[0].1, Some(expected));
        with_table(&session, "ks_versions").await;
        session
            .execute(
                "INSERT INTO kv (k, c, v) VALUES (?, ?, ?)",
                (i as i32, 1i32, "simple"),
            )
            .await
            .unwrap();
        let named: [(&str, &dyn SerializeValue); 3] =
            [("v", &"named"), ("k", &(i as i32)), ("c", &2i32)];
        session
            .execute("INSERT INTO kv (k, c, v) VALUES (:k, :c, :v)", named)
            .await
            .unwrap();
        let select = session
            .prepare("SELECT c, v FROM kv WHERE k = ?")
            .await
            .unwrap();
        assert_eq!(select.bind_specs().len(), 1);
        let result = session.execute(&select, (i as i32,)).await.unwrap();
        let rows: Vec<(i32, String)> = result.typed().unwrap().map(Result::unwrap).collect();
        assert_eq!(
            rows,
            [(1, "simple".into()), (2, "named".into())],
            "{version:?} {compression:?}"
        );
        // Executed again: the prepared statement's cached metadata is used (v5 skips it).
        let again = session.execute(&select, (i as i32,)).await.unwrap();
        assert_eq!(
            again.first_row().unwrap().get::<&str>("v").unwrap(),
            "simple"
        );
        // A wrong type is refused before anything is sent, naming the bind marker.
        let e = session.execute(&select, ("x",)).await.unwrap_err();
        assert!(
            matches!(e, Error::Serialize(_)) && e.to_string().contains("k"),
            "{e}"
        );
        let e = session.execute(&select, (1i32, 2i32)).await.unwrap_err();
        assert!(e.to_string().contains("1 columns, 2 values"), "{e}");
        session.close().await;
    }
    server.stop().await;
}

#[tokio::test]
async fn tls_and_authentication() {
    let server = SimServer::start(
        SimServerConfig::default()
            .with_tls(ServerCertificate::Generated)
            .with_user("alice", "s3cret"),
    )
    .await
    .unwrap();
    let tls = || {
        TlsTransport::new(
            TlsConfig::builder()
                .ca_pem(&server.tls().unwrap().ca_pem)
                .build()
                .unwrap(),
        )
    };
    let addr = format!("localhost:{}", server.local_addr().port());
    let session = SessionBuilder::new()
        .contact_point(addr.as_str())
        .credentials("alice", "s3cret")
        .transport(tls())
        .connect()
        .await
        .unwrap();
    let r = session
        .execute("SELECT release_version FROM system.local", ())
        .await
        .unwrap();
    assert_eq!(r.row_count(), 1);
    session.close().await;

    let e = SessionBuilder::new()
        .contact_point(addr.as_str())
        .credentials("alice", "wrong")
        .transport(tls())
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_authentication(), "{e}");
    let e = SessionBuilder::new()
        .contact_point(addr.as_str())
        .transport(tls())
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_authentication(), "{e}");
    server.stop().await;
}

#[tokio::test]
async fn every_cql_type_round_trips() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new()).await;
    with_table(&session, "ks_types").await;
    session
        .execute("CREATE TYPE IF NOT EXISTS pt (x int, y text)", ())
        .await
        .unwrap();
    // A uuid and a timeuuid made by the node (this crate has no uuid dependency).
    let ids = session
        .execute("SELECT uuid(), now() FROM system.local", ())
        .await
        .unwrap();
    let ids = ids.first_row().unwrap();
    let (uuid, timeuuid) = (
        ids.value(0).unwrap().unwrap(),
        ids.value(1).unwrap().unwrap(),
    );
    let columns: Vec<(&str, &str, CqlValue)> = vec![
        ("a", "ascii", CqlValue::Ascii("abc".into())),
        ("b", "bigint", CqlValue::BigInt(-1 << 40)),
        ("bl", "blob", CqlValue::Blob(vec![0, 1, 255])),
        ("bo", "boolean", CqlValue::Boolean(true)),
        (
            "de",
            "decimal",
            CqlValue::Decimal(CqlDecimal {
                unscaled: CqlVarint(vec![0x30, 0x39]),
                scale: 2,
            }),
        ),
        ("do", "double", CqlValue::Double(1.5)),
        ("f", "float", CqlValue::Float(-2.25)),
        ("i", "int", CqlValue::Int(42)),
        (
            "ts",
            "timestamp",
            CqlValue::Timestamp(CqlTimestamp(1_700_000_000_123)),
        ),
        ("u", "uuid", uuid),
        ("t", "text", CqlValue::Text("héllo".into())),
        (
            "vi",
            "varint",
            CqlValue::Varint(CqlVarint(vec![
                0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ])),
        ),
        ("tu", "timeuuid", timeuuid),
        (
            "ip",
            "inet",
            CqlValue::Inet("::1".parse::<IpAddr>().unwrap()),
        ),
        ("da", "date", CqlValue::Date(CqlDate((1u32 << 31) + 19_000))),
        ("ti", "time", CqlValue::Time(CqlTime(3_600_000_000_123))),
        ("sm", "smallint", CqlValue::SmallInt(-3)),
        ("ty", "tinyint", CqlValue::TinyInt(7)),
        (
            "du",
            "duration",
            CqlValue::Duration(CqlDuration {
                months: 1,
                days: -2,
                nanoseconds: 3,
            }),
        ),
        (
            "l",
            "list<int>",
            CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]),
        ),
        (
            "s",
            "set<text>",
            CqlValue::Set(vec![CqlValue::Text("a".into()), CqlValue::Text("b".into())]),
        ),
        (
            "m",
            "map<text, int>",
            CqlValue::Map(vec![(CqlValue::Text("k".into()), CqlValue::Int(9))]),
        ),
        (
            "tp",
            "tuple<int, text>",
            CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]),
        ),
        (
            "ud",
            "frozen<pt>",
            CqlValue::Udt {
                keyspace: "ks_types".into(),
                name: "pt".into(),
                fields: vec![
                    ("x".into(), Some(CqlValue::Int(5))),
                    ("y".into(), Some(CqlValue::Text("z".into()))),
                ],
            },
        ),
        (
            "ve",
            "vector<float, 2>",
            CqlValue::Vector(vec![CqlValue::Float(1.0), CqlValue::Float(2.0)]),
        ),
    ];
    let defs: Vec<String> = columns.iter().map(|(n, t, _)| format!("{n} {t}")).collect();
    session
        .execute(
            &format!(
                "CREATE TABLE IF NOT EXISTS every (k int PRIMARY KEY, {})",
                defs.join(", ")
            ),
            (),
        )
        .await
        .unwrap();
    let names: Vec<&str> = columns.iter().map(|(n, _, _)| *n).collect();
    let marks = vec!["?"; names.len() + 1].join(", ");
    let insert = format!(
        "INSERT INTO every (k, {}) VALUES ({marks})",
        names.join(", ")
    );
    // Prepared (values checked against the columns) and simple (natural types).
    let mut values: Vec<CqlValue> = vec![CqlValue::Int(1)];
    values.extend(columns.iter().map(|(_, _, v)| v.clone()));
    let prepared = session.prepare(&insert).await.unwrap();
    session.execute(&prepared, values.clone()).await.unwrap();
    values[0] = CqlValue::Int(2);
    session.execute(&insert, values.clone()).await.unwrap();
    for k in [1, 2] {
        let r = session
            .execute(
                &format!("SELECT {} FROM every WHERE k = ?", names.join(", ")),
                (k,),
            )
            .await
            .unwrap();
        let row = r.first_row().unwrap();
        for (i, (name, typ, expected)) in columns.iter().enumerate() {
            let got = row.value(i).unwrap().unwrap();
            assert_eq!(&got, expected, "k={k} column {name} ({typ})");
            assert_eq!(row.value(*name).unwrap().unwrap(), got);
        }
    }
    // UNSET leaves a column as it was; null clears it.
    session
        .execute(
            "UPDATE every SET i = ?, t = ? WHERE k = ?",
            (Unset, None::<String>, 1i32),
        )
        .await
        .unwrap();
    let r = session
        .execute("SELECT i, t FROM every WHERE k = 1", ())
        .await
        .unwrap();
    assert_eq!(
        r.first_row()
            .unwrap()
            .typed::<(i32, Option<String>)>()
            .unwrap(),
        (42, None)
    );
    server.stop().await;
}

/// 12,000 rows (pages of 5,000 by default) read every way the session offers: all at once,
/// a page at a time with the paging state, and as a stream. None stops at the first page.
#[tokio::test]
async fn twelve_thousand_rows_every_way() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new()).await;
    with_table(&session, "ks_paging").await;
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    const ROWS: i32 = 12_000;
    for c in 0..ROWS {
        session.execute(&insert, (1i32, c, "x")).await.unwrap();
    }
    // All rows in one call: every page fetched.
    let all = session
        .execute("SELECT c FROM kv WHERE k = ?", (1i32,))
        .await
        .unwrap();
    assert_eq!(all.row_count(), ROWS as usize);
    assert!(all.paging_state.is_none());
    let read: Vec<i32> = all
        .typed::<(i32,)>()
        .unwrap()
        .map(|r| r.unwrap().0)
        .collect();
    assert_eq!(read, (0..ROWS).collect::<Vec<_>>());
    // One page at a time, with the paging state.
    let select = Statement::new("SELECT c FROM kv WHERE k = 1").with_page_size(3000);
    let mut state = None;
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let r = session
            .execute_page(&select, (), state.take())
            .await
            .unwrap();
        pages += 1;
        seen += r.row_count();
        match r.paging_state {
            Some(s) => state = Some(s),
            None => break,
        }
    }
    // As Cassandra: the fourth page is exactly full, so it carries a paging state and an
    // empty fifth page ends the walk.
    assert_eq!((seen, pages), (ROWS as usize, 5));
    // As a stream: pages fetched on demand.
    let mut stream = session
        .execute_iter("SELECT c FROM kv WHERE k = ?", (1i32,))
        .unwrap()
        .typed::<(i32,)>();
    let mut expected = 0;
    while let Some(row) = stream.next().await {
        assert_eq!(row.unwrap().0, expected);
        expected += 1;
    }
    assert_eq!(expected, ROWS);
    let mut lazy = session
        .execute_iter("SELECT c FROM kv WHERE k = 1", ())
        .unwrap();
    lazy.next().await.unwrap().unwrap();
    assert_eq!(
        lazy.pages_fetched(),
        1,
        "only the first page is fetched for the first row"
    );
    server.stop().await;
}

#[tokio::test]
async fn reprepare_batches_lwt_schema_changes_and_close() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new()).await;
    with_table(&session, "ks_misc").await;

    // Re-prepared transparently after the node forgets its statements.
    let insert = session
        .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    session.execute(&insert, (1i32, 1i32, "a")).await.unwrap();
    assert!(
        session
            .prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
            .await
            .unwrap()
            .same_statement(&insert)
    );
    server.node().forget_prepared();
    session.execute(&insert, (1i32, 2i32, "b")).await.unwrap();

    // Batches mixing simple and prepared statements; then again after forgetting.
    let mut batch = Batch::new(BatchType::Logged);
    batch
        .add(&insert, (2i32, 1i32, "p"))
        .unwrap()
        .add(
            "INSERT INTO kv (k, c, v) VALUES (?, ?, ?)",
            (2i32, 2i32, "s"),
        )
        .unwrap();
    session.batch(&batch).await.unwrap();
    server.node().forget_prepared();
    session
        .batch(&batch.clone().with_consistency(Consistency::One))
        .await
        .unwrap();
    let r = session
        .execute("SELECT v FROM kv WHERE k = 2", ())
        .await
        .unwrap();
    assert_eq!(r.row_count(), 2);
    let mut unlogged = Batch::unlogged();
    unlogged
        .add("DELETE FROM kv WHERE k = ? AND c = ?", (2i32, 1i32))
        .unwrap();
    session.batch(&unlogged).await.unwrap();
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS counts (k int PRIMARY KEY, n counter)",
            (),
        )
        .await
        .unwrap();
    let mut counter = Batch::counter();
    counter
        .add("UPDATE counts SET n = n + ? WHERE k = ?", (5i64, 1i32))
        .unwrap();
    session.batch(&counter).await.unwrap();
    let r = session
        .execute("SELECT n FROM counts WHERE k = 1", ())
        .await
        .unwrap();
    assert_eq!(r.first_row().unwrap().get::<i64>("n").unwrap(), 5);

    // Lightweight transactions.
    let lwt = "INSERT INTO kv (k, c, v) VALUES (?, ?, ?) IF NOT EXISTS";
    assert_eq!(
        session
            .execute(lwt, (9i32, 9i32, "first"))
            .await
            .unwrap()
            .applied(),
        Some(true)
    );
    let second = session.execute(lwt, (9i32, 9i32, "second")).await.unwrap();
    assert_eq!(second.applied(), Some(false));
    assert_eq!(
        second.first_row().unwrap().get::<&str>("v").unwrap(),
        "first"
    );

    // Schema change results, server errors with their fields.
    let r = session
        .execute("CREATE TABLE t2 (k int PRIMARY KEY)", ())
        .await
        .unwrap();
    assert_eq!(
        r.schema_change.as_ref().unwrap().target.keyspace(),
        "ks_misc"
    );
    let e = session
        .execute("CREATE TABLE t2 (k int PRIMARY KEY)", ())
        .await
        .unwrap_err();
    assert!(
        matches!(e.db_error(), Some(DbError::AlreadyExists { .. })),
        "{e}"
    );
    let e = session.execute("SELEC 1", ()).await.unwrap_err();
    assert!(matches!(e.db_error(), Some(DbError::SyntaxError)), "{e}");
    let e = session.use_keyspace("no_such_ks").await.unwrap_err();
    assert!(matches!(e.db_error(), Some(DbError::Invalid)), "{e}");
    assert_eq!(session.keyspace().as_deref(), Some("ks_misc"));

    // Named profiles and per-statement options.
    let e = session
        .execute(
            &Statement::new("SELECT * FROM kv").with_execution_profile("nope"),
            (),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");

    // Close: in-flight requests finish, new ones are refused.
    let in_flight = {
        let s = session.clone();
        tokio::spawn(async move { s.execute("SELECT * FROM kv WHERE k = 1", ()).await })
    };
    tokio::task::yield_now().await;
    session.close().await;
    let _ = in_flight.await.unwrap();
    let e = session.execute("SELECT * FROM kv", ()).await.unwrap_err();
    assert!(matches!(e, Error::Closed(_)), "{e}");
    assert!(e.to_string().contains("closed"));
    server.stop().await;
}

#[tokio::test]
async fn no_host_available_names_each_host() {
    // Nothing listens on these ports.
    let e = SessionBuilder::new()
        .contact_point("127.0.0.1:1")
        .connect_timeout(Duration::from_secs(2))
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.host_errors().len(), 1, "{e}");
    assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
}

/// A statement's own keyspace wins over the session's on every path — simple and
/// prepared (v5 carries it in QUERY and PREPARE) — and where it cannot be honoured (a
/// prepared statement run in another keyspace, v4) the caller gets an error, never a
/// read of the session's keyspace.
#[tokio::test]
async fn a_statement_keyspace_is_honoured_or_refused_never_ignored() {
    let server = SimServer::start(SimServerConfig::default()).await.unwrap();
    let session = session_for(&server, SessionBuilder::new()).await;
    with_table(&session, "ks_other").await;
    session
        .execute("INSERT INTO kv (k, c, v) VALUES (1, 1, 'other')", ())
        .await
        .unwrap();
    with_table(&session, "ks_shop").await;
    session
        .execute("INSERT INTO kv (k, c, v) VALUES (1, 1, 'shop')", ())
        .await
        .unwrap();
    let value = |r: cql_transport_tcp::session::QueryResult| {
        r.typed::<(String,)>()
            .unwrap()
            .map(|row| row.unwrap().0)
            .collect::<Vec<_>>()
    };
    const SELECT: &str = "SELECT v FROM kv WHERE k = ?";
    // Prepared in the statement's keyspace, then in the session's (cached apart).
    let other = session
        .prepare(Statement::new(SELECT).with_keyspace("ks_other"))
        .await
        .unwrap();
    assert_eq!(other.prepared_keyspace(), Some("ks_other"));
    assert_eq!(
        value(session.execute(&other, (1i32,)).await.unwrap()),
        ["other"]
    );
    let shop = session.prepare(SELECT).await.unwrap();
    assert_eq!(shop.prepared_keyspace(), Some("ks_shop"));
    assert_eq!(
        value(session.execute(&shop, (1i32,)).await.unwrap()),
        ["shop"]
    );
    // A simple statement in another keyspace.
    let simple = Statement::new(SELECT).with_keyspace("ks_other");
    assert_eq!(
        value(session.execute(&simple, (1i32,)).await.unwrap()),
        ["other"]
    );
    // A statement prepared in one keyspace and told to run in another: refused.
    let moved = shop.clone().with_keyspace("ks_other");
    let err = session.execute(&moved, (1i32,)).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("ks_shop")),
        "{err}"
    );
    session.close().await;

    // v4 has no keyspace in PREPARE: another keyspace than the session's is refused.
    let v4 = session_for(
        &server,
        SessionBuilder::new()
            .protocol_version(ProtocolVersion::V4)
            .keyspace("ks_shop"),
    )
    .await;
    let err = v4
        .prepare(Statement::new(SELECT).with_keyspace("ks_other"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("protocol v5")),
        "{err}"
    );
    let same = v4
        .prepare(Statement::new(SELECT).with_keyspace("ks_shop"))
        .await
        .unwrap();
    assert_eq!(value(v4.execute(&same, (1i32,)).await.unwrap()), ["shop"]);
    v4.close().await;
    server.stop().await;
}
