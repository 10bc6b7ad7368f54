//! Errors of the wire layer.

/// A protocol primitive or message body could not be decoded.
///
/// Produced for every malformed input read from the network; decoding never panics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before a field was complete.
    #[error("unexpected end of input: needed {needed} bytes, {remaining} remaining")]
    UnexpectedEnd {
        /// Bytes the field needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A length field held a value that is not allowed where it appeared.
    #[error("invalid length {length} for {what}")]
    InvalidLength {
        /// What was being read.
        what: &'static str,
        /// The offending length.
        length: i64,
    },
    /// A string field was not valid UTF-8.
    #[error("invalid utf-8 in {0}")]
    InvalidUtf8(&'static str),
    /// A field held a value outside its domain (an unknown enum code, for instance).
    #[error("invalid {what}: {value}")]
    InvalidValue {
        /// What was being read.
        what: &'static str,
        /// The offending value.
        value: i64,
    },
    /// Bytes were left over after a complete message or value.
    #[error("{count} trailing bytes after {what}")]
    TrailingBytes {
        /// What had been read completely.
        what: &'static str,
        /// How many bytes were left.
        count: usize,
    },
    /// The input violates the protocol in a way no other variant describes.
    #[error("malformed {0}")]
    Malformed(&'static str),
}

/// A value could not be written in its wire form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A field is longer than its length prefix can express.
    #[error("{what} is too long: {length} bytes, at most {max} allowed")]
    TooLong {
        /// What was being written.
        what: &'static str,
        /// Its length.
        length: usize,
        /// The limit of the length prefix.
        max: usize,
    },
    /// The value cannot be expressed in this protocol version.
    #[error("{0} is not supported by this protocol version")]
    Unsupported(&'static str),
}

/// A frame (v3/v4 envelope or v5 segment) could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The peer speaks a protocol version this crate does not (`version` is the raw byte,
    /// direction bit removed). A server answers it with a PROTOCOL_ERROR on `stream`.
    #[error("unsupported protocol version {version}")]
    UnsupportedVersion {
        /// The version number the peer sent.
        version: u8,
        /// The stream id of the offending frame, so the error can be answered on it.
        stream: i16,
    },
    /// A frame went the wrong way (a response sent to a server, or the reverse).
    #[error("unexpected frame direction")]
    WrongDirection,
    /// The opcode byte names no known message.
    #[error("unknown opcode 0x{0:02x}")]
    UnknownOpcode(u8),
    /// The body length is negative or above the configured maximum.
    #[error("frame body of {length} bytes exceeds the maximum of {max}")]
    BodyTooLarge {
        /// Length announced in the header.
        length: u64,
        /// The configured maximum.
        max: u64,
    },
    /// The frame is compressed but no compression was negotiated, or the algorithm is unknown.
    #[error("compressed frame but no compression negotiated")]
    UnexpectedCompression,
    /// A compressed body or segment could not be decompressed.
    #[error("decompression failed: {0}")]
    Decompression(&'static str),
    /// A compression algorithm failed or is unavailable in this build.
    #[error("compression failed: {0}")]
    Compression(&'static str),
    /// A v5 segment header's CRC24 did not match.
    #[error("segment header crc24 mismatch: expected {expected:06x}, computed {computed:06x}")]
    HeaderCrcMismatch {
        /// CRC read from the wire.
        expected: u32,
        /// CRC computed over the header bytes.
        computed: u32,
    },
    /// A v5 segment payload's CRC32 did not match.
    #[error("segment payload crc32 mismatch: expected {expected:08x}, computed {computed:08x}")]
    PayloadCrcMismatch {
        /// CRC read from the wire.
        expected: u32,
        /// CRC computed over the payload.
        computed: u32,
    },
    /// The framing was switched after STARTUP already; it changes only once per connection.
    #[error("the framing was already switched after STARTUP")]
    AlreadySwitched,
    /// The body of a frame did not decode.
    #[error("malformed frame body: {0}")]
    Decode(#[from] DecodeError),
    /// The body of a frame could not be encoded.
    #[error("cannot encode frame: {0}")]
    Encode(#[from] EncodeError),
}
