//! Loading reports every problem, each with its path and line:column, in all formats.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::{Document, Format, LoadError, LoadOptions, Problem};

fn problems(text: &str, format: Format) -> Vec<Problem> {
    match Document::from_str(text, format) {
        Ok(_) => panic!("expected a load error for:\n{text}"),
        Err(LoadError { problems, .. }) => problems,
    }
}

fn brief(p: &[Problem]) -> Vec<(String, Option<u32>, Option<u32>)> {
    p.iter()
        .map(|p| (p.path.clone(), p.line, p.column))
        .collect()
}

fn at(path: &str, line: u32, col: u32) -> (String, Option<u32>, Option<u32>) {
    (path.to_owned(), Some(line), Some(col))
}

const FIVE_MISTAKES: &str = "\
version: 1
cycles:
  - {id: 2021-H2, start: 2021-07-01, end: 2021-13-01}
objectives:
  - id: o1
    title: One
    cycle: 2021-H2
    level: team
    aligns_to: [{objective: top, wieght: 2}]
    key_results:
      - {id: k1, title: K, kind: metric, start: 0, target: ten}
      - {id: k2, title: K, kind: metrik}
  - id: o2
    cycle: 2021-H2
    level: team
    key_results: []
";

#[test]
fn five_independent_mistakes_are_five_problems_with_paths_and_positions() {
    let p = problems(FIVE_MISTAKES, Format::Yaml);
    assert_eq!(
        brief(&p),
        [
            at("cycles[0].end", 3, 43),
            at("objectives[0].aligns_to[0].wieght", 9, 34),
            at("objectives[0].key_results[0].target", 11, 60),
            at("objectives[0].key_results[1].kind", 12, 34),
            at("objectives[1].title", 13, 5),
        ],
        "{p:#?}"
    );
    assert_eq!(
        p[0].message,
        "`2021-13-01` is not a date: there is no month `13` (months go from `01` to `12`)"
    );
    assert_eq!(
        p[1].message,
        "unknown field `wieght`, did you mean `weight`?"
    );
    assert_eq!(p[2].message, "expected a number, found a string `ten`");
    assert_eq!(
        p[3].message,
        "unknown key result kind `metrik`, did you mean `metric`?"
    );
    assert_eq!(p[4].message, "missing required field `title`");
}

#[test]
fn the_same_mistakes_are_found_in_json_and_toml() {
    let json = r#"{"version": 1,
 "cycles": [{"id": "2021-H2", "start": "2021-07-01", "end": "2021-13-01"}],
 "objectives": [
  {"id": "o1", "title": "One", "cycle": "2021-H2", "level": "team",
   "aligns_to": [{"objective": "top", "wieght": 2}],
   "key_results": [{"id": "k1", "title": "K", "kind": "metric", "start": 0, "target": "ten"},
                   {"id": "k2", "title": "K", "kind": "metrik"}]},
  {"id": "o2", "cycle": "2021-H2", "level": "team", "key_results": []}]}"#;
    let p = problems(json, Format::Json);
    assert_eq!(
        brief(&p),
        [
            at("cycles[0].end", 2, 61),
            at("objectives[0].aligns_to[0].wieght", 5, 39),
            at("objectives[0].key_results[0].target", 6, 87),
            at("objectives[0].key_results[1].kind", 7, 55),
            at("objectives[1].title", 8, 3),
        ],
        "{p:#?}"
    );
    let toml = r#"version = 1

[[cycles]]
id = "2021-H2"
start = 2021-07-01
end = "2021-13-01"

[[objectives]]
id = "o1"
title = "One"
cycle = "2021-H2"
level = "team"
aligns_to = [{objective = "top", wieght = 2}]
key_results = [
  {id = "k1", title = "K", kind = "metric", start = 0, target = "ten"},
  {id = "k2", title = "K", kind = "metrik"},
]

[[objectives]]
id = "o2"
cycle = "2021-H2"
level = "team"
key_results = []
"#;
    let p = problems(toml, Format::Toml);
    let paths: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "cycles[0].end",
            "objectives[0].aligns_to[0].wieght",
            "objectives[0].key_results[0].target",
            "objectives[0].key_results[1].kind",
            "objectives[1].title",
        ],
        "{p:#?}"
    );
    assert_eq!((p[0].line, p[0].column), (Some(6), Some(7)));
    assert_eq!((p[1].line, p[1].column), (Some(13), Some(34)));
}

#[test]
fn syntax_errors_have_a_position() {
    for (text, format) in [
        ("version: 1\nobjectives: [\n", Format::Yaml),
        ("{\"version\": 1, \"objectives\": [}", Format::Json),
        ("version = 1\nobjectives = [\n", Format::Toml),
    ] {
        let p = problems(text, format);
        assert!(!p.is_empty());
        assert!(p[0].line.is_some(), "{format:?}: {p:?}");
    }
}

#[test]
fn version_is_required_and_must_be_1() {
    let p = problems("objectives: []\n", Format::Yaml);
    assert_eq!(p[0].path, "version");
    assert_eq!(p[0].message, "missing required field `version`");
    let p = problems("version: 2\nobjectives: []\n", Format::Yaml);
    assert_eq!(
        p[0].message,
        "unsupported version `2`: this library reads version `1`"
    );
    assert_eq!((p[0].line, p[0].column), (Some(1), Some(10)));
}

#[test]
fn empty_ids_are_load_errors() {
    let p = problems(
        "version: 1\nobjectives: [{id: '', title: T, cycle: c, level: team, key_results: []}]\n",
        Format::Yaml,
    );
    assert_eq!(p[0].path, "objectives[0].id");
    assert_eq!(p[0].message, "an id must not be empty");
}

#[test]
fn unknown_keys_are_errors_everywhere_but_inside_extra() {
    let text = "version: 1\ntheme: []\nextra: {anything: {goes: [1, 2]}}\nobjectives:\n  - {id: o, title: T, cycle: c, level: team, key_results: [], extra: {wieght: 3}, comitment: committed}\n";
    let p = problems(text, Format::Yaml);
    assert_eq!(
        p.iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect::<Vec<_>>(),
        [
            ("theme", "unknown field `theme`, did you mean `themes`?"),
            (
                "objectives[0].comitment",
                "unknown field `comitment`, did you mean `commitment`?"
            ),
        ]
    );
}

#[test]
fn a_field_of_another_kind_is_named_for_the_kind() {
    let text = "version: 1\nobjectives:\n  - id: o\n    title: T\n    cycle: c\n    level: team\n    key_results:\n      - {id: k, title: K, kind: binary, target: 3}\n";
    let p = problems(text, Format::Yaml);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, "objectives[0].key_results[0].target");
    assert!(
        p[0].message.starts_with("unknown field `target`"),
        "{}",
        p[0].message
    );
}

#[test]
fn wrong_types_at_deep_paths_name_the_path() {
    let text = "version: 1\nobjectives:\n  - id: o\n    title: T\n    cycle: c\n    level: team\n    key_results:\n      - id: k\n        title: K\n        kind: metric\n        start: 0\n        target: 10\n        plan: {2021-09-31: 5, 2021-10-01: x}\n        check_ins:\n          - {date: 2021-08-01, value: true, confidence: high}\n";
    let p = problems(text, Format::Yaml);
    assert_eq!(
        brief(&p),
        [
            at("objectives[0].key_results[0].plan.2021-09-31", 13, 16),
            at("objectives[0].key_results[0].plan.2021-10-01", 13, 43),
            at("objectives[0].key_results[0].check_ins[0].value", 15, 39),
            at(
                "objectives[0].key_results[0].check_ins[0].confidence",
                15,
                57
            ),
        ],
        "{p:#?}"
    );
}

#[test]
fn duplicate_keys_are_load_errors() {
    let p = problems("version: 1\nobjectives: []\nobjectives: []\n", Format::Yaml);
    assert_eq!(
        p[0].message,
        "duplicate field `objectives` (first on line 2): remove one of them"
    );
    assert_eq!((p[0].line, p[0].column), (Some(3), Some(1)));
}

#[test]
fn yaml_1_2_keeps_off_and_yes_as_strings() {
    let doc = Document::from_str(
        "version: 1\nobjectives: [{id: off, title: yes, cycle: 2021-H2, level: team, key_results: []}]\n",
        Format::Yaml,
    )
    .unwrap();
    assert_eq!(doc.objectives[0].id.as_str(), "off");
    assert_eq!(doc.objectives[0].title, "yes");
}

#[test]
fn a_bom_is_accepted_and_a_missing_file_names_the_file() {
    let doc = Document::from_str("\u{feff}version: 1\nobjectives: []\n", Format::Yaml).unwrap();
    assert_eq!(doc.version, 1);
    let err = Document::from_path("/no/such/okrs.yaml").unwrap_err();
    assert_eq!(err.source_name.as_deref(), Some("/no/such/okrs.yaml"));
    assert!(err
        .to_string()
        .starts_with("could not load `/no/such/okrs.yaml`: 1 problem"));
}

/// Each limit of `LoadOptions`: exceeding it is a load error naming the limit and how to
/// raise it; raising it lets the document through.
#[test]
fn limits_name_themselves_and_can_be_raised() {
    let doc = "version: 1\ncycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]\nobjectives:\n  - {id: o, title: Twelve chars, cycle: H2, level: team, key_results: [{id: k, title: K, kind: binary}]}\n";
    let check = |options: &LoadOptions, limit: &str| {
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            let text = Document::from_str(doc, Format::Yaml)
                .unwrap()
                .to_text(format)
                .unwrap();
            let Err(err) = Document::from_str_with(&text, format, options) else {
                panic!("{limit} in {format:?}: loaded");
            };
            let all = err.to_string();
            assert!(
                all.contains(&format!("raise `LoadOptions::{limit}`")),
                "{format:?}: {all}"
            );
            assert!(Document::from_str_with(&text, format, &LoadOptions::default()).is_ok());
        }
    };
    let mut o = LoadOptions::default();
    o.max_bytes = 100;
    check(&o, "max_bytes");
    let mut o = LoadOptions::default();
    o.max_string_bytes = 11; // "Twelve chars" is 12 bytes; every key is at most 11
    check(&o, "max_string_bytes");
    let mut o = LoadOptions::default();
    o.max_depth = 2; // objectives → [ → { → key_results → [ is deeper
    check(&o, "max_depth");
    let mut o = LoadOptions::default();
    // 1 cycle + 1 objective + 1 key result = 3 entities.
    o.max_entities = 2;
    check(&o, "max_entities");
    o.max_entities = 3;
    assert!(Document::from_str_with(doc, Format::Yaml, &o).is_ok());

    // The string limit names the path and position of every long string.
    let mut o = LoadOptions::default();
    o.max_string_bytes = 11;
    let err = Document::from_str_with(doc, Format::Yaml, &o).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(err.problems[0].path, "objectives[0].title");
    assert_eq!(
        (err.problems[0].line, err.problems[0].column),
        (Some(4), Some(20))
    );

    // A file over the size limit is refused before it is read.
    let dir = std::env::temp_dir().join(format!("okr-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.yaml");
    std::fs::write(&path, doc).unwrap();
    let mut o = LoadOptions::default();
    o.max_bytes = 10;
    let err = Document::from_path_with(&path, &o).unwrap_err();
    assert!(
        err.to_string().contains("more than the limit of 10"),
        "{err}"
    );
    assert!(err.to_string().contains("big.yaml"));

    // Alias expansion.
    let mut o = LoadOptions::default();
    o.max_alias_nodes = 3;
    let bomb = "version: 1\nx: &a [1, 2, 3, 4]\ny: [*a, *a]\nobjectives: []\n";
    let err = Document::from_str_with(bomb, Format::Yaml, &o).unwrap_err();
    assert!(
        err.to_string()
            .contains("raise `LoadOptions::max_alias_nodes`"),
        "{err}"
    );
}

/// A JSON file of 64 MiB or more is streamed through the fast path (its text is never held
/// whole); it must load exactly as its text does, and a broken one must still get the full
/// diagnosis with its position, from the file read again.
#[test]
fn large_json_files_stream_and_still_diagnose() {
    let doc = okr_core::generate(32_000, 7);
    let text = doc.to_text(Format::Json).unwrap();
    assert!(
        text.len() >= 64 << 20,
        "{} bytes: too small to stream",
        text.len()
    );
    let dir = std::env::temp_dir().join(format!("okr-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("large.json");
    std::fs::write(&good, &text).unwrap();
    assert_eq!(Document::from_path(&good).unwrap(), doc);

    // Empty the last id (a key result's), near the end of the file.
    let at = text.rfind("\"id\": \"individual-").unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let broken = format!(
        "{}\"id\": \"\",{}",
        &text[..at],
        &text[at..].split_once(',').unwrap().1
    );
    let bad = dir.join("broken.json");
    std::fs::write(&bad, &broken).unwrap();
    let err = Document::from_path(&bad).unwrap_err().to_string();
    assert!(err.contains("broken.json"), "{err}");
    assert!(err.contains(&format!("\n  {line}:")), "{err}");
    assert!(err.contains("an id must not be empty"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The shared corpus of mistakes (tests/load-errors/cases.json, also read by the Python and
/// JS suites): each file gives exactly the listed problems, `line:col: path: message`.
#[test]
fn the_corpus_of_mistakes_gives_exactly_the_written_messages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/load-errors");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "cases.json")
        .collect();
    files.sort();
    let mut listed: Vec<String> = cases
        .iter()
        .map(|c| c["file"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    assert_eq!(files, listed, "every file of the corpus is a case, once");
    let mut failures = Vec::new();
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let want: Vec<&str> = case["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let path = dir.join(file);
        let from_file = match Document::from_path(&path) {
            Ok(_) => vec!["(loaded)".to_owned()],
            Err(e) => e.problems.iter().map(Problem::to_string).collect(),
        };
        // The same text given directly gives the same problems.
        let text = std::fs::read_to_string(&path).unwrap();
        let format = Format::from_path(&path).unwrap();
        let from_text: Vec<String> = match Document::from_str(&text, format) {
            Ok(_) => vec!["(loaded)".to_owned()],
            Err(e) => e.problems.iter().map(Problem::to_string).collect(),
        };
        assert_eq!(from_file, from_text, "{file}");
        if from_file != want {
            failures.push(format!("{file}:\n  want {want:#?}\n  got  {from_file:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
