//! Bound values checked as Cassandra's type serializers check them (`validate` of
//! `Int32Serializer`, `LongSerializer`, ...), with their `MarshalException` wording,
//! which reaches the client as an `Invalid` error.

use cql_core::CqlValue;
use cql_core::types::ColumnType;

/// Why `bytes` is not a value of `typ`, in Cassandra's words where the sim knows them.
///
/// # Errors
/// The marshal message.
pub fn validate(typ: &ColumnType, bytes: &[u8]) -> Result<(), String> {
    let n = bytes.len();
    let fixed = |sizes: &[usize], message: &str| {
        if sizes.contains(&n) {
            Ok(())
        } else {
            Err(format!("{message} ({n})"))
        }
    };
    match typ {
        ColumnType::Int => fixed(&[4, 0], "Expected 4 or 0 byte int"),
        ColumnType::BigInt | ColumnType::Counter => fixed(&[8, 0], "Expected 8 or 0 byte long"),
        ColumnType::Boolean => fixed(&[1, 0], "Expected 1 or 0 byte value"),
        ColumnType::Double => fixed(&[8, 0], "Expected 8 or 0 byte value for a double"),
        ColumnType::Float => fixed(&[4, 0], "Expected 4 or 0 byte value for a float"),
        ColumnType::Timestamp => fixed(&[8, 0], "Expected 8 or 0 byte long for date"),
        ColumnType::SmallInt => fixed(&[2], "Expected 2 bytes for a smallint"),
        ColumnType::TinyInt => fixed(&[1], "Expected 1 byte for a tinyint"),
        ColumnType::Date => fixed(&[4], "Expected 4 byte long for date"),
        ColumnType::Time => fixed(&[8], "Expected 8 byte long for time"),
        ColumnType::Uuid => fixed(&[16, 0], "UUID should be 16 or 0 bytes"),
        ColumnType::Timeuuid => {
            fixed(&[16, 0], "TimeUUID should be 16 or 0 bytes")?;
            if n == 16 && bytes[6] >> 4 != 1 {
                return Err("Invalid version for TimeUUID type.".to_string());
            }
            Ok(())
        }
        ColumnType::Text => std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(|_| "String didn't validate.".to_string()),
        ColumnType::Ascii => match bytes.iter().find(|b| !b.is_ascii()) {
            // Java prints the byte signed.
            Some(b) => Err(format!("Invalid byte for ascii: {}", *b as i8)),
            None => Ok(()),
        },
        _ => CqlValue::deserialize(typ, Some(bytes))
            .map(|_| ())
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cassandra_wording() {
        assert_eq!(
            validate(&ColumnType::Int, &[0, 0, 1]).unwrap_err(),
            "Expected 4 or 0 byte int (3)"
        );
        assert!(validate(&ColumnType::Int, &[]).is_ok());
        assert_eq!(
            validate(&ColumnType::SmallInt, &[]).unwrap_err(),
            "Expected 2 bytes for a smallint (0)"
        );
        assert_eq!(
            validate(&ColumnType::BigInt, &[1; 4]).unwrap_err(),
            "Expected 8 or 0 byte long (4)"
        );
        assert_eq!(
            validate(&ColumnType::Text, &[0xff]).unwrap_err(),
            "String didn't validate."
        );
        assert_eq!(
            validate(&ColumnType::Ascii, &[b'a', 0xc3]).unwrap_err(),
            "Invalid byte for ascii: -61"
        );
        let mut v1 = [0u8; 16];
        v1[6] = 0x10;
        assert!(validate(&ColumnType::Timeuuid, &v1).is_ok());
        v1[6] = 0x40;
        assert_eq!(
            validate(&ColumnType::Timeuuid, &v1).unwrap_err(),
            "Invalid version for TimeUUID type."
        );
    }
}
