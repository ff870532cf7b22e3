//! `okr_core::import` on the fixtures of tests/import/ (shared with the Python and JS
//! suites): each imported document is compared with a document written by hand, broken
//! inputs with the problems expected at their rows and columns or JSON paths, and imported
//! scores with what the source tool reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::import::{self, ImportOptions};
use okr_core::{AsOf, Document, Format, LoadError, Policy, Scorecard};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/import")
        .join(rel)
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn expected(rel: &str) -> Document {
    Document::from_path(fixture(rel)).unwrap_or_else(|e| panic!("{e}"))
}

fn assert_same(got: &Document, want: &Document) {
    if got != want {
        let g = got.to_text(Format::Yaml).unwrap();
        let w = want.to_text(Format::Yaml).unwrap();
        assert_eq!(g, w, "imported document differs from the expected one");
        panic!("documents differ in a way their YAML does not show");
    }
}

/// Problems as (row, column, header, message), sorted.
fn cells(err: &LoadError) -> Vec<(u32, u32, String, String)> {
    let mut v: Vec<_> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.line.unwrap_or(0),
                p.column.unwrap_or(0),
                p.path.clone(),
                p.message.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn options(today: NaiveDate) -> ImportOptions {
    ImportOptions::with_today(today)
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_rows_with_check_ins_import_as_written_by_hand() {
    let got = import::csv(
        &text("csv/rows.csv"),
        Some(&text("csv/rows_checkins.csv")),
        &options(d(2026, 3, 15)),
    )
    .unwrap();
    assert_same(&got.document, &expected("csv/rows.expected.yaml"));
    let s = &got.summary;
    assert_eq!(s.read_count("objectives"), 8);
    assert_eq!(s.read_count("key results"), 16);
    // 15 currents of the sheet (one key-result row has none) + 9 rows of check-ins − 1
    // that repeats a current.
    assert_eq!(s.read_count("check-ins"), 23);
    assert_eq!(
        s.extra,
        vec![
            ("Jira".to_string(), 3),
            ("Description".to_string(), 2),
            ("author".to_string(), 9)
        ]
    );
    assert_eq!(s.skipped.len(), 1);
    assert_eq!(s.skipped[0].at, "row 17");
    assert!(s.notes.iter().any(|n| n.contains("2026-03-15")));
}

#[test]
fn csv_one_row_per_key_result_semicolons_and_fiscal_years() {
    let mut o = options(d(2026, 3, 15));
    o.fiscal_year_start = 7;
    let got = import::csv(&text("csv/repeated.csv"), None, &o).unwrap();
    assert_same(&got.document, &expected("csv/repeated.expected.yaml"));
}

#[test]
fn csv_broken_sheet_reports_every_problem_at_its_cell() {
    let err = import::csv(&text("csv/broken.csv"), None, &options(d(2026, 3, 15))).unwrap_err();
    let want: Vec<serde_json::Value> =
        serde_json::from_str(&text("csv/broken.expected.json")).unwrap();
    let mut want: Vec<(u32, u32, String, String)> = want
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap() as u32,
                p["column"].as_u64().unwrap() as u32,
                p["header"].as_str().unwrap().to_owned(),
                p["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(cells(&err), want);
}

#[test]
fn csv_missing_columns_and_unknown_map_names() {
    let err = import::csv(
        "name,kind,target\nA,metric,3\n",
        None,
        &options(d(2026, 1, 1)),
    )
    .unwrap_err();
    let msgs: Vec<&str> = err.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "no `id` column: the header row has `name`, `kind`, `target`; name one with `--map id=COLUMN`",
            "no `title` column: the header row has `name`, `kind`, `target`; name one with `--map title=COLUMN`",
        ]
    );
    let mut o = options(d(2026, 1, 1));
    o.map = vec![
        ("title".into(), "Name".into()),
        ("colour".into(), "kind".into()),
    ];
    let err = import::csv("id,Name,cycle\na,A,2026\n", None, &o).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert!(err.problems[0]
        .message
        .starts_with("unknown name `colour` in `--map colour=kind`: use one of id, type, title"));
    // With the map alone, `Name` is the title.
    o.map.truncate(1);
    let doc = import::csv("id,Name,cycle\na,A,2026\n", None, &o)
        .unwrap()
        .document;
    assert_eq!(doc.objectives[0].title, "A");
    assert_eq!(
        (doc.cycles[0].start, doc.cycles[0].end),
        (d(2026, 1, 1), d(2026, 12, 31))
    );
}

#[test]
fn csv_broken_check_ins_name_their_rows() {
    let ci = "key_result,date,value\nkr-arr,2026-01-31,ten\nkr-ghost,2026-01-31,1\nkr-nps,31/01/2026,3\n";
    let err = import::csv(&text("csv/rows.csv"), Some(ci), &options(d(2026, 3, 15))).unwrap_err();
    assert_eq!(
        cells(&err),
        vec![
            (
                2,
                3,
                "check-ins: value".into(),
                "`ten` is not a number".into()
            ),
            (
                3,
                1,
                "check-ins: key_result".into(),
                "unknown key result `kr-ghost`: no key result of the sheet has this id".into()
            ),
            (
                4,
                2,
                "check-ins: date".into(),
                "`31/01/2026` is not a date: write `YYYY-MM-DD`".into()
            ),
        ]
    );
}

#[test]
fn csv_limits_name_the_option_to_raise() {
    let mut o = options(d(2026, 1, 1));
    o.max_rows = 2;
    let err = import::csv("id,title,cycle\na,A,2026\nb,B,2026\nc,C,2026\n", None, &o).unwrap_err();
    assert_eq!(err.problems[0].line, Some(4));
    assert!(err.problems[0]
        .message
        .contains("raise `ImportOptions::max_rows`"));
    let mut o = options(d(2026, 1, 1));
    o.max_columns = 2;
    let err = import::csv("id,title,cycle\na,A,2026\n", None, &o).unwrap_err();
    assert!(err.problems[0]
        .message
        .contains("raise `ImportOptions::max_columns`"));
    let mut o = options(d(2026, 1, 1));
    o.max_cell_bytes = 4;
    let err = import::csv("id,title,cycle\na,A long title,2026\n", None, &o).unwrap_err();
    assert_eq!(
        (err.problems[0].line, err.problems[0].column),
        (Some(2), Some(2))
    );
    assert!(err.problems[0]
        .message
        .contains("raise `ImportOptions::max_cell_bytes`"));
    let mut o = options(d(2026, 1, 1));
    o.max_bytes = 10;
    let err = import::csv("id,title,cycle\na,A,2026\n", None, &o).unwrap_err();
    assert!(err.problems[0]
        .message
        .contains("raise `ImportOptions::max_bytes`"));
}

#[test]
fn sheet_round_trip_keeps_what_a_sheet_holds() {
    let doc = expected("csv/rows.expected.yaml");
    let sheet = import::to_sheet(&doc);
    let back = import::csv(&sheet, None, &options(d(2026, 3, 15)))
        .unwrap()
        .document;
    // What a sheet holds: every field but the check-in history (the latest check-in
    // only) and the people's and teams' details (ids only here, so equal).
    let mut want = doc.clone();
    for o in &mut want.objectives {
        for k in &mut o.key_results {
            if let Some(last) = k.check_ins.iter().max_by_key(|c| c.date).cloned() {
                let mut last = last;
                last.extra = Default::default();
                k.check_ins = vec![last];
            }
        }
    }
    assert_same(&back, &want);
    // And a second trip changes nothing.
    let again = import::csv(&import::to_sheet(&back), None, &options(d(2026, 3, 15)))
        .unwrap()
        .document;
    assert_same(&again, &back);
}

// ---------------------------------------------------------------- GitLab

#[test]
fn gitlab_pages_import_as_written_by_hand() {
    let got = import::gitlab(&text("gitlab/work_items.json"), &options(d(2026, 3, 31))).unwrap();
    assert_same(&got.document, &expected("gitlab/work_items.expected.yaml"));
    let skipped: Vec<(&str, &str)> = got
        .summary
        .skipped
        .iter()
        .map(|s| (s.at.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "[1].data.project.workItems.nodes[3]",
                "a work item of type `Task`, neither an objective nor a key result"
            ),
            (
                "[1].data.project.workItems.nodes[4]",
                "key result `111`: its objective `999` is not in the input"
            ),
        ]
    );
}

#[test]
fn gitlab_key_results_score_as_gitlab_reports_their_progress() {
    let json = text("gitlab/work_items.json");
    let doc = import::gitlab(&json, &options(d(2026, 3, 31)))
        .unwrap()
        .document;
    let card = Scorecard::new(doc, AsOf::Date(d(2026, 6, 30)), Policy::default());
    // GitLab's `progress` of each imported key result, from the fixture.
    for (id, progress) in [
        ("103", 50.0),
        ("104", 40.0),
        ("106", 25.0),
        ("108", 75.0),
        ("109", 0.0),
    ] {
        let s = card.key_result(id).unwrap().score.unwrap();
        assert!((s - progress / 100.0).abs() < 1e-9, "{id}: {s}");
    }
}

#[test]
fn gitlab_accepts_one_response_a_bare_list_and_glab_paginate_output() {
    let pages: serde_json::Value = serde_json::from_str(&text("gitlab/work_items.json")).unwrap();
    let first = serde_json::to_string(&pages[0]).unwrap();
    let second = serde_json::to_string(&pages[1]).unwrap();
    let o = options(d(2026, 3, 31));
    let all = import::gitlab(&text("gitlab/work_items.json"), &o)
        .unwrap()
        .document;
    // Pages one after another, as `glab api graphql --paginate` prints them.
    let streamed = import::gitlab(&format!("{first}\n{second}\n"), &o)
        .unwrap()
        .document;
    assert_eq!(streamed, all);
    // A bare list of nodes.
    let mut nodes = pages[0]["data"]["project"]["workItems"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    nodes.extend(
        pages[1]["data"]["project"]["workItems"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let bare = import::gitlab(&serde_json::to_string(&nodes).unwrap(), &o)
        .unwrap()
        .document;
    assert_eq!(bare, all);
    // One response of a group.
    let group = first.replace("\"project\"", "\"group\"");
    let one = import::gitlab(&group, &o).unwrap().document;
    assert_eq!(one.objectives.len(), 3);
}

#[test]
fn gitlab_broken_input_names_json_paths() {
    let o = options(d(2026, 3, 31));
    let err =
        import::gitlab("{\"data\": {\"project\": {\"workItems\": {\"nodes\": [", &o).unwrap_err();
    assert_eq!(err.problems[0].line, Some(1));
    assert!(err.problems[0].message.starts_with("not JSON: "));
    let broken = r#"{"data": {"project": {"workItems": {"nodes": [
        {"id": "gid://gitlab/WorkItem/1", "title": "A", "widgets": []},
        {"id": "gid://gitlab/WorkItem/2", "workItemType": {"name": "Key Result"}, "widgets": []},
        {"id": "gid://gitlab/WorkItem/3", "title": "C", "workItemType": {"name": "Key Result"},
         "widgets": [{"type": "PROGRESS", "progress": "lots", "updatedAt": "yesterday"},
                     {"type": "START_AND_DUE_DATE", "startDate": "2026-13-01"}]}
    ]}}}}"#;
    let err = import::gitlab(broken, &o).unwrap_err();
    let got: Vec<(&str, &str)> = err
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "data.project.workItems.nodes[0].workItemType.name",
                "missing: add `workItemType { name }` to the query"
            ),
            (
                "data.project.workItems.nodes[1].title",
                "missing or not a string"
            ),
            (
                "data.project.workItems.nodes[2].widgets[1].startDate",
                "`\"2026-13-01\"` is not a date `YYYY-MM-DD`"
            ),
            (
                "data.project.workItems.nodes[2].widgets.progress",
                "`\"lots\"` is not a number"
            ),
            (
                "data.project.workItems.nodes[2].widgets.updatedAt",
                "`\"yesterday\"` is not a date"
            ),
        ]
    );
    let err = import::gitlab(
        r#"{"data": {"project": null}, "errors": [{"message": "denied"}]}"#,
        &o,
    )
    .unwrap_err();
    assert!(
        err.problems[0]
            .message
            .contains("GitLab answered with errors"),
        "{err}"
    );
}

// ---------------------------------------------------------------- Viva Goals

fn viva_files() -> Vec<(String, String)> {
    let dir = fixture("viva_goals/export");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn zip_of(files: &[(String, String)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        w.start_file(format!("Contoso export/{name}"), opts)
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn viva_goals_folder_imports_as_written_by_hand() {
    let got = import::viva_goals(&fixture("viva_goals/export"), &options(d(2025, 3, 31))).unwrap();
    assert_same(&got.document, &expected("viva_goals/export.expected.yaml"));
    let skipped: Vec<(&str, &str)> = got
        .summary
        .skipped
        .iter()
        .map(|s| (s.at.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "Contoso_objectives.json[10]",
                "`Type` `Meeting` is none of `Big rock`, `Kpi`, `Project`"
            ),
            (
                "Contoso_checkins.json[9]",
                "a check-in of objective `1001`, whose progress is rolled up from its children"
            ),
            (
                "Contoso_checkins.json[10]",
                "a check-in of `9999`, which is not an imported objective or key result"
            ),
        ]
    );
    assert_eq!(got.summary.read_count("objectives"), 4);
    assert_eq!(got.summary.read_count("key results"), 5);
    assert_eq!(got.summary.read_count("overrides"), 2);
}

#[test]
fn viva_goals_zip_reads_as_its_folder() {
    let files = viva_files();
    let o = options(d(2025, 3, 31));
    let from_zip = import::viva_goals_zip(&zip_of(&files), &o).unwrap();
    let from_files = import::viva_goals_files(&files, &o).unwrap();
    assert_same(&from_zip.document, &from_files.document);
    assert_same(
        &from_zip.document,
        &expected("viva_goals/export.expected.yaml"),
    );
    // Through a file on disk, as the CLI reads it.
    let dir = std::env::temp_dir().join(format!("okr-import-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.zip");
    std::fs::write(&path, zip_of(&files)).unwrap();
    let from_path = import::viva_goals(&path, &o);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_same(&from_path.unwrap().document, &from_files.document);
}

#[test]
fn viva_goals_percentage_outcomes_score_as_viva_reports() {
    let doc = import::viva_goals_files(&viva_files(), &options(d(2025, 3, 31)))
        .unwrap()
        .document;
    let card = Scorecard::new(doc, AsOf::Date(d(2025, 3, 31)), Policy::default());
    // `Progress` of the percentage outcomes in the fixture: 60 and 50.
    assert_eq!(card.key_result("2002").unwrap().score, Some(0.6));
    assert_eq!(card.key_result("2004").unwrap().score, Some(0.5));
    // The manual objective scores its last check-in, 40 %.
    assert_eq!(card.objective("1005").unwrap().score, Some(0.4));
}

#[test]
fn viva_goals_zip_bombs_and_entry_counts_are_bounded() {
    let files = vec![(
        "objectives.json".to_string(),
        format!("[{}]", " ".repeat(100_000)),
    )];
    let bytes = zip_of(&files);
    assert!(
        bytes.len() < 2_000,
        "deflate packs the spaces: {}",
        bytes.len()
    );
    let mut o = options(d(2025, 3, 31));
    o.max_unpacked_bytes = 10_000;
    let err = import::viva_goals_zip(&bytes, &o).unwrap_err();
    assert!(
        err.problems[0].message.contains("a possible zip bomb"),
        "{err}"
    );
    assert!(err.problems[0]
        .message
        .contains("ImportOptions::max_unpacked_bytes"));
    let mut o = options(d(2025, 3, 31));
    o.max_zip_entries = 3;
    let err = import::viva_goals_zip(&zip_of(&viva_files()), &o).unwrap_err();
    assert!(
        err.problems[0]
            .message
            .contains("raise `ImportOptions::max_zip_entries`"),
        "{err}"
    );
    let err =
        import::viva_goals_zip(b"PK\x03\x04 not really", &options(d(2025, 3, 31))).unwrap_err();
    assert!(
        err.problems[0].message.starts_with("not a ZIP archive"),
        "{err}"
    );
}

#[test]
fn viva_goals_broken_export_names_json_paths() {
    let o = options(d(2025, 3, 31));
    let err = import::viva_goals_files(&[("Users.json".into(), "[]".into())], &o).unwrap_err();
    assert_eq!(
        err.problems[0].message,
        "no objectives file (a `.json` file whose name contains `objectives`) among `Users.json`"
    );
    let err = import::viva_goals_files(
        &[(
            "objectives.json".into(),
            "[{\"ID\": 1,\n  \"Title\": }]".into(),
        )],
        &o,
    )
    .unwrap_err();
    assert_eq!(
        (err.problems[0].line, err.problems[0].column),
        (Some(2), Some(12))
    );
    let objectives = r#"[
      {"ID": 1, "Title": "No period", "Type": "Big rock"},
      {"ID": 2, "Title": "Fine", "Type": "Big rock", "Time Period": "2025-Q1"},
      {"ID": 2, "Title": "Twice", "Type": "Big rock", "Time Period": "2025-Q1"},
      {"ID": 3, "Title": "No target", "Type": "Kpi", "Parent IDs": [2], "Outcome": {"Outcome Type": "Metric", "Start": 1}},
      {"ID": 4, "Title": "Bad plan", "Type": "Kpi", "Parent IDs": [2], "Phased Targets": [{"Target Value": "x", "Target Date": "2025-02-01"}]},
      {"Title": "No id", "Type": "Kpi"}
    ]"#;
    let check_ins = r#"[{"OKR ID": 4, "CheckIn Date": "soon", "Current Value": 3},
                        {"OKR ID": 4, "CheckIn Date": "2025-02-01", "Current Value": "lots"}]"#;
    let err = import::viva_goals_files(
        &[
            ("objectives.json".into(), objectives.into()),
            ("checkins.json".into(), check_ins.into()),
        ],
        &o,
    )
    .unwrap_err();
    let got: Vec<(&str, &str)> = err
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "objectives.json[2].ID",
                "`2` is already the id of `objectives.json[1]`"
            ),
            (
                "objectives.json[5].ID",
                "missing: every record needs its `ID`"
            ),
            (
                "checkins.json[0].CheckIn Date",
                "missing or not a date: `\"soon\"`"
            ),
            (
                "checkins.json[1].Current Value",
                "`\"lots\"` is not a number"
            ),
            (
                "objectives.json[0].Time Period",
                "objective `1` has no `Time Period`"
            ),
            (
                "objectives.json[3].Outcome.Target",
                "key result `3`: a metric outcome without a `Target` number"
            ),
            (
                "objectives.json[4].Phased Targets[0]",
                "expected `Target Value` (a number) and `Target Date` (a date)"
            ),
        ]
    );
}
