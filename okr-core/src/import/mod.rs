//! Import: other tools' exports as documents (SPEC §11).
//!
//! Three sources are read: a spreadsheet saved as CSV ([`csv`]), Viva Goals' full data
//! export ([`viva_goals`], [`viva_goals_zip`], [`viva_goals_files`]) and the JSON of a
//! GitLab GraphQL `workItems` query ([`gitlab`]). Each returns an [`Imported`]: the
//! document and a [`Summary`] of what was read, what was kept in `extra` (a source field
//! with no place in the model is kept there under its source name, never dropped) and
//! what was skipped, with the reason and the row or JSON path. Input that cannot be read
//! is a [`LoadError`] carrying every problem, each with its CSV row and column (as
//! `line`/`column`, the column's header as `path`) or its JSON path.
//!
//! The reverse of the CSV import is [`to_sheet`]: a document as the sheet [`csv`] reads.
//!
//! ```
//! use okr_core::import::{self, ImportOptions};
//! let sheet = "id,type,title,parent,cycle,start,target,current,date\n\
//!              grow,objective,Grow the user base,,2026-Q1,,,,\n\
//!              signups,key_result,Weekly sign-ups from 200 to 500,grow,,200,500,350,2026-02-01\n";
//! let imported = import::csv(sheet, None, &ImportOptions::default())?;
//! let doc = &imported.document;
//! assert_eq!(doc.cycles[0].id.as_str(), "2026-Q1");
//! assert_eq!(doc.cycles[0].end.to_string(), "2026-03-31");
//! assert_eq!(doc.objectives[0].key_results[0].check_ins[0].value.as_f64(), 350.0);
//! # Ok::<(), okr_core::LoadError>(())
//! ```

mod csv;
mod gitlab;
mod periods;
mod viva_goals;

pub use self::csv::{csv, to_sheet};
pub use gitlab::{gitlab, GITLAB_QUERY};
pub use periods::period_dates;
pub use viva_goals::{viva_goals, viva_goals_files, viva_goals_zip};

use crate::{Document, LoadError, Problem, RollupMode};
use chrono::NaiveDate;
use std::fmt;

/// The options of every import: CSV header mapping, the fiscal year, the date of
/// check-ins that carry none, and the limits that bound what an input may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    /// CSV only: `(name, column)` pairs: read the model's `name` (`id`, `parent`, `cycle`,
    /// …) from the column headed `column` (`--map NAME=COLUMN`).
    pub map: Vec<(String, String)>,
    /// The month (1–12) a fiscal year starts in; `FY26` with 7 is 2025-07-01..2026-06-30
    /// (a fiscal year is named by the calendar year it ends in). Default 1 (January).
    pub fiscal_year_start: u32,
    /// The date of a check-in made from a value that carries no date (a CSV `current`
    /// without `date`); default: 1970-01-01 — callers pass today (the CLI does).
    pub today: NaiveDate,
    /// Largest input, in bytes (each file; for a ZIP, the archive and each entry).
    pub max_bytes: usize,
    /// Most CSV rows (per file), or JSON items.
    pub max_rows: usize,
    /// Most CSV columns.
    pub max_columns: usize,
    /// Longest CSV cell or JSON string, in bytes.
    pub max_cell_bytes: usize,
    /// Most entries in a ZIP archive.
    pub max_zip_entries: usize,
    /// CSV only: grade columns, `(header, date)` (`--grade "Mid-Q=2026-05-15"`): each
    /// non-blank cell of the column headed `header` (matched as other headers are) is a
    /// check-in of its row's key result on `date`, a grade 0–1 (`70%` is 0.7). Given any,
    /// the sheet is read as a grade sheet: key-result rows without `kind` or `target` are
    /// `graded`, a row with only a title names the objective of the rows below it (a
    /// section row), a `Summary`/`Total`/`Average` row is skipped, and `projection` and
    /// `status` columns are read (see [`csv`]). Parse `--grade` text with [`grade_spec`].
    pub grades: Vec<(String, NaiveDate)>,
    /// CSV only: the cycle of objectives whose row (and section) names none, such as
    /// `2026-Q2` (`--cycle`); a grade sheet of one quarter usually has no cycle column.
    pub cycle: Option<String>,
    /// Every imported objective's `rollup` (`--rollup flat`); `None`: not set (the
    /// policy's `default_rollup` applies).
    pub rollup: Option<RollupMode>,
    /// Most bytes that a ZIP archive's entries may unpack to, together (zip bombs).
    pub max_unpacked_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            map: Vec::new(),
            fiscal_year_start: 1,
            today: NaiveDate::default(),
            max_bytes: 1 << 30,
            max_rows: 1_000_000,
            max_columns: 1_000,
            max_cell_bytes: 1 << 20,
            max_zip_entries: 10_000,
            max_unpacked_bytes: 1 << 30,
            grades: Vec::new(),
            cycle: None,
            rollup: None,
        }
    }
}

impl ImportOptions {
    /// Options with the given date for undated values (everything else default).
    pub fn with_today(today: NaiveDate) -> Self {
        ImportOptions {
            today,
            ..ImportOptions::default()
        }
    }

    /// Adds [`ImportOptions::grades`] from `--grade` texts, `HEADER=DATE` each (see
    /// [`grade_spec`]); the error tells every bad one, a line each.
    pub fn add_grade_specs<S: AsRef<str>>(&mut self, specs: &[S]) -> Result<(), String> {
        let mut bad = Vec::new();
        for spec in specs {
            match grade_spec(spec.as_ref()) {
                Ok(pair) => self.grades.push(pair),
                Err(e) => bad.push(e),
            }
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad.join("\n"))
        }
    }

    /// Sets [`ImportOptions::rollup`] from a mode's name (`flat`, `key_results`, …); the
    /// error names the modes.
    pub fn set_rollup(&mut self, name: &str) -> Result<(), String> {
        match RollupMode::from_name(name) {
            Some(mode) => {
                self.rollup = Some(mode);
                Ok(())
            }
            None => {
                let names: Vec<&str> = RollupMode::ALL.iter().map(|m| m.as_str()).collect();
                Err(format!(
                    "unknown rollup `{name}`: use one of {}",
                    names.join(", ")
                ))
            }
        }
    }
}

/// Reads a `--grade` argument, `HEADER=DATE` (`"Mid-Q=2026-05-15"`), as a pair of
/// [`ImportOptions::grades`]; the error says what to write. The header is split at the last
/// `=` (a header may hold one), both sides trimmed.
///
/// ```
/// use okr_core::import::grade_spec;
/// let (header, date) = grade_spec("Mid-Q = 2026-05-15")?;
/// assert_eq!((header.as_str(), date.to_string().as_str()), ("Mid-Q", "2026-05-15"));
/// assert!(grade_spec("Mid-Q").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn grade_spec(spec: &str) -> Result<(String, NaiveDate), String> {
    let Some((header, date)) = spec.rsplit_once('=') else {
        return Err(format!(
            "`--grade {spec}`: write `--grade \"HEADER=DATE\"`, the column's header and the date its grades are for, such as `--grade \"Mid-Q=2026-05-15\"`"
        ));
    };
    let (header, date) = (header.trim(), date.trim());
    if header.is_empty() {
        return Err(format!(
            "`--grade {spec}`: no header before `=`: write the grade column's header, such as `--grade \"Mid-Q={date}\"`"
        ));
    }
    match parse_date(date) {
        Some(d) => Ok((header.to_owned(), d)),
        None => {
            let why = crate::load::convert::not_a_date(date);
            let why = if why.starts_with('`') {
                why
            } else {
                format!("`{date}` is not a date: write `YYYY-MM-DD`")
            };
            Err(format!("`--grade {spec}`: {why}"))
        }
    }
}

/// What an import made: the document and the summary of what was read.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The document (not yet validated: run [`crate::validate`] on it).
    pub document: Document,
    /// What was read, kept in `extra` and skipped.
    pub summary: Summary,
}

/// One source item that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Where: `row 7` (CSV) or a JSON path such as `data.project.workItems.nodes[3]`.
    pub at: String,
    /// Why it was left out.
    pub reason: String,
}

/// What an import read, kept and skipped (printed by `okr import` on standard error).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entities read, by kind (`objectives`, `key results`, `check-ins`, …), in order.
    pub read: Vec<(String, usize)>,
    /// Source fields kept in `extra`, with the number of entities that had each.
    pub extra: Vec<(String, usize)>,
    /// Items not imported, with the reason.
    pub skipped: Vec<Skipped>,
    /// Choices made on the user's behalf (defaults taken, values derived).
    pub notes: Vec<String>,
}

impl Summary {
    pub(crate) fn count(&mut self, what: &str, n: usize) {
        match self.read.iter_mut().find(|(k, _)| k == what) {
            Some((_, c)) => *c += n,
            None => self.read.push((what.to_owned(), n)),
        }
    }

    pub(crate) fn kept(&mut self, field: &str) {
        match self.extra.iter_mut().find(|(k, _)| k == field) {
            Some((_, c)) => *c += 1,
            None => self.extra.push((field.to_owned(), 1)),
        }
    }

    pub(crate) fn skip(&mut self, at: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            at: at.into(),
            reason: reason.into(),
        });
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The number read of a kind (`objectives`, `key results`, …), 0 if none.
    pub fn read_count(&self, what: &str) -> usize {
        self.read
            .iter()
            .find(|(k, _)| k == what)
            .map_or(0, |(_, n)| *n)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let read: Vec<String> = self.read.iter().map(|(k, n)| format!("{n} {k}")).collect();
        if read.is_empty() {
            writeln!(f, "read: nothing")?;
        } else {
            writeln!(f, "read: {}", read.join(", "))?;
        }
        if !self.extra.is_empty() {
            let kept: Vec<String> = self
                .extra
                .iter()
                .map(|(k, n)| format!("`{k}` ({n})"))
                .collect();
            writeln!(f, "kept in `extra`: {}", kept.join(", "))?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "skipped {}:", self.skipped.len())?;
            for s in &self.skipped {
                writeln!(f, "  {}: {}", s.at, s.reason)?;
            }
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

/// Collects problems; turns into a [`LoadError`] if there is any.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    /// A problem at a CSV cell: row (1 = the header row), column (1-based) and its header.
    pub(crate) fn cell(&mut self, row: usize, column: usize, header: &str, message: String) {
        self.0.push(Problem {
            path: header.to_owned(),
            line: u32::try_from(row).ok(),
            column: u32::try_from(column).ok(),
            message,
        });
    }

    /// A problem at a JSON path.
    pub(crate) fn at(&mut self, path: &str, message: String) {
        self.0.push(Problem {
            path: path.to_owned(),
            line: None,
            column: None,
            message,
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_result(self) -> Result<(), LoadError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(LoadError {
                source_name: None,
                problems: self.0,
            })
        }
    }
}

/// An id made of a title: lowercase ASCII letters and digits joined by `-`.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

/// Makes `id` unique among `taken` by appending `-2`, `-3`, …
pub(crate) fn unique(id: String, taken: &mut std::collections::HashSet<String>) -> String {
    if taken.insert(id.clone()) {
        return id;
    }
    let mut n = 2usize;
    loop {
        let candidate = format!("{id}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Levels by depth in the alignment graph (first parent): roots `company`, then `area`,
/// `team`, and `individual` from the fourth level down. Sets `level` of every objective
/// whose level is empty. Cycles (reported elsewhere) count as roots.
pub(crate) fn levels_by_depth(doc: &mut Document) {
    use std::collections::HashMap;
    let index: HashMap<String, usize> = doc
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.0.clone(), i))
        .collect();
    let parent: Vec<Option<usize>> = doc
        .objectives
        .iter()
        .map(|o| {
            o.aligns_to
                .first()
                .and_then(|l| index.get(l.objective.as_str()).copied())
        })
        .collect();
    let n = doc.objectives.len();
    let mut depth: Vec<Option<usize>> = vec![None; n];
    for start in 0..n {
        // Walk up until a known depth, a root, or a revisit (a cycle).
        let mut chain = Vec::new();
        let mut cur = Some(start);
        let mut base = 0usize;
        while let Some(i) = cur {
            if let Some(d) = depth.get(i).copied().flatten() {
                base = d + 1;
                break;
            }
            if chain.contains(&i) || chain.len() > n {
                break;
            }
            chain.push(i);
            cur = parent.get(i).copied().flatten();
        }
        for (k, i) in chain.iter().rev().enumerate() {
            if let Some(slot) = depth.get_mut(*i) {
                *slot = Some(base + k);
            }
        }
    }
    let names = crate::DEFAULT_LEVELS;
    for (o, d) in doc.objectives.iter_mut().zip(depth) {
        if o.level.is_empty() {
            let d = d.unwrap_or(0).min(names.len().saturating_sub(1));
            o.level = names.get(d).copied().unwrap_or("team").to_owned();
        }
    }
}

/// Finds the cycles of a child → parents graph over `n` nodes; each cycle as its nodes in
/// order (child first). Iterative: peel nodes without parents left, then walk the rest.
pub(crate) fn find_cycles(parents: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = parents.len();
    // children count of remaining parents: a node is removable when none of its parents
    // remain... peel from the top: nodes whose parents are all removed.
    let mut remaining_parents: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (c, ps) in parents.iter().enumerate() {
        for &p in ps {
            if let Some(ch) = children.get_mut(p) {
                ch.push(c);
            }
        }
    }
    let mut removed = vec![false; n];
    let mut stack: Vec<usize> = (0..n)
        .filter(|&i| remaining_parents.get(i) == Some(&0))
        .collect();
    while let Some(i) = stack.pop() {
        if let Some(r) = removed.get_mut(i) {
            *r = true;
        }
        for &c in children.get(i).map(Vec::as_slice).unwrap_or_default() {
            if let Some(rp) = remaining_parents.get_mut(c) {
                *rp = rp.saturating_sub(1);
                if *rp == 0 {
                    stack.push(c);
                }
            }
        }
    }
    let mut seen = removed.clone();
    let mut cycles = Vec::new();
    for start in 0..n {
        if seen.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut path: Vec<usize> = Vec::new();
        let mut cur = start;
        loop {
            if let Some(pos) = path.iter().position(|&x| x == cur) {
                cycles.push(path.get(pos..).map(<[usize]>::to_vec).unwrap_or_default());
                break;
            }
            if seen.get(cur).copied().unwrap_or(true) {
                break;
            }
            path.push(cur);
            let next = parents.get(cur).and_then(|ps| {
                ps.iter()
                    .copied()
                    .find(|&p| !removed.get(p).copied().unwrap_or(true))
            });
            match next {
                Some(p) => cur = p,
                None => break,
            }
        }
        for i in path {
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
    }
    cycles
}

/// A date from text: `YYYY-MM-DD`, an ISO date-time (`2026-01-31T10:00:00Z`: its date),
/// `YYYY/MM/DD`, or `DD.MM.YYYY`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10).unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
        if s.len() == 10 || s.get(10..11).is_some_and(|c| c == "T" || c == " ") {
            return Some(d);
        }
    }
    for f in ["%Y/%m/%d", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    None
}

/// A number from a spreadsheet cell: spaces and thousands separators allowed, a final `%`
/// ignored; with `decimal_comma` (semicolon-separated files) `1.234,5` is 1234.5 and
/// `1.000` is 1000, else `1,234.5` is 1234.5.
pub(crate) fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let mut t: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if t.ends_with('%') {
        t.pop();
    }
    let thousands_dots = |t: &str| {
        let mut groups = t.trim_start_matches('-').split('.');
        let first = groups.next().unwrap_or_default();
        let rest: Vec<&str> = groups.collect();
        !rest.is_empty()
            && (1..=3).contains(&first.len())
            && rest.iter().all(|g| g.len() == 3)
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    };
    if decimal_comma && (t.contains(',') || thousands_dots(&t)) {
        t = t.replace('.', "").replace(',', ".");
    } else {
        t = t.replace(',', "");
    }
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}
