//! capakit: from XLSForm questionnaires and spreadsheet exports to capability analyses and
//! bilingual reports, for action-research with care leavers.
//!
//! The data flows one way: [`study`] → [`instrument`] + [`ingest`] → [`check`] → [`analysis`] →
//! [`report`]. [`error`] and [`diagnostics`] are shared by all stages; [`stats`] holds the pure
//! statistics the analyses use; [`scaffold`] writes new studies (and the shipped example).

pub mod analysis;
pub mod charts;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod disclosure;
pub mod error;
pub mod format;
pub mod geography;
pub mod ingest;
pub mod instrument;
pub mod locale;
pub mod parallel;
pub mod plan;
pub mod provenance;
pub mod publication;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod stats;
pub mod study;
pub mod text;
pub mod words;

pub use error::{Error, Result};
