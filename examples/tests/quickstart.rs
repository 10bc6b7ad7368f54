//! The quickstart's tour against an in-process simulated node, as `cargo run --example
//! quickstart` runs it; and its command line.

use cql_examples::{PAGE_SIZE, PAGING_ROWS, QuickstartArgs, User, connect, tour};

#[tokio::test]
async fn quickstart_tour_runs_on_the_simulated_node() {
    let (session, sim) = connect(&QuickstartArgs::default()).await.unwrap();
    let server = sim.expect("no contact point: the simulated node runs in-process");
    let mut out = Vec::new();
    let report = tour(&session, "quickstart", &mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    print!("{text}");

    assert_eq!(
        report.prepared_user,
        Some(User {
            id: 1,
            name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into())
        })
    );
    assert_eq!(report.paged_rows, PAGING_ROWS as usize);
    let pages = (PAGING_ROWS / PAGE_SIZE) as usize;
    // The last page may or may not be known to be the last one.
    assert!(
        (pages..=pages + 1).contains(&report.pages),
        "{}",
        report.pages
    );
    assert_eq!(report.rows_after_batch, PAGING_ROWS as usize + 1);
    assert_eq!(report.lwt_applied, (Some(true), Some(false)));
    let names: Vec<&str> = report.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Ada Lovelace",
            "Grace Hopper",
            "Alan Turing",
            "Katherine Johnson"
        ]
    );
    assert_eq!(report.users[2].email, None);
    for n in 1..=9 {
        assert!(
            text.contains(&format!("\n{n}. ")) || text.starts_with(&format!("{n}. ")),
            "step {n} printed:\n{text}"
        );
    }
    assert!(text.contains("no_such_table"), "{text}");

    // The keyspace is gone; the tour can run again.
    let r = session
        .execute(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'quickstart'",
            (),
        )
        .await
        .unwrap();
    assert_eq!(r.row_count(), 0);
    let again = tour(&session, "quickstart", &mut std::io::sink())
        .await
        .unwrap();
    assert_eq!(again, report);

    session.close().await;
    server.stop().await;
}

fn args(list: &[&str]) -> Result<QuickstartArgs, String> {
    QuickstartArgs::parse(list.iter().map(|s| s.to_string()))
}

#[test]
fn quickstart_arguments() {
    assert_eq!(args(&[]).unwrap(), QuickstartArgs::default());
    let a = args(&[
        "--contact-point",
        "db1:9042",
        "--user=alice",
        "--password",
        "pw",
        "--tls-ca",
        "ca.pem",
    ])
    .unwrap();
    assert_eq!(a.contact_point.as_deref(), Some("db1:9042"));
    assert_eq!(a.user.as_deref(), Some("alice"));
    assert_eq!(a.password.as_deref(), Some("pw"));
    assert_eq!(a.tls_ca.as_deref(), Some("ca.pem"));
    for (bad, why) in [
        (&["--bogus"][..], "unknown argument"),
        (&["--contact-point"][..], "needs a value"),
        (&["--contact-point", "h", "--user", "u"][..], "go together"),
        (&["--tls-ca", "ca.pem"][..], "need --contact-point"),
        (&["--help"][..], "usage"),
    ] {
        let e = args(bad).unwrap_err();
        assert!(e.contains(why), "{bad:?}: {e}");
    }
}

#[tokio::test]
async fn quickstart_reports_an_unreachable_cluster() {
    let a = args(&["--contact-point", "127.0.0.1:1"]).unwrap();
    let Err(e) = connect(&a).await else {
        panic!("nothing listens on port 1")
    };
    assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
}
