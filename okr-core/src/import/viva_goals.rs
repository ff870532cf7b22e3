//! `okr import viva-goals`: Viva Goals' full data export (a ZIP of JSON files, or its
//! folder).

use super::{
    levels_by_depth, parse_date, parse_number, period_dates, slug, unique, ImportOptions, Imported,
    Problems, Summary,
};
use crate::{
    CheckIn, Commitment, Cycle, CycleId, Direction, Document, Extra, Initiative, InitiativeId,
    KeyResult, KeyResultId, KrKind, Link, LoadError, Objective, ObjectiveId, Override, Person,
    PersonId, RollupMode, Team, TeamId,
};
use chrono::NaiveDate;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read as _;
use std::path::Path;

fn norm(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A source object with the keys read so far marked, so that the rest goes to `extra`.
struct Src<'a> {
    map: &'a Map<String, Json>,
    used: HashSet<&'a str>,
}

impl<'a> Src<'a> {
    fn new(map: &'a Map<String, Json>) -> Self {
        Src {
            map,
            used: HashSet::new(),
        }
    }

    /// The first of `names` present (keys compared without case, spaces or punctuation).
    fn get(&mut self, names: &[&str]) -> Option<&'a Json> {
        for name in names {
            let n = norm(name);
            if let Some((k, v)) = self.map.iter().find(|(k, _)| norm(k) == n) {
                self.used.insert(k.as_str());
                if !v.is_null() {
                    return Some(v);
                }
            }
        }
        None
    }

    /// Marks fields as read (derived elsewhere, or read through another record).
    fn mark(&mut self, names: &[&str]) {
        for name in names {
            let n = norm(name);
            if let Some((k, _)) = self.map.iter().find(|(k, _)| norm(k) == n) {
                self.used.insert(k.as_str());
            }
        }
    }

    fn text(&mut self, names: &[&str]) -> Option<String> {
        match self.get(names)? {
            Json::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Json::Number(n) => Some(n.to_string()),
            Json::Object(o) => o
                .iter()
                .find(|(k, _)| matches!(norm(k).as_str(), "name" | "title"))
                .and_then(|(_, v)| v.as_str().map(str::to_owned)),
            _ => None,
        }
    }

    /// The rest, for `extra` (counted in the summary).
    fn rest(&self, summary: &mut Summary) -> Extra {
        let mut extra = Extra::new();
        for (k, v) in self.map {
            if !self.used.contains(k.as_str()) && !v.is_null() {
                extra.insert(k.clone(), v.clone());
                summary.kept(k);
            }
        }
        extra
    }
}

fn id_of(v: &Json) -> Option<String> {
    match v {
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Json::Object(o) => o
            .iter()
            .find(|(k, _)| norm(k) == "id")
            .and_then(|(_, v)| id_of(v)),
        _ => None,
    }
}

fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => parse_number(s, false),
        _ => None,
    }
}

fn date(v: &Json) -> Option<NaiveDate> {
    let s = v.as_str()?;
    parse_date(s).or_else(|| NaiveDate::parse_from_str(s.trim(), "%m/%d/%Y").ok())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Objective,
    KeyResult,
    Project,
}

/// Which export file a name is: time periods, teams, users, objectives or check-ins.
fn file_kind(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let n = norm(base);
    if !base.to_ascii_lowercase().ends_with(".json") {
        return None;
    }
    if n.contains("timeperiod") {
        Some("time periods")
    } else if n.contains("checkin") {
        Some("check-ins")
    } else if n.contains("team") {
        Some("teams")
    } else if n.contains("user") {
        Some("users")
    } else if n.contains("objective") || n.contains("okr") {
        Some("objectives")
    } else {
        None
    }
}

/// The items of an export file: a list, or an object holding one list (`{"value": […]}`).
fn items<'a>(name: &str, v: &'a Json, problems: &mut Problems) -> Vec<&'a Map<String, Json>> {
    let list = match v {
        Json::Array(a) => Some(a),
        Json::Object(o) => o.values().find_map(Json::as_array),
        _ => None,
    };
    let Some(list) = list else {
        problems.at(name, "expected a list of records".into());
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, x)| {
            let o = x.as_object();
            if o.is_none() {
                problems.at(
                    &format!("{name}[{i}]"),
                    "expected a record (an object)".into(),
                );
            }
            o
        })
        .collect()
}

/// Reads Viva Goals' full data export: the ZIP file, or the folder it unpacks to (its JSON
/// files, and those one folder down). See [`viva_goals_files`].
pub fn viva_goals(path: &Path, options: &ImportOptions) -> Result<Imported, LoadError> {
    let name = path.display().to_string();
    let fail = |m: String| LoadError::single(m).with_source(name.clone());
    if path.is_dir() {
        let mut files = Vec::new();
        let mut total: u64 = 0;
        let mut dirs = vec![(path.to_path_buf(), 0)];
        while let Some((dir, depth)) = dirs.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| fail(format!("cannot read the folder `{}`: {e}", dir.display())))?;
            for entry in entries.flatten() {
                let p = entry.path();
                if p.is_dir() {
                    if depth == 0 {
                        dirs.push((p, 1));
                    }
                    continue;
                }
                let fname = entry.file_name().to_string_lossy().into_owned();
                if file_kind(&fname).is_none() {
                    continue;
                }
                if files.len() >= options.max_zip_entries {
                    return Err(fail(format!(
                        "more than {} files (raise `ImportOptions::max_zip_entries`)",
                        options.max_zip_entries
                    )));
                }
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                total += size;
                if size > options.max_bytes as u64 || total > options.max_unpacked_bytes {
                    return Err(fail(format!(
                        "`{fname}` makes the export larger than the limit (raise `ImportOptions::max_bytes` or `ImportOptions::max_unpacked_bytes`)"
                    )));
                }
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| fail(format!("cannot read `{}`: {e}", p.display())))?;
                files.push((fname, text));
            }
        }
        files.sort();
        return viva_goals_files(&files, options).map_err(|e| e.with_source(name));
    }
    let size = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| fail(format!("cannot read `{name}`: {e}")))?;
    if size > options.max_bytes as u64 {
        return Err(fail(format!(
            "the file is {size} bytes, more than the limit of {} (raise `ImportOptions::max_bytes`)",
            options.max_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read `{name}`: {e}")))?;
    viva_goals_zip(&bytes, options).map_err(|e| e.with_source(name))
}

/// Reads Viva Goals' full data export from the bytes of its ZIP file. The archive is
/// bounded: at most [`ImportOptions::max_zip_entries`] entries, each unpacking to at most
/// [`ImportOptions::max_bytes`] and all together to at most
/// [`ImportOptions::max_unpacked_bytes`], whatever sizes the archive claims. Entry names
/// only choose the file's role (by the words in its name); nothing is written to disk.
pub fn viva_goals_zip(bytes: &[u8], options: &ImportOptions) -> Result<Imported, LoadError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| LoadError::single(format!("not a ZIP archive: {e}")))?;
    if archive.len() > options.max_zip_entries {
        return Err(LoadError::single(format!(
            "the archive has {} entries, more than the limit of {} (raise `ImportOptions::max_zip_entries`)",
            archive.len(),
            options.max_zip_entries
        )));
    }
    let mut files = Vec::new();
    let mut budget = options.max_unpacked_bytes;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| LoadError::single(format!("cannot read entry {i} of the archive: {e}")))?;
        let name = entry.name().to_owned();
        if entry.is_dir() || file_kind(&name).is_none() {
            continue;
        }
        let limit = budget.min(options.max_bytes as u64);
        let mut buf = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| LoadError::single(format!("cannot unpack `{name}`: {e}")))?;
        if buf.len() as u64 > limit {
            return Err(LoadError::single(format!(
                "`{name}` unpacks to more than {limit} bytes, a possible zip bomb (raise `ImportOptions::max_bytes` or `ImportOptions::max_unpacked_bytes`)"
            )));
        }
        budget -= buf.len() as u64;
        let text = String::from_utf8(buf)
            .map_err(|e| LoadError::single(format!("`{name}` is not UTF-8 text: {e}")))?;
        files.push((name, text));
    }
    viva_goals_files(&files, options)
}

/// Reads Viva Goals' full data export from its JSON files, given as (file name, text):
/// the file whose name contains `TimePeriods` holds the cycles, `Teams` the teams,
/// `Users` the people, `objectives` the objectives, key results and projects, `checkins`
/// the check-ins (names compared without case or punctuation; other files are ignored).
///
/// Each file is a list of records (or an object holding one list). Records are read by
/// their Viva Goals field names, compared without case, spaces or punctuation; every field
/// that has no place in the model is kept in `extra` under its name.
///
/// - Time periods: `ID`, `Time Period Name` (or `Name`), `Start Date`, `End Date`.
/// - Teams: `ID`, `Team Name` (or `Name`), `Parent Team` (a name, an id or `{ID, Name}`).
/// - Users: `ID`, `Name`, `Email` (the person's id; `user-ID` without one).
/// - Objectives: `Type` `Big rock` (objective), `Kpi` (key result of its parent objective)
///   or `Project` (an initiative of its parent objective); `ID`, `Title`, `Owner`, `Teams`,
///   `Time Period`, `Alignment` (`[{ID, Title, Weight}]`: links with weights; else `Parent
///   IDs`), `Progress and Status Configuration` (progress `…Children…`: `rollup:
///   children` where the children are objectives), `Progress`, `Outcome` (`Outcome Type`
///   `Percentage`: a metric from 0 to 100 `%`; `Metric`: from `Start` to `Target` in
///   `Metric Unit`; `Target Type` `Stay above`/`Stay below`: a threshold), `Phased
///   Targets` (`plan`), `Goal Type` (`Committed`/`Aspirational`), `End Date` (a key
///   result's `due`).
/// - Check-ins: `OKR ID`, `CheckIn Date` (the date the value is for), `Current Value`,
///   `Check In Note` (text, or `{Check In Note}`); a key result's check-ins, an objective's
///   manual progress (an override of value / 100).
pub fn viva_goals_files(
    files: &[(String, String)],
    options: &ImportOptions,
) -> Result<Imported, LoadError> {
    let mut problems = Problems::default();
    let mut summary = Summary::default();
    let mut parsed: Vec<(String, &'static str, Json)> = Vec::new();
    for (name, text) in files {
        let Some(kind) = file_kind(name) else {
            continue;
        };
        if text.len() > options.max_bytes {
            problems.at(
                name,
                format!(
                    "{} bytes, more than the limit of {} (raise `ImportOptions::max_bytes`)",
                    text.len(),
                    options.max_bytes
                ),
            );
            continue;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match serde_json::from_str::<Json>(text) {
            Ok(v) => parsed.push((name.clone(), kind, v)),
            Err(e) => problems.0.push(crate::Problem {
                path: name.clone(),
                line: u32::try_from(e.line()).ok(),
                column: u32::try_from(e.column()).ok(),
                message: format!("not JSON: {e}"),
            }),
        }
    }
    if !parsed.iter().any(|(_, k, _)| *k == "objectives") {
        let names: Vec<String> = files.iter().map(|(n, _)| format!("`{n}`")).collect();
        problems.at(
            "",
            format!(
                "no objectives file (a `.json` file whose name contains `objectives`) among {}",
                if names.is_empty() {
                    "no files".to_owned()
                } else {
                    names.join(", ")
                }
            ),
        );
    }
    problems.into_result()?;
    let mut problems = Problems::default();
    let mut doc = Document {
        version: 1,
        ..Document::default()
    };
    let of = |kind: &'static str| parsed.iter().filter(move |(_, k, _)| *k == kind);

    // Time periods.
    let mut period_by_id: HashMap<String, String> = HashMap::new();
    for (name, _, v) in of("time periods") {
        for (i, rec) in items(name, v, &mut problems).into_iter().enumerate() {
            let at = format!("{name}[{i}]");
            let mut s = Src::new(rec);
            let Some(title) = s.text(&["Time Period Name", "Name", "Title"]) else {
                problems.at(&at, "a time period without `Time Period Name`".into());
                continue;
            };
            let start = s.get(&["Start Date", "Start"]);
            let end = s.get(&["End Date", "End"]);
            let (Some(start), Some(end)) = (start.and_then(date), end.and_then(date)) else {
                problems.at(
                    &at,
                    format!(
                        "time period `{title}` needs `Start Date` and `End Date` as `YYYY-MM-DD`"
                    ),
                );
                continue;
            };
            if let Some(id) = s.get(&["ID"]).and_then(id_of) {
                period_by_id.insert(id, title.clone());
            }
            let extra = s.rest(&mut summary);
            if !doc.cycles.iter().any(|c| c.id.0 == title) {
                doc.cycles.push(Cycle {
                    id: CycleId(title),
                    start,
                    end,
                    name: None,
                    extra,
                });
            }
        }
    }

    // Users.
    let mut person_by: HashMap<String, String> = HashMap::new();
    for (name, _, v) in of("users") {
        for rec in items(name, v, &mut problems) {
            let mut s = Src::new(rec);
            let vid = s.get(&["ID"]).and_then(id_of);
            let email = s.text(&["Email", "Mail"]);
            let display = s.text(&["Name", "Display Name"]);
            let id = email
                .clone()
                .or_else(|| vid.as_ref().map(|i| format!("user-{i}")))
                .or_else(|| display.clone());
            let Some(id) = id else { continue };
            for key in [vid, email, display.clone()].into_iter().flatten() {
                person_by.entry(key).or_insert_with(|| id.clone());
            }
            let extra = s.rest(&mut summary);
            if !doc.people.iter().any(|p| p.id.0 == id) {
                doc.people.push(Person {
                    id: PersonId(id),
                    name: display,
                    team: None,
                    capacity_hours: None,
                    extra,
                });
            }
        }
    }

    // Teams (parents resolved after all are read).
    let mut team_by: HashMap<String, String> = HashMap::new();
    let mut team_parent: Vec<Option<String>> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (name, _, v) in of("teams") {
        for rec in items(name, v, &mut problems) {
            let mut s = Src::new(rec);
            let vid = s.get(&["ID"]).and_then(id_of);
            let Some(title) = s.text(&["Team Name", "Name"]) else {
                continue;
            };
            let id = unique(slug(&title), &mut taken);
            for key in [vid, Some(title.clone())].into_iter().flatten() {
                team_by.entry(key).or_insert_with(|| id.clone());
            }
            team_parent.push(s.get(&["Parent Team", "Parent"]).and_then(|p| match p {
                Json::Object(_) => {
                    id_of(p).or_else(|| p.get("Name").and_then(Json::as_str).map(str::to_owned))
                }
                other => id_of(other),
            }));
            let extra = s.rest(&mut summary);
            doc.teams.push(Team {
                id: TeamId(id),
                name: Some(title),
                parent: None,
                extra,
            });
        }
    }
    for (t, p) in doc.teams.iter_mut().zip(team_parent) {
        if let Some(p) = p {
            match team_by.get(&p) {
                Some(id) => t.parent = Some(TeamId(id.clone())),
                None => {
                    t.extra
                        .insert("Parent Team".into(), Json::String(p.clone()));
                    summary.note(format!(
                        "team `{}`: its parent team `{p}` is not in the export; kept in `extra`",
                        t.id
                    ));
                }
            }
        }
    }

    // Objectives file: first pass, ids and kinds.
    let mut records: Vec<(String, &Map<String, Json>)> = Vec::new();
    for (name, _, v) in of("objectives") {
        for (i, rec) in items(name, v, &mut problems).into_iter().enumerate() {
            records.push((format!("{name}[{i}]"), rec));
        }
    }
    if records.len() > options.max_rows {
        return Err(LoadError::single(format!(
            "{} records, more than the limit of {} (raise `ImportOptions::max_rows`)",
            records.len(),
            options.max_rows
        )));
    }
    let mut kind_of: HashMap<String, Kind> = HashMap::new();
    let mut parents_of: HashMap<String, Vec<(String, Option<f64>)>> = HashMap::new();
    let mut first_at: HashMap<String, String> = HashMap::new();
    let mut keep = Vec::new();
    for (at, rec) in &records {
        let mut s = Src::new(rec);
        let Some(id) = s.get(&["ID"]).and_then(id_of) else {
            problems.at(
                &format!("{at}.ID"),
                "missing: every record needs its `ID`".into(),
            );
            continue;
        };
        if let Some(first) = first_at.get(&id) {
            problems.at(
                &format!("{at}.ID"),
                format!("`{id}` is already the id of `{first}`"),
            );
            continue;
        }
        first_at.insert(id.clone(), at.clone());
        let ty = s.text(&["Type", "OKR Type"]).unwrap_or_default();
        let kind = match norm(&ty).as_str() {
            "bigrock" | "objective" => Kind::Objective,
            "kpi" | "keyresult" | "kr" => Kind::KeyResult,
            "project" | "initiative" => Kind::Project,
            _ => {
                summary.skip(
                    at.clone(),
                    format!("`Type` `{ty}` is none of `Big rock`, `Kpi`, `Project`"),
                );
                continue;
            }
        };
        let mut parents = Vec::new();
        if let Some(Json::Array(al)) = s.get(&["Alignment", "Alignments"]) {
            for a in al {
                if let Some(pid) = id_of(a) {
                    let w = a
                        .as_object()
                        .and_then(|o| o.iter().find(|(k, _)| norm(k) == "weight"))
                        .and_then(|(_, w)| number(w));
                    parents.push((pid, w));
                }
            }
        }
        if parents.is_empty() {
            match s.get(&["Parent IDs", "Parent ID", "Parent"]) {
                Some(Json::Array(ps)) => {
                    parents.extend(ps.iter().filter_map(id_of).map(|p| (p, None)))
                }
                Some(other) => parents.extend(id_of(other).map(|p| (p, None))),
                None => {}
            }
        }
        kind_of.insert(id.clone(), kind);
        parents_of.insert(id.clone(), parents);
        keep.push((at.clone(), *rec, id, kind));
    }
    // The objective a key result or project belongs to: its first objective parent,
    // through key results and projects.
    let owner_objective = |id: &str| -> Option<String> {
        let mut cur = id.to_owned();
        for _ in 0..64 {
            let ps = parents_of.get(&cur)?;
            if let Some((p, _)) = ps
                .iter()
                .find(|(p, _)| kind_of.get(p) == Some(&Kind::Objective))
            {
                return Some(p.clone());
            }
            cur = ps.first()?.0.clone();
        }
        None
    };
    let mut has_objective_children: HashSet<String> = HashSet::new();
    for (_, _, id, kind) in &keep {
        if *kind == Kind::Objective {
            for (p, _) in parents_of.get(id).map(Vec::as_slice).unwrap_or_default() {
                has_objective_children.insert(p.clone());
            }
        }
    }
    // Check-ins by OKR ID.
    let mut check_ins: HashMap<String, Vec<(String, CheckIn, bool)>> = HashMap::new();
    for (name, _, v) in of("check-ins") {
        for (i, rec) in items(name, v, &mut problems).into_iter().enumerate() {
            let at = format!("{name}[{i}]");
            let mut s = Src::new(rec);
            let Some(okr) = s.get(&["OKR ID", "OKRID", "Objective ID"]).and_then(id_of) else {
                problems.at(
                    &format!("{at}.OKR ID"),
                    "missing: which objective or key result is this check-in of?".into(),
                );
                continue;
            };
            let when = s.get(&["CheckIn Date", "Check-in Date", "Check In Date", "Date"]);
            let Some(when) = when.and_then(date) else {
                problems.at(
                    &format!("{at}.CheckIn Date"),
                    format!(
                        "missing or not a date: {}",
                        when.map_or("nothing".into(), |w| format!("`{w}`"))
                    ),
                );
                continue;
            };
            let value = s.get(&["Current Value", "Value"]);
            let Some(value) = value.map(|v| (v, number(v))) else {
                summary.skip(
                    at,
                    "a check-in without `Current Value` (a status update only)",
                );
                continue;
            };
            let (raw, Some(value)) = value else {
                problems.at(
                    &format!("{at}.Current Value"),
                    format!("`{}` is not a number", value.0),
                );
                continue;
            };
            let _ = raw;
            let mut ci = CheckIn::new(when, value);
            ci.note = match s.get(&["Check In Note", "Note"]) {
                Some(Json::String(n)) => Some(n.clone()).filter(|n| !n.is_empty()),
                Some(Json::Object(o)) => o
                    .iter()
                    .find(|(k, _)| norm(k) == "checkinnote")
                    .and_then(|(_, v)| v.as_str())
                    .map(str::to_owned)
                    .filter(|n| !n.is_empty()),
                _ => None,
            };
            s.mark(&["Check In Note HTML"]);
            ci.extra = s.rest(&mut summary);
            check_ins.entry(okr).or_default().push((at, ci, false));
        }
    }

    // Second pass: the entities.
    let mut krs: Vec<(String, KeyResult)> = Vec::new();
    let mut projects: Vec<(String, Initiative)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (at, rec, id, kind) in &keep {
        let mut s = Src::new(rec);
        s.mark(&[
            "ID",
            "Type",
            "OKR Type",
            "Alignment",
            "Alignments",
            "Parent IDs",
            "Parent ID",
            "Parent",
            "Children",
        ]);
        let Some(title) = s.text(&["Title", "Name"]) else {
            problems.at(&format!("{at}.Title"), "missing".into());
            continue;
        };
        let owners: Vec<PersonId> = match s.get(&["Owner", "Owners"]) {
            Some(Json::Array(os)) => os
                .iter()
                .filter_map(|o| person(o, &mut person_by, &mut doc.people))
                .collect(),
            Some(o) => person(o, &mut person_by, &mut doc.people)
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let mut team_list: Vec<String> = match s.get(&["Teams", "Team"]) {
            Some(Json::Array(ts)) => ts
                .iter()
                .filter_map(|t| team(t, &mut team_by, &mut doc.teams))
                .collect(),
            Some(t) => team(t, &mut team_by, &mut doc.teams).into_iter().collect(),
            None => Vec::new(),
        };
        let start_date = s.get(&["Start Date"]).and_then(date);
        let end_date = s.get(&["End Date"]).and_then(date);
        match kind {
            Kind::Project => {
                let mut extra = s.rest(&mut summary);
                if let Some(o) = rec
                    .iter()
                    .find(|(k, _)| matches!(norm(k).as_str(), "owner" | "owners"))
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.is_null())
                {
                    extra.insert("Owner".into(), o);
                    summary.kept("Owner");
                }
                if team_list.len() > 1 {
                    extra.insert("Teams".into(), Json::from(team_list.clone()));
                }
                let init = Initiative {
                    id: InitiativeId(id.clone()),
                    title,
                    team: team_list.first().cloned().map(TeamId),
                    extra,
                };
                projects.push((id.clone(), init));
            }
            Kind::Objective => {
                let period = s.get(&["Time Period", "TimePeriod", "Period"]);
                let cycle = period.and_then(|p| {
                    let pid = if p.is_object() {
                        p.get("ID").and_then(id_of)
                    } else {
                        None
                    };
                    pid.and_then(|i| period_by_id.get(&i).cloned())
                        .or_else(|| match p {
                            Json::Object(o) => o
                                .iter()
                                .find(|(k, _)| norm(k) == "name")
                                .and_then(|(_, v)| v.as_str())
                                .map(str::to_owned),
                            Json::String(x) => Some(x.clone()),
                            other => id_of(other).and_then(|i| period_by_id.get(&i).cloned()),
                        })
                });
                let Some(cycle) = cycle else {
                    problems.at(
                        &format!("{at}.Time Period"),
                        format!("objective `{id}` has no `Time Period`"),
                    );
                    continue;
                };
                if doc.cycle(&cycle).is_none() {
                    let dates = period_dates(&cycle, options.fiscal_year_start)
                        .or(start_date.zip(end_date));
                    match dates {
                        Some((a, b)) => {
                            summary.note(format!("time period `{cycle}` is not in the time periods file: dates from its name or the objectives' dates"));
                            doc.cycles.push(Cycle {
                                id: CycleId(cycle.clone()),
                                start: a,
                                end: b,
                                name: None,
                                extra: Extra::new(),
                            });
                        }
                        None => summary.note(format!(
                            "time period `{cycle}` has no dates: add the cycle by hand"
                        )),
                    }
                }
                let config = s.text(&["Progress and Status Configuration"]).or_else(|| {
                    rec.iter()
                        .find(|(k, _)| norm(k) == "progressandstatusconfiguration")
                        .and_then(|(_, v)| v.get("Progress"))
                        .and_then(Json::as_str)
                        .map(str::to_owned)
                });
                let rolled_up = config
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase().contains("child"));
                let progress = s.get(&["Progress"]).cloned();
                let goal_type = s.text(&["Goal Type"]);
                let (commitment, odd_goal_type) = match goal_type.as_deref().map(norm).as_deref() {
                    Some("committed") => (Commitment::Committed, None),
                    Some("aspirational") | None => (Commitment::Aspirational, None),
                    Some(_) => (Commitment::Aspirational, goal_type.clone()),
                };
                let mut aligns_to = Vec::new();
                let mut other_parents = Vec::new();
                for (p, w) in parents_of.get(id).map(Vec::as_slice).unwrap_or_default() {
                    match kind_of.get(p) {
                        Some(Kind::Objective) => {
                            let mut l = Link::to(p.as_str());
                            l.weight = w.unwrap_or(1.0);
                            aligns_to.push(l);
                        }
                        _ => other_parents.push(Json::String(p.clone())),
                    }
                }
                let mut rollup = None;
                if rolled_up && has_objective_children.contains(id) {
                    rollup = Some(RollupMode::Children);
                }
                let mut overrides = Vec::new();
                for (cat, ci, _) in check_ins.remove(id).unwrap_or_default() {
                    if rolled_up {
                        summary.skip(cat, format!("a check-in of objective `{id}`, whose progress is rolled up from its children"));
                    } else {
                        overrides.push(Override {
                            score: ci.value.as_f64() / 100.0,
                            date: ci.date,
                            reason: ci.note.clone(),
                            extra: ci.extra,
                        });
                    }
                }
                let mut extra = s.rest(&mut summary);
                if let Some(p) = progress {
                    extra.insert("Progress".into(), p);
                    summary.kept("Progress");
                }
                if let Some(c) = &config {
                    extra.insert(
                        "Progress and Status Configuration".into(),
                        rec.iter()
                            .find(|(k, _)| norm(k) == "progressandstatusconfiguration")
                            .map(|(_, v)| v.clone())
                            .unwrap_or(Json::String(c.clone())),
                    );
                    summary.kept("Progress and Status Configuration");
                }
                if !other_parents.is_empty() {
                    extra.insert("Parent IDs".into(), Json::Array(other_parents));
                    summary.note(format!("objective `{id}` aligns to a key result or project: kept in `extra`, not as a link"));
                }
                if let Some(g) = odd_goal_type {
                    extra.insert("Goal Type".into(), Json::String(g));
                    summary.kept("Goal Type");
                }
                if team_list.len() > 1 {
                    extra.insert("Teams".into(), Json::from(team_list.clone()));
                }
                for (field, d) in [("Start Date", start_date), ("End Date", end_date)] {
                    if let Some(d) = d {
                        extra.insert(field.into(), Json::String(d.to_string()));
                        summary.kept(field);
                    }
                }
                index.insert(id.clone(), doc.objectives.len());
                doc.objectives.push(Objective {
                    id: ObjectiveId(id.clone()),
                    title,
                    cycle: CycleId(cycle),
                    level: String::new(),
                    owners,
                    team: team_list.drain(..).next().map(TeamId),
                    themes: Vec::new(),
                    initiatives: Vec::new(),
                    aligns_to,
                    rollup,
                    blend: None,
                    overrides,
                    effort_hours: None,
                    commitment,
                    key_results: Vec::new(),
                    extra,
                });
            }
            Kind::KeyResult => {
                let outcome = s.get(&["Outcome"]).and_then(Json::as_object);
                let mut out = outcome.map(Src::new);
                let (kind, percent) = match out.as_mut() {
                    None => (
                        KrKind::Metric {
                            start: 0.0,
                            target: 100.0,
                            unit: Some("%".into()),
                        },
                        true,
                    ),
                    Some(o) => {
                        let ty = o
                            .text(&["Outcome Type", "Type"])
                            .map(|t| norm(&t))
                            .unwrap_or_default();
                        let unit = o.text(&["Metric Unit", "Unit"]);
                        let start = o.get(&["Start", "Start Value"]).and_then(number);
                        let target = o.get(&["Target", "Target Value"]).and_then(number);
                        let target_type = o
                            .text(&["Target Type"])
                            .map(|t| t.to_lowercase())
                            .unwrap_or_default();
                        o.mark(&["Metric Name"]);
                        if ty == "metric" {
                            let Some(target) = target else {
                                problems.at(&format!("{at}.Outcome.Target"), format!("key result `{id}`: a metric outcome without a `Target` number"));
                                continue;
                            };
                            let threshold = ["above", "at least", "below", "at most"]
                                .iter()
                                .any(|w| target_type.contains(w));
                            if threshold {
                                // A threshold has no start: the outcome's start stays in `extra`.
                                o.used
                                    .retain(|k| norm(k) != "start" && norm(k) != "startvalue");
                            }
                            let kind = if target_type.contains("above")
                                || target_type.contains("at least")
                            {
                                KrKind::Threshold {
                                    threshold: target,
                                    direction: Direction::AtLeast,
                                    unit,
                                }
                            } else if target_type.contains("below")
                                || target_type.contains("at most")
                            {
                                KrKind::Threshold {
                                    threshold: target,
                                    direction: Direction::AtMost,
                                    unit,
                                }
                            } else {
                                KrKind::Metric {
                                    start: start.unwrap_or(0.0),
                                    target,
                                    unit,
                                }
                            };
                            (kind, false)
                        } else {
                            if ty != "percentage" && !ty.is_empty() {
                                summary.note(format!(
                                    "outcome type `{ty}` is read as a percentage from 0 to 100"
                                ));
                            }
                            (
                                KrKind::Metric {
                                    start: start.unwrap_or(0.0),
                                    target: target.unwrap_or(100.0),
                                    unit: Some(unit.unwrap_or_else(|| "%".into())),
                                },
                                true,
                            )
                        }
                    }
                };
                let _ = percent;
                let progress_raw = s.get(&["Progress", "Current Value"]).cloned();
                let progress = progress_raw.as_ref().and_then(number);
                let last = s
                    .get(&["Last Check-in", "Last Checkin", "Last Check In"])
                    .and_then(date);
                let mut plan = BTreeMap::new();
                if let Some(pt) = s.get(&["Phased Targets"]) {
                    let list = match pt {
                        Json::Array(a) => Some(a),
                        Json::Object(o) => o
                            .iter()
                            .find(|(k, _)| norm(k) == "phasedtargets")
                            .and_then(|(_, v)| v.as_array()),
                        _ => None,
                    };
                    for (j, t) in list
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                    {
                        let mut ts = t.as_object().map(Src::new);
                        let v = ts
                            .as_mut()
                            .and_then(|t| t.get(&["Target Value", "Value", "Target"]))
                            .and_then(number);
                        let d = ts
                            .as_mut()
                            .and_then(|t| t.get(&["Target Date", "Date"]))
                            .and_then(date);
                        match (d, v) {
                            (Some(d), Some(v)) => {
                                plan.insert(d, v);
                            }
                            _ => problems.at(
                                &format!("{at}.Phased Targets[{j}]"),
                                "expected `Target Value` (a number) and `Target Date` (a date)"
                                    .into(),
                            ),
                        }
                    }
                }
                let mut extra = s.rest(&mut summary);
                if !team_list.is_empty() {
                    extra.insert("Teams".into(), Json::from(team_list.clone()));
                    summary.kept("Teams");
                }
                if let Some(d) = start_date {
                    extra.insert("Start Date".into(), Json::String(d.to_string()));
                    summary.kept("Start Date");
                }
                if let Some(Json::Object(pt)) = rec
                    .iter()
                    .find(|(k, _)| norm(k) == "phasedtargets")
                    .map(|(_, v)| v)
                {
                    let rest: Map<String, Json> = pt
                        .iter()
                        .filter(|(k, v)| norm(k) != "phasedtargets" && !v.is_null())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    if !rest.is_empty() {
                        extra.insert("Phased Targets".into(), Json::Object(rest));
                        summary.kept("Phased Targets");
                    }
                }
                if let Some(o) = &out {
                    let rest = o.rest(&mut summary);
                    if !rest.is_empty() {
                        extra.insert("Outcome".into(), Json::Object(rest.into_map()));
                    }
                }
                let mut cis: Vec<CheckIn> = check_ins
                    .remove(id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, c, _)| c)
                    .collect();
                if cis.is_empty() {
                    if let Some(p) = progress {
                        let when = last.unwrap_or(options.today);
                        cis.push(CheckIn::new(when, p));
                        summary.note("key results without check-ins get one check-in of their `Progress`, dated `Last Check-in` (or the import date)");
                    }
                }
                cis.sort_by_key(|c| c.date);
                if let Some(p) = progress_raw {
                    extra.insert("Progress".into(), p);
                    summary.kept("Progress");
                }
                let kr = KeyResult {
                    id: KeyResultId(id.clone()),
                    title,
                    kind,
                    weight: 1.0,
                    owners,
                    initiatives: Vec::new(),
                    due: end_date,
                    plan,
                    dropped: None,
                    check_ins: cis,
                    extra,
                };
                krs.push((id.clone(), kr));
            }
        }
    }
    for (id, kr) in krs {
        match owner_objective(&id).and_then(|o| index.get(&o).copied()) {
            Some(oi) => {
                if let Some(o) = doc.objectives.get_mut(oi) {
                    o.key_results.push(kr);
                }
            }
            None => summary.skip(
                first_at.get(&id).cloned().unwrap_or_default(),
                format!("key result `{id}` has no objective among its parents"),
            ),
        }
    }
    for (id, init) in projects {
        if let Some(oi) = owner_objective(&id).and_then(|o| index.get(&o).copied()) {
            if let Some(o) = doc.objectives.get_mut(oi) {
                o.initiatives.push(init.id.clone());
            }
        }
        doc.initiatives.push(init);
    }
    for (okr, list) in check_ins {
        for (at, _, _) in list {
            summary.skip(
                at,
                format!("a check-in of `{okr}`, which is not an imported objective or key result"),
            );
        }
    }
    problems.into_result()?;
    levels_by_depth(&mut doc);
    summary.count("cycles", doc.cycles.len());
    summary.count("teams", doc.teams.len());
    summary.count("people", doc.people.len());
    summary.count("objectives", doc.objectives.len());
    summary.count("key results", doc.key_results().count());
    summary.count("initiatives", doc.initiatives.len());
    summary.count(
        "check-ins",
        doc.key_results().map(|(_, k)| k.check_ins.len()).sum(),
    );
    let overrides: usize = doc.objectives.iter().map(|o| o.overrides.len()).sum();
    if overrides > 0 {
        summary.count("overrides", overrides);
    }
    Ok(Imported {
        document: doc,
        summary,
    })
}

fn person(
    v: &Json,
    by: &mut HashMap<String, String>,
    people: &mut Vec<Person>,
) -> Option<PersonId> {
    let keys: Vec<String> = match v {
        Json::Object(o) => ["ID", "Email", "Name"]
            .iter()
            .filter_map(|k| {
                o.iter()
                    .find(|(ok, _)| norm(ok) == norm(k))
                    .and_then(|(_, v)| id_of(v))
            })
            .collect(),
        other => id_of(other).into_iter().collect(),
    };
    if let Some(id) = keys.iter().find_map(|k| by.get(k)) {
        return Some(PersonId(id.clone()));
    }
    // Not in the users file: a person of its own.
    let (email, name) = match v {
        Json::Object(o) => (
            o.iter()
                .find(|(k, _)| norm(k) == "email")
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned),
            o.iter()
                .find(|(k, _)| norm(k) == "name")
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned),
        ),
        _ => (None, None),
    };
    let id = email.or_else(|| {
        keys.first().map(|k| {
            if k.chars().all(|c| c.is_ascii_digit()) {
                format!("user-{k}")
            } else {
                k.clone()
            }
        })
    })?;
    for k in keys {
        by.insert(k, id.clone());
    }
    people.push(Person {
        id: PersonId(id.clone()),
        name,
        team: None,
        capacity_hours: None,
        extra: Extra::new(),
    });
    Some(PersonId(id))
}

fn team(v: &Json, by: &mut HashMap<String, String>, teams: &mut Vec<Team>) -> Option<String> {
    let keys: Vec<String> = match v {
        Json::Object(o) => ["ID", "Name", "Team Name"]
            .iter()
            .filter_map(|k| {
                o.iter()
                    .find(|(ok, _)| norm(ok) == norm(k))
                    .and_then(|(_, v)| id_of(v))
            })
            .collect(),
        other => id_of(other).into_iter().collect(),
    };
    if let Some(id) = keys.iter().find_map(|k| by.get(k)) {
        return Some(id.clone());
    }
    // Not in the teams file: a team of its own.
    let name = keys.last()?.clone();
    let id = slug(&name);
    for k in keys {
        by.insert(k, id.clone());
    }
    if !teams.iter().any(|t| t.id.0 == id) {
        teams.push(Team {
            id: TeamId(id.clone()),
            name: Some(name),
            parent: None,
            extra: Extra::new(),
        });
    }
    Some(id)
}
