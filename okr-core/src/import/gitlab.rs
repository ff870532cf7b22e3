//! `okr import gitlab`: GitLab OKRs from the JSON of a GraphQL `workItems` query.

use super::{levels_by_depth, parse_date, ImportOptions, Imported, Problems, Summary};
use crate::{
    CheckIn, Cycle, CycleId, Document, Extra, KeyResult, KeyResultId, KrKind, Link, LoadError,
    Objective, ObjectiveId, Person, PersonId,
};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

/// The GraphQL query whose answer [`gitlab`] reads (one page of 100 work items; `glab api
/// graphql --paginate` fetches every page). Run it with
/// `glab api graphql --paginate -F path=GROUP/PROJECT -f query="$(cat query.graphql)"`, or
/// with `group(fullPath: $path)` instead of `project(…)` for a group's OKRs.
pub const GITLAB_QUERY: &str = r#"query($path: ID!, $endCursor: String) {
  project(fullPath: $path) {
    workItems(types: [OBJECTIVE, KEY_RESULT], first: 100, after: $endCursor) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id iid title state webUrl createdAt closedAt
        workItemType { name }
        widgets {
          type
          ... on WorkItemWidgetProgress { progress startValue currentValue endValue updatedAt }
          ... on WorkItemWidgetHierarchy { parent { id } }
          ... on WorkItemWidgetHealthStatus { healthStatus }
          ... on WorkItemWidgetStartAndDueDate { startDate dueDate }
          ... on WorkItemWidgetAssignees { assignees { nodes { username name } } }
          ... on WorkItemWidgetMilestone { milestone { id title startDate dueDate } }
        }
      }
    }
  }
}"#;

/// The number at the end of a global id (`gid://gitlab/WorkItem/650` → `650`).
fn short_id(gid: &str) -> String {
    gid.rsplit('/').next().unwrap_or(gid).to_owned()
}

/// Collects the work-item nodes of a value: a response `{data: {project|group|namespace:
/// {workItems: {nodes}}}}`, a list of responses (pages), a list of nodes, or one node.
fn collect_nodes<'a>(
    value: &'a Json,
    path: String,
    out: &mut Vec<(String, &'a Map<String, Json>)>,
    problems: &mut Problems,
) {
    match value {
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_nodes(item, format!("{path}[{i}]"), out, problems);
            }
        }
        Json::Object(map) => {
            if let Some(data) = map.get("data") {
                let Some(data) = data.as_object() else {
                    problems.at(&format!("{path}.data"), "expected an object".into());
                    return;
                };
                let mut found = false;
                for owner in ["project", "group", "namespace"] {
                    if let Some(wi) = data.get(owner).and_then(|o| o.get("workItems")) {
                        found = true;
                        let p = format!(
                            "{}{owner}.workItems.nodes",
                            if path.is_empty() {
                                "data.".to_owned()
                            } else {
                                format!("{path}.data.")
                            }
                        );
                        match wi.get("nodes") {
                            Some(Json::Array(nodes)) => {
                                for (i, n) in nodes.iter().enumerate() {
                                    match n.as_object() {
                                        Some(o) => out.push((format!("{p}[{i}]"), o)),
                                        None => problems.at(
                                            &format!("{p}[{i}]"),
                                            "expected a work item (an object)".into(),
                                        ),
                                    }
                                }
                            }
                            _ => problems.at(&p, "expected a list of work items".into()),
                        }
                    }
                }
                if !found {
                    let p = if path.is_empty() {
                        "data".to_owned()
                    } else {
                        format!("{path}.data")
                    };
                    let msg = if let Some(errors) = map.get("errors") {
                        format!("the response holds no work items; GitLab answered with errors: {errors}")
                    } else {
                        "no `project.workItems` or `group.workItems`: is this the answer to the query of `okr import gitlab --help`?".into()
                    };
                    problems.at(&p, msg);
                }
            } else if map.contains_key("workItemType") || map.contains_key("widgets") {
                out.push((path, map));
            } else if let Some(Json::Array(nodes)) = map.get("nodes") {
                for (i, n) in nodes.iter().enumerate() {
                    if let Some(o) = n.as_object() {
                        out.push((format!("{path}.nodes[{i}]"), o));
                    }
                }
            } else {
                problems.at(
                    if path.is_empty() { "" } else { &path },
                    "expected a GraphQL response (`data`), a list of pages or a list of work items"
                        .into(),
                );
            }
        }
        _ => problems.at(
            &path,
            "expected a GraphQL response, a list of pages or a list of work items".into(),
        ),
    }
}

struct Item<'a> {
    path: String,
    id: String,
    title: String,
    is_objective: bool,
    parent: Option<String>,
    progress: Option<&'a Map<String, Json>>,
    milestone: Option<&'a Map<String, Json>>,
    start_date: Option<chrono::NaiveDate>,
    due_date: Option<chrono::NaiveDate>,
    assignees: Vec<(String, Option<String>)>,
    extra: Extra,
}

fn num(v: Option<&Json>) -> Option<f64> {
    match v? {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads GitLab OKRs from the JSON of a GraphQL `workItems` query (SPEC §11): one
/// response `{"data": {"project": {"workItems": {"nodes": […]}}}}` (or `group`), a list
/// of such pages, pages one after another (what `glab api graphql --paginate` prints), a
/// bare list of nodes. [`GITLAB_QUERY`] is the query to run.
///
/// Work items of type `Objective` become objectives, `Key Result` key results of their
/// parent (the `HIERARCHY` widget): a `metric` from the `PROGRESS` widget's
/// `startValue` to `endValue` with one check-in of `currentValue` on `updatedAt` (without
/// start and end values, 0 to 100 with `progress`). Objectives align to their parent; the
/// `MILESTONE` widget gives the cycle (its title, start and due dates), else the
/// `START_AND_DUE_DATE` widget. Levels come from the depth in the hierarchy. `ASSIGNEES`
/// are owners. Everything else (`iid`, `webUrl`, `state`, `healthStatus`, an objective's
/// `progress`, other widgets) is kept in `extra` under its GraphQL name. Ids are the
/// numbers of the global ids.
pub fn gitlab(json: &str, options: &ImportOptions) -> Result<Imported, LoadError> {
    let mut problems = Problems::default();
    let mut summary = Summary::default();
    if json.len() > options.max_bytes {
        return Err(LoadError::single(format!(
            "the file is {} bytes, more than the limit of {} (raise `ImportOptions::max_bytes`)",
            json.len(),
            options.max_bytes
        )));
    }
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let mut values = Vec::new();
    for v in serde_json::Deserializer::from_str(json).into_iter::<Json>() {
        match v {
            Ok(v) => values.push(v),
            Err(e) => {
                return Err(LoadError {
                    source_name: None,
                    problems: vec![crate::Problem {
                        path: String::new(),
                        line: u32::try_from(e.line()).ok(),
                        column: u32::try_from(e.column()).ok(),
                        message: format!("not JSON: {e}"),
                    }],
                });
            }
        }
    }
    let mut nodes = Vec::new();
    if values.len() == 1 {
        if let Some(v) = values.first() {
            collect_nodes(v, String::new(), &mut nodes, &mut problems);
        }
    } else {
        for (i, v) in values.iter().enumerate() {
            collect_nodes(v, format!("[{i}]"), &mut nodes, &mut problems);
        }
    }
    if nodes.len() > options.max_rows {
        return Err(LoadError::single(format!(
            "{} work items, more than the limit of {} (raise `ImportOptions::max_rows`)",
            nodes.len(),
            options.max_rows
        )));
    }
    let mut items = Vec::new();
    for (path, node) in &nodes {
        if let Some(item) = read_item(path, node, &mut problems, &mut summary) {
            items.push(item);
        }
    }
    problems.into_result()?;
    let mut problems = Problems::default();
    // Duplicate ids (a page fetched twice): keep the first.
    let mut seen: HashMap<String, String> = HashMap::new();
    items.retain(|it| {
        if let Some(first) = seen.get(&it.id) {
            problems.at(
                &it.path,
                format!("work item `{}` appears twice (first at `{first}`)", it.id),
            );
            false
        } else {
            seen.insert(it.id.clone(), it.path.clone());
            true
        }
    });
    problems.into_result()?;
    let kinds: HashMap<String, bool> = items
        .iter()
        .map(|i| (i.id.clone(), i.is_objective))
        .collect();
    let mut doc = Document {
        version: 1,
        ..Document::default()
    };
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut people: Vec<Person> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut pending_krs = Vec::new();
    for it in items {
        for (username, name) in &it.assignees {
            if !people.iter().any(|p| p.id.0 == *username) {
                people.push(Person {
                    id: PersonId(username.clone()),
                    name: name.clone(),
                    team: None,
                    capacity_hours: None,
                    extra: Extra::new(),
                });
            }
        }
        if !it.is_objective {
            pending_krs.push(it);
            continue;
        }
        let cycle = cycle_of(&it, &mut cycles, &mut summary);
        let mut extra = it.extra;
        let mut aligns_to = Vec::new();
        if let Some(p) = &it.parent {
            match kinds.get(p) {
                Some(true) => aligns_to.push(Link::to(p.as_str())),
                Some(false) => {
                    extra.insert("parent".into(), Json::String(p.clone()));
                    summary.kept("parent");
                    summary.note(format!("objective `{}` has the key result `{p}` as its parent: kept as `extra.parent`, not as a link", it.id));
                }
                None => {
                    extra.insert("parent".into(), Json::String(p.clone()));
                    summary.kept("parent");
                    summary.note(format!("objective `{}`: its parent `{p}` is not in the input; kept as `extra.parent`", it.id));
                }
            }
        }
        // GitLab computes an objective's progress from its children: kept for reference.
        if let Some(pw) = it.progress {
            let fields: Map<String, Json> = pw
                .iter()
                .filter(|(k, v)| *k != "type" && *k != "__typename" && !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !fields.is_empty() {
                extra.insert("PROGRESS".into(), Json::Object(fields));
                summary.kept("PROGRESS");
            }
        }
        if let Some(d) = it.start_date {
            extra.insert("startDate".into(), Json::String(d.to_string()));
            summary.kept("startDate");
        }
        if let Some(d) = it.due_date {
            extra.insert("dueDate".into(), Json::String(d.to_string()));
            summary.kept("dueDate");
        }
        index.insert(it.id.clone(), doc.objectives.len());
        doc.objectives.push(Objective {
            id: ObjectiveId(it.id),
            title: it.title,
            cycle,
            level: String::new(),
            owners: it.assignees.into_iter().map(|(u, _)| PersonId(u)).collect(),
            team: None,
            themes: Vec::new(),
            initiatives: Vec::new(),
            aligns_to,
            rollup: None,
            blend: None,
            overrides: Vec::new(),
            effort_hours: None,
            commitment: Default::default(),
            key_results: Vec::new(),
            extra,
        });
    }
    for it in pending_krs {
        let Some(&oi) = it.parent.as_ref().and_then(|p| index.get(p)) else {
            let reason = match &it.parent {
                Some(p) if kinds.get(p) == Some(&false) => format!(
                    "key result `{}` has the key result `{p}` as its parent, not an objective",
                    it.id
                ),
                Some(p) => format!(
                    "key result `{}`: its objective `{p}` is not in the input",
                    it.id
                ),
                None => format!("key result `{}` has no parent objective", it.id),
            };
            summary.skip(it.path.clone(), reason);
            continue;
        };
        let Some(o) = doc.objectives.get_mut(oi) else {
            continue;
        };
        let mut extra = it.extra;
        if let Some(d) = it.start_date {
            extra.insert("startDate".into(), Json::String(d.to_string()));
            summary.kept("startDate");
        }
        let (kind, check_ins) = match it.progress {
            Some(pw) => {
                let start = num(pw.get("startValue"));
                let end = num(pw.get("endValue"));
                let current = num(pw.get("currentValue"));
                let progress = num(pw.get("progress"));
                let date = pw
                    .get("updatedAt")
                    .and_then(Json::as_str)
                    .and_then(parse_date)
                    .unwrap_or(options.today);
                let (start, target, value) = match (start, end, current) {
                    (Some(s), Some(e), Some(c)) if s != e => (s, e, Some(c)),
                    _ => (0.0, 100.0, progress),
                };
                if pw.get("updatedAt").and_then(Json::as_str).is_none() && value.is_some() {
                    summary.note(format!(
                        "progress without `updatedAt` is a check-in of {}",
                        options.today
                    ));
                }
                (
                    KrKind::Metric {
                        start,
                        target,
                        unit: None,
                    },
                    value.map(|v| CheckIn::new(date, v)).into_iter().collect(),
                )
            }
            None => (
                KrKind::Metric {
                    start: 0.0,
                    target: 100.0,
                    unit: None,
                },
                Vec::new(),
            ),
        };
        o.key_results.push(KeyResult {
            id: KeyResultId(it.id),
            title: it.title,
            kind,
            weight: 1.0,
            owners: it.assignees.into_iter().map(|(u, _)| PersonId(u)).collect(),
            initiatives: Vec::new(),
            due: it.due_date,
            plan: BTreeMap::new(),
            dropped: None,
            check_ins,
            extra,
        });
    }
    doc.cycles = cycles;
    doc.people = people;
    levels_by_depth(&mut doc);
    summary.count("cycles", doc.cycles.len());
    summary.count("objectives", doc.objectives.len());
    summary.count("key results", doc.key_results().count());
    summary.count(
        "check-ins",
        doc.key_results().map(|(_, k)| k.check_ins.len()).sum(),
    );
    if !doc.people.is_empty() {
        summary.count("people", doc.people.len());
    }
    Ok(Imported {
        document: doc,
        summary,
    })
}

fn cycle_of(it: &Item<'_>, cycles: &mut Vec<Cycle>, summary: &mut Summary) -> CycleId {
    if let Some(m) = it.milestone {
        let title = m
            .get("title")
            .and_then(Json::as_str)
            .unwrap_or("milestone")
            .to_owned();
        let start = m
            .get("startDate")
            .and_then(Json::as_str)
            .and_then(parse_date);
        let due = m.get("dueDate").and_then(Json::as_str).and_then(parse_date);
        if !cycles.iter().any(|c| c.id.0 == title) {
            match (start, due) {
                (Some(start), Some(end)) => {
                    let mut extra = Extra::new();
                    if let Some(id) = m.get("id") {
                        extra.insert("id".into(), id.clone());
                    }
                    cycles.push(Cycle {
                        id: CycleId(title.clone()),
                        start,
                        end,
                        name: None,
                        extra,
                    });
                }
                _ => summary.note(format!(
                    "milestone `{title}` has no start or due date: add the cycle's dates by hand"
                )),
            }
        }
        return CycleId(title);
    }
    if let (Some(s), Some(e)) = (it.start_date, it.due_date) {
        let id = format!("{s}..{e}");
        if !cycles.iter().any(|c| c.id.0 == id) {
            cycles.push(Cycle {
                id: CycleId(id.clone()),
                start: s,
                end: e,
                name: None,
                extra: Extra::new(),
            });
        }
        summary.note("objectives without a milestone get a cycle from their start and due dates");
        return CycleId(id);
    }
    summary.note("objectives with neither a milestone nor start and due dates are in cycle `no-milestone`: add it by hand");
    CycleId("no-milestone".into())
}

fn read_item<'a>(
    path: &str,
    node: &'a Map<String, Json>,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Option<Item<'a>> {
    let type_name = node
        .get("workItemType")
        .and_then(|t| t.get("name"))
        .and_then(Json::as_str);
    let is_objective = match type_name {
        Some("Objective") => true,
        Some("Key Result" | "Key result" | "KeyResult") => false,
        Some(other) => {
            summary.skip(
                path,
                format!("a work item of type `{other}`, neither an objective nor a key result"),
            );
            return None;
        }
        None => {
            problems.at(
                &format!("{path}.workItemType.name"),
                "missing: add `workItemType { name }` to the query".into(),
            );
            return None;
        }
    };
    let Some(gid) = node.get("id").and_then(Json::as_str) else {
        problems.at(&format!("{path}.id"), "missing or not a string".into());
        return None;
    };
    let title = match node.get("title").and_then(Json::as_str) {
        Some(t) => t.to_owned(),
        None => {
            problems.at(&format!("{path}.title"), "missing or not a string".into());
            return None;
        }
    };
    let mut item = Item {
        path: path.to_owned(),
        id: short_id(gid),
        title,
        is_objective,
        parent: None,
        progress: None,
        milestone: None,
        start_date: None,
        due_date: None,
        assignees: Vec::new(),
        extra: Extra::new(),
    };
    item.extra
        .insert("gid".into(), Json::String(gid.to_owned()));
    for (k, v) in node {
        if matches!(
            k.as_str(),
            "id" | "title" | "workItemType" | "widgets" | "__typename"
        ) || v.is_null()
        {
            continue;
        }
        item.extra.insert(k.clone(), v.clone());
        summary.kept(k);
    }
    let widgets = match node.get("widgets") {
        Some(Json::Array(w)) => w.as_slice(),
        None | Some(Json::Null) => &[],
        Some(_) => {
            problems.at(
                &format!("{path}.widgets"),
                "expected a list of widgets".into(),
            );
            return None;
        }
    };
    for (i, w) in widgets.iter().enumerate() {
        let wpath = format!("{path}.widgets[{i}]");
        let Some(w) = w.as_object() else {
            problems.at(&wpath, "expected a widget (an object)".into());
            continue;
        };
        let Some(ty) = w.get("type").and_then(Json::as_str) else {
            // Widgets not asked for in the query carry only `__typename`.
            continue;
        };
        let fields: Map<String, Json> = w
            .iter()
            .filter(|(k, v)| *k != "type" && *k != "__typename" && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        match ty {
            "PROGRESS" => item.progress = Some(w),
            "HIERARCHY" => {
                item.parent = w
                    .get("parent")
                    .and_then(|p| p.get("id"))
                    .and_then(Json::as_str)
                    .map(short_id);
            }
            "MILESTONE" => item.milestone = w.get("milestone").and_then(Json::as_object),
            "START_AND_DUE_DATE" => {
                for (field, slot) in [
                    ("startDate", &mut item.start_date),
                    ("dueDate", &mut item.due_date),
                ] {
                    if let Some(v) = w.get(field).filter(|v| !v.is_null()) {
                        match v.as_str().and_then(parse_date) {
                            Some(d) => *slot = Some(d),
                            None => problems.at(
                                &format!("{wpath}.{field}"),
                                format!("`{v}` is not a date `YYYY-MM-DD`"),
                            ),
                        }
                    }
                }
            }
            "ASSIGNEES" => {
                let nodes = w
                    .get("assignees")
                    .and_then(|a| a.get("nodes").or(Some(a)))
                    .and_then(Json::as_array);
                for a in nodes.map(Vec::as_slice).unwrap_or_default() {
                    if let Some(u) = a.get("username").and_then(Json::as_str) {
                        item.assignees.push((
                            u.to_owned(),
                            a.get("name").and_then(Json::as_str).map(str::to_owned),
                        ));
                    }
                }
            }
            "HEALTH_STATUS" => {
                if let Some(h) = w.get("healthStatus").filter(|v| !v.is_null()) {
                    item.extra.insert("healthStatus".into(), h.clone());
                    summary.kept("healthStatus");
                }
            }
            other => {
                if !fields.is_empty() {
                    item.extra.insert(other.to_owned(), Json::Object(fields));
                    summary.kept(other);
                }
            }
        }
    }
    if let Some(p) = item.progress {
        for field in ["progress", "startValue", "currentValue", "endValue"] {
            if let Some(v) = p.get(field).filter(|v| !v.is_null()) {
                if num(Some(v)).is_none() {
                    problems.at(
                        &format!("{path}.widgets.{field}"),
                        format!("`{v}` is not a number"),
                    );
                }
            }
        }
        if let Some(u) = p.get("updatedAt").filter(|v| !v.is_null()) {
            if u.as_str().and_then(parse_date).is_none() {
                problems.at(
                    &format!("{path}.widgets.updatedAt"),
                    format!("`{u}` is not a date"),
                );
            }
        }
    }
    Some(item)
}
