//! `okr check --format sarif|github` (SPEC §10), the GitHub Action (`action.yml`) and the
//! pre-commit hook's files. Expected values are worked out by hand from the fixture below
//! and the rules of SPEC §6.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A temporary folder of its own per test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("okr-ci-formats-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small flawed document. As of 2021-02-01 (SPEC §6):
/// - line 7, `bo` (team `web`) owns nothing although `speed` names team `web`:
///   `person_without_objectives` (info) at the person, 7:5;
/// - line 15, `users` starts and ends at 10: `zero_range` (error) at its `target`, 15:68;
/// - line 16, `speed` has no owner: `no_owner` (warning) at the objective, 16:5;
/// - line 22, `speed` aligns to `50%,⏎up`, which does not exist: `unknown_reference`
///   (error) at that item, 22:23 (its id holds a `%`, a comma and a line feed, which the
///   GitHub format must escape);
/// - line 24, `lcp`'s last check-in is 2021-01-10, 22 days before, more than 14:
///   `stale_check_in` (warning) at the key result, 24:9.
///
/// Nothing else fires: `speed` is at the bottom level (not uncovered) and tied to an
/// initiative, `grow` has a contributing child and a key result, `users`' check-in is 7
/// days old, every date lies in the cycle.
const FLAWED: &str = r#"version: 1
cycles: [{id: 2021-Q1, start: 2021-01-01, end: 2021-03-31}]
teams: [{id: web}]
initiatives: [{id: perf, title: Performance}]
people:
  - {id: ana, team: web}
  - {id: bo, team: web}
objectives:
  - id: grow
    title: Grow
    cycle: 2021-Q1
    level: company
    owners: [ana]
    key_results:
      - {id: users, title: Users, kind: metric, start: 10, target: 10, check_ins: [{date: 2021-01-25, value: 12}]}
  - id: speed
    title: Speed
    cycle: 2021-Q1
    level: individual
    team: web
    initiatives: [perf]
    aligns_to: [grow, "50%,\nup"]
    key_results:
      - {id: lcp, title: LCP, kind: metric, start: 4, target: 2, check_ins: [{date: 2021-01-10, value: 3}]}
"#;

/// A file name with a colon, a `%` and a comma: escaped in GitHub properties and in URIs.
const NAME: &str = "okrs/h1:50%,draft.okr.yaml";

/// Writes the flawed document under `dir` and runs `okr check NAME` there.
fn check_flawed(dir: &TempDir, format: &str) -> Output {
    std::fs::create_dir_all(dir.0.join("okrs")).unwrap();
    std::fs::write(dir.0.join(NAME), FLAWED).unwrap();
    okr()
        .current_dir(&dir.0)
        .args(["check", NAME, "--as-of", "2021-02-01", "--format", format])
        .output()
        .unwrap()
}

fn schema_validators() -> Vec<(&'static str, jsonschema::Validator)> {
    // The official schema's `language` pattern ends in a lone `]`, a literal in ECMA-262
    // regular expressions (the schema's dialect) that the validator's Rust regex engine
    // rejects while checking the schema itself. Escaping it (`\]`) keeps its meaning.
    let read = |name: &str| -> Value {
        let path = root().join("okr-core/tests/data").join(name);
        let text = std::fs::read_to_string(path).unwrap();
        let lone = r#"{2}-[a-zA-Z]{2}]?$"#;
        assert!(
            text.contains(lone) || name != "sarif-schema-2.1.0.json",
            "{name}: the `language` pattern changed"
        );
        serde_json::from_str(&text.replace(lone, r#"{2}-[a-zA-Z]{2}\\]?$"#)).unwrap()
    };
    vec![
        (
            "draft-07 schema",
            jsonschema::draft7::options()
                .should_validate_formats(true)
                .build(&read("sarif-schema-2.1.0.json"))
                .unwrap(),
        ),
        (
            "OASIS errata01 schema (draft-04)",
            jsonschema::draft4::options()
                .should_validate_formats(true)
                .build(&read("sarif-schema-2.1.0-errata01.json"))
                .unwrap(),
        ),
    ]
}

fn assert_valid_sarif(log: &Value) {
    for (name, validator) in schema_validators() {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid against the {name}: {errors:#?}");
    }
}

#[test]
fn the_schemas_reject_what_is_not_sarif() {
    // The validation can fail: a wrong version, a level outside the enum, a line of 0.
    let bad = json!({"version": "2.0.0", "runs": []});
    let wrong_level = json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "okr"}},
        "results": [{"message": {"text": "x"}, "level": "info"}]}]});
    let line_zero = json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "okr"}},
        "results": [{"message": {"text": "x"}, "locations": [{"physicalLocation":
        {"artifactLocation": {"uri": "a.yaml"}, "region": {"startLine": 0}}}]}]}]});
    for (name, validator) in schema_validators() {
        for log in [&bad, &wrong_level, &line_zero] {
            assert!(!validator.is_valid(log), "{name} accepts {log}");
        }
    }
}

#[test]
fn sarif_of_a_flawed_document() {
    let dir = TempDir::new("sarif");
    let out = check_flawed(&dir, "sarif");
    assert_eq!(out.status.code(), Some(1), "errors among the findings");
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "okr");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/okr-cascade/okr-cascade"
    );
    // Every rule of the catalogue, in its order, then `load_error`.
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = okr_core::RULES.iter().map(|r| r.code).collect();
    expected.push("load_error");
    assert_eq!(ids, expected);
    for (rule, r) in okr_core::RULES.iter().zip(rules) {
        assert_eq!(r["shortDescription"]["text"], rule.description);
        assert!(r["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with(rule.description));
        assert!(r["help"]["text"].as_str().unwrap().contains(&format!(
            "https://github.com/okr-cascade/okr-cascade/blob/main/docs/src/rules.md#{}",
            rule.code
        )));
    }
    let zero_range = &rules[okr_core::RULES
        .iter()
        .position(|r| r.code == "zero_range")
        .unwrap()];
    assert_eq!(zero_range["name"], "ZeroRange");
    assert_eq!(zero_range["defaultConfiguration"]["level"], "error");

    // The results, in document order: (rule, level, line, column, message text).
    let expected = [
        (
            "person_without_objectives",
            "note",
            7,
            5,
            "`bo` of team `web` owns no objective in cycle `2021-Q1`\n\
             help: give them an objective of their own, or add them to the `owners` of one of their team's objectives or key results",
        ),
        (
            "zero_range",
            "error",
            15,
            68,
            "`users` starts and ends at `10`: progress is undefined\n\
             help: set a target different from the start, or use a `threshold` key result to hold a level",
        ),
        (
            "no_owner",
            "warning",
            16,
            5,
            "`speed` has no owner\nhelp: name the people who own it in `owners`",
        ),
        (
            "unknown_reference",
            "error",
            22,
            23,
            "unknown parent objective `50%,\nup`\n\
             help: define the parent objective `50%,\nup` in the document, or fix the id",
        ),
        (
            "stale_check_in",
            "warning",
            24,
            9,
            "`lcp` has last check-in `2021-01-10`: 22 days before `2021-02-01`, more than 14\n\
             help: check in on the key result, even to record no change",
        ),
    ];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len(), "{results:#?}");
    for (r, (rule, level, line, column, text)) in results.iter().zip(expected) {
        assert_eq!(r["ruleId"], rule);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(okr_core::RULES[index].code, rule);
        assert_eq!(rules[index]["id"], rule);
        assert_eq!(r["level"], level, "{rule}");
        assert_eq!(r["message"]["text"], text, "{rule}");
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        assert_eq!(
            locations[0]["physicalLocation"],
            json!({
                "artifactLocation": {"uri": "okrs/h1%3A50%25,draft.okr.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line, "startColumn": column},
            }),
            "{rule}"
        );
    }
    assert_eq!(
        results[3]["properties"],
        // unknown_reference: the objective whose link is broken, then the missing id.
        json!({"subjects": ["speed", "50%,\nup"], "path": "objectives[1].aligns_to[1]"})
    );
    assert_eq!(run["invocations"], json!([{"executionSuccessful": true}]));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_of_a_file_outside_the_working_directory_has_a_file_uri() {
    let dir = TempDir::new("sarif-abs");
    let doc = dir.0.join("clean okrs.yaml");
    std::fs::write(
        &doc,
        "version: 1\ncycles: [{id: c, start: 2021-01-01, end: 2021-03-31}]\nobjectives: []\n",
    )
    .unwrap();
    let out = okr()
        .current_dir(root())
        .arg("check")
        .arg(&doc)
        .args(["--as-of", "2021-02-01", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], json!([]));
    // Without results the file appears nowhere; a load error of it shows the URI.
    std::fs::write(&doc, "version: 1\nobjectives: 3\n").unwrap();
    let out = okr()
        .current_dir(root())
        .arg("check")
        .arg(&doc)
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let uri = format!("file://{}", doc.display()).replace(' ', "%20");
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        json!({ "uri": uri })
    );
}

#[test]
fn sarif_of_a_document_that_does_not_load_has_its_problems_as_results() {
    let dir = TempDir::new("sarif-load");
    std::fs::write(
        dir.0.join("bad.yaml"),
        "version: 1\nobjectives:\n  - id: a\n    titel: A\n    cycle: c\n    level: team\n    key_results: []\n",
    )
    .unwrap();
    let out = okr()
        .current_dir(&dir.0)
        .args(["check", "./bad.yaml", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["invocations"], json!([{"executionSuccessful": false}]));
    let load_error = okr_core::RULES.len();
    assert_eq!(
        run["tool"]["driver"]["rules"][load_error]["id"],
        "load_error"
    );
    let at = |line: u32, column: u32| {
        json!([{"physicalLocation": {
            "artifactLocation": {"uri": "bad.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column},
        }}])
    };
    assert_eq!(
        run["results"],
        json!([
            {"ruleId": "load_error", "ruleIndex": load_error, "level": "error",
             "message": {"text": "objectives[0].title: missing required field `title`"},
             "locations": at(3, 5)},
            {"ruleId": "load_error", "ruleIndex": load_error, "level": "error",
             "message": {"text": "objectives[0].titel: unknown field `titel`, did you mean `title`?"},
             "locations": at(4, 5)},
        ])
    );
    // The job's log shows them too.
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.yaml:4:5: error: objectives[0].titel: unknown field `titel`"),
        "{err}"
    );
}

#[test]
fn sarif_result_without_a_place_has_the_file_only() {
    let finding = okr_core::Finding {
        code: "too_many_objectives".into(),
        severity: okr_core::Severity::Warning,
        subjects: vec!["ghost".into()],
        path: None,
        message: "`ghost` owns 6 objectives in cycle `c`, more than 5".into(),
        help: None,
    };
    let log = okr_core::to_sarif(
        "okrs.yaml",
        &[okr_core::Located {
            finding: &finding,
            position: None,
        }],
    );
    assert_valid_sarif(&log);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        result["locations"],
        json!([{"physicalLocation": {"artifactLocation": {"uri": "okrs.yaml", "uriBaseId": "%SRCROOT%"}}}])
    );
    assert_eq!(
        result["message"]["text"],
        "`ghost` owns 6 objectives in cycle `c`, more than 5"
    );
    assert_eq!(result["ruleIndex"], 12);
}

#[test]
fn github_commands_of_a_flawed_document() {
    let dir = TempDir::new("github");
    let out = check_flawed(&dir, "github");
    assert_eq!(out.status.code(), Some(1));
    // The file property escapes `:`, `%` and `,`; messages escape `%` and line feeds.
    let file = "okrs/h1%3A50%25%2Cdraft.okr.yaml";
    let expected = format!(
        "::notice file={file},line=7,col=5,title=person_without_objectives::`bo` of team `web` owns no objective in cycle `2021-Q1`%0Ahelp: give them an objective of their own, or add them to the `owners` of one of their team's objectives or key results\n\
         ::error file={file},line=15,col=68,title=zero_range::`users` starts and ends at `10`: progress is undefined%0Ahelp: set a target different from the start, or use a `threshold` key result to hold a level\n\
         ::warning file={file},line=16,col=5,title=no_owner::`speed` has no owner%0Ahelp: name the people who own it in `owners`\n\
         ::error file={file},line=22,col=23,title=unknown_reference::unknown parent objective `50%25,%0Aup`%0Ahelp: define the parent objective `50%25,%0Aup` in the document, or fix the id\n\
         ::warning file={file},line=24,col=9,title=stale_check_in::`lcp` has last check-in `2021-01-10`: 22 days before `2021-02-01`, more than 14%0Ahelp: check in on the key result, even to record no change\n"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn github_commands_of_load_errors_of_the_document_and_of_the_policy() {
    let dir = TempDir::new("github-load");
    std::fs::write(
        dir.0.join("bad.yaml"),
        "version: 1\nobjectives:\n  - id: a\n    titel: A\n    cycle: c\n    level: team\n    key_results: []\n",
    )
    .unwrap();
    let out = okr()
        .current_dir(&dir.0)
        .args(["check", "bad.yaml", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "::error file=bad.yaml,line=3,col=5,title=load_error::objectives[0].title: missing required field `title`\n\
         ::error file=bad.yaml,line=4,col=5,title=load_error::objectives[0].titel: unknown field `titel`, did you mean `title`?\n"
    );
    // A bad policy is named, not the document.
    std::fs::write(dir.0.join("policy.yaml"), "stale_day: 3\n").unwrap();
    std::fs::write(
        dir.0.join("ok.yaml"),
        "version: 1\ncycles: [{id: c, start: 2021-01-01, end: 2021-03-31}]\nobjectives: []\n",
    )
    .unwrap();
    let out = okr()
        .current_dir(&dir.0)
        .args([
            "check",
            "ok.yaml",
            "--policy",
            "policy.yaml",
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "::error file=policy.yaml,line=1,col=1,title=load_error::stale_day: unknown field `stale_day`, did you mean `stale_days`?\n"
    );
    // A missing file: one error on the file, without a line.
    let out = okr()
        .current_dir(&dir.0)
        .args(["check", "missing.yaml", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::error file=missing.yaml,title=load_error::"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn check_help_lists_the_formats_with_examples() {
    let out = okr().args(["check", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "sarif",
        "github",
        "okr check okrs/2021-h2.yaml --format sarif > okr.sarif",
        "okr check okrs/2021-h2.yaml --format github",
    ] {
        assert!(help.contains(needle), "{needle} not in\n{help}");
    }
}

// ---------------------------------------------------------------------------------------
// action.yml

fn action() -> Value {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    okr_core::SourceMap::from_str(&text, okr_core::Format::Yaml)
        .unwrap()
        .to_json()
}

fn step<'a>(action: &'a Value, id: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step `{id}` in action.yml"))
}

/// Runs a step's script as the runner does (`bash --noprofile --norc -eo pipefail`).
fn run_step(step: &Value, dir: &Path, env: &[(&str, &str)], path: &Path) -> Output {
    assert_eq!(step["shell"], "bash");
    let script = dir.join("step.sh");
    std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}", path.display(), std::env::var("PATH").unwrap()),
        );
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

#[test]
fn action_yml_declares_its_inputs_and_runs_as_a_composite_action() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["files", "policy", "as-of", "version"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "{input}"
        );
    }
    assert_eq!(action["inputs"]["files"]["required"], true);
    // Inputs reach the scripts through the environment, never spliced into the code.
    for s in action["runs"]["steps"].as_array().unwrap() {
        if let Some(run) = s["run"].as_str() {
            assert!(!run.contains("${{"), "an expression inside a script: {run}");
        }
    }
}

#[test]
fn action_check_step_annotates_findings_with_a_local_okr() {
    let action = action();
    let check = step(&action, "check");
    assert_eq!(check["env"]["OKR_FILES"], "${{ inputs.files }}");
    assert_eq!(check["env"]["OKR_POLICY"], "${{ inputs.policy }}");
    assert_eq!(check["env"]["OKR_AS_OF"], "${{ inputs.as-of }}");
    let dir = TempDir::new("action-check");
    std::fs::create_dir_all(dir.0.join("okrs")).unwrap();
    std::fs::write(dir.0.join("okrs/a.okr.yaml"), FLAWED).unwrap();
    std::fs::write(
        dir.0.join("okrs/b.okr.yaml"),
        "version: 1\ncycles: [{id: c, start: 2021-01-01, end: 2021-03-31}]\nobjectives: []\n",
    )
    .unwrap();
    std::fs::write(
        dir.0.join("policy.yaml"),
        "severities: {zero_range: 'off', unknown_reference: warning, stale_check_in: 'off', no_owner: 'off'}\n",
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_okr")).parent().unwrap();
    // The flawed file (a glob) with errors: exit 1, one annotation per finding.
    let out = run_step(
        check,
        &dir.0,
        &[
            ("OKR_FILES", "okrs/a*.yaml\nokrs/b.okr.yaml"),
            ("OKR_POLICY", ""),
            ("OKR_AS_OF", "2021-02-01"),
        ],
        bin,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let titles: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split("title=").nth(1)?.split("::").next())
        .collect();
    assert_eq!(
        titles,
        [
            "person_without_objectives",
            "zero_range",
            "no_owner",
            "unknown_reference",
            "stale_check_in"
        ]
    );
    assert!(stdout.starts_with("::notice file=okrs/a.okr.yaml,line=7,col=5,"));
    // With a policy that leaves warnings only: exit 0.
    let out = run_step(
        check,
        &dir.0,
        &[
            ("OKR_FILES", "okrs/*.okr.yaml"),
            ("OKR_POLICY", "policy.yaml"),
            ("OKR_AS_OF", "2021-02-01"),
        ],
        bin,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout
            .lines()
            .map(|l| l.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        ["::notice", "::warning"],
        "{stdout}"
    );
    // A file that does not load: exit 2, its problem annotated.
    std::fs::write(dir.0.join("okrs/c.okr.yaml"), "version: [\n").unwrap();
    let out = run_step(
        check,
        &dir.0,
        &[
            ("OKR_FILES", "okrs/*.okr.yaml"),
            ("OKR_POLICY", "policy.yaml"),
            ("OKR_AS_OF", "2021-02-01"),
        ],
        bin,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::error file=okrs/c.okr.yaml,line="),
        "{stdout}"
    );
}

#[test]
fn action_install_step_installs_okr_from_the_checkout_or_a_version() {
    let action = action();
    let install = step(&action, "install");
    assert_eq!(install["env"]["OKR_VERSION"], "${{ inputs.version }}");
    assert_eq!(install["env"]["ACTION_PATH"], "${{ github.action_path }}");
    let dir = TempDir::new("action-install");
    // A stand-in for cargo that records its arguments.
    let fake = dir.0.join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let log = dir.0.join("cargo.log");
    std::fs::write(
        fake.join("cargo"),
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", log.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(fake.join("cargo"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    let github_path = dir.0.join("github-path");
    let runner_temp = dir.0.join("runner-temp");
    let root = root();
    let root_str = root.to_str().unwrap();
    for version in ["", "0.1.0"] {
        let out = run_step(
            install,
            &dir.0,
            &[
                ("OKR_VERSION", version),
                ("ACTION_PATH", root_str),
                ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
                ("GITHUB_PATH", github_path.to_str().unwrap()),
            ],
            &fake,
        );
        assert!(out.status.success(), "{out:?}");
    }
    let bin_root = runner_temp.join("okr");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!(
            "install --locked --path {root_str}/okr-core --features cli --root {r}\n\
             install --locked okr-core --version 0.1.0 --features cli --root {r}\n",
            r = bin_root.display()
        )
    );
    // The path it installs from is a crate with the `okr` binary behind `cli`.
    let manifest = std::fs::read_to_string(root.join("okr-core/Cargo.toml")).unwrap();
    assert!(manifest.contains("cli = [\"dep:clap\"]"));
    assert!(manifest.contains("name = \"okr\""));
    let added = format!("{}/bin\n", bin_root.display());
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap(),
        format!("{added}{added}")
    );
}

// ---------------------------------------------------------------------------------------
// pre-commit

#[test]
fn pre_commit_hook_runs_the_script_it_names_on_okr_documents() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Value = okr_core::SourceMap::from_str(&text, okr_core::Format::Yaml)
        .unwrap()
        .to_json();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "okr-check");
    assert_eq!(hook["language"], "script");
    let entry = root().join(hook["entry"].as_str().unwrap());
    assert!(entry.is_file(), "{}", entry.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert!(entry.metadata().unwrap().permissions().mode() & 0o111 != 0);
    }
    assert_eq!(hook["files"], r"\.okr\.(ya?ml|json|toml)$");
}
