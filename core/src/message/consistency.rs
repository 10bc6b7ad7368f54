//! Consistency levels.

use crate::frame::error::DecodeError;

/// A consistency level, as sent in `[consistency]` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Consistency {
    /// ANY (writes only).
    Any = 0x0000,
    /// ONE.
    One = 0x0001,
    /// TWO.
    Two = 0x0002,
    /// THREE.
    Three = 0x0003,
    /// QUORUM.
    Quorum = 0x0004,
    /// ALL.
    All = 0x0005,
    /// LOCAL_QUORUM.
    LocalQuorum = 0x0006,
    /// EACH_QUORUM.
    EachQuorum = 0x0007,
    /// SERIAL.
    Serial = 0x0008,
    /// LOCAL_SERIAL.
    LocalSerial = 0x0009,
    /// LOCAL_ONE, the driver's default.
    #[default]
    LocalOne = 0x000A,
}

impl Consistency {
    /// The level for a wire code.
    ///
    /// # Errors
    /// [`DecodeError::InvalidValue`] for an unknown code.
    pub fn from_code(code: u16) -> Result<Self, DecodeError> {
        Ok(match code {
            0 => Self::Any,
            1 => Self::One,
            2 => Self::Two,
            3 => Self::Three,
            4 => Self::Quorum,
            5 => Self::All,
            6 => Self::LocalQuorum,
            7 => Self::EachQuorum,
            8 => Self::Serial,
            9 => Self::LocalSerial,
            10 => Self::LocalOne,
            other => {
                return Err(DecodeError::InvalidValue {
                    what: "consistency",
                    value: i64::from(other),
                });
            }
        })
    }

    /// The wire code.
    pub fn code(self) -> u16 {
        self as u16
    }

    /// Whether this is a serial level (SERIAL or LOCAL_SERIAL), valid only for LWT reads
    /// and as serial consistency.
    pub fn is_serial(self) -> bool {
        matches!(self, Self::Serial | Self::LocalSerial)
    }

    /// The name Cassandra uses (`LOCAL_QUORUM`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "ANY",
            Self::One => "ONE",
            Self::Two => "TWO",
            Self::Three => "THREE",
            Self::Quorum => "QUORUM",
            Self::All => "ALL",
            Self::LocalQuorum => "LOCAL_QUORUM",
            Self::EachQuorum => "EACH_QUORUM",
            Self::Serial => "SERIAL",
            Self::LocalSerial => "LOCAL_SERIAL",
            Self::LocalOne => "LOCAL_ONE",
        }
    }
}

impl core::fmt::Display for Consistency {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
