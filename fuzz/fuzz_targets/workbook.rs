//! Any bytes read as a workbook (.xlsx, .ods, .xls or .xlsb, chosen by the first byte): a table or a
//! located error, never a panic, an abort or runaway memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

// capakit's own panic hook replaces libFuzzer's abort-on-any-panic: a panic inside calamine,
// which capakit catches and reports as a located error, is the contract kept, not a crash; a
// panic that escapes still aborts (libfuzzer-sys catches it at the boundary).
fuzz_target!(init: capakit::ingest::install_panic_hook(), |data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["xlsx", "ods", "xls", "xlsb"][kind as usize % 4];
    capakit::ingest::fuzz::read(bytes, ext);
});
