//! The HTML cascade: well-formed nesting, escaping of every piece of user text, findings
//! placed under their objective.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;

fn card(text: &str, as_of: (i32, u32, u32)) -> Scorecard {
    let doc = Document::from_str(text, Format::Yaml).unwrap();
    let d = NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap();
    Scorecard::new(doc, AsOf::Date(d), Policy::default())
}

#[test]
fn nesting_is_balanced_and_follows_alignment() {
    let card = card(
        "version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
objectives:
  - {id: top, title: Top, cycle: H2, level: company, key_results: []}
  - {id: mid, title: Mid, cycle: H2, level: area, aligns_to: [top], key_results: []}
  - {id: leaf, title: Leaf, cycle: H2, level: team, aligns_to: [mid, top], key_results: [
      {id: k, title: K, kind: binary, check_ins: [{date: 2021-08-01, value: true}]}]}
  - {id: other, title: Other, cycle: H2, level: company, key_results: []}
",
        (2021, 10, 1),
    );
    let html = card.render_html(&[]);
    assert_eq!(
        html.matches("<details").count(),
        html.matches("</details>").count()
    );
    assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
    // top contains mid, which contains leaf; leaf shows again under top as a repeat.
    let top = html.find("<code>top</code>").unwrap();
    let mid = html.find("<code>mid</code>").unwrap();
    let leaf = html.find("<code>leaf</code>").unwrap();
    let other = html.find("<code>other</code>").unwrap();
    assert!(top < mid && mid < leaf && leaf < other);
    assert_eq!(html.matches("<code>leaf</code>").count(), 2);
    assert_eq!(html.matches("(shown above)").count(), 1);
    // The binary KR is done: leaf scores 1.0, mid and top take the mean of their children.
    assert!(html.contains("score 100%"));
    assert!(html.contains("on_track"));
}

#[test]
fn user_text_is_escaped_everywhere() {
    let evil = "<script>alert('x')</script>&\"";
    let text = format!(
        "version: 1
cycles: [{{id: H2, start: 2021-07-01, end: 2021-12-31}}]
objectives:
  - id: '<o1>'
    title: {evil:?}
    cycle: H2
    level: company
    key_results:
      - {{id: '<k&1>', title: {evil:?}, kind: binary}}
"
    );
    let card = card(&text, (2021, 10, 1));
    let finding = Finding {
        code: "side_project".into(),
        severity: Severity::Warning,
        subjects: vec!["<o1>".into()],
        path: None,
        message: evil.into(),
        help: Some(evil.into()),
    };
    let html = card.render_html(&[finding]);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<o1>") && !html.contains("<k&1>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    assert!(html.contains("<code>&lt;o1&gt;</code>"));
    // The finding shows under its objective and in the list at the end.
    assert_eq!(html.matches("warning[side_project]").count(), 2);
}

#[test]
fn large_cascades_are_cut_with_a_note() {
    let mut text = String::from(
        "version: 1\ncycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]\nobjectives:\n  - {id: top, title: Top, cycle: H2, level: company, key_results: []}\n",
    );
    let n = okr_core::html::MAX_ROWS + 10;
    for i in 0..n {
        text.push_str(&format!(
            "  - {{id: o{i}, title: O, cycle: H2, level: team, aligns_to: [top], key_results: []}}\n"
        ));
    }
    let card = card(&text, (2021, 10, 1));
    let findings = validate_scored(&card);
    assert!(findings.len() > okr_core::html::MAX_FINDINGS);
    let html = card.render_html(&findings);
    // n + 1 rows, MAX_ROWS shown.
    assert_eq!(
        html.matches("class=\"okr-objective\"").count(),
        okr_core::html::MAX_ROWS
    );
    assert!(html.contains("… 11 more rows not shown"));
    assert!(html.contains(&format!(
        "… {} more findings not shown",
        findings.len() - okr_core::html::MAX_FINDINGS
    )));
    assert_eq!(
        html.matches("<details").count(),
        html.matches("</details>").count()
    );
    assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
}
