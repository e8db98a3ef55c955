//! The records of DESIGN §3 as stored.
