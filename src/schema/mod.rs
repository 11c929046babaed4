//! `capakit schema`: the reference of every key capakit reads.

pub mod trace;
