//! The crate's layout: its top-level modules (one per stage: model, load, save, score,
//! check, analysis, render, export, …) import one another without a circle, so that each
//! stage can be read knowing only the stages below it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules named by `crate::name` in a text, outside comments.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Module → the other top-level modules it imports (the binary and the crate root are
/// left out: the root only re-exports).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "bin" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let refs = modules.entry(module.clone()).or_default();
        refs.extend(crate_references(&text).into_iter().filter(|m| *m != module));
    }
    // References to root re-exports (`crate::Document`) are not module edges.
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    for refs in modules.values_mut() {
        refs.retain(|m| names.contains(m));
    }
    modules
}

/// A circle of the graph, if there is one (depth-first search with colours).
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|p| p == next).unwrap();
                    let mut circle = path[start..].to_vec();
                    circle.push(next.clone());
                    return Some(circle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_circle_finder_finds_a_circle_and_accepts_a_chain() {
    let g = |edges: &[(&str, &str)]| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            m.entry(a.to_string()).or_default().insert(b.to_string());
            m.entry(b.to_string()).or_default();
        }
        m
    };
    assert_eq!(find_circle(&g(&[("a", "b"), ("b", "c")])), None);
    assert_eq!(
        find_circle(&g(&[("a", "b"), ("b", "c"), ("c", "b")])),
        Some(vec!["b".into(), "c".into(), "b".into()])
    );
    assert_eq!(
        crate_references("use crate::model::X; // crate::policy\nlet y = crate::Document::new();"),
        ["Document".to_string(), "model".to_string()].into()
    );
}

#[test]
fn top_level_modules_import_each_other_without_a_circle() {
    let graph = module_graph();
    for stage in [
        "model", "load", "score", "check", "analysis", "render", "export",
    ] {
        assert!(
            graph.contains_key(stage),
            "no module `{stage}` in {graph:?}"
        );
    }
    if let Some(circle) = find_circle(&graph) {
        panic!(
            "the top-level modules import each other in a circle: {}",
            circle.join(" → ")
        );
    }
}

#[test]
fn the_model_and_the_policy_are_data_and_import_no_stage() {
    let graph = module_graph();
    for data in ["model", "policy"] {
        let stages: Vec<&String> = graph[data]
            .iter()
            .filter(|m| {
                [
                    "load", "save", "score", "check", "analysis", "render", "export",
                ]
                .contains(&m.as_str())
            })
            .collect();
        assert!(stages.is_empty(), "`{data}` imports {stages:?}");
    }
}
