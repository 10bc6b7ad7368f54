//! Layer 5 policies: pure decisions the session asks for — which hosts a request goes to
//! (load balancing), whether a failed attempt runs again (retry), when a second attempt
//! starts (speculative execution), when a lost host is tried again (reconnection) and how a
//! reported address maps to one the driver can reach (address translation).
