//! `okr import csv`: a spreadsheet saved as CSV, and the way back ([`to_sheet`]).

use super::{
    find_cycles, levels_by_depth, parse_date, parse_number, period_dates, slug, unique,
    ImportOptions, Imported, Problems, Summary,
};
use crate::{
    CheckIn, Cycle, CycleId, Direction, Document, Extra, KeyResult, KeyResultId, KrKind, Link,
    LoadError, Objective, ObjectiveId, Person, PersonId, Team, TeamId, Value,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The columns the import knows, each with the header spellings it accepts (compared
/// without case, spaces, `_` or `-`).
const COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["id"]),
    ("type", &["type"]),
    ("title", &["title"]),
    (
        "parent",
        &["parent", "parents", "parentid", "parentids", "alignsto"],
    ),
    ("weight", &["weight"]),
    ("cycle", &["cycle", "period", "quarter", "timeperiod"]),
    ("cycle_start", &["cyclestart", "periodstart"]),
    ("cycle_end", &["cycleend", "periodend"]),
    ("level", &["level"]),
    ("team", &["team"]),
    ("owner", &["owner", "owners"]),
    ("start", &["start", "startvalue"]),
    ("target", &["target", "targetvalue"]),
    ("current", &["current", "currentvalue"]),
    ("unit", &["unit"]),
    ("kind", &["kind"]),
    ("direction", &["direction"]),
    ("due", &["due", "duedate"]),
    ("date", &["date"]),
    ("confidence", &["confidence"]),
    ("note", &["note", "comment"]),
    ("objective", &["objective"]),
    ("objective_id", &["objectiveid"]),
    ("key_result", &["keyresult", "kr"]),
    // Read from grade sheets only (ImportOptions::grades given): the last two.
    (
        "projection",
        &[
            "projection",
            "projected",
            "projectedgrade",
            "projectedscore",
            "projectedfinal",
            "proj",
        ],
    ),
    ("dropped", &["dropped", "status"]),
];

/// The columns of an ordinary sheet: [`COLUMNS`] but `projection` and `dropped`, which
/// only a grade sheet has (a `status` column elsewhere is kept in `extra`).
fn plain_columns() -> &'static [(&'static str, &'static [&'static str])] {
    COLUMNS
        .get(..COLUMNS.len().saturating_sub(2))
        .unwrap_or(COLUMNS)
}

/// First cells that make a row of a grade sheet its summary row (compared as headers are,
/// a trailing `:` ignored).
const SUMMARY_ROWS: &[&str] = &[
    "summary",
    "total",
    "totals",
    "average",
    "mean",
    "overall",
    "grandtotal",
];

/// Values of a grade sheet's `dropped`/`status` cell that mark a dropped key result
/// (compared as headers are).
const DROPPED_MARKERS: &[&str] = &[
    "dropped",
    "drop",
    "notlikely",
    "wontdo",
    "won'tdo",
    "cancelled",
    "canceled",
    "abandoned",
    "descoped",
];

/// The columns of a check-ins CSV.
const CHECK_IN_COLUMNS: &[(&str, &[&str])] = &[
    ("key_result", &["keyresult", "kr", "keyresultid", "id"]),
    ("date", &["date", "checkindate"]),
    ("value", &["value", "current", "currentvalue"]),
    ("confidence", &["confidence"]),
    ("note", &["note", "comment"]),
];

fn norm(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{a0}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A parsed CSV table: headers and rows (row numbers: the header is row 1).
struct Table {
    headers: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    decimal_comma: bool,
    /// canonical name → column index
    columns: HashMap<&'static str, usize>,
    /// column indices that map to no canonical name
    unknown: Vec<usize>,
    /// grade columns (index, date), in the order of [`ImportOptions::grades`]
    grades: Vec<(usize, NaiveDate)>,
}

impl Table {
    /// Calls `f` with every row that has a non-blank cell; an empty row is skipped into
    /// the summary as `{label}{row}` (`row 7`, `check-ins row 3`).
    fn each_row<'t>(
        &'t self,
        label: &str,
        summary: &mut Summary,
        mut f: impl FnMut(usize, &'t [String], &mut Summary),
    ) {
        for (row, r) in &self.rows {
            if r.iter().all(|c| c.trim().is_empty()) {
                summary.skip(format!("{label}{row}"), "empty row");
                continue;
            }
            f(*row, r, summary);
        }
    }

    /// The non-blank cell `name` of a row, else a problem at that cell saying `message`.
    fn require(
        &self,
        r: &[String],
        row: usize,
        name: &str,
        problems: &mut Problems,
        message: impl FnOnce() -> String,
    ) -> Option<String> {
        let v = self.get(r, name);
        if v.is_none() {
            problems.cell(row, self.col(name), &self.header(name), message());
        }
        v
    }

    /// The trimmed cell at column index `i`, if not blank.
    fn cell(&self, row: &[String], i: usize) -> Option<String> {
        let v = row.get(i)?.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// A grade sheet: [`ImportOptions::grades`] given.
    fn graded(&self) -> bool {
        !self.grades.is_empty()
    }
    fn get(&self, row: &[String], name: &str) -> Option<String> {
        let i = *self.columns.get(name)?;
        let v = row.get(i)?.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    fn col(&self, name: &str) -> usize {
        self.columns.get(name).map_or(0, |i| i + 1)
    }

    fn header(&self, name: &str) -> String {
        self.columns
            .get(name)
            .and_then(|&i| self.headers.get(i))
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    /// [`Table::extra`], and the row's `note` cell under its header when no check-in of
    /// the row took it (an objective row, a key result without a `current` value): a
    /// comment on a row is kept, never dropped.
    fn extra_and_note(&self, row: &[String], note_placed: bool, summary: &mut Summary) -> Extra {
        let mut extra = self.extra(row, summary);
        if !note_placed {
            if let Some(note) = self.get(row, "note") {
                let header = self.header("note");
                summary.kept(&header);
                extra
                    .entry(header)
                    .or_insert(serde_json::Value::String(note));
            }
        }
        extra
    }

    fn extra(&self, row: &[String], summary: &mut Summary) -> Extra {
        let mut extra = Extra::new();
        for &i in &self.unknown {
            let (Some(h), Some(v)) = (self.headers.get(i), row.get(i)) else {
                continue;
            };
            if v.trim().is_empty() || h.trim().is_empty() {
                continue;
            }
            extra.insert(h.trim().to_owned(), serde_json::Value::String(v.clone()));
            summary.kept(h.trim());
        }
        extra
    }
}

/// Reads CSV text into a [`Table`]: BOM stripped, `,` or `;` as the header row says,
/// limits checked; every unreadable record is a problem.
fn read_table(
    text: &str,
    known: &'static [(&'static str, &'static [&'static str])],
    options: &ImportOptions,
    problems: &mut Problems,
) -> Option<Table> {
    if text.len() > options.max_bytes {
        problems.at(
            "",
            format!(
                "the file is {} bytes, more than the limit of {} (raise `ImportOptions::max_bytes`)",
                text.len(),
                options.max_bytes
            ),
        );
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_owned()).collect(),
        Some(Err(e)) => {
            problems.cell(1, 1, "", format!("cannot read the header row: {e}"));
            return None;
        }
        None => {
            problems.at("", "the file is empty: expected a header row".into());
            return None;
        }
    };
    if headers.len() > options.max_columns {
        problems.cell(
            1,
            options.max_columns + 1,
            "",
            format!(
                "{} columns, more than the limit of {} (raise `ImportOptions::max_columns`)",
                headers.len(),
                options.max_columns
            ),
        );
        return None;
    }
    let mut rows = Vec::new();
    for (k, record) in records.enumerate() {
        let row = k + 2;
        if k >= options.max_rows {
            problems.cell(
                row,
                1,
                "",
                format!(
                    "more than {} rows (raise `ImportOptions::max_rows`)",
                    options.max_rows
                ),
            );
            return None;
        }
        match record {
            Ok(r) => {
                if r.len() > options.max_columns {
                    problems.cell(
                        row,
                        options.max_columns + 1,
                        "",
                        format!(
                            "{} cells, more than the limit of {} columns (raise `ImportOptions::max_columns`)",
                            r.len(),
                            options.max_columns
                        ),
                    );
                    continue;
                }
                let cells: Vec<String> = r.iter().map(str::to_owned).collect();
                for (c, cell) in cells.iter().enumerate() {
                    if cell.len() > options.max_cell_bytes {
                        problems.cell(
                            row,
                            c + 1,
                            headers.get(c).map_or("", String::as_str),
                            format!(
                                "a cell of {} bytes, longer than the limit of {} (raise `ImportOptions::max_cell_bytes`)",
                                cell.len(),
                                options.max_cell_bytes
                            ),
                        );
                    }
                }
                rows.push((row, cells));
            }
            Err(e) => {
                problems.cell(row, 1, "", format!("cannot read the row: {e}"));
                if problems.0.len() > 100 {
                    return None;
                }
            }
        }
    }
    // Columns: `--map` first, then the known spellings.
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (name, column) in &options.map {
        let Some((canonical, _)) = known.iter().find(|(c, _)| norm(c) == norm(name)).copied()
        else {
            let names: Vec<&str> = known.iter().map(|(c, _)| *c).collect();
            problems.at(
                "",
                format!(
                    "unknown name `{name}` in `--map {name}={column}`: use one of {}",
                    names.join(", ")
                ),
            );
            continue;
        };
        match headers
            .iter()
            .position(|h| h == column)
            .or_else(|| headers.iter().position(|h| norm(h) == norm(column)))
        {
            Some(i) => {
                columns.insert(canonical, i);
            }
            None => problems.cell(
                1,
                1,
                "",
                format!(
                    "no column `{column}` for `--map {name}={column}`: the header row has {}",
                    quoted(&headers)
                ),
            ),
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if columns.values().any(|&c| c == i) {
            continue;
        }
        let n = norm(h);
        if let Some((canonical, _)) = known
            .iter()
            .find(|(_, spellings)| spellings.contains(&n.as_str()))
        {
            if let Some(&first) = columns.get(canonical) {
                problems.cell(
                    1,
                    i + 1,
                    h,
                    format!(
                        "column `{h}` means `{canonical}`, as column {} `{}` does: rename one, or choose with `--map {canonical}=COLUMN`",
                        first + 1,
                        headers.get(first).map_or("", String::as_str)
                    ),
                );
            } else {
                columns.insert(canonical, i);
            }
        }
    }
    let unknown = (0..headers.len())
        .filter(|i| !columns.values().any(|c| c == i))
        .collect();
    Some(Table {
        headers,
        rows,
        decimal_comma: delimiter == b';',
        columns,
        unknown,
        grades: Vec::new(),
    })
}

/// Finds the columns of [`ImportOptions::grades`] (the header as written, else as headers
/// are compared); a grade column is read as grades only, whatever its header means
/// otherwise. An unknown header is a problem naming the header row and the closest header.
fn grade_columns(table: &mut Table, options: &ImportOptions, problems: &mut Problems) {
    let norms: Vec<String> = table.headers.iter().map(|h| norm(h)).collect();
    for (header, date) in &options.grades {
        let found = table
            .headers
            .iter()
            .position(|h| h == header)
            .or_else(|| norms.iter().position(|n| *n == norm(header)));
        let Some(i) = found else {
            let known: Vec<&str> = norms.iter().map(String::as_str).collect();
            let near = crate::load::convert::closest(&norm(header), &known)
                .and_then(|n| norms.iter().position(|m| m == n))
                .and_then(|i| table.headers.get(i))
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            problems.cell(
                1,
                1,
                "",
                format!(
                    "no column `{header}` for `--grade {header}={date}`{near}: the header row has {}",
                    quoted(&table.headers)
                ),
            );
            continue;
        };
        if let Some((_, first)) = table.grades.iter().find(|(j, _)| *j == i) {
            problems.cell(
                1,
                i + 1,
                table.headers.get(i).map_or("", String::as_str),
                format!("column `{header}` is given twice in `--grade` (dates {first} and {date}): give each grade column once"),
            );
            continue;
        }
        table.columns.retain(|_, c| *c != i);
        table.unknown.retain(|c| *c != i);
        table.grades.push((i, *date));
    }
    // A grade sheet's first column is often headed `Key result` or `Objective` alone: with
    // no `title` column, it is the title (of the section rows and of the key results).
    if table.graded() && !table.columns.contains_key("title") {
        let alias = match (
            table.columns.get("key_result").copied(),
            table.columns.get("objective").copied(),
        ) {
            (Some(i), None) => Some(("key_result", i)),
            (None, Some(i)) => Some(("objective", i)),
            _ => None,
        };
        if let Some((name, i)) = alias {
            table.columns.remove(name);
            table.columns.insert("title", i);
        }
    }
}

fn quoted(headers: &[String]) -> String {
    let v: Vec<String> = headers.iter().map(|h| format!("`{h}`")).collect();
    v.join(", ")
}

fn split_list(s: &str) -> Vec<String> {
    s.split([';', ',', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RowType {
    Objective,
    KeyResult,
}

fn row_type(s: &str) -> Option<RowType> {
    match norm(s).as_str() {
        "objective" | "obj" | "o" | "goal" => Some(RowType::Objective),
        "keyresult" | "kr" | "k" | "result" => Some(RowType::KeyResult),
        _ => None,
    }
}

fn boolish(s: &str) -> Option<bool> {
    match norm(s).as_str() {
        "true" | "yes" | "y" | "done" | "x" | "✓" | "1" => Some(true),
        "false" | "no" | "n" | "notdone" | "0" | "" => Some(false),
        _ => None,
    }
}

/// A sheet's row read into the model's terms, before ids are checked.
struct Row {
    row: usize,
    kind: RowType,
    id: String,
    title: String,
    parents: Vec<String>,
    weight: Option<f64>,
    cycle: Option<String>,
    level: Option<String>,
    team: Option<String>,
    owners: Vec<String>,
    kr_kind: Option<KrKind>,
    check_ins: Vec<CheckIn>,
    dropped: Option<NaiveDate>,
    due: Option<NaiveDate>,
    extra: Extra,
}

/// Reads a spreadsheet saved as CSV, and optionally a check-ins CSV, as a document
/// (SPEC §11).
///
/// The main sheet has a header row (UTF-8, with or without BOM, `,` or `;` between cells:
/// whichever the header row has more of; in a `;` file `0,8` is 0.8) and either
///
/// - one row per objective or key result: `id`, `type` (`objective` or `key_result`; when
///   the column is missing, a row with a `target`, `start`, `current` or `kind` is a key
///   result), `title`, `parent` (an objective's parents, `;`-separated; a key result's
///   objective), or
/// - one row per key result with the objective repeated: columns `objective` (its title;
///   its id from `objective_id`, else made from the title) and `key_result` (the title;
///   its id from `id`, else made from the title); `parent` is then the objective's.
///
/// Other known columns: `weight` (a key result's; for an objective row the weight of each
/// of its links), `cycle` (or `period`, `quarter`: `2026-Q1`, `2026-H2`, `FY26`, … see
/// [`period_dates`]; `cycle_start` and `cycle_end` give the dates of any other label),
/// `level` (default: by depth, `company` at the top), `team`, `owner` (`;`-separated),
/// `kind` (`metric`, `threshold`, `binary`, `baseline`), `start` (default 0), `target`
/// (a threshold's threshold), `direction` (`at_least` default, `at_most`), `unit`,
/// `current` (one check-in dated `date`, or [`ImportOptions::today`]), `confidence`,
/// `note`, `due`. Headers are matched without case, spaces, `_` or `-`;
/// [`ImportOptions::map`] names other headers. Every other column is kept in the
/// entity's `extra` under its header.
///
/// The check-ins CSV has columns `key_result`, `date`, `value`, `confidence`, `note`
/// (others go to the check-in's `extra`).
///
/// Bad input (a missing column, an empty id, a duplicate id, an unknown parent, a cycle of
/// parents, a date or number that cannot be read, a limit exceeded) is a [`LoadError`]
/// with every problem at its row (`line`; the header is row 1), column (`column`, 1-based)
/// and the column's header (`path`).
pub fn csv(
    main: &str,
    check_ins: Option<&str>,
    options: &ImportOptions,
) -> Result<Imported, LoadError> {
    let mut problems = Problems::default();
    let mut summary = Summary::default();
    let known = if options.grades.is_empty() {
        plain_columns()
    } else {
        COLUMNS
    };
    let Some(mut table) = read_table(main, known, options, &mut problems) else {
        problems.into_result()?;
        return Err(LoadError::single("the file cannot be read".into()));
    };
    // Told first, but not in the way of the rows' problems (a missing column stops those).
    let mut grade_problems = Problems::default();
    grade_columns(&mut table, options, &mut grade_problems);
    let layout_b =
        table.columns.contains_key("objective") && table.columns.contains_key("key_result");
    let rows = if layout_b {
        rows_per_key_result(&table, options, &mut problems, &mut summary)
    } else {
        rows_per_entity(&table, options, &mut problems, &mut summary)
    };
    grade_problems.0.append(&mut problems.0);
    problems = grade_problems;
    let mut doc = assemble(&table, rows, options, &mut problems, &mut summary);
    if let Some(text) = check_ins {
        read_check_ins(text, &mut doc, options, &mut problems, &mut summary);
    }
    problems.into_result()?;
    levels_by_depth(&mut doc);
    summary.count("cycles", doc.cycles.len());
    summary.count("objectives", doc.objectives.len());
    summary.count("key results", doc.key_results().count());
    summary.count(
        "check-ins",
        doc.key_results().map(|(_, k)| k.check_ins.len()).sum(),
    );
    if !doc.teams.is_empty() {
        summary.count("teams", doc.teams.len());
    }
    if !doc.people.is_empty() {
        summary.count("people", doc.people.len());
    }
    Ok(Imported {
        document: doc,
        summary,
    })
}

fn number(
    table: &Table,
    r: &[String],
    row: usize,
    name: &str,
    problems: &mut Problems,
) -> Option<f64> {
    let s = table.get(r, name)?;
    let n = parse_number(&s, table.decimal_comma);
    if n.is_none() {
        problems.cell(
            row,
            table.col(name),
            &table.header(name),
            format!("`{s}` is not a number"),
        );
    }
    n
}

/// Why a cell is not a date: the day its month lacks or the month that does not exist, as
/// document dates say it (`February 2026 has 28 days`), else the form to write.
fn bad_date(s: &str) -> String {
    let why = crate::load::convert::not_a_date(s);
    if why.starts_with('`') {
        why
    } else {
        format!("`{s}` is not a date: write `YYYY-MM-DD`")
    }
}

fn date(
    table: &Table,
    r: &[String],
    row: usize,
    name: &str,
    problems: &mut Problems,
) -> Option<NaiveDate> {
    let s = table.get(r, name)?;
    let d = parse_date(&s);
    if d.is_none() {
        problems.cell(row, table.col(name), &table.header(name), bad_date(&s));
    }
    d
}

/// The kind and the check-in of a key-result row.
fn kr_fields(
    table: &Table,
    r: &[String],
    row: usize,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) -> (KrKind, Option<CheckIn>) {
    let unit = table.get(r, "unit");
    let start = number(table, r, row, "start", problems);
    let target = number(table, r, row, "target", problems);
    let current_text = table.get(r, "current");
    let kind_text = table.get(r, "kind").map(|k| norm(&k));
    let kind_name = match kind_text.as_deref() {
        Some(k) => k.to_owned(),
        None if target.is_some() => "metric".into(),
        None if table.graded() => {
            summary
                .note("in a grade sheet, key-result rows without `kind` or `target` are `graded`");
            "graded".into()
        }
        None if current_text.as_deref().is_none_or(|c| boolish(c).is_some()) => {
            summary.note("key-result rows with neither `kind` nor `target` are `binary` (or `baseline` with a number in `current`)");
            "binary".into()
        }
        None => {
            summary.note("key-result rows with neither `kind` nor `target` are `binary` (or `baseline` with a number in `current`)");
            "baseline".into()
        }
    };
    let kind = match kind_name.as_str() {
        "metric" | "" => {
            if target.is_none() && table.get(r, "target").is_none() {
                problems.cell(
                    row,
                    table.col("target").max(1),
                    "target",
                    "a `metric` key result needs a `target`".into(),
                );
            }
            if start.is_none() && table.get(r, "start").is_none() {
                summary.note("`metric` key results without `start` start at 0");
            }
            KrKind::Metric {
                start: start.unwrap_or(0.0),
                target: target.unwrap_or(1.0),
                unit,
            }
        }
        "threshold" => {
            let direction = match table.get(r, "direction").map(|d| norm(&d)).as_deref() {
                None | Some("atleast" | ">=" | "min" | "above") => Direction::AtLeast,
                Some("atmost" | "<=" | "max" | "below") => Direction::AtMost,
                Some(other) => {
                    problems.cell(
                        row,
                        table.col("direction"),
                        &table.header("direction"),
                        format!("unknown direction `{other}`: use `at_least` or `at_most`"),
                    );
                    Direction::AtLeast
                }
            };
            if target.is_none() && table.get(r, "target").is_none() {
                problems.cell(
                    row,
                    table.col("target").max(1),
                    "target",
                    "a `threshold` key result needs its threshold in `target`".into(),
                );
            }
            KrKind::Threshold {
                threshold: target.unwrap_or(0.0),
                direction,
                unit,
            }
        }
        "binary" => KrKind::Binary,
        "graded" => KrKind::Graded,
        "baseline" => KrKind::Baseline { unit },
        other => {
            problems.cell(
                row,
                table.col("kind"),
                &table.header("kind"),
                format!(
                    "kind `{other}` cannot be read from a sheet: use `metric`, `threshold`, `binary`, `graded` or `baseline`"
                ),
            );
            KrKind::Binary
        }
    };
    let check_in = current_text.and_then(|c| {
        let value = if matches!(kind, KrKind::Binary) {
            match boolish(&c) {
                Some(b) => Value::Bool(b),
                None => {
                    problems.cell(
                        row,
                        table.col("current"),
                        &table.header("current"),
                        format!("`{c}` is not done or not done: write `true` or `false`"),
                    );
                    return None;
                }
            }
        } else {
            Value::Number(number(table, r, row, "current", problems)?)
        };
        let when = match table.get(r, "date") {
            Some(_) => date(table, r, row, "date", problems)?,
            None => {
                summary.note(format!(
                    "`current` values without a `date` are check-ins of {}",
                    options.today
                ));
                options.today
            }
        };
        let mut ci = CheckIn::new(when, value);
        ci.confidence = confidence(table, r, row, "confidence", problems, summary);
        ci.note = table.get(r, "note");
        Some(ci)
    });
    (kind, check_in)
}

/// A key-result row's fields: kind, check-ins (`current`, then a check-in per grade cell,
/// by date; the `projection` on the latest) and `dropped`.
struct KrFields {
    kind: KrKind,
    check_ins: Vec<CheckIn>,
    dropped: Option<NaiveDate>,
    /// a `status` cell that does not mark it dropped, kept in `extra`: (header, value)
    status: Option<(String, String)>,
}

fn kr_row(
    table: &Table,
    r: &[String],
    row: usize,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) -> KrFields {
    let (kind, current) = kr_fields(table, r, row, options, problems, summary);
    let note_placed = current.is_some();
    let mut check_ins: Vec<CheckIn> = current.into_iter().collect();
    for &(i, date) in &table.grades {
        let header = table.headers.get(i).map_or("", String::as_str);
        if let Some(g) = table
            .cell(r, i)
            .and_then(|s| grade(table, &s, row, i + 1, header, "grade", problems))
        {
            check_ins.push(CheckIn::new(date, Value::Number(g)));
        }
    }
    check_ins.sort_by_key(|c| c.date);
    if !note_placed {
        // The row's comment goes with its latest grade.
        if let Some(latest) = check_ins.last_mut() {
            latest.note = table.get(r, "note");
        }
    }
    if let Some(s) = table.get(r, "projection") {
        let (col, header) = (table.col("projection"), table.header("projection"));
        if let Some(p) = grade(table, &s, row, col, &header, "projection", problems) {
            match check_ins.last_mut() {
                Some(latest) => latest.projection = Some(p),
                None => problems.cell(
                    row,
                    col,
                    &header,
                    format!("a projection (`{s}`) without a grade on its row: a projection goes with the row's latest grade; fill in a grade, or clear the cell"),
                ),
            }
        }
    }
    let mut status = None;
    let dropped = dropped(table, r, row, options, problems, summary, &mut status);
    KrFields {
        kind,
        check_ins,
        dropped,
        status,
    }
}

/// A grade or projection cell: 0 to 1, or a percentage (`70%` is 0.7, as a confidence's
/// `70%`); unlike a confidence, a bare number above 1 is not read as a percentage (a
/// grade of `1.7` is a slip, not 1.7 %): it is a problem, as is text.
fn grade(
    table: &Table,
    s: &str,
    row: usize,
    col: usize,
    header: &str,
    what: &str,
    problems: &mut Problems,
) -> Option<f64> {
    let percent = s.trim_end().ends_with('%');
    let Some(n) = parse_number(s, table.decimal_comma) else {
        problems.cell(
            row,
            col,
            header,
            format!("`{s}` is not a {what}: write a number from 0 to 1 (`0.7`) or a percentage (`70%`); leave the cell blank if there is none"),
        );
        return None;
    };
    let n = if percent { n / 100.0 } else { n };
    if !(0.0..=1.0).contains(&n) {
        // A whole number such as `70` is likely a percentage; `1.7` a slip.
        let hint = if !percent && (2.0..=100.0).contains(&n) && n.fract() == 0.0 {
            format!("; if it is a percentage, write `{s}%`")
        } else {
            String::new()
        };
        problems.cell(
            row,
            col,
            header,
            format!(
                "{what} `{s}` is out of range: a {what} is from 0 to 1 (`0.7`, or `70%`){hint}"
            ),
        );
        return None;
    }
    Some(n)
}

/// A grade sheet's `dropped` (or `status`) cell: a date, or `dropped 2026-05-20`, is the
/// day it was dropped; a marker without a date (`dropped`, `not likely`, `won't do`, …;
/// in a `dropped` column also `yes`, `x`, `true`) drops it on the latest grade date. In a
/// `dropped` column, `no`/`false` is not dropped; any other `status` (`on track`) is kept
/// in `extra` under its header.
fn dropped(
    table: &Table,
    r: &[String],
    row: usize,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
    status: &mut Option<(String, String)>,
) -> Option<NaiveDate> {
    let s = table.get(r, "dropped")?;
    if let Some(d) = parse_date(&s) {
        return Some(d);
    }
    let lower = s.to_lowercase();
    let rest = lower
        .strip_prefix("dropped")
        .map(|t| {
            t.trim_start()
                .trim_start_matches("on")
                .trim_start_matches(':')
        })
        .map(str::trim);
    if let Some(d) = rest.filter(|t| !t.is_empty()).and_then(parse_date) {
        return Some(d);
    }
    let header = table.header("dropped");
    let is_status = norm(&header) == "status";
    let n = norm(&s);
    let marked = DROPPED_MARKERS.contains(&n.as_str()) || (!is_status && boolish(&s) == Some(true));
    if marked {
        let when = table
            .grades
            .iter()
            .map(|(_, d)| *d)
            .max()
            .unwrap_or(options.today);
        summary.note(format!(
            "`{header}` markers without a date (`{s}`) drop the key result on {when}, the latest grade date; write the date (`dropped 2026-05-20`) to say when"
        ));
        return Some(when);
    }
    if !is_status && boolish(&s) == Some(false) {
        return None;
    }
    if is_status {
        *status = Some((header, s));
        return None;
    }
    problems.cell(
        row,
        table.col("dropped"),
        &header,
        format!("`{s}` does not say whether the key result is dropped: write `dropped`, the date it was dropped (`2026-05-20`), or leave the cell blank"),
    );
    None
}

fn confidence(
    table: &Table,
    r: &[String],
    row: usize,
    name: &str,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Option<f64> {
    let s = table.get(r, name)?;
    let n = number(table, r, row, name, problems)?;
    if s.trim_end().ends_with('%') || n > 1.0 {
        summary.note("confidences written as percentages (`80%`, `80`) are read as 0.8");
        Some(n / 100.0)
    } else {
        Some(n)
    }
}

/// Whether a grade sheet's row is its summary row: its first non-blank cell is `Summary`,
/// `Total`, `Average`, … ([`SUMMARY_ROWS`]).
fn summary_row(r: &[String]) -> bool {
    r.iter()
        .map(|c| c.trim())
        .find(|c| !c.is_empty())
        .is_some_and(|c| SUMMARY_ROWS.contains(&norm(c.trim_end_matches(':')).as_str()))
}

/// A grade sheet's section row: exactly one non-blank cell, in the first column or the
/// `title` column; it is the title of the objective of the rows below it.
fn section_title(table: &Table, r: &[String]) -> Option<String> {
    let mut filled = r.iter().enumerate().filter(|(_, c)| !c.trim().is_empty());
    let (i, cell) = filled.next()?;
    if filled.next().is_some() {
        return None;
    }
    (i == 0 || table.columns.get("title") == Some(&i)).then(|| cell.trim().to_owned())
}

fn rows_per_entity(
    table: &Table,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Vec<Row> {
    // A grade sheet needs no ids: they are made from the titles.
    let required: &[&str] = if table.graded() {
        &["title"]
    } else {
        &["id", "title"]
    };
    for required in required {
        if !table.columns.contains_key(required) {
            problems.cell(
                1,
                1,
                "",
                format!(
                    "no `{required}` column: the header row has {}; name one with `--map {required}=COLUMN`",
                    quoted(&table.headers)
                ),
            );
        }
    }
    if !problems.is_empty() {
        return Vec::new();
    }
    let mut taken: HashSet<String> = table
        .rows
        .iter()
        .filter_map(|(_, r)| table.get(r, "id"))
        .collect();
    // The section (index in `out`) that the key-result rows below belong to.
    let mut section: Option<usize> = None;
    let mut section_krs: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    table.each_row("row ", summary, |row, r, summary| {
        if table.graded() && summary_row(r) {
            summary.skip(format!("row {row}"), "summary row");
            return;
        }
        let typed = match table.get(r, "type") {
            Some(t) => match row_type(&t) {
                Some(k) => Some(k),
                None => {
                    problems.cell(
                        row,
                        table.col("type"),
                        &table.header("type"),
                        format!("unknown type `{t}`: use `objective` or `key_result`"),
                    );
                    return;
                }
            },
            None => None,
        };
        if table.graded() && typed.is_none() {
            if let Some(title) = section_title(table, r) {
                section = Some(out.len());
                section_krs.push((out.len(), 0));
                out.push(Row {
                    row,
                    kind: RowType::Objective,
                    id: unique(slug(&title), &mut taken),
                    title,
                    parents: Vec::new(),
                    weight: None,
                    cycle: None,
                    level: None,
                    team: None,
                    owners: Vec::new(),
                    kr_kind: None,
                    check_ins: Vec::new(),
                    dropped: None,
                    due: None,
                    extra: Extra::new(),
                });
                return;
            }
        }
        let kind = match typed {
            Some(k) => k,
            None if table.graded() => RowType::KeyResult,
            None if ["target", "start", "current", "kind"]
                .iter()
                .any(|c| table.get(r, c).is_some()) =>
            {
                RowType::KeyResult
            }
            None => RowType::Objective,
        };
        let id = if table.graded() {
            match table.get(r, "id") {
                Some(id) => id,
                None => match table.get(r, "title") {
                    Some(t) => unique(slug(&t), &mut taken),
                    None => String::new(),
                },
            }
        } else {
            let Some(id) = table.require(r, row, "id", problems, || "empty id".into()) else {
                return;
            };
            id
        };
        let Some(title) = table.require(r, row, "title", problems, || {
            if id.is_empty() {
                "no title: a row of a grade sheet needs its title".into()
            } else {
                format!("`{id}` has no title")
            }
        }) else {
            return;
        };
        let fields = (kind == RowType::KeyResult)
            .then(|| kr_row(table, r, row, options, problems, summary));
        let mut extra = table.extra_and_note(
            r,
            fields.as_ref().is_some_and(|f| !f.check_ins.is_empty()),
            summary,
        );
        let mut parents = table
            .get(r, "parent")
            .map(|p| split_list(&p))
            .unwrap_or_default();
        let cycle = table.get(r, "cycle");
        if kind == RowType::KeyResult && parents.is_empty() {
            if let Some(o) = section.and_then(|i| out.get_mut(i)) {
                let o: &mut Row = o;
                parents.push(o.id.clone());
                if o.cycle.is_none() {
                    o.cycle.clone_from(&cycle);
                }
                if let Some(n) = section_krs.iter_mut().find(|(i, _)| Some(*i) == section) {
                    n.1 += 1;
                }
            } else if table.graded() {
                problems.cell(
                    row,
                    table.col("title"),
                    &table.header("title"),
                    format!("key result `{title}` comes before any objective: put its objective's title alone on a row above it (a section row), or fill in `parent`"),
                );
                return;
            }
        }
        if kind == RowType::Objective && table.graded() {
            section = Some(out.len());
        }
        let (kr_kind, check_ins, dropped) = match fields {
            Some(f) => {
                if let Some((h, v)) = f.status {
                    summary.kept(&h);
                    extra.entry(h).or_insert(serde_json::Value::String(v));
                }
                (Some(f.kind), f.check_ins, f.dropped)
            }
            None => (None, Vec::new(), None),
        };
        out.push(Row {
            row,
            kind,
            id,
            title,
            parents,
            weight: number(table, r, row, "weight", problems),
            cycle,
            level: table.get(r, "level"),
            team: table.get(r, "team"),
            owners: table
                .get(r, "owner")
                .map(|p| split_list(&p))
                .unwrap_or_default(),
            kr_kind,
            check_ins,
            dropped,
            due: date(table, r, row, "due", problems),
            extra,
        });
    });
    for (i, n) in section_krs {
        if let (0, Some(o)) = (n, out.get(i)) {
            summary.note(format!(
                "row {}: `{}` is alone on its row, read as an objective (a section row) with no key results below it; if it is a key result, fill in another of its cells (an owner, a grade)",
                o.row, o.title
            ));
        }
    }
    out
}

fn rows_per_key_result(
    table: &Table,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Vec<Row> {
    let mut out = Vec::new();
    let mut objective_ids: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<String> = table
        .rows
        .iter()
        .filter_map(|(_, r)| table.get(r, "id").or_else(|| table.get(r, "objective_id")))
        .collect();
    // Objective rows first (one per distinct objective), in order of appearance.
    let mut objectives: Vec<Row> = Vec::new();
    let mut krs: Vec<Row> = Vec::new();
    table.each_row("row ", summary, |row, r, summary| {
        let Some(title) = table.require(r, row, "objective", problems, || {
            "empty objective: each row names the objective of its key result".into()
        }) else {
            return;
        };
        let oid = match objective_ids.get(&title) {
            Some(id) => id.clone(),
            None => {
                let id = table
                    .get(r, "objective_id")
                    .unwrap_or_else(|| unique(slug(&title), &mut taken));
                objective_ids.insert(title.clone(), id.clone());
                objectives.push(Row {
                    row,
                    kind: RowType::Objective,
                    id: id.clone(),
                    title: title.clone(),
                    parents: table
                        .get(r, "parent")
                        .map(|p| split_list(&p))
                        .unwrap_or_default(),
                    weight: None,
                    cycle: table.get(r, "cycle"),
                    level: table.get(r, "level"),
                    team: table.get(r, "team"),
                    owners: Vec::new(),
                    kr_kind: None,
                    check_ins: Vec::new(),
                    dropped: None,
                    due: None,
                    extra: Extra::new(),
                });
                id
            }
        };
        if let Some(first) = objectives.iter().find(|o| o.id == oid) {
            for (name, value) in [
                ("cycle", &first.cycle),
                ("level", &first.level),
                ("team", &first.team),
            ] {
                if let Some(v) = table.get(r, name) {
                    if value.as_deref().is_some_and(|f| f != v) {
                        summary.note(format!(
                            "row {row}: `{name}` `{v}` of objective `{title}` differs from row {}; the first row's is kept",
                            first.row
                        ));
                    }
                }
            }
        }
        let Some(kr_title) = table.get(r, "key_result") else {
            // An objective without key results on this row: its other cells are the
            // objective's.
            let extra = table.extra_and_note(r, false, summary);
            if let Some(o) = objectives.iter_mut().find(|o| o.id == oid) {
                for (k, v) in extra {
                    o.extra.entry(k).or_insert(v);
                }
            }
            return;
        };
        let id = table
            .get(r, "id")
            .unwrap_or_else(|| unique(slug(&kr_title), &mut taken));
        let f = kr_row(table, r, row, options, problems, summary);
        let mut extra = table.extra_and_note(r, !f.check_ins.is_empty(), summary);
        if let Some((h, v)) = f.status {
            summary.kept(&h);
            extra.entry(h).or_insert(serde_json::Value::String(v));
        }
        krs.push(Row {
            row,
            kind: RowType::KeyResult,
            id,
            title: kr_title,
            parents: vec![oid],
            weight: number(table, r, row, "weight", problems),
            cycle: None,
            level: None,
            team: None,
            owners: table
                .get(r, "owner")
                .map(|p| split_list(&p))
                .unwrap_or_default(),
            kr_kind: Some(f.kind),
            check_ins: f.check_ins,
            dropped: f.dropped,
            due: date(table, r, row, "due", problems),
            extra,
        });
    });
    // Parents named by title resolve to the objective's id.
    for o in &mut objectives {
        for p in &mut o.parents {
            if let Some(id) = objective_ids.get(p.as_str()) {
                if !objective_ids.values().any(|v| v == p) {
                    *p = id.clone();
                }
            }
        }
    }
    out.extend(objectives);
    out.extend(krs);
    out
}

/// Checks ids and parents, and builds the document.
fn assemble(
    table: &Table,
    rows: Vec<Row>,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Document {
    let mut doc = Document {
        version: 1,
        ..Document::default()
    };
    let id_col = table.col("id").max(table.col("objective_id"));
    let parent_col = table.col("parent");
    // Ids: one namespace for objectives and key results.
    let mut first_row: HashMap<String, (usize, RowType)> = HashMap::new();
    let mut keep = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some((prev, _)) = first_row.get(&r.id) {
            problems.cell(
                r.row,
                id_col,
                &table.header("id"),
                format!("id `{}` is already used in row {prev}", r.id),
            );
            continue;
        }
        first_row.insert(r.id.clone(), (r.row, r.kind));
        keep.push(r);
    }
    // Cycle labels → dates.
    let mut cycle_rows: BTreeMap<String, usize> = BTreeMap::new();
    let mut cycle_order = Vec::new();
    let explicit: HashMap<String, (Option<String>, Option<String>, usize)> = table
        .rows
        .iter()
        .filter_map(|(row, r)| {
            let c = table.get(r, "cycle")?;
            Some((
                c,
                (table.get(r, "cycle_start"), table.get(r, "cycle_end"), *row),
            ))
        })
        .collect();
    // A grade sheet without a cycle anywhere: one problem, not one per section.
    let no_cycle_at_all = table.graded()
        && options.cycle.is_none()
        && keep
            .iter()
            .filter(|r| r.kind == RowType::Objective)
            .all(|r| r.cycle.is_none());
    if no_cycle_at_all && keep.iter().any(|r| r.kind == RowType::Objective) {
        problems.cell(
            1,
            1,
            "",
            "the sheet names no cycle: give it with `--cycle` (such as `--cycle 2026-Q2`), or add a `cycle` column".into(),
        );
    }
    for r in keep.iter_mut().filter(|r| r.kind == RowType::Objective) {
        if r.cycle.is_none() {
            r.cycle.clone_from(&options.cycle);
        }
        if no_cycle_at_all {
            continue;
        }
        match &r.cycle {
            Some(c) => {
                if !cycle_rows.contains_key(c) {
                    cycle_rows.insert(c.clone(), r.row);
                    cycle_order.push(c.clone());
                }
            }
            None => problems.cell(
                r.row,
                table.col("cycle").max(1),
                &table.header("cycle"),
                format!(
                    "objective `{}` has no cycle: fill in `cycle` (such as `2026-Q1`), map another column with `--map cycle=COLUMN`, or give the sheet's cycle with `--cycle 2026-Q1`",
                    r.id
                ),
            ),
        }
    }
    for label in cycle_order {
        let row = cycle_rows.get(&label).copied().unwrap_or(1);
        let given = explicit.get(&label);
        let parse = |s: &Option<String>, name: &str, problems: &mut Problems, at: usize| {
            s.as_ref().and_then(|s| {
                let d = parse_date(s);
                if d.is_none() {
                    problems.cell(at, table.col(name), &table.header(name), bad_date(s));
                }
                d
            })
        };
        let (s, e, at) = match given {
            Some((s, e, at)) => (
                parse(s, "cycle_start", problems, *at),
                parse(e, "cycle_end", problems, *at),
                *at,
            ),
            None => (None, None, row),
        };
        let dates = match (s, e) {
            (Some(s), Some(e)) => Some((s, e)),
            _ => period_dates(&label, options.fiscal_year_start),
        };
        match dates {
            Some((start, end)) => doc.cycles.push(Cycle {
                id: CycleId(label),
                start,
                end,
                name: None,
                extra: Extra::new(),
            }),
            None => problems.cell(
                at,
                table.col("cycle"),
                &table.header("cycle"),
                format!(
                    "cannot tell the dates of cycle `{label}`: name it like `2026-Q1`, `2026-H2` or `FY26`, or add `cycle_start` and `cycle_end` columns"
                ),
            ),
        }
    }
    // Objectives, with their parents checked.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut people: Vec<String> = Vec::new();
    let mut teams: Vec<String> = Vec::new();
    let note_owner = |o: &str, people: &mut Vec<String>| {
        if !people.iter().any(|p| p == o) {
            people.push(o.to_owned());
        }
    };
    let mut objective_rows = Vec::new();
    for r in keep.iter().filter(|r| r.kind == RowType::Objective) {
        let mut links = Vec::new();
        for p in &r.parents {
            match first_row.get(p) {
                Some((_, RowType::Objective)) => {
                    let mut l = Link::to(p.as_str());
                    l.weight = r.weight.unwrap_or(1.0);
                    links.push(l);
                }
                Some((prow, RowType::KeyResult)) => problems.cell(
                    r.row,
                    parent_col,
                    &table.header("parent"),
                    format!("parent `{p}` is a key result (row {prow}): an objective aligns to objectives"),
                ),
                None => problems.cell(
                    r.row,
                    parent_col,
                    &table.header("parent"),
                    format!("unknown parent `{p}`: no objective row has this id"),
                ),
            }
        }
        if let Some(t) = &r.team {
            if !teams.contains(t) {
                teams.push(t.clone());
            }
        }
        for o in &r.owners {
            note_owner(o, &mut people);
        }
        index.insert(r.id.clone(), doc.objectives.len());
        objective_rows.push(r.row);
        doc.objectives.push(Objective {
            id: ObjectiveId(r.id.clone()),
            title: r.title.clone(),
            cycle: CycleId(r.cycle.clone().unwrap_or_default()),
            level: r.level.clone().unwrap_or_default(),
            owners: r.owners.iter().map(|o| PersonId(o.clone())).collect(),
            team: r.team.clone().map(TeamId),
            themes: Vec::new(),
            initiatives: Vec::new(),
            aligns_to: links,
            rollup: options.rollup,
            blend: None,
            overrides: Vec::new(),
            effort_hours: None,
            commitment: Default::default(),
            key_results: Vec::new(),
            extra: r.extra.clone(),
        });
    }
    // A cycle of parents.
    let parents: Vec<Vec<usize>> = doc
        .objectives
        .iter()
        .map(|o| {
            o.aligns_to
                .iter()
                .filter_map(|l| index.get(l.objective.as_str()).copied())
                .collect()
        })
        .collect();
    for cycle in find_cycles(&parents) {
        let ids: Vec<String> = cycle
            .iter()
            .chain(cycle.first())
            .filter_map(|&i| doc.objectives.get(i).map(|o| format!("`{}`", o.id)))
            .collect();
        let row = cycle
            .first()
            .and_then(|&i| objective_rows.get(i))
            .copied()
            .unwrap_or(1);
        problems.cell(
            row,
            parent_col,
            &table.header("parent"),
            format!(
                "the parents form a cycle: {} (each aligns to the next)",
                ids.join(" → ")
            ),
        );
    }
    // Key results.
    for r in keep.into_iter().filter(|r| r.kind == RowType::KeyResult) {
        let objective = match r.parents.as_slice() {
            [one] => one,
            [] => {
                problems.cell(
                    r.row,
                    parent_col.max(1),
                    "parent",
                    format!(
                        "key result `{}` has no objective: put its objective's id in `parent`",
                        r.id
                    ),
                );
                continue;
            }
            [..] => {
                problems.cell(
                    r.row,
                    parent_col,
                    &table.header("parent"),
                    format!("key result `{}` names {} objectives in `parent`: a key result belongs to one", r.id, r.parents.len()),
                );
                continue;
            }
        };
        let Some(&oi) = index.get(objective.as_str()) else {
            let msg = match first_row.get(objective) {
                Some((prow, _)) => format!("parent `{objective}` is a key result (row {prow}): a key result belongs to an objective"),
                None => format!("unknown parent `{objective}`: no objective row has this id"),
            };
            problems.cell(r.row, parent_col, &table.header("parent"), msg);
            continue;
        };
        let Some(o) = doc.objectives.get_mut(oi) else {
            continue;
        };
        let mut extra = r.extra;
        if let Some(c) = &r.cycle {
            if *c != o.cycle.0 {
                extra.insert(table.header("cycle"), serde_json::Value::String(c.clone()));
                summary.note(format!(
                    "row {}: key result `{}` has cycle `{c}`, its objective `{}`; kept in `extra`",
                    r.row, r.id, o.cycle
                ));
            }
        }
        for ow in &r.owners {
            note_owner(ow, &mut people);
        }
        o.key_results.push(KeyResult {
            id: KeyResultId(r.id),
            title: r.title,
            kind: r.kr_kind.unwrap_or(KrKind::Binary),
            weight: r.weight.unwrap_or(1.0),
            owners: r.owners.into_iter().map(PersonId).collect(),
            initiatives: Vec::new(),
            due: r.due,
            plan: BTreeMap::new(),
            dropped: r.dropped,
            check_ins: r.check_ins,
            extra,
        });
    }
    doc.people = people
        .into_iter()
        .map(|id| Person {
            id: PersonId(id),
            name: None,
            team: None,
            capacity_hours: None,
            extra: Extra::new(),
        })
        .collect();
    doc.teams = teams
        .into_iter()
        .map(|id| Team {
            id: TeamId(id),
            name: None,
            parent: None,
            extra: Extra::new(),
        })
        .collect();
    doc
}

fn read_check_ins(
    text: &str,
    doc: &mut Document,
    options: &ImportOptions,
    problems: &mut Problems,
    summary: &mut Summary,
) {
    let mut ci_problems = Problems::default();
    let Some(table) = read_table(text, CHECK_IN_COLUMNS, options, &mut ci_problems) else {
        prefix(problems, ci_problems);
        return;
    };
    for required in ["key_result", "date", "value"] {
        if !table.columns.contains_key(required) {
            ci_problems.cell(
                1,
                1,
                "",
                format!(
                    "no `{required}` column in the check-ins: the header row has {}",
                    quoted(&table.headers)
                ),
            );
        }
    }
    if !ci_problems.is_empty() {
        prefix(problems, ci_problems);
        return;
    }
    let mut where_kr: HashMap<String, (usize, usize)> = HashMap::new();
    for (oi, o) in doc.objectives.iter().enumerate() {
        for (ki, k) in o.key_results.iter().enumerate() {
            where_kr.insert(k.id.0.clone(), (oi, ki));
            where_kr.entry(k.title.clone()).or_insert((oi, ki));
        }
    }
    table.each_row("check-ins row ", summary, |row, r, summary| {
        let Some(kr) = table.require(r, row, "key_result", &mut ci_problems, || {
            "empty key result".into()
        }) else {
            return;
        };
        let Some(&(oi, ki)) = where_kr.get(&kr) else {
            ci_problems.cell(
                row,
                table.col("key_result"),
                &table.header("key_result"),
                format!("unknown key result `{kr}`: no key result of the sheet has this id"),
            );
            return;
        };
        let Some(k) = doc
            .objectives
            .get_mut(oi)
            .and_then(|o| o.key_results.get_mut(ki))
        else {
            return;
        };
        let when = table
            .require(r, row, "date", &mut ci_problems, || "empty date".into())
            .and_then(|_| date(&table, r, row, "date", &mut ci_problems));
        let Some(raw) = table.require(r, row, "value", &mut ci_problems, || "empty value".into())
        else {
            return;
        };
        let value = if matches!(k.kind, KrKind::Binary) {
            boolish(&raw).map(Value::Bool)
        } else {
            parse_number(&raw, table.decimal_comma).map(Value::Number)
        };
        let Some(value) = value else {
            ci_problems.cell(
                row,
                table.col("value"),
                &table.header("value"),
                format!("`{raw}` is not a number"),
            );
            return;
        };
        let conf = confidence(&table, r, row, "confidence", &mut ci_problems, summary);
        let Some(when) = when else { return };
        let mut ci = CheckIn::new(when, value);
        ci.confidence = conf;
        ci.note = table.get(r, "note");
        ci.extra = table.extra(r, summary);
        // The sheet's `current` repeats the latest check-in: keep one.
        if !k
            .check_ins
            .iter()
            .any(|c| c.date == ci.date && c.value == ci.value)
        {
            k.check_ins.push(ci);
        } else if let Some(same) = k
            .check_ins
            .iter_mut()
            .find(|c| c.date == ci.date && c.value == ci.value)
        {
            same.confidence = same.confidence.or(ci.confidence);
            same.note = same.note.take().or(ci.note);
            for (k, v) in ci.extra {
                same.extra.entry(k).or_insert(v);
            }
        }
    });
    for o in &mut doc.objectives {
        for k in &mut o.key_results {
            k.check_ins.sort_by_key(|c| c.date);
        }
    }
    prefix(problems, ci_problems);
}

/// Check-in problems name their file: `check-ins` before the column header.
fn prefix(problems: &mut Problems, more: Problems) {
    for mut p in more.0 {
        p.path = if p.path.is_empty() {
            "check-ins".into()
        } else {
            format!("check-ins: {}", p.path)
        };
        problems.0.push(p);
    }
}

/// The columns [`to_sheet`] writes, in order.
const SHEET_COLUMNS: &[&str] = &[
    "id",
    "type",
    "title",
    "parent",
    "weight",
    "cycle",
    "cycle_start",
    "cycle_end",
    "level",
    "team",
    "owner",
    "kind",
    "start",
    "target",
    "direction",
    "unit",
    "current",
    "date",
    "confidence",
    "note",
    "due",
];

fn num(x: f64) -> String {
    x.to_string()
}

/// A document as the sheet [`csv`] reads: one row per objective, then its key results,
/// columns `id, type, title, parent, weight, cycle, cycle_start, cycle_end, level, team,
/// owner, kind, start, target, direction, unit, current, date, confidence, note, due`, then
/// one column per `extra` key of an objective or key result.
///
/// A sheet holds less than a document: an objective's links are written as parent ids
/// with one weight (the first link's; `contributes: false` is lost), a key result's latest
/// check-in as `current`/`date`/`confidence`/`note` (the history is not written), and
/// `milestones` key results as a row of kind `milestones` without their milestones (which
/// the import refuses). Themes, initiatives, overrides, plans, people's and teams' details
/// are not written. `extra` values are written as text (non-strings as JSON). A comment
/// the import kept in `extra` (the `note` cell of a row without a check-in, under its
/// header such as `Comment`) is written in the note column, which then takes that header.
///
/// ```
/// use okr_core::{import::{self, ImportOptions}, Document, Format};
/// let doc = Document::from_str("version: 1\ncycles: [{id: 2026-Q1, start: 2026-01-01, end: 2026-03-31}]\nobjectives: [{id: o, title: 'Grow', cycle: 2026-Q1, level: company, key_results: []}]\n", Format::Yaml)?;
/// let sheet = import::to_sheet(&doc);
/// assert!(sheet.starts_with("id,type,title,parent,weight,cycle,cycle_start,cycle_end,"));
/// let back = import::csv(&sheet, None, &ImportOptions::default())?.document;
/// assert_eq!(back.objectives[0].title, "Grow");
/// # Ok::<(), okr_core::LoadError>(())
/// ```
pub fn to_sheet(doc: &Document) -> String {
    // A comment kept in `extra` by the import (`Comment` of an objective row) names the
    // note column, so that it comes back to the same key; else the column is `note`.
    let note_spellings = COLUMNS
        .iter()
        .find(|(c, _)| *c == "note")
        .map_or(&[][..], |(_, s)| *s);
    let note_header = doc
        .objectives
        .iter()
        .flat_map(|o| {
            o.extra
                .keys()
                .chain(o.key_results.iter().flat_map(|k| k.extra.keys()))
        })
        .find(|k| note_spellings.contains(&norm(k).as_str()))
        .cloned()
        .unwrap_or_else(|| "note".to_owned());
    let mut extra_keys: Vec<String> = Vec::new();
    for o in &doc.objectives {
        for k in o
            .extra
            .keys()
            .chain(o.key_results.iter().flat_map(|k| k.extra.keys()))
        {
            let n = norm(k);
            let known = COLUMNS
                .iter()
                .any(|(_, spellings)| spellings.contains(&n.as_str()));
            if !extra_keys.contains(k) && !known {
                extra_keys.push(k.clone());
            }
        }
    }
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let header: Vec<String> = SHEET_COLUMNS
        .iter()
        .map(|s| {
            if *s == "note" {
                note_header.clone()
            } else {
                (*s).to_owned()
            }
        })
        .chain(extra_keys.iter().cloned())
        .collect();
    let _ = w.write_record(&header);
    for o in &doc.objectives {
        let cycle = doc.cycle(o.cycle.as_str());
        let weight = o
            .aligns_to
            .first()
            .map(|l| l.weight)
            .filter(|w| *w != 1.0)
            .map(num)
            .unwrap_or_default();
        let mut row: BTreeMap<&str, String> = BTreeMap::new();
        row.insert("id", o.id.0.clone());
        row.insert("type", "objective".into());
        row.insert("title", o.title.clone());
        row.insert(
            "parent",
            o.aligns_to
                .iter()
                .map(|l| l.objective.0.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        row.insert("weight", weight);
        row.insert("cycle", o.cycle.0.clone());
        row.insert(
            "cycle_start",
            cycle.map(|c| c.start.to_string()).unwrap_or_default(),
        );
        row.insert(
            "cycle_end",
            cycle.map(|c| c.end.to_string()).unwrap_or_default(),
        );
        row.insert("level", o.level.clone());
        row.insert(
            "team",
            o.team.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
        );
        row.insert(
            "owner",
            o.owners
                .iter()
                .map(|p| p.0.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        if let Some(note) = o.extra.get(&note_header) {
            row.insert("note", text(note));
        }
        let mut cells: Vec<String> = SHEET_COLUMNS
            .iter()
            .map(|c| row.get(c).cloned().unwrap_or_default())
            .collect();
        cells.extend(
            extra_keys
                .iter()
                .map(|k| o.extra.get(k).map(text).unwrap_or_default()),
        );
        let _ = w.write_record(&cells);
        for k in &o.key_results {
            let mut row: BTreeMap<&str, String> = BTreeMap::new();
            row.insert("id", k.id.0.clone());
            row.insert("type", "key_result".into());
            row.insert("title", k.title.clone());
            row.insert("parent", o.id.0.clone());
            if k.weight != 1.0 {
                row.insert("weight", num(k.weight));
            }
            row.insert(
                "owner",
                k.owners
                    .iter()
                    .map(|p| p.0.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            row.insert("kind", k.kind.name().to_owned());
            if let KrKind::Metric { start, target, .. } = &k.kind {
                row.insert("start", num(*start));
                row.insert("target", num(*target));
            }
            if let KrKind::Threshold {
                threshold,
                direction,
                ..
            } = &k.kind
            {
                row.insert("target", num(*threshold));
                row.insert(
                    "direction",
                    match direction {
                        Direction::AtLeast => "at_least",
                        Direction::AtMost => "at_most",
                    }
                    .into(),
                );
            }
            row.insert("unit", k.kind.unit().unwrap_or_default().to_owned());
            // The latest check-in (the later of equal dates).
            if let Some(c) = k.check_ins.iter().max_by_key(|c| c.date) {
                row.insert(
                    "current",
                    match c.value {
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => num(n),
                    },
                );
                row.insert("date", c.date.to_string());
                row.insert("confidence", c.confidence.map(num).unwrap_or_default());
                row.insert("note", c.note.clone().unwrap_or_default());
            } else if let Some(note) = k.extra.get(&note_header) {
                row.insert("note", text(note));
            }
            row.insert("due", k.due.map(|d| d.to_string()).unwrap_or_default());
            let mut cells: Vec<String> = SHEET_COLUMNS
                .iter()
                .map(|c| row.get(c).cloned().unwrap_or_default())
                .collect();
            cells.extend(
                extra_keys
                    .iter()
                    .map(|key| k.extra.get(key).map(text).unwrap_or_default()),
            );
            let _ = w.write_record(&cells);
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
