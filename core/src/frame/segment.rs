//! Protocol v5 segment framing (to be filled in).
