//! Any bytes read as a CSV data file: a table or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capakit::ingest::fuzz::read(data, "csv");
});
