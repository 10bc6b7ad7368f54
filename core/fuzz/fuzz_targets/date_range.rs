//! Arbitrary bytes as a DSE date range value and as its text form: decoding and parsing
//! must fail cleanly and never panic; whatever decodes is already rounded, re-encodes to
//! bytes that decode to the same range, and prints without failing.
#![no_main]

use cql_core::types::DateRange;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(range) = DateRange::from_bytes(data) {
        assert_eq!(range.rounded(), range);
        assert_eq!(DateRange::from_bytes(&range.to_bytes()), Ok(range));
        let _ = range.to_string();
    }
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(range) = text.parse::<DateRange>() {
            assert_eq!(range.rounded(), range);
            assert_eq!(range.to_string().parse::<DateRange>(), Ok(range));
        }
    }
});
