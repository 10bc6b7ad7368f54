//! Roles, grants and permission checks through the node, as Cassandra 4.1 answers them.

use bytes::Bytes;
use cql_core::message::DbError;

use super::AuthConfig;
use crate::sim::error::CqlResult;
use crate::sim::node::{Node, NodeConfig, SessionState};
use crate::sim::outcome::{BoundValues, ExecParams, Outcome};

fn node(auth: AuthConfig) -> Node {
    Node::new(NodeConfig {
        auth,
        ..NodeConfig::default()
    })
}

fn session(user: Option<&str>) -> SessionState {
    SessionState {
        user: user.map(str::to_string),
        ..SessionState::default()
    }
}

fn run(node: &Node, user: Option<&str>, q: &str) -> CqlResult<Outcome> {
    node.query(
        q,
        &BoundValues::default(),
        &ExecParams::default(),
        &mut session(user),
    )
}

fn ok(node: &Node, user: Option<&str>, q: &str) {
    run(node, user, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
}

fn err(node: &Node, user: Option<&str>, q: &str) -> (DbError, String) {
    match run(node, user, q) {
        Ok(o) => panic!("{q} answered {o:?}"),
        Err(e) => (e.error, e.message),
    }
}

/// Text and boolean cells as strings, per row.
fn rows(node: &Node, user: Option<&str>, q: &str) -> Vec<Vec<String>> {
    let outcome = run(node, user, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    let Outcome::Rows(r) = outcome else {
        return Vec::new();
    };
    r.rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&r.columns)
                .map(|(c, spec)| show(c.as_ref(), &spec.typ))
                .collect()
        })
        .collect()
}

fn show(cell: Option<&Bytes>, typ: &cql_core::types::ColumnType) -> String {
    use cql_core::types::ColumnType;
    match (cell, typ) {
        (None, _) => "null".into(),
        (Some(b), ColumnType::Boolean) => (b.first() == Some(&1)).to_string(),
        (Some(b), ColumnType::Text) => String::from_utf8_lossy(b).into_owned(),
        (Some(b), _) => format!("{b:?}"),
    }
}

const SUPER: Option<&str> = Some("cassandra");

#[test]
fn without_authentication_role_statements_are_refused_as_anonymous() {
    let n = node(AuthConfig::default());
    let anonymous = "You have to be logged in and not anonymous to perform this request";
    for q in [
        "CREATE ROLE r",
        "LIST ROLES",
        "LIST USERS",
        "LIST ALL PERMISSIONS",
        "GRANT SELECT ON ALL KEYSPACES TO r",
        "DROP ROLE IF EXISTS r",
    ] {
        assert_eq!(
            err(&n, None, q),
            (DbError::Unauthorized, anonymous.into()),
            "{q}"
        );
    }
    assert_eq!(
        err(&n, None, "CREATE ROLE r WITH PASSWORD = 'p'").1,
        "org.apache.cassandra.auth.CassandraRoleManager doesn't support PASSWORD"
    );
    assert_eq!(
        err(&n, None, "CREATE ROLE r WITH SUPERUSER = true").1,
        "Only superusers can create a role with superuser status"
    );
    assert!(rows(&n, None, "SELECT * FROM system_auth.roles").is_empty());
}

#[test]
fn roles_are_created_listed_granted_and_log_in() {
    let n = node(AuthConfig {
        authenticator: true,
        authorizer: false,
    });
    assert!(n.login("cassandra", "cassandra").is_ok());
    ok(
        &n,
        SUPER,
        "CREATE ROLE alice WITH PASSWORD = 'a' AND LOGIN = true",
    );
    ok(&n, SUPER, "CREATE USER IF NOT EXISTS bob WITH PASSWORD 'b'");
    ok(&n, SUPER, "CREATE ROLE readers");
    ok(&n, SUPER, "CREATE ROLE IF NOT EXISTS readers");
    assert_eq!(
        err(&n, SUPER, "CREATE ROLE readers").1,
        "readers already exists"
    );
    assert!(n.login("alice", "a").is_ok());
    assert_eq!(
        n.login("alice", "x").unwrap_err().message,
        "Provided username alice and/or password are incorrect"
    );
    ok(&n, SUPER, "ALTER ROLE alice WITH LOGIN = false");
    assert_eq!(
        n.login("alice", "a").unwrap_err().message,
        "alice is not permitted to log in"
    );
    ok(&n, SUPER, "GRANT readers TO alice");
    assert_eq!(
        err(&n, SUPER, "GRANT alice TO readers").1,
        "alice is a member of readers"
    );
    assert_eq!(
        rows(&n, SUPER, "LIST ROLES"),
        vec![
            vec!["alice", "false", "false", "b\"\\0\\0\\0\\0\"", "ALL"],
            vec!["bob", "false", "true", "b\"\\0\\0\\0\\0\"", "ALL"],
            vec!["cassandra", "true", "true", "b\"\\0\\0\\0\\0\"", "ALL"],
            vec!["readers", "false", "false", "b\"\\0\\0\\0\\0\"", "ALL"],
        ]
    );
    let of_alice: Vec<String> = rows(&n, SUPER, "LIST ROLES OF alice")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(of_alice, ["alice", "readers"]);
    assert_eq!(
        rows(&n, SUPER, "LIST USERS"),
        vec![
            vec!["bob", "false", "ALL"],
            vec!["cassandra", "true", "ALL"]
        ]
    );
    assert_eq!(
        rows(
            &n,
            SUPER,
            "SELECT role, member FROM system_auth.role_members"
        ),
        vec![vec!["readers", "alice"]]
    );
    assert_eq!(
        err(&n, SUPER, "LIST ROLES OF nobody").1,
        "<role nobody> doesn't exist"
    );
    assert_eq!(
        err(&n, SUPER, "REVOKE bob FROM alice").1,
        "alice is not a member of bob"
    );
    assert_eq!(
        err(&n, SUPER, "GRANT SELECT ON ALL KEYSPACES TO alice"),
        (
            DbError::ServerError,
            "java.lang.UnsupportedOperationException: GRANT operation is not supported by AllowAllAuthorizer".into()
        )
    );
    assert_eq!(
        err(&n, SUPER, "LIST ALL PERMISSIONS").1,
        "LIST PERMISSIONS operation is not supported by AllowAllAuthorizer"
    );
    assert_eq!(
        err(&n, Some("bob"), "DROP ROLE bob").1,
        "Cannot DROP primary role for current login"
    );
    ok(&n, SUPER, "DROP ROLE readers");
    assert!(rows(&n, SUPER, "SELECT * FROM system_auth.role_members").is_empty());
    assert_eq!(
        err(&n, SUPER, "DROP ROLE readers").1,
        "readers doesn't exist"
    );
    assert_eq!(
        err(&n, SUPER, "ALTER ROLE alice WITH OPTIONS = {'a': 'b'}").1,
        "org.apache.cassandra.auth.CassandraRoleManager doesn't support OPTIONS"
    );
}

#[test]
fn the_authorizer_checks_and_lists_permissions() {
    let n = node(AuthConfig::enforcing());
    for q in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE ks.t (k int PRIMARY KEY, v int)",
        "CREATE ROLE alice WITH PASSWORD = 'a' AND LOGIN = true",
        "CREATE ROLE readers",
    ] {
        ok(&n, SUPER, q);
    }
    let alice = Some("alice");
    assert_eq!(
        err(&n, alice, "SELECT * FROM ks.t"),
        (
            DbError::Unauthorized,
            "User alice has no SELECT permission on <table ks.t> or any of its parents".into()
        )
    );
    ok(&n, alice, "SELECT * FROM system.local");
    ok(&n, alice, "SELECT * FROM system_schema.tables");
    ok(&n, SUPER, "GRANT SELECT ON KEYSPACE ks TO readers");
    ok(&n, SUPER, "GRANT readers TO alice");
    ok(&n, alice, "SELECT * FROM ks.t");
    assert_eq!(
        err(&n, alice, "INSERT INTO ks.t (k, v) VALUES (1, 1)").1,
        "User alice has no MODIFY permission on <table ks.t> or any of its parents"
    );
    ok(&n, SUPER, "GRANT ALL ON TABLE ks.t TO alice");
    ok(&n, alice, "INSERT INTO ks.t (k, v) VALUES (1, 1)");
    assert_eq!(
        rows(&n, SUPER, "LIST ALL PERMISSIONS OF alice"),
        [
            ["alice", "alice", "<table ks.t>", "ALTER"],
            ["alice", "alice", "<table ks.t>", "DROP"],
            ["alice", "alice", "<table ks.t>", "SELECT"],
            ["alice", "alice", "<table ks.t>", "MODIFY"],
            ["alice", "alice", "<table ks.t>", "AUTHORIZE"],
            ["readers", "readers", "<keyspace ks>", "SELECT"],
        ]
        .map(|r| r.map(String::from).to_vec())
        .to_vec()
    );
    // The creator (cassandra) was granted everything on ks and ks.t.
    assert_eq!(
        rows(&n, SUPER, "LIST SELECT ON ks.t NORECURSIVE"),
        vec![
            vec!["alice", "alice", "<table ks.t>", "SELECT"],
            vec!["cassandra", "cassandra", "<table ks.t>", "SELECT"]
        ]
    );
    assert_eq!(rows(&n, SUPER, "LIST SELECT ON ks.t").len(), 4);
    assert_eq!(
        rows(
            &n,
            SUPER,
            "SELECT role, resource, permissions FROM system_auth.role_permissions WHERE role = 'readers'"
        ),
        vec![vec![
            "readers",
            "data/ks",
            "b\"\\0\\0\\0\\x01\\0\\0\\0\\x06SELECT\""
        ]]
    );
    assert_eq!(
        rows(
            &n,
            SUPER,
            "SELECT * FROM system_auth.resource_role_permissons_index WHERE resource = 'data/ks/t'"
        ),
        vec![vec!["data/ks/t", "alice"], vec!["data/ks/t", "cassandra"]]
    );
    assert_eq!(
        err(&n, alice, "LIST ALL PERMISSIONS").1,
        "You are not authorized to view everyone's permissions"
    );
    assert_eq!(rows(&n, alice, "LIST ALL PERMISSIONS OF alice").len(), 6);
    assert_eq!(
        err(&n, alice, "CREATE ROLE x").1,
        "User alice does not have sufficient privileges to perform the requested operation"
    );
    assert_eq!(
        err(&n, SUPER, "GRANT SELECT ON ks.nope TO alice").1,
        "Resource <table ks.nope> doesn't exist"
    );
    assert_eq!(
        err(&n, SUPER, "GRANT SELECT ON ks.t TO nobody").1,
        "Role nobody doesn't exist"
    );
    assert_eq!(
        err(&n, SUPER, "GRANT EXECUTE ON ks.t TO alice"),
        (
            DbError::SyntaxError,
            "Resource type DataResource does not support any of the requested permissions".into()
        )
    );
    ok(&n, SUPER, "REVOKE SELECT ON KEYSPACE ks FROM readers");
    ok(&n, SUPER, "REVOKE ALL ON ks.t FROM alice");
    assert!(
        err(&n, alice, "SELECT * FROM ks.t")
            .1
            .contains("no SELECT permission")
    );
    // A creator gets every permission on what it creates; a drop takes the grants away.
    ok(&n, SUPER, "GRANT CREATE ON ALL KEYSPACES TO alice");
    ok(
        &n,
        alice,
        "CREATE KEYSPACE mine WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    ok(&n, alice, "CREATE TABLE mine.t (k int PRIMARY KEY)");
    ok(&n, alice, "SELECT * FROM mine.t");
    ok(&n, alice, "DROP KEYSPACE mine");
    assert_eq!(
        rows(&n, SUPER, "LIST ALL PERMISSIONS OF alice"),
        vec![vec!["alice", "alice", "<all keyspaces>", "CREATE"]]
    );
    ok(&n, SUPER, "DROP ROLE alice");
    assert!(
        rows(
            &n,
            SUPER,
            "SELECT * FROM system_auth.role_permissions WHERE role = 'alice'"
        )
        .is_empty()
    );
}

#[test]
fn statements_print_as_written() {
    for q in [
        "CREATE ROLE IF NOT EXISTS r WITH PASSWORD = 'p' AND LOGIN = true AND SUPERUSER = false",
        "GRANT SELECT ON TABLE ks.t TO r",
        "REVOKE ALL PERMISSIONS ON ALL FUNCTIONS IN KEYSPACE ks FROM r",
        "LIST ALL PERMISSIONS ON ROLE x OF r NORECURSIVE",
        "GRANT r TO s",
        "LIST ROLES OF r NORECURSIVE",
        "GRANT EXECUTE ON FUNCTION ks.f(int, text) TO r",
        "DROP ROLE IF EXISTS r",
    ] {
        let parsed = crate::cql::parse_statement(q).unwrap();
        assert_eq!(parsed.statement.to_string(), q);
    }
}
