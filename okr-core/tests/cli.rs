//! The `okr` binary: SPEC §8 output shapes and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn load_errors_exit_2_and_print_every_problem_compiler_style() {
    let dir = tempdir();
    let file = dir.join("bad.yaml");
    std::fs::write(
        &file,
        "version: 1\nobjectives:\n  - id: a\n    titel: A\n    cycle: c\n    level: team\n    key_results: []\n  - id: b\n    title: B\n    cycle: c\n    level: team\n    key_results: 3\n",
    )
    .unwrap();
    let out = okr().arg("score").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    assert!(
        err.contains(&format!(
            "{name}:4:5: error: objectives[0].titel: unknown field `titel`, did you mean `title`?"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:3:5: error: objectives[0].title: missing required field `title`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:12:18: error: objectives[1].key_results: expected a list, found a number"
        )),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = okr().args(["score"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = okr()
        .args(["score", "x.yaml", "--as-of", "2021-13-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = okr().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_file_exits_2_with_its_name() {
    let out = okr()
        .args(["score", "/nonexistent/okrs.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/okrs.yaml"));
}

#[test]
fn schema_prints_a_json_schema() {
    let out = okr().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Document");
    assert!(schema["properties"]["objectives"].is_object());
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okr-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check(args: &[&str]) -> (Option<i32>, String) {
    let out = okr()
        .current_dir(root())
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

const FLAWED: &str = "tests/fixtures/check/flawed.yaml";

#[test]
fn check_text_output_of_a_flawed_document() {
    let (code, text) = check(&[FLAWED, "--as-of", "2021-09-01"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(text);
}

#[test]
fn check_json_output_of_a_flawed_document() {
    let (code, text) = check(&[FLAWED, "--as-of", "2021-09-01", "--format", "json"]);
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["as_of"], "2021-09-01");
    for f in json["findings"].as_array().unwrap() {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["code", "severity", "subjects", "path", "message", "help"]
        );
    }
    insta::assert_json_snapshot!(json);
}

#[test]
fn policy_switches_change_findings_and_exit_codes() {
    let dir = tempdir();
    // Switching the three error rules off leaves only warnings: exit 0.
    let lenient = dir.join("lenient.yaml");
    std::fs::write(
        &lenient,
        "severities: {unknown_reference: 'off', zero_range: warning, invalid_value: info}\n",
    )
    .unwrap();
    let (code, text) = check(&[
        FLAWED,
        "--as-of",
        "2021-09-01",
        "--policy",
        lenient.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("unknown_reference"));
    assert!(text.contains("warning[zero_range]"));
    assert!(text.contains("info[invalid_value]"));
    // The clean example fails once a rule it breaks at a later date is raised to error.
    let strict = dir.join("strict.toml");
    std::fs::write(&strict, "[severities]\nstale_check_in = \"error\"\n").unwrap();
    let example = "examples/engineering-2021-h2.yaml";
    assert_eq!(
        check(&[
            example,
            "--as-of",
            "2021-11-15",
            "--policy",
            strict.to_str().unwrap()
        ])
        .0,
        Some(0)
    );
    let (code, text) = check(&[
        example,
        "--as-of",
        "2021-12-10",
        "--policy",
        strict.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("error[stale_check_in]"));
    // A bad policy is a load error: exit 2, named with the closest valid field.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"stale_dayz\": 3}").unwrap();
    let out = okr()
        .current_dir(root())
        .args(["check", FLAWED, "--policy"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `stale_days`?"));
}

#[test]
fn export_writes_every_table_as_csv_and_json_with_stable_columns() {
    let example = "examples/engineering-2021-h2.yaml";
    let doc = okr_core::Document::from_path(root().join(example)).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 11, 15).unwrap();
    let card = okr_core::Scorecard::new(
        doc,
        okr_core::AsOf::Date(as_of),
        okr_core::Policy::default(),
    );
    let tables = card.tables();
    for name in okr_core::TABLE_NAMES {
        let table = tables.get(name).unwrap();
        let names: Vec<&str> = table.columns().iter().map(|(n, _)| *n).collect();
        let out = okr()
            .current_dir(root())
            .args(["export", example, "--table", name, "--as-of", "2021-11-15"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // RFC 4180 round trip through a CSV reader.
        let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, names, "{name}");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), table.len(), "{name}");
        let out = okr()
            .current_dir(root())
            .args([
                "export",
                example,
                "--table",
                name,
                "--as-of",
                "2021-11-15",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), table.len(), "{name}");
        for row in rows {
            let keys: Vec<&str> = row
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, names, "{name}");
        }
    }
    // Titles with commas and quotes survive CSV.
    let objectives = okr()
        .current_dir(root())
        .args([
            "export",
            example,
            "--table",
            "objectives",
            "--as-of",
            "2021-11-15",
        ])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(objectives.stdout.as_slice());
    let titles: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    let want: Vec<String> = card
        .document()
        .objectives
        .iter()
        .map(|o| o.title.clone())
        .collect();
    assert_eq!(titles, want);
    let bad = okr()
        .current_dir(root())
        .args(["export", example, "--table", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[cfg(feature = "arrow")]
#[test]
fn export_writes_arrow_ipc_and_parquet_that_read_back() {
    use arrow_array::cast::AsArray;
    let dir = tempdir();
    let example = "examples/engineering-2021-h2.yaml";
    for (format, file) in [
        ("arrow", "objectives.arrow"),
        ("parquet", "objectives.parquet"),
    ] {
        let path = dir.join(file);
        let out = okr()
            .current_dir(root())
            .args([
                "export",
                example,
                "--table",
                "objectives",
                "--as-of",
                "2021-11-15",
                "--format",
                format,
                "-o",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let batches: Vec<arrow_array::RecordBatch> = if format == "arrow" {
            let reader =
                arrow_ipc::reader::FileReader::try_new(std::fs::File::open(&path).unwrap(), None)
                    .unwrap();
            reader.map(|b| b.unwrap()).collect()
        } else {
            let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
                std::fs::File::open(&path).unwrap(),
            )
            .unwrap()
            .build()
            .unwrap();
            reader.map(|b| b.unwrap()).collect()
        };
        let batch = &batches[0];
        assert_eq!(batch.num_rows(), 27);
        let ids = batch.column_by_name("id").unwrap().as_string::<i32>();
        assert_eq!(ids.value(0), "service-desk-tickets");
        let score = batch
            .column_by_name("score")
            .unwrap()
            .as_primitive::<arrow_array::types::Float64Type>();
        let doc = okr_core::Document::from_path(root().join(example)).unwrap();
        let card = okr_core::Scorecard::new(
            doc,
            okr_core::AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 11, 15).unwrap()),
            okr_core::Policy::default(),
        );
        assert_eq!(
            Some(score.value(0)),
            card.objective("service-desk-tickets").unwrap().score
        );
        let owners = batch.column_by_name("owners").unwrap().as_list::<i32>();
        assert_eq!(owners.value(0).as_string::<i32>().value(0), "victor");
    }
}

#[test]
fn generate_prints_or_writes_a_deterministic_loadable_document() {
    let run = |args: &[&str]| {
        let out = okr().arg("generate").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let a = run(&["--objectives", "50", "--seed", "9", "--format", "json"]);
    assert_eq!(
        a,
        run(&["--objectives", "50", "--seed", "9", "--format", "json"])
    );
    let doc =
        okr_core::Document::from_str(std::str::from_utf8(&a).unwrap(), okr_core::Format::Json)
            .unwrap();
    assert_eq!(doc, okr_core::generate(50, 9));
    let dir = tempdir();
    for ext in ["json", "yaml", "toml"] {
        let file = dir.join(format!("generated.{ext}"));
        run(&[
            "--objectives",
            "20",
            "--seed",
            "2",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(
            okr_core::Document::from_path(&file).unwrap(),
            okr_core::generate(20, 2),
            "{ext}"
        );
    }
}

#[test]
fn score_and_check_name_the_date_each_cycle_is_judged_at() {
    let dir = std::env::temp_dir().join(format!("okr-cli-cycles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("org.yaml");
    // 2020-H2 closed long ago; 2999-H1 has not started.
    std::fs::write(
        &file,
        "version: 1\ncycles:\n  - {id: 2020-H2, start: 2020-07-01, end: 2020-12-31}\n  - {id: 2999-H1, start: 2999-01-01, end: 2999-06-30}\nobjectives:\n  - {id: o, title: O, cycle: 2020-H2, level: company, owners: [], key_results: []}\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = okr().args(args).arg(&file).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // Without --as-of: today, except the closed 2020-H2 at its end.
    for cmd in ["score", "check"] {
        let json: serde_json::Value =
            serde_json::from_str(&run(&[cmd, "--format", "json"])).unwrap();
        let today = json["as_of"].as_str().unwrap().to_owned();
        assert_eq!(
            json["cycles"],
            serde_json::json!([
                {"id": "2020-H2", "as_of": "2020-12-31"},
                {"id": "2999-H1", "as_of": today},
            ]),
            "{cmd}"
        );
    }
    let table = run(&["score"]);
    let last = table.lines().last().unwrap();
    assert!(last.starts_with("as of "), "{table}");
    assert!(
        last.ends_with(" (2020-H2 judged at its end, 2020-12-31)"),
        "{table}"
    );
    assert!(run(&["check"]).contains("(2020-H2 judged at its end, 2020-12-31)"));
    // With --as-of, that date for every cycle, and nothing more to say.
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "score",
        "--format",
        "json",
        "--as-of",
        "2021-01-15",
    ]))
    .unwrap();
    assert_eq!(
        json["cycles"],
        serde_json::json!([
            {"id": "2020-H2", "as_of": "2021-01-15"},
            {"id": "2999-H1", "as_of": "2021-01-15"},
        ])
    );
    let table = run(&["score", "--as-of", "2021-01-15"]);
    assert_eq!(table.lines().last(), Some("as of 2021-01-15"));
    assert!(!run(&["check", "--as-of", "2021-01-15"]).contains("judged"));
    std::fs::remove_dir_all(&dir).unwrap();
}
