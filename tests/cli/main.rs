//! The one integration-test binary: runs the `capakit` binary on the example study and on small
//! fixture studies. Modules by subject.

mod attacker;
mod audiences;
mod bad_inputs;
mod capability;
mod capability_weights;
mod cell_key;
mod common;
mod core_network;
mod disclosure;
mod errors;
mod example;
mod findings;
mod focus_groups;
mod formats;
mod geography;
mod golden;
mod many_groups;
mod maps;
mod mentoring;
mod monitoring;
mod network;
mod network_browser;
mod output_safety;
mod paired;
mod published_bytes;
mod real_world;
mod recommendations;
mod records;
mod safe_text;
mod stats;
mod weights;
mod who;
mod wording;
