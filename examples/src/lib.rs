//! Shared code of the runnable examples: the quickstart's tour ([`tour`]), its command
//! line ([`QuickstartArgs`]) and how it connects ([`connect`]).
//!
//! The tour runs against any session (the in-process simulated node by default, a real
//! cluster with `--contact-point`); the `quickstart` example prints it, and the crate's
//! integration test runs it against `cql-sim` in CI.

use std::io::Write;
use std::time::Instant;

use cql_core::Consistency;
use cql_core::session::{Batch, Error, Session, Statement};
use cql_core::types::DeserializeRow;
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::{SessionBuilder, TlsConfig, TlsTransport};
use futures::StreamExt;

/// Rows written for the paging step.
pub const PAGING_ROWS: i32 = 300;
/// Page size of the paging step.
pub const PAGE_SIZE: i32 = 50;

/// A user as the tour reads it back: one struct per row through `#[derive(DeserializeRow)]`
/// (fields matched to columns by name).
#[derive(Debug, Clone, PartialEq, DeserializeRow)]
pub struct User {
    /// The partition key.
    pub id: i32,
    /// The user's name.
    pub name: String,
    /// An optional e-mail address (null when never set).
    pub email: Option<String>,
}

/// What the tour saw, for tests to check.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TourReport {
    /// The user read with the prepared SELECT.
    pub prepared_user: Option<User>,
    /// Rows the paging stream yielded.
    pub paged_rows: usize,
    /// Pages it fetched.
    pub pages: usize,
    /// Rows in the events table after the batch.
    pub rows_after_batch: usize,
    /// `[applied]` of the first and of the second `IF NOT EXISTS` insert.
    pub lwt_applied: (Option<bool>, Option<bool>),
    /// Every user, typed, in id order.
    pub users: Vec<User>,
}

/// Where the tour runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuickstartArgs {
    /// `host:port` of a real cluster; `None` starts the in-process simulated node.
    pub contact_point: Option<String>,
    /// User name (PasswordAuthenticator).
    pub user: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// PEM file of the CA to trust: turns TLS on.
    pub tls_ca: Option<String>,
}

/// The quickstart's usage text.
pub const USAGE: &str = "usage: quickstart [--contact-point host:port [--user NAME --password PASSWORD] [--tls-ca ca.pem]]
  without --contact-point the tour runs against an in-process simulated node (cql-sim);
  with it, against a real cluster (keyspace `quickstart`, dropped at the end)";

impl QuickstartArgs {
    /// Parses the arguments after the program name (`--flag value` or `--flag=value`).
    ///
    /// # Errors
    /// A message for an unknown flag, a missing value, or a password without a user.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut out = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let slot = match flag.as_str() {
                "--contact-point" => &mut out.contact_point,
                "--user" => &mut out.user,
                "--password" => &mut out.password,
                "--tls-ca" => &mut out.tls_ca,
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            };
            let value = match inline {
                Some(v) => v,
                None => args
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?,
            };
            *slot = Some(value);
        }
        if out.user.is_some() != out.password.is_some() {
            return Err(format!("--user and --password go together\n{USAGE}"));
        }
        if out.contact_point.is_none() && (out.user.is_some() || out.tls_ca.is_some()) {
            return Err(format!(
                "--user, --password and --tls-ca need --contact-point\n{USAGE}"
            ));
        }
        Ok(out)
    }
}

/// A session for `args`, and the simulated node it runs on when no contact point was
/// given (keep the handle alive as long as the session).
///
/// # Errors
/// The node could not start, the TLS CA could not be read, or no host was reachable.
pub async fn connect(
    args: &QuickstartArgs,
) -> Result<(Session, Option<SimServerHandle>), Box<dyn std::error::Error>> {
    let Some(contact_point) = &args.contact_point else {
        let server = SimServer::start(SimServerConfig::default()).await?;
        let session = SessionBuilder::new()
            .contact_point(server.local_addr())
            .connect()
            .await?;
        return Ok((session, Some(server)));
    };
    let mut builder = SessionBuilder::new().contact_point(contact_point.as_str());
    if let (Some(user), Some(password)) = (&args.user, &args.password) {
        builder = builder.credentials(user.as_str(), password.as_str());
    }
    let session = match &args.tls_ca {
        Some(ca) => {
            builder
                .transport(TlsTransport::new(
                    TlsConfig::builder().ca_pem_file(ca).build()?,
                ))
                .connect()
                .await?
        }
        None => builder.connect().await?,
    };
    Ok((session, None))
}

/// Writes one step's line: a number, a label padded with dots, what happened.
fn step(out: &mut dyn Write, n: u32, label: &str, what: &str) {
    let dots = ".".repeat(30usize.saturating_sub(label.len()));
    // A closed stdout must not abort the tour.
    let _ = writeln!(out, "{n}. {label} {dots} {what}");
}

/// The tour: keyspace and tables, an insert with bound values, a prepared SELECT, paging
/// through a few hundred rows, a batch, a lightweight transaction and typed rows; the
/// keyspace is dropped at the end (also when a step fails). Each step prints one line
/// to `out`.
///
/// # Errors
/// The first statement that failed.
pub async fn tour(
    session: &Session,
    keyspace: &str,
    out: &mut dyn Write,
) -> Result<TourReport, Error> {
    let started = Instant::now();
    session
        .execute(
            &format!(
                "CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await?;
    let result = steps(session, keyspace, out).await;
    let dropped = session
        .execute(&format!("DROP KEYSPACE IF EXISTS {keyspace}"), ())
        .await;
    let report = result?;
    dropped?;
    step(
        out,
        9,
        "cleanup",
        &format!(
            "dropped keyspace {keyspace}; tour took {} ms",
            started.elapsed().as_millis()
        ),
    );
    Ok(report)
}

async fn steps(
    session: &Session,
    keyspace: &str,
    out: &mut dyn Write,
) -> Result<TourReport, Error> {
    let mut report = TourReport::default();

    // 1. Schema.
    session.use_keyspace(keyspace).await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, name text, email text)",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS events (user_id int, seq int, what text, \
             PRIMARY KEY (user_id, seq))",
            (),
        )
        .await?;
    step(
        out,
        1,
        "keyspace and tables",
        &format!("created {keyspace}.users and {keyspace}.events"),
    );

    // 2. A simple statement: values travel as protocol values, never pasted into the CQL.
    session
        .execute(
            "INSERT INTO users (id, name, email) VALUES (?, ?, ?)",
            (1i32, "Ada Lovelace", "ada@example.com"),
        )
        .await?;
    step(
        out,
        2,
        "insert (bound values)",
        "users 1 = ('Ada Lovelace', 'ada@example.com')",
    );

    // 3. A prepared statement: prepared once, values checked against its markers.
    let select_user = session
        .prepare("SELECT id, name, email FROM users WHERE id = ?")
        .await?;
    let result = session.execute(&select_user, (1i32,)).await?;
    let user = match result.first_row() {
        Some(row) => Some(row.typed::<User>()?),
        None => None,
    };
    step(
        out,
        3,
        "prepared select",
        &match &user {
            Some(u) => format!(
                "id={} name={:?} email={:?}",
                u.id,
                u.name,
                u.email.as_deref().unwrap_or("null")
            ),
            None => "no row".to_string(),
        },
    );
    report.prepared_user = user;

    // 4. Paging: a few hundred rows read back in small pages, fetched on demand.
    let insert_event = session
        .prepare("INSERT INTO events (user_id, seq, what) VALUES (?, ?, ?)")
        .await?;
    let writes = (0..PAGING_ROWS).map(|seq| session.execute(&insert_event, (1i32, seq, "click")));
    futures::future::try_join_all(writes).await?;
    let select_events =
        Statement::new("SELECT seq, what FROM events WHERE user_id = ?").with_page_size(PAGE_SIZE);
    let mut stream = session.execute_iter(&select_events, (1i32,))?;
    let mut expected = 0;
    while let Some(row) = stream.next().await {
        let seq: i32 = row?.get("seq")?;
        if seq != expected {
            return Err(Error::InvalidArgument(format!(
                "paging: expected seq {expected}, got {seq}"
            )));
        }
        expected += 1;
        report.paged_rows += 1;
    }
    report.pages = stream.pages_fetched();
    step(
        out,
        4,
        "paging (execute_iter)",
        &format!(
            "{} rows in {} pages of {PAGE_SIZE} ({PAGING_ROWS} concurrent inserts first)",
            report.paged_rows, report.pages
        ),
    );

    // 5. A logged batch: simple and prepared statements, applied together.
    let mut batch = Batch::logged();
    batch
        .add(
            "INSERT INTO users (id, name, email) VALUES (?, ?, ?)",
            (2i32, "Grace Hopper", "grace@example.com"),
        )?
        .add(
            "INSERT INTO users (id, name) VALUES (?, ?)",
            (3i32, "Alan Turing"),
        )?
        .add(&insert_event, (2i32, 0i32, "signup"))?;
    session.batch(&batch).await?;
    let count = session
        .execute("SELECT COUNT(*) FROM events WHERE user_id IN (1, 2)", ())
        .await?;
    report.rows_after_batch = match count.first_row() {
        Some(row) => usize::try_from(row.get::<i64>(0)?).unwrap_or(0),
        None => 0,
    };
    step(
        out,
        5,
        "batch (logged)",
        &format!(
            "{} statements applied together; events now holds {} rows",
            batch.len(),
            report.rows_after_batch
        ),
    );

    // 6. A lightweight transaction: the second insert finds the row and is not applied.
    let lwt = Statement::new("INSERT INTO users (id, name) VALUES (?, ?) IF NOT EXISTS")
        .with_serial_consistency(Consistency::Serial);
    let first = session.execute(&lwt, (4i32, "Katherine Johnson")).await?;
    let second = session.execute(&lwt, (4i32, "Someone Else")).await?;
    let existing = match second.first_row() {
        Some(row) => row.get::<Option<String>>("name")?,
        None => None,
    };
    report.lwt_applied = (first.applied(), second.applied());
    step(
        out,
        6,
        "lightweight transaction",
        &format!(
            "IF NOT EXISTS: applied={:?}, then applied={:?} (kept {:?})",
            first.applied().unwrap_or(false),
            second.applied().unwrap_or(false),
            existing.unwrap_or_default()
        ),
    );

    // 7. Typed rows: every user into the `User` struct.
    let all = session.execute("SELECT * FROM users", ()).await?;
    let mut users = all.typed::<User>()?.collect::<Result<Vec<User>, _>>()?;
    users.sort_by_key(|u| u.id);
    step(
        out,
        7,
        "typed rows (derive FromRow)",
        &format!("{} users", users.len()),
    );
    for u in &users {
        let _ = writeln!(out, "     {u:?}");
    }
    report.users = users;

    // 8. Errors carry what the node said.
    let e = session
        .execute("SELECT * FROM no_such_table", ())
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "no error?".to_string());
    step(out, 8, "a server error", &e);
    Ok(report)
}
