//! Any text that loads, in any format, and an edit of one of its key results or
//! objectives: the edit either refuses or gives a text that is the old one with one span
//! inserted and that loads as exactly the edited document. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okr_core::edit::{apply, Edit, MilestoneRef};
use okr_core::{CheckIn, Document, Format, KrKind, Override};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = match selector % 3 {
        0 => Format::Yaml,
        1 => Format::Json,
        _ => Format::Toml,
    };
    let Ok(doc) = Document::from_str(text, format) else {
        return;
    };
    let date = chrono::NaiveDate::from_ymd_opt(2021, 8, 1).unwrap_or_default();
    let pick = usize::from(selector / 3);
    let krs: Vec<_> = doc.key_results().map(|(_, k)| k).collect();
    let edit = match (krs.get(pick % krs.len().max(1)), selector % 2) {
        (Some(kr), 0) => match &kr.kind {
            KrKind::Milestones { .. } => Edit::MilestoneDone {
                key_result: kr.id.to_string(),
                milestone: MilestoneRef::Index(0),
                date,
            },
            KrKind::Binary => Edit::CheckIn {
                key_result: kr.id.to_string(),
                check_in: CheckIn::new(date, true),
            },
            _ => Edit::CheckIn {
                key_result: kr.id.to_string(),
                check_in: CheckIn {
                    note: Some("fuzz: \"note\" # [x]".into()),
                    ..CheckIn::new(date, 0.25)
                },
            },
        },
        _ => match doc.objectives.get(pick % doc.objectives.len().max(1)) {
            Some(o) => Edit::Override {
                objective: o.id.to_string(),
                r#override: Override {
                    score: 0.5,
                    date,
                    reason: None,
                    extra: Default::default(),
                },
            },
            None => return,
        },
    };
    if let Ok(new) = apply(text, format, &edit) {
        let mut expected = doc;
        assert!(edit.apply_to(&mut expected).is_ok());
        assert!(Document::from_str(&new, format).is_ok_and(|d| d == expected));
        let prefix = text.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
        let suffix = text
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        assert!(new.len() > text.len() && prefix + suffix >= text.len());
    }
});
