//! The native-protocol server of a simulated node (to be built).
