//! Routing information of a request: the keyspace and the partition token a
//! token-aware load-balancing policy needs.
//!
//! * Keyspace: the statement's own (protocol v5 `with_keyspace`), else the keyspace of
//!   the table a prepared statement's bind markers belong to (from the prepared metadata),
//!   else the keyspace it was prepared in, else the session's.
//! * Token: an explicit [`routing`](super::StatementOptions::routing) token, or the token
//!   of an explicit routing key, else
//!   — for prepared statements, and for batches by their first prepared statement — the
//!   token of the bound partition-key values (the prepared metadata's partition-key
//!   indexes pick them; composite keys are joined as
//!   [`routing_key`](crate::cluster::token::routing_key()) does). Simple statements
//!   without an explicit key have no token.
//!
//! Computing a token allocates nothing for keys up to [`STACK_KEY_LEN`] bytes.

use alloc::vec::Vec;

use super::batch::BatchItem;
use super::prepared::PreparedStatement;
use super::request::{ExecRequest, Payload};
use super::statement::ExplicitRouting;
use crate::cluster::token::{Partitioner, Token, routing_key};
use crate::frame::primitives::RawValue;
use crate::types::SerializedValues;

/// Composite routing keys up to this many bytes are built on the stack.
pub(crate) const STACK_KEY_LEN: usize = 256;

/// The keyspace `request` routes by, before falling back to the session's.
pub(crate) fn request_keyspace(request: &ExecRequest) -> Option<&str> {
    if let Some(ks) = request.options.keyspace.as_deref() {
        return Some(ks);
    }
    first_prepared(request).and_then(prepared_keyspace)
}

/// The keyspace a prepared statement routes by: its table's, else the one it was
/// prepared in.
fn prepared_keyspace(p: &PreparedStatement) -> Option<&str> {
    p.metadata_keyspace().or_else(|| p.prepared_keyspace())
}

/// The prepared statement whose values give the routing key: the statement itself, or
/// a batch's first prepared statement.
fn first_prepared(request: &ExecRequest) -> Option<&PreparedStatement> {
    first_prepared_values(request).map(|(p, _)| p)
}

/// The values bound to [`first_prepared`].
fn first_prepared_values(request: &ExecRequest) -> Option<(&PreparedStatement, &SerializedValues)> {
    match &request.payload {
        Payload::Execute(p, v) => Some((p, v)),
        Payload::Batch(_, items) => items.iter().find_map(|i| match i {
            BatchItem::Prepared(p, v) => Some((p, v)),
            BatchItem::Simple(..) => None,
        }),
        Payload::Query(..) | Payload::Prepare(..) | Payload::Use(..) => None,
    }
}

/// The token of the partition `request` touches, when it can be known; `partitioner` is
/// the cluster's (`None`: no token awareness, unless the user gave the token).
pub(crate) fn request_token(
    request: &ExecRequest,
    partitioner: Option<Partitioner>,
) -> Option<Token> {
    match request.options.routing.as_deref() {
        Some(ExplicitRouting::Token(token)) => return Some(token.clone()),
        Some(ExplicitRouting::Key(key)) => return partitioner.map(|p| p.token(key)),
        None => {}
    }
    let partitioner = partitioner?;
    let (p, values) = first_prepared_values(request)?;
    token_of_values(partitioner, p.pk_indexes(), values)
}

/// The token of the partition key formed by the values at `pk_indexes`; `None` when a
/// key value is missing, null or unset, or too long for a composite key.
pub(crate) fn token_of_values(
    partitioner: Partitioner,
    pk_indexes: &[u16],
    values: &SerializedValues,
) -> Option<Token> {
    match pk_indexes {
        [] => None,
        [single] => Some(partitioner.token(value_at(values, *single)?)),
        many => {
            let mut total = 0usize;
            for &index in many {
                let len = value_at(values, index)?.len();
                if len > usize::from(u16::MAX) {
                    return None;
                }
                total = total.saturating_add(len + 3);
            }
            if total <= STACK_KEY_LEN {
                let mut buf = [0u8; STACK_KEY_LEN];
                let mut at = 0usize;
                for &index in many {
                    let value = value_at(values, index)?;
                    let len = u16::try_from(value.len()).ok()?;
                    put(&mut buf, &mut at, &len.to_be_bytes())?;
                    put(&mut buf, &mut at, value)?;
                    put(&mut buf, &mut at, &[0])?;
                }
                Some(partitioner.token(buf.get(..at)?))
            } else {
                let components: Vec<&[u8]> = many
                    .iter()
                    .map(|&i| value_at(values, i))
                    .collect::<Option<_>>()?;
                routing_key(&components).ok().map(|k| partitioner.token(&k))
            }
        }
    }
}

/// The bytes of the value at `index` (`None`: missing, null or unset).
fn value_at(values: &SerializedValues, index: u16) -> Option<&[u8]> {
    match values.iter().nth(usize::from(index))? {
        (_, RawValue::Bytes(b)) => Some(b),
        (_, RawValue::Null | RawValue::Unset) => None,
    }
}

/// Copies `bytes` into `buf` at `*at`, moving `*at` past them.
fn put(buf: &mut [u8], at: &mut usize, bytes: &[u8]) -> Option<()> {
    let end = at.checked_add(bytes.len())?;
    buf.get_mut(*at..end)?.copy_from_slice(bytes);
    *at = end;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Prepared, PreparedMetadata, TableSpec};
    use crate::session::statement::{Statement, StatementOptions, StatementRef};
    use crate::types::{ColumnSpec, ColumnType};
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec;
    use bytes::Bytes;

    fn spec(ks: &str, name: &str, typ: ColumnType) -> ColumnSpec {
        ColumnSpec {
            keyspace: ks.into(),
            table: "t".into(),
            name: name.into(),
            typ,
        }
    }

    /// `INSERT INTO t (a, b, v) VALUES (?, ?, ?)` with partition key `pk` (indexes).
    fn prepared(ks: &str, prepared_in: Option<&str>, pk: Vec<u16>) -> PreparedStatement {
        PreparedStatement::from_prepared(
            "INSERT INTO t (a, b, v) VALUES (?, ?, ?)",
            prepared_in.map(String::from),
            Prepared {
                id: Bytes::from_static(b"id"),
                bind_metadata: PreparedMetadata {
                    pk_indexes: pk,
                    global_table_spec: None,
                    columns: vec![
                        spec(ks, "a", ColumnType::Int),
                        spec(ks, "b", ColumnType::Text),
                        spec(ks, "v", ColumnType::Text),
                    ],
                },
                ..Prepared::default()
            },
        )
    }

    fn execute(p: &PreparedStatement, values: (i32, &str, &str)) -> ExecRequest {
        ExecRequest::new(StatementRef::Prepared(p), &values).unwrap()
    }

    #[test]
    fn single_key_token_is_the_token_of_the_value() {
        let p = prepared("ks", None, vec![0]);
        let req = execute(&p, (7, "x", "y"));
        let m = Partitioner::Murmur3;
        assert_eq!(
            request_token(&req, Some(m)),
            Some(m.token(&7i32.to_be_bytes()))
        );
        assert_eq!(request_keyspace(&req), Some("ks"));
        // No partitioner known: no token.
        assert_eq!(request_token(&req, None), None);
    }

    #[test]
    fn composite_keys_are_joined_in_key_order() {
        // Key (b, a): indexes 1 then 0.
        let p = prepared("ks", None, vec![1, 0]);
        let req = execute(&p, (7, "x", "y"));
        let m = Partitioner::Murmur3;
        let expected = m
            .token_of_components(&[&b"x"[..], &7i32.to_be_bytes()[..]])
            .unwrap();
        assert_eq!(request_token(&req, Some(m)), Some(expected));
        // A key longer than the stack buffer takes the allocating path, same answer.
        let long = "z".repeat(STACK_KEY_LEN * 2);
        let req = execute(&p, (7, &long, "y"));
        let expected = m
            .token_of_components(&[long.as_bytes(), &7i32.to_be_bytes()[..]])
            .unwrap();
        assert_eq!(request_token(&req, Some(m)), Some(expected));
    }

    #[test]
    fn null_or_missing_key_values_give_no_token() {
        let p = prepared("ks", None, vec![0, 1]);
        let req =
            ExecRequest::new(StatementRef::Prepared(&p), &(Some(1i32), None::<&str>, "v")).unwrap();
        assert_eq!(request_token(&req, Some(Partitioner::Murmur3)), None);
        let out_of_range = prepared("ks", None, vec![9]);
        let req = execute(&out_of_range, (1, "a", "b"));
        assert_eq!(request_token(&req, Some(Partitioner::Murmur3)), None);
        let unknown_key = prepared("ks", None, vec![]);
        let req = execute(&unknown_key, (1, "a", "b"));
        assert_eq!(request_token(&req, Some(Partitioner::Murmur3)), None);
    }

    #[test]
    fn explicit_token_and_key_win() {
        let m = Partitioner::Murmur3;
        let p = prepared("ks", None, vec![0]).with_routing_key(&b"abc"[..]);
        let req = execute(&p, (7, "x", "y"));
        assert_eq!(request_token(&req, Some(m)), Some(m.token(b"abc")));
        let p = p.with_routing_token(Token::Murmur3(42));
        let req = execute(&p, (7, "x", "y"));
        assert_eq!(request_token(&req, Some(m)), Some(Token::Murmur3(42)));
        // The token needs no partitioner.
        assert_eq!(request_token(&req, None), Some(Token::Murmur3(42)));
        // Simple statements: only what the user says.
        let s = Statement::new("SELECT * FROM ks.t WHERE k = ?");
        let req = ExecRequest::new(StatementRef::Simple(&s), &(1i32,)).unwrap();
        assert_eq!(request_token(&req, Some(m)), None);
        assert_eq!(request_keyspace(&req), None);
        let s = s.with_routing_key(&b"k1"[..]).with_keyspace("other");
        let req = ExecRequest::new(StatementRef::Simple(&s), &(1i32,)).unwrap();
        assert_eq!(request_token(&req, Some(m)), Some(m.token(b"k1")));
        assert_eq!(request_keyspace(&req), Some("other"));
    }

    #[test]
    fn keyspace_order_statement_then_metadata_then_prepared_in() {
        let p = prepared("meta_ks", Some("session_ks"), vec![0]);
        assert_eq!(
            request_keyspace(&execute(&p, (1, "a", "b"))),
            Some("meta_ks")
        );
        // The statement's own keyspace first; for a prepared statement it can only be the
        // one it was prepared in (another is refused before routing).
        let mine = prepared("meta_ks", Some("mine"), vec![0]).with_keyspace("mine");
        assert_eq!(
            request_keyspace(&execute(&mine, (1, "a", "b"))),
            Some("mine")
        );
        assert!(
            ExecRequest::new(
                StatementRef::Prepared(&p.with_keyspace("mine")),
                &(1, "a", "b")
            )
            .is_err()
        );
        // No bind markers: the keyspace it was prepared in.
        let bare = PreparedStatement::from_prepared(
            "SELECT * FROM t",
            Some("prep_ks".into()),
            Prepared::default(),
        );
        let req = ExecRequest::new(StatementRef::Prepared(&bare), &()).unwrap();
        assert_eq!(request_keyspace(&req), Some("prep_ks"));
        // A global table spec names the keyspace too.
        let global = PreparedStatement::from_prepared(
            "SELECT * FROM t WHERE k = ?",
            None,
            Prepared {
                bind_metadata: PreparedMetadata {
                    pk_indexes: vec![0],
                    global_table_spec: Some(TableSpec {
                        keyspace: "global_ks".into(),
                        table: "t".into(),
                    }),
                    columns: vec![spec("", "k", ColumnType::Int)],
                },
                ..Prepared::default()
            },
        );
        let req = ExecRequest::new(StatementRef::Prepared(&global), &(1i32,)).unwrap();
        assert_eq!(request_keyspace(&req), Some("global_ks"));
    }

    #[test]
    fn batches_route_by_their_first_prepared_statement() {
        let p = prepared("ks", None, vec![0]);
        let values = p.bind_values(&(5i32, "a", "b")).unwrap();
        let req = ExecRequest {
            payload: Payload::Batch(
                crate::message::BatchType::Logged,
                Arc::new(vec![
                    BatchItem::Simple(Arc::from("UPDATE x"), SerializedValues::new()),
                    BatchItem::Prepared(p.clone(), values),
                ]),
            ),
            options: StatementOptions::default(),
            paging_state: None,
        };
        let m = Partitioner::Murmur3;
        assert_eq!(
            request_token(&req, Some(m)),
            Some(m.token(&5i32.to_be_bytes()))
        );
        assert_eq!(request_keyspace(&req), Some("ks"));
    }
}
