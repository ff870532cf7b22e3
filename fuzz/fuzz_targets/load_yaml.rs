//! Any bytes as yaml: a load error or a document that scores, validates, tabulates and
//! saves, never a panic, a hang or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okr_fuzz::exercise;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = okr_core::Document::from_str(text, okr_core::Format::Yaml) {
            exercise(doc);
        }
    }
});
