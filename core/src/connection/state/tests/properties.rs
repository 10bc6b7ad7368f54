//! Property tests: arbitrary input never panics the connection state machine.

use super::*;
use proptest::prelude::*;

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8),
        v5 in any::<bool>(),
        handshaking in any::<bool>(),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V4 };
        let mut state = if handshaking {
            ConnectionState::new(&auth_config(), version, t(0))
        } else {
            let (mut s, _) = ready(version, &config());
            let _ = s.submit(&mut query("a"), t(3));
            s
        };
        for (i, chunk) in chunks.iter().enumerate() {
            state.handle_input(chunk, t(10 + i as u64));
            while state.poll_output().is_some() {}
        }
        state.handle_timeout(t(1_000_000));
        let mut out = Vec::new();
        state.take_output(&mut out);
    }
}
