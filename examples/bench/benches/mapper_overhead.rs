//! The object mapper's cost over hand-written statements: a model `get` (by primary key)
//! and a model `insert` against the same statements written by hand with the session
//! (prepared once, values bound, the row read into the same struct), on one `cql-sim`
//! node in its own process. Reports requests/s and client CPU per operation, side by side
//! in one run, at `MAPPER_BENCH_CONCURRENCY` in flight (default 1 and 32); each cell is the
//! median of `MAPPER_BENCH_RUNS` (default 5) windows of `MAPPER_BENCH_SECONDS` (default
//! 2 s), the parties taking turns; the ratio is the median of each back-to-back pair's.
//! The goal: mapper CPU per op ≤ 1.1× hand-written.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use cql_core::Model;
use cql_transport_tcp::mapper::Mapper;
use cql_transport_tcp::{PreparedStatement, Session, SessionBuilder};

#[allow(dead_code)]
mod common;

use common::{
    BoxError, Client, WARMUP, closed_loop, env_list, env_or, process_cpu_seconds, runtime,
};

/// The row both sides read and write.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(keyspace = "bench", table = "users")]
struct User {
    #[cql(partition_key)]
    id: i32,
    name: String,
    email: Option<String>,
    age: Option<i32>,
    score: Option<f64>,
}

fn user(id: i32) -> User {
    User {
        id,
        name: format!("user {id}"),
        email: Some(format!("u{id}@example.com")),
        age: Some(20 + id % 50),
        score: Some(f64::from(id) / 3.0),
    }
}

const ROWS: i32 = 1_000;

#[derive(Clone)]
struct HandGet {
    session: Session,
    select: PreparedStatement,
}

impl Client for HandGet {
    async fn one(&self, k: i32) -> bool {
        let id = k.rem_euclid(ROWS);
        match self.session.execute(&self.select, (id,)).await {
            Ok(r) => r
                .first_row()
                .and_then(|row| row.typed::<User>().ok())
                .is_some_and(|u| u.id == id),
            Err(_) => false,
        }
    }
}

#[derive(Clone)]
struct MapperGet {
    mapper: Mapper,
}

impl Client for MapperGet {
    async fn one(&self, k: i32) -> bool {
        let id = k.rem_euclid(ROWS);
        self.mapper
            .objects::<User>()
            .filter(User::ID.eq(id))
            .get()
            .await
            .is_ok_and(|u| u.id == id)
    }
}

#[derive(Clone)]
struct HandInsert {
    session: Session,
    insert: PreparedStatement,
}

impl Client for HandInsert {
    async fn one(&self, k: i32) -> bool {
        let u = user(k.rem_euclid(ROWS));
        self.session
            .execute(&self.insert, (u.id, &u.name, &u.email, u.age, u.score))
            .await
            .is_ok()
    }
}

#[derive(Clone)]
struct MapperInsert {
    mapper: Mapper,
}

impl Client for MapperInsert {
    async fn one(&self, k: i32) -> bool {
        let u = user(k.rem_euclid(ROWS));
        self.mapper.insert(&u).await.is_ok()
    }
}

/// One window's requests/s and CPU µs per request.
async fn window<C: Client>(client: &C, concurrency: usize, seconds: f64) -> (f64, f64) {
    let cpu0 = process_cpu_seconds();
    let (completed, errors, elapsed) =
        closed_loop(concurrency, Duration::from_secs_f64(seconds), None, client).await;
    let cpu = process_cpu_seconds() - cpu0;
    assert_eq!(errors, 0, "requests failed");
    let n = completed.max(1) as f64;
    (n / elapsed, cpu * 1e6 / n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn serve() -> Result<(), BoxError> {
    runtime()?.block_on(async {
        let server = cql_testkit::sim::server::SimServer::start(Default::default()).await?;
        println!("listening {}", server.local_addr());
        // Runs until the benchmark closes our stdin.
        tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
        server.stop().await;
        Ok(())
    })
}

fn main() -> Result<(), BoxError> {
    if std::env::args().any(|a| a == "--serve") {
        return serve();
    }
    let runs: usize = env_or("MAPPER_BENCH_RUNS", 5);
    let seconds: f64 = env_or("MAPPER_BENCH_SECONDS", 2.0);
    let levels: Vec<usize> = env_list("MAPPER_BENCH_CONCURRENCY", "1,32")
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()?;

    let mut node = Command::new(std::env::current_exe()?)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(node.stdout.take().ok_or("no node stdout")?).read_line(&mut line)?;
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening ")
        .ok_or_else(|| format!("the node did not start: {line:?}"))?
        .parse()?;

    runtime()?.block_on(async {
        let session = SessionBuilder::new()
            .contact_point(addr)
            .connections_per_host(1)
            .connect()
            .await?;
        let mapper = Mapper::new(session.clone());
        mapper.create_keyspace_simple("bench", 1).await?;
        mapper.sync_table::<User>().await?;
        for id in 0..ROWS {
            mapper.insert(&user(id)).await?;
        }
        let select = session
            .prepare("SELECT id, name, email, age, score FROM bench.users WHERE id = ?")
            .await?;
        let insert = session
            .prepare("INSERT INTO bench.users (id, name, email, age, score) VALUES (?, ?, ?, ?, ?)")
            .await?;
        let hand_get = HandGet {
            session: session.clone(),
            select,
        };
        let mapper_get = MapperGet {
            mapper: mapper.clone(),
        };
        let hand_insert = HandInsert {
            session: session.clone(),
            insert,
        };
        let mapper_insert = MapperInsert { mapper };

        println!(
            "mapper overhead: model get by key / insert of a 5-column row vs the same statements \
             by hand, cql-sim node (own process) at {addr}, one connection; medians of {runs} \
             windows of {seconds} s after a {} ms warm-up, parties in turns",
            WARMUP.as_millis()
        );
        println!();
        println!(
            "| operation | in flight | hand-written req/s | mapper req/s | hand-written CPU µs/op | mapper CPU µs/op | mapper/hand CPU (median of paired windows) |"
        );
        println!("|---|---|---|---|---|---|---|");
        for &c in &levels {
            for op in ["get", "insert"] {
                let (mut hr, mut hc, mut mr, mut mc, mut ratio) =
                    (vec![], vec![], vec![], vec![], vec![]);
                let warm = WARMUP.as_secs_f64();
                if op == "get" {
                    window(&hand_get, c, warm).await;
                    window(&mapper_get, c, warm).await;
                } else {
                    window(&hand_insert, c, warm).await;
                    window(&mapper_insert, c, warm).await;
                }
                for _ in 0..runs {
                    let (h, m) = if op == "get" {
                        (window(&hand_get, c, seconds).await, window(&mapper_get, c, seconds).await)
                    } else {
                        (
                            window(&hand_insert, c, seconds).await,
                            window(&mapper_insert, c, seconds).await,
                        )
                    };
                    hr.push(h.0);
                    hc.push(h.1);
                    mr.push(m.0);
                    mc.push(m.1);
                    // Each pair of windows ran back to back: their ratio drifts less with
                    // the machine's load than the ratio of the medians.
                    ratio.push(m.1 / h.1.max(f64::MIN_POSITIVE));
                }
                let (hr, hc, mr, mc) = (median(hr), median(hc), median(mr), median(mc));
                println!(
                    "| {op} | {c} | {hr:.0} | {mr:.0} | {hc:.2} | {mc:.2} | {:.2}× |",
                    median(ratio)
                );
            }
        }
        Ok::<(), BoxError>(())
    })?;
    drop(node.stdin.take());
    node.wait()?;
    Ok(())
}
