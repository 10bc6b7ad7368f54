//! Arbitrary bytes as a type `[option]` followed by values of that type: the type reader,
//! `CqlValue::deserialize` and the typed row iterator must fail cleanly, never panic,
//! and never allocate beyond the input.
#![no_main]

use cql_core::frame::primitives::Reader;
use cql_core::types::{ColumnSpec, ColumnType, CqlValue, OwnedRow, RowIterator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let Ok(typ) = ColumnType::read(&mut r) else {
        return;
    };
    let rest = r.rest();
    let _ = CqlValue::deserialize(&typ, Some(rest));
    let specs = [ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: "c".into(),
        typ,
    }];
    let rows = rest.first().map_or(0, |n| usize::from(*n));
    if let Ok(iter) = RowIterator::<OwnedRow>::new(&specs, rows, rest.get(1..).unwrap_or_default())
    {
        for row in iter {
            if row.is_err() {
                break;
            }
        }
    }
});
