//! Any bytes read as coded focus-group segments (a .qdpx project or a CSV export in every layout):
//! segments and findings, or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: capakit::ingest::install_panic_hook(), |data: &[u8]| {
    capakit::ingest::fuzz::segments(data);
});
