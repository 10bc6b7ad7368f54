//! An HTTP service: one `Session` shared by every request handler (clones of a session
//! share its connections), statements prepared once at start, serde structs used both as
//! JSON and as rows, and a paged listing whose cursor is the paging state.
//!
//! ```sh
//! cargo run -p cql-examples --features http_service --example http_service
//! cargo run -p cql-examples --features http_service --example http_service -- \
//!     --contact-point 127.0.0.1:9042
//! ```
//!
//! It serves on 127.0.0.1 (a free port), sends itself a few requests, prints the answers
//! and stops. Works in keyspace `web`, dropped at the end.

use std::net::SocketAddr;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cql_examples::ExampleCluster;
use cql_transport_tcp::types::{SerdeRow, SerdeValues};
use cql_transport_tcp::{PagingState, PreparedStatement, Session, SessionBuilder, Statement};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A user, as JSON and as a row of `web.users` alike.
#[derive(Debug, Serialize, Deserialize)]
struct User {
    id: i32,
    name: String,
}

/// What every handler gets: the session and the statements it prepared at start.
#[derive(Clone)]
struct App {
    session: Session,
    insert_user: PreparedStatement,
    select_user: PreparedStatement,
    list_users: PreparedStatement,
}

/// `POST /users` with a user as JSON.
async fn create_user(
    State(app): State<App>,
    Json(user): Json<User>,
) -> Result<StatusCode, AppError> {
    app.session
        .execute(&app.insert_user, SerdeValues(&user))
        .await?;
    Ok(StatusCode::CREATED)
}

/// `GET /users/{id}`.
async fn get_user(State(app): State<App>, Path(id): Path<i32>) -> Result<Json<User>, AppError> {
    let result = app.session.execute(&app.select_user, (id,)).await?;
    match result.typed::<SerdeRow<User>>()?.next() {
        Some(row) => Ok(Json(row?.0)),
        None => Err(AppError::NotFound),
    }
}

#[derive(Deserialize)]
struct PageRequest {
    cursor: Option<String>,
}

#[derive(Serialize)]
struct UserPage {
    users: Vec<User>,
    /// Where the next page starts: the paging state, in hex.
    next: Option<String>,
}

/// `GET /users[?cursor=...]`: one page of users, and the cursor of the next page.
async fn list_users(
    State(app): State<App>,
    Query(request): Query<PageRequest>,
) -> Result<Json<UserPage>, AppError> {
    let paging_state = request
        .cursor
        .as_deref()
        .map(hex::decode)
        .transpose()
        .map_err(|_| AppError::BadCursor)?
        .map(PagingState::from_bytes);
    let page = app
        .session
        .execute_page(&app.list_users, (), paging_state)
        .await?;
    let users = page
        .typed::<SerdeRow<User>>()?
        .map(|row| row.map(|SerdeRow(user)| user))
        .collect::<Result<Vec<User>, _>>()?;
    let next = page
        .paging_state
        .as_ref()
        .map(|state| hex::encode(state.as_bytes()));
    Ok(Json(UserPage { users, next }))
}

/// What a handler can fail with; each becomes an HTTP status.
enum AppError {
    NotFound,
    BadCursor,
    /// The driver's errors: the request's, or a row that did not fit `User`.
    Database(String),
}

impl<E: std::error::Error> From<E> for AppError {
    fn from(e: E) -> Self {
        Self::Database(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "no such user".to_string()),
            Self::BadCursor => (StatusCode::BAD_REQUEST, "bad cursor".to_string()),
            Self::Database(why) => (StatusCode::SERVICE_UNAVAILABLE, why),
        }
        .into_response()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = ExampleCluster::from_args().await?;
    let session = SessionBuilder::new()
        .contact_point(cluster.contact_point())
        .connect()
        .await?;
    session
        .execute(
            "CREATE KEYSPACE IF NOT EXISTS web \
             WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session
        .execute(
            "CREATE TABLE IF NOT EXISTS web.users (id int PRIMARY KEY, name text)",
            (),
        )
        .await?;

    let app = App {
        insert_user: session
            .prepare("INSERT INTO web.users (id, name) VALUES (:id, :name)")
            .await?,
        select_user: session
            .prepare("SELECT id, name FROM web.users WHERE id = ?")
            .await?,
        // A prepared statement keeps the options of the statement it was prepared from.
        list_users: session
            .prepare(Statement::new("SELECT id, name FROM web.users").with_page_size(2))
            .await?,
        session: session.clone(),
    };
    let router = Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user))
        .with_state(app);

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .await
    });
    println!("serving on http://{addr}");

    for (id, name) in [(1, "Ada"), (2, "Grace"), (3, "Alan")] {
        let body = serde_json::json!({ "id": id, "name": name }).to_string();
        let (status, _) = send(addr, "POST", "/users", &body).await?;
        println!("POST /users {body} -> {status}");
    }
    for path in ["/users/2", "/users/42"] {
        let (status, body) = send(addr, "GET", path, "").await?;
        println!("GET {path} -> {status} {body}");
    }
    let mut path = "/users".to_string();
    loop {
        let (status, body) = send(addr, "GET", &path, "").await?;
        println!("GET {path} -> {status} {body}");
        let page: serde_json::Value = serde_json::from_str(&body)?;
        match page["next"].as_str() {
            Some(cursor) => path = format!("/users?cursor={cursor}"),
            None => break,
        }
    }

    stop.send(()).ok();
    server.await??;
    session.execute("DROP KEYSPACE IF EXISTS web", ()).await?;
    session.close().await;
    cluster.stop().await;
    Ok(())
}

/// Sends one HTTP/1.1 request and returns the status line and the body. A real client
/// would use a crate such as reqwest; a few lines here keep axum the only HTTP dependency.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    json_body: &str,
) -> std::io::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{json_body}",
        json_body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.lines().next().unwrap_or_default();
    let status = status.strip_prefix("HTTP/1.1 ").unwrap_or(status);
    Ok((status.to_string(), body.to_string()))
}
