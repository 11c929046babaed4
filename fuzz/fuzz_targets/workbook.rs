//! Any bytes read as a workbook (.xlsx, .ods or .xls, chosen by the first byte): a table or a
//! located error, never a panic, an abort or runaway memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["xlsx", "ods", "xls"][kind as usize % 3];
    capakit::ingest::fuzz::read(bytes, ext);
});
