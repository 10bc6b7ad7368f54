//! [`SchemaListener`]: told of every schema change the cluster announces.

use core::fmt;

use crate::cluster::schema::SchemaMetadata;
use crate::message::SchemaChange;
use crate::runtime::{MaybeSend, MaybeSync};

/// Told of each schema change the cluster announces, after the session's metadata took
/// it in (see [`Session::metadata`](super::Session::metadata)).
pub trait SchemaListener: fmt::Debug + MaybeSend + MaybeSync {
    /// One change and the schema after it. Called from the session's event task with no
    /// lock held; must not block.
    fn on_schema_change(&self, change: &SchemaChange, schema: &SchemaMetadata);
}
