//! The sans-IO connection state machine (to be built): handshake, stream ids, in-flight
//! requests, heartbeats.
