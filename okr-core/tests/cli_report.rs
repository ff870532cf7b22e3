//! `okr export` and `okr report` with filters (SPEC §10), the report's owners, people
//! section and sparklines, on tests/data/report/org.yaml. Every expected value is worked
//! out by hand from that file, as of 2026-05-11 (the comments show the arithmetic).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::{Command, Output};

const AS_OF: &str = "2026-05-11";

fn org() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/report/org.yaml")
}

fn okr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okr"))
        .args(args)
        .output()
        .unwrap()
}

/// `okr export org.yaml --table TABLE --as-of AS_OF --format json FILTERS…`, parsed.
fn export(table: &str, filters: &[&str]) -> Vec<serde_json::Value> {
    let file = org();
    let mut args = vec![
        "export",
        file.to_str().unwrap(),
        "--table",
        table,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    args.extend_from_slice(filters);
    let out = okr(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One column of an exported table, as strings.
fn column(rows: &[serde_json::Value], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[name] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn report(filters: &[&str]) -> String {
    let file = org();
    let mut args = vec!["report", file.to_str().unwrap(), "--as-of", AS_OF];
    args.extend_from_slice(filters);
    let out = okr(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn close(a: &serde_json::Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

// ---------------------------------------------------------------------------------------
// export

#[test]
fn export_cycle_keeps_that_cycle_and_the_cycles_within_it() {
    // 2026-Q2 holds no other cycle; 2026-H1 holds both quarters.
    assert_eq!(
        column(&export("objectives", &["--cycle", "2026-Q2"]), "id"),
        ["web-fast", "web-side", "api-up"]
    );
    assert_eq!(
        column(&export("objectives", &["--cycle", "2026-H1"]), "id"),
        ["co-grow", "web-q1", "web-fast", "web-side", "api-up"]
    );
    assert_eq!(
        column(&export("key_results", &["--cycle", "2026-Q2"]), "id"),
        ["web-lat", "web-docs", "api-p99"]
    );
}

#[test]
fn export_team_keeps_the_team_and_its_sub_teams() {
    // eng and its sub-team web; api is not below eng.
    assert_eq!(
        column(&export("objectives", &["--team", "eng"]), "id"),
        ["co-grow", "web-q1", "web-fast", "web-side"]
    );
    assert_eq!(
        column(&export("key_results", &["--team", "web"]), "id"),
        ["beta-shipped", "web-lat", "web-docs"]
    );
}

#[test]
fn export_owner_level_and_status() {
    assert_eq!(
        column(&export("objectives", &["--owner", "bo"]), "id"),
        ["web-fast", "api-up"]
    );
    assert_eq!(
        column(&export("objectives", &["--level", "team"]), "id"),
        ["web-q1", "web-fast", "api-up"]
    );
    // co-grow: 0.5 against expected 131/181 ≈ 0.724, r ≈ 0.69 < 0.7; api-up: the
    // threshold held at 1 of 2 check-ins, 0.5 against 1: at risk. web-fast: 0.5
    // against 41/91 ≈ 0.45; web-side expects 0 (binary, due at the end); web-q1 done.
    assert_eq!(
        column(&export("objectives", &["--status", "at_risk"]), "id"),
        ["co-grow", "api-up"]
    );
    assert_eq!(
        column(&export("objectives", &["--status", "on_track"]), "id"),
        ["web-q1", "web-fast", "web-side"]
    );
}

#[test]
fn export_filters_combine_with_and() {
    assert_eq!(
        column(
            &export("objectives", &["--cycle", "2026-Q2", "--team", "eng"]),
            "id"
        ),
        ["web-fast", "web-side"]
    );
    assert_eq!(
        column(
            &export("objectives", &["--cycle", "2026-Q2", "--status", "at_risk"]),
            "id"
        ),
        ["api-up"]
    );
    assert_eq!(
        column(
            &export("objectives", &["--team", "web", "--owner", "bo"]),
            "id"
        ),
        ["web-fast"]
    );
    assert!(export("objectives", &["--cycle", "2026-Q1", "--owner", "bo"]).is_empty());
}

#[test]
fn export_check_ins_and_alignments_follow_their_objective() {
    // bo owns web-fast (web-lat: 4 check-ins, the one after the as-of date included: the
    // table lists the document) and api-up (api-p99: 2).
    let rows = export("check_ins", &["--owner", "bo"]);
    assert_eq!(
        column(&rows, "key_result"),
        ["web-lat", "web-lat", "web-lat", "web-lat", "api-p99", "api-p99"]
    );
    // Links by their child: the team-level objectives all align to co-grow.
    let rows = export("alignments", &["--level", "team"]);
    assert_eq!(column(&rows, "child"), ["web-q1", "web-fast", "api-up"]);
    assert_eq!(column(&rows, "parent"), ["co-grow", "co-grow", "co-grow"]);
    let rows = export("contributions", &["--team", "api"]);
    assert_eq!(column(&rows, "objective"), ["api-up"]);
}

#[test]
fn export_people_rows_of_owners_of_selected_objectives_and_of_selected_teams() {
    // --cycle 2026-Q2: the owners of Q2 objectives, ana and bo; cy and dee own none.
    let rows = export("people", &["--cycle", "2026-Q2"]);
    assert_eq!(column(&rows, "person"), ["ana", "bo"]);
    assert_eq!(column(&rows, "cycle"), ["2026-Q2", "2026-Q2"]);
    // Each row is the person's whole cycle: ana owns web-fast (30 h / 2 owners) and
    // web-side (16 h): 31 h; bo web-fast (15 h) and api-up (12 h): 27 h.
    assert!(close(&rows[0]["effort"], 31.0) && close(&rows[0]["capacity"], 40.0));
    assert!(close(&rows[1]["effort"], 27.0) && close(&rows[1]["capacity"], 20.0));
    assert_eq!(column(&rows, "shared"), ["1", "1"]);
    // mean score: ana (0.5 + 0) / 2, bo (0.5 + 0.5) / 2.
    assert!(close(&rows[0]["mean_score"], 0.25) && close(&rows[1]["mean_score"], 0.5));

    // --team web: its members ana and dee in every cycle, and bo where he owns a web
    // objective (web-fast, 2026-Q2); cy (eng) is not below web.
    let rows = export("people", &["--team", "web"]);
    let pairs: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}@{}",
                r["person"].as_str().unwrap(),
                r["cycle"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            "ana@2026-H1",
            "dee@2026-H1",
            "ana@2026-Q1",
            "dee@2026-Q1",
            "ana@2026-Q2",
            "bo@2026-Q2",
            "dee@2026-Q2"
        ]
    );

    // --owner bo: bo in every cycle, and ana, who shares web-fast with him.
    let rows = export("people", &["--owner", "bo"]);
    let pairs: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}@{}",
                r["person"].as_str().unwrap(),
                r["cycle"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        pairs,
        ["bo@2026-H1", "bo@2026-Q1", "ana@2026-Q2", "bo@2026-Q2"]
    );
}

#[test]
fn export_aggregates_are_computed_over_the_selected_objectives() {
    // distribution, 2026-Q2: team level web-fast 0.5 and api-up 0.5; individual web-side 0.
    let rows = export("distribution", &["--cycle", "2026-Q2"]);
    assert_eq!(column(&rows, "cycle"), ["2026-Q2"; 4]);
    assert_eq!(
        column(&rows, "level"),
        ["company", "area", "team", "individual"]
    );
    assert_eq!(column(&rows, "objectives"), ["0", "0", "2", "1"]);
    assert!(close(&rows[2]["mean"], 0.5) && close(&rows[3]["mean"], 0.0));
    // With --team web too, the team level holds web-fast alone; --level keeps its rows.
    let rows = export(
        "distribution",
        &["--cycle", "2026-Q2", "--team", "web", "--level", "team"],
    );
    assert_eq!(column(&rows, "level"), ["team"]);
    assert_eq!(column(&rows, "objectives"), ["1"]);

    // engagement, 2026-Q2, per team (eng, web, api).
    let rows = export("engagement", &["--cycle", "2026-Q2"]);
    assert_eq!(column(&rows, "team"), ["eng", "web", "api"]);
    assert_eq!(column(&rows, "objectives"), ["0", "2", "1"]);
    // web: ana owns a Q2 objective, dee none: 1 of 2; effort 30 × 1/2 (ana's half of
    // web-fast) + 16 = 31 of 40 h. api: bo 15 + 12 = 27 of 20 h.
    assert!(close(&rows[1]["share_people_with_objectives"], 0.5));
    assert!(close(&rows[1]["effort"], 31.0) && close(&rows[1]["effort_vs_capacity"], 0.775));
    assert!(close(&rows[2]["effort"], 27.0) && close(&rows[2]["effort_vs_capacity"], 1.35));
    // web-fast tied to checkout, web-side to nothing; web-fast reaches co-grow.
    assert!(close(&rows[1]["share_with_initiative"], 0.5));
    assert!(close(&rows[1]["share_aligned_to_top"], 0.5));
    // --team web: the web rows alone, one per cycle.
    let rows = export("engagement", &["--team", "web"]);
    assert_eq!(column(&rows, "team"), ["web"; 3]);
    assert_eq!(column(&rows, "objectives"), ["0", "1", "2"]);

    // grades, 2026-Q2: per objective, then the cycle over the selected objectives'
    // key results: web-lat 0.5, web-docs 0 (binary, no check-in), api-p99 0.5.
    let rows = export("grades", &["--cycle", "2026-Q2"]);
    assert_eq!(
        column(&rows, "objective"),
        ["web-fast", "web-side", "api-up", "null"]
    );
    assert_eq!(column(&rows, "key_results"), ["1", "1", "1", "3"]);
    assert!(close(&rows[3]["mean"], 1.0 / 3.0));
    // --status at_risk in 2026-Q2: api-up alone, in the cycle's row too.
    let rows = export("grades", &["--cycle", "2026-Q2", "--status", "at_risk"]);
    assert_eq!(column(&rows, "objective"), ["api-up", "null"]);
    assert!(close(&rows[1]["mean"], 0.5));
}

#[test]
fn export_findings_follow_their_first_subject() {
    let codes = |filters: &[&str]| {
        let rows = export("findings", filters);
        rows.iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    r["code"].as_str().unwrap(),
                    r["subjects"][0].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let all = codes(&[]);
    // co-grow is scored from its key result while children contribute.
    assert!(
        all.contains(&"children_not_counted:co-grow".to_string()),
        "{all:?}"
    );
    // bo: 27 h in 2026-H1 (the quarters counted in the half) against 20 h.
    assert!(all.contains(&"over_capacity:bo".to_string()), "{all:?}");
    let q2 = codes(&["--cycle", "2026-Q2"]);
    assert!(q2.contains(&"side_project:web-side".to_string()), "{q2:?}");
    assert!(
        !q2.iter()
            .any(|c| c.ends_with(":co-grow") || c.ends_with(":web-q1")),
        "{q2:?}"
    );
    // Without --team or --owner every person is selected for the people rules.
    assert!(q2.contains(&"over_capacity:bo".to_string()), "{q2:?}");
    let web = codes(&["--team", "web"]);
    assert!(!web.contains(&"over_capacity:bo".to_string()), "{web:?}");
    assert!(
        web.contains(&"side_project:web-side".to_string()),
        "{web:?}"
    );
}

#[test]
fn export_filter_errors_and_conflicts_exit_2() {
    let file = org();
    let out = okr(&[
        "export",
        file.to_str().unwrap(),
        "--table",
        "people",
        "--team",
        "wbe",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: unknown team `wbe`, did you mean `web`?"
    );
    // The sheet is the whole document: filters do not apply to it.
    let out = okr(&[
        "export",
        file.to_str().unwrap(),
        "--sheet",
        "--cycle",
        "2026-Q2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn export_and_report_help_show_examples() {
    for command in ["export", "report"] {
        let out = okr(&[command, "--help"]);
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Examples:"), "{help}");
        assert!(help.contains(&format!("okr {command} okrs.yaml")), "{help}");
        assert!(help.contains("--cycle 2021-Q3"), "{help}");
        assert!(help.contains("--team <ID>"), "{help}");
    }
}

// ---------------------------------------------------------------------------------------
// report

/// The part of the page from `start` to the next `end`.
fn section<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &page[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |i| i + start.len());
    &rest[..to]
}

#[test]
fn report_cycle_shows_only_that_part_of_the_cascade() {
    let page = report(&["--cycle", "2026-Q2"]);
    for id in ["web-fast", "web-side", "api-up", "web-lat", "api-p99"] {
        assert!(page.contains(&format!("<code>{id}</code>")), "{id}");
    }
    for id in ["co-grow", "web-q1", "co-rev", "beta-shipped"] {
        assert!(!page.contains(&format!("<code>{id}</code>")), "{id}");
    }
    assert!(page.contains("as of 2026-05-11 · 3 objectives ·"));
    assert!(page.contains("selected: cycle <code>2026-Q2</code>"));
    // Distribution and engagement of the quarter only.
    assert!(!page.contains("<td>2026-H1</td>") && page.contains("<td>2026-Q2</td>"));
    // Still one self-contained page.
    assert!(!page.contains("<script") && !page.contains(" src=") && !page.contains(" href="));
    assert_eq!(page.matches("<html").count(), 1);
}

#[test]
fn report_filters_combine_and_name_themselves() {
    let page = report(&[
        "--cycle", "2026-Q2", "--team", "eng", "--status", "on_track",
    ]);
    // web-fast and web-side are the on-track Q2 objectives of eng (through web).
    let cascade = section(&page, "<h2>Cascade</h2>", "<h2>");
    assert!(cascade.contains("<code>web-fast</code>") && cascade.contains("<code>web-side</code>"));
    assert!(!cascade.contains("<code>api-up</code>"));
    // bo shares web-fast: his row lists every objective he owns in the quarter.
    let people = section(&page, "<h2>People</h2>", "</table>");
    let bo = section(people, "data-person=\"bo\"", "</tr>");
    assert!(bo.contains("<code>api-up</code>"), "{bo}");
    assert!(page.contains(
        "selected: cycle <code>2026-Q2</code> · team <code>eng</code> · status <code>on_track</code>"
    ));
    let page = report(&["--owner", "bo", "--level", "team"]);
    let cascade = section(&page, "<h2>Cascade</h2>", "<h2>");
    assert!(cascade.contains("<code>web-fast</code>") && cascade.contains("<code>api-up</code>"));
    assert!(!cascade.contains("<code>web-side</code>"));
    let page = report(&[]);
    assert!(!page.contains("selected:"));
    assert!(page.contains("5 objectives"));
}

#[test]
fn report_shows_owners_names_and_teams() {
    let page = report(&["--cycle", "2026-Q2"]);
    // web-fast: team web (named Web), owners ana (Web) and bo (API).
    assert!(
        page.contains(
            "<span class=\"okr-team\" title=\"web\">team Web</span> · \
         <span class=\"okr-owner\" title=\"ana\">Ana Lima</span> (Web), \
         <span class=\"okr-owner\" title=\"bo\">Bo Chen</span> (API)"
        ),
        "{page}"
    );
    // The title is escaped.
    assert!(page.contains("Write the &lt;style&gt; guide"));
}

#[test]
fn report_people_section_lists_objectives_shared_effort_and_side_projects() {
    let page = report(&["--cycle", "2026-Q2"]);
    let people = section(&page, "<h2>People</h2>", "</table>");
    // Rows of the Q2 owners only: ana and bo.
    assert_eq!(people.matches("<tr class=\"okr-person\"").count(), 2);
    let ana = section(people, "data-person=\"ana\"", "</tr>");
    assert!(ana.contains("Ana Lima <code>ana</code>"));
    assert!(ana.contains("<td>Web</td><td>2026-Q2</td>"));
    assert!(ana.contains("<code>web-fast</code> Make checkout fast <span class=\"okr-shared\" style=\"color:#52606d\">(shared with Bo Chen)</span>"));
    assert!(ana.contains("<code>web-side</code> Write the &lt;style&gt; guide<"));
    // mean (0.5 + 0) / 2; effort 30 / 2 + 16 = 31 of 40 h; web-side is tied to no
    // initiative at the individual level: a side project.
    assert!(ana.contains("<td>0.25</td>"), "{ana}");
    assert!(
        ana.contains("<td class=\"okr-effort\">31 / 40</td>"),
        "{ana}"
    );
    assert!(ana.contains("<code class=\"okr-side-project\">web-side</code>"));
    let bo = section(people, "data-person=\"bo\"", "</tr>");
    assert!(bo.contains("(shared with Ana Lima)"));
    // 15 + 12 = 27 h against 20 h: over capacity, in the off-track colour.
    assert!(
        bo.contains(
            "<td class=\"okr-effort\" style=\"color:#c62828;font-weight:600\">27 / 20</td>"
        ),
        "{bo}"
    );
    assert!(!bo.contains("okr-side-project"));

    // --team web: dee, a member who owns nothing, with a name to escape.
    let page = report(&["--team", "web", "--cycle", "2026-Q2"]);
    let people = section(&page, "<h2>People</h2>", "</table>");
    let dee = section(people, "data-person=\"dee\"", "</tr>");
    assert!(dee.contains("Dee O&#39;Neil <code>dee</code>"), "{dee}");
    assert!(dee.contains("<span class=\"okr-none\" style=\"color:#9aa5b1\">none</span>"));
    assert!(dee.contains("<td class=\"okr-effort\">0 / –</td>"), "{dee}");
}

#[test]
fn report_sparklines_plot_check_ins_up_to_the_as_of_date() {
    let page = report(&["--cycle", "2026-Q2"]);
    // web-lat: metric 30 → 10; check-ins 04-01 30, 04-21 25, 05-11 20 (06-01 is after
    // the as-of date). x = 2 + 76 × days since 04-01 / 40: 2, 40, 78. y = 2 + 16 × (1 −
    // progress), progress (v − 30) / (10 − 30) = 0, 0.25, 0.5: 18, 14, 10.
    let lat = section(&page, "aria-label=\"check-ins of web-lat\"", "</svg>");
    assert!(
        lat.contains("points=\"2.0,18.0 40.0,14.0 78.0,10.0\""),
        "{lat}"
    );
    assert!(lat.contains("<circle cx=\"78.0\" cy=\"10.0\""));
    assert!(
        lat.contains("<title>2026-04-01: 30 min · 2026-04-21: 25 min · 2026-05-11: 20 min</title>"),
        "{lat}"
    );
    // api-p99, a threshold: from its lowest value 280 (bottom) to its highest 320 (top).
    let p99 = section(&page, "aria-label=\"check-ins of api-p99\"", "</svg>");
    assert!(p99.contains("points=\"2.0,18.0 78.0,2.0\""), "{p99}");
    // web-docs has no check-in: no sparkline; so two in all.
    assert!(!page.contains("check-ins of web-docs"));
    assert_eq!(page.matches("<svg class=\"okr-spark\"").count(), 2);
}

#[test]
fn report_unknown_filter_id_exits_2_with_the_closest() {
    let file = org();
    let out = okr(&["report", file.to_str().unwrap(), "--cycle", "2026-q2"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: unknown cycle `2026-q2`, did you mean `2026-Q2`?"
    );
    assert!(out.stdout.is_empty());
}
