//! The alignment graph: ids interned to dense indices, CSR adjacency in both directions and
//! a precomputed topological order.
//!
//! The graph is built once per document in O(V + E). Cycle detection and ordering use
//! petgraph's iterative algorithms (`toposort`, and `kosaraju_scc` only when the links
//! contain a cycle), so a chain of a million alignments never touches the call stack.
//! Objectives on a cycle are left out of the order: scoring treats them as unscored.
//! Graph indices never leave the crate.

use crate::hash::HashMap;
use crate::model::{Document, KeyResult};
use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use std::hash::BuildHasher as _;

/// "No index".
pub(crate) const NONE: u32 = u32::MAX;

/// One alignment link, seen from either end.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    /// The objective at the other end.
    pub node: u32,
    /// The link weight; invalid weights (negative, non-finite) count as 0.
    pub weight: f64,
    /// Whether the child's progress counts in the parent.
    pub contributes: bool,
}

/// Compressed adjacency lists: the edges of node `i` are `edges[start[i]..start[i + 1]]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Csr {
    start: Vec<u32>,
    edges: Vec<Edge>,
}

impl Csr {
    fn from_pairs(n: usize, pairs: &mut [(u32, Edge)]) -> Csr {
        // Stable sort keeps document order within each node's list.
        pairs.sort_by_key(|(from, _)| *from);
        let mut start = vec![0u32; n + 1];
        for (from, _) in pairs.iter() {
            if let Some(s) = start.get_mut(*from as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            let prev = start.get(i).copied().unwrap_or(0);
            if let Some(s) = start.get_mut(i + 1) {
                *s += prev;
            }
        }
        Csr {
            start,
            edges: pairs.iter().map(|(_, e)| *e).collect(),
        }
    }

    /// The edges of node `i`.
    pub(crate) fn of(&self, i: u32) -> &[Edge] {
        let i = i as usize;
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.edges.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Id → dense index, storing only the indices (4 bytes an entry plus the table's slack):
/// the ids stay in the document and are read back through a `key` function to compare.
/// A million-objective document has four million ids; copying them into the map would
/// cost some 300 bytes an objective.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl IdIndex {
    fn with_capacity(n: usize) -> IdIndex {
        IdIndex {
            table: hashbrown::HashTable::with_capacity(n),
            hasher: Default::default(),
        }
    }

    /// Records index `i` for `id` unless the id is there already (the first wins).
    /// `key(j)` is the id of an index already recorded.
    fn insert_first<'a>(&mut self, id: &str, i: u32, key: impl Fn(u32) -> Option<&'a str>) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(id);
        let rehash = |&j: &u32| key(j).map_or(0, |k| hasher.hash_one(k));
        if let hashbrown::hash_table::Entry::Vacant(slot) =
            self.table.entry(hash, |&j| key(j) == Some(id), rehash)
        {
            slot.insert(i);
        }
    }

    /// The index recorded for `id`.
    fn get<'a>(&self, id: &str, key: impl Fn(u32) -> Option<&'a str>) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&j| key(j) == Some(id)).copied()
    }
}

/// The key result at flat index `k`, given the key-result layout.
fn kr_at<'d>(
    doc: &'d Document,
    kr_start: &[u32],
    kr_objective: &[u32],
    k: u32,
) -> Option<&'d KeyResult> {
    let i = *kr_objective.get(k as usize)? as usize;
    let offset = (k as usize).checked_sub(*kr_start.get(i)? as usize)?;
    doc.objectives.get(i)?.key_results.get(offset)
}

/// The compiled structure of a document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Graph {
    /// Objective id → index (the first objective with an id wins).
    objective_index: IdIndex,
    /// Key result id → index into the flat list of key results (first wins).
    kr_index: IdIndex,
    /// The key results of objective `i` are `kr_start[i]..kr_start[i + 1]`.
    pub kr_start: Vec<u32>,
    /// The objective of each key result.
    pub kr_objective: Vec<u32>,
    /// Child → parents.
    pub parents: Csr,
    /// Parent → children.
    pub children: Csr,
    /// Objectives not on a cycle, children before parents.
    pub order: Vec<u32>,
    /// Position of each objective in `order` (`NONE` when on a cycle).
    pub topo_pos: Vec<u32>,
    /// The strongly connected components that form cycles, each in the order of its links
    /// where possible (first element, then its parent on the cycle, and so on).
    pub cycles: Vec<Vec<u32>>,
    /// Index into `Document::cycles` of each objective's cycle (`NONE` if unknown).
    pub cycle_of: Vec<u32>,
}

/// A valid weight, or 0.
pub(crate) fn sane_weight(w: f64) -> f64 {
    if w.is_finite() && w >= 0.0 {
        w
    } else {
        0.0
    }
}

impl Graph {
    /// Compiles the document's structure.
    pub(crate) fn build(doc: &Document) -> Graph {
        let n = doc.objectives.len();
        let objective_id = |j: u32| doc.objectives.get(j as usize).map(|o| o.id.as_str());
        let mut objective_index = IdIndex::with_capacity(n);
        for (i, o) in doc.objectives.iter().enumerate() {
            objective_index.insert_first(o.id.as_str(), i as u32, objective_id);
        }
        let cycle_index: HashMap<&str, u32> = doc
            .cycles
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.id.as_str(), i as u32))
            .collect();

        let n_krs = doc.objectives.iter().map(|o| o.key_results.len()).sum();
        let mut kr_index = IdIndex::with_capacity(n_krs);
        let mut kr_start = Vec::with_capacity(n + 1);
        let mut kr_objective = Vec::with_capacity(n_krs);
        let mut cycle_of = Vec::with_capacity(n);
        let mut up: Vec<(u32, Edge)> = Vec::new();
        let mut down: Vec<(u32, Edge)> = Vec::new();
        for (i, o) in doc.objectives.iter().enumerate() {
            let i = i as u32;
            kr_start.push(kr_objective.len() as u32);
            for kr in &o.key_results {
                let k = kr_objective.len() as u32;
                kr_index.insert_first(kr.id.as_str(), k, |j| {
                    kr_at(doc, &kr_start, &kr_objective, j).map(|kr| kr.id.as_str())
                });
                kr_objective.push(i);
            }
            cycle_of.push(cycle_index.get(o.cycle.as_str()).copied().unwrap_or(NONE));
            for link in &o.aligns_to {
                if let Some(p) = objective_index.get(link.objective.as_str(), objective_id) {
                    let weight = sane_weight(link.weight);
                    up.push((
                        i,
                        Edge {
                            node: p,
                            weight,
                            contributes: link.contributes,
                        },
                    ));
                    down.push((
                        p,
                        Edge {
                            node: i,
                            weight,
                            contributes: link.contributes,
                        },
                    ));
                }
            }
        }
        kr_start.push(kr_objective.len() as u32);
        let parents = Csr::from_pairs(n, &mut up);
        let children = Csr::from_pairs(n, &mut down);

        // petgraph for ordering and cycle detection: edges child → parent.
        let mut g: DiGraph<(), (), u32> = DiGraph::with_capacity(n, up.len());
        for _ in 0..n {
            g.add_node(());
        }
        for (child, e) in &up {
            g.add_edge(
                NodeIndex::new(*child as usize),
                NodeIndex::new(e.node as usize),
                (),
            );
        }
        let mut topo_pos = vec![NONE; n];
        let mut cycles = Vec::new();
        let order: Vec<u32> = match toposort(&g, None) {
            Ok(sorted) => sorted.into_iter().map(|ix| ix.index() as u32).collect(),
            Err(_) => {
                // Components come in reverse topological order (parents first).
                let mut sccs = kosaraju_scc(&g);
                sccs.reverse();
                let mut order = Vec::with_capacity(n);
                for scc in sccs {
                    let cyclic =
                        scc.len() > 1 || scc.first().is_some_and(|&v| g.find_edge(v, v).is_some());
                    if cyclic {
                        let members: Vec<u32> = scc.iter().map(|ix| ix.index() as u32).collect();
                        cycles.push(cycle_path(&members, &parents));
                    } else {
                        order.extend(scc.iter().map(|ix| ix.index() as u32));
                    }
                }
                order
            }
        };
        for (pos, &i) in order.iter().enumerate() {
            if let Some(slot) = topo_pos.get_mut(i as usize) {
                *slot = pos as u32;
            }
        }
        cycles.sort();
        Graph {
            objective_index,
            kr_index,
            kr_start,
            kr_objective,
            parents,
            children,
            order,
            topo_pos,
            cycles,
            cycle_of,
        }
    }

    /// The index of the objective with this id in `doc` (the document the graph was built
    /// from).
    pub(crate) fn objective(&self, doc: &Document, id: &str) -> Option<u32> {
        self.objective_index.get(id, |j| {
            doc.objectives.get(j as usize).map(|o| o.id.as_str())
        })
    }

    /// The flat index of the key result with this id in `doc`.
    pub(crate) fn key_result(&self, doc: &Document, id: &str) -> Option<u32> {
        self.kr_index
            .get(id, |j| self.key_result_at(doc, j).map(|kr| kr.id.as_str()))
    }

    /// The key result at flat index `k` of `doc`.
    pub(crate) fn key_result_at<'d>(&self, doc: &'d Document, k: u32) -> Option<&'d KeyResult> {
        kr_at(doc, &self.kr_start, &self.kr_objective, k)
    }

    /// Number of objectives.
    pub(crate) fn len(&self) -> usize {
        self.topo_pos.len()
    }

    /// The key result indices of objective `i`.
    pub(crate) fn krs_of(&self, i: u32) -> std::ops::Range<usize> {
        let i = i as usize;
        let a = self.kr_start.get(i).copied().unwrap_or(0) as usize;
        let b = self.kr_start.get(i + 1).copied().unwrap_or(0) as usize;
        a..b
    }

    /// Whether objective `i` lies on an alignment cycle.
    pub(crate) fn on_cycle(&self, i: u32) -> bool {
        self.topo_pos.get(i as usize).is_none_or(|&p| p == NONE)
    }
}

/// Orders the members of a strongly connected component along its links: starting from the
/// smallest index, follow a parent link that stays inside the component until the start is
/// reached again (or every member is listed).
fn cycle_path(members: &[u32], parents: &Csr) -> Vec<u32> {
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    let Some(&first) = sorted.first() else {
        return sorted;
    };
    let inside = |v: u32| sorted.binary_search(&v).is_ok();
    let mut path = vec![first];
    let mut seen = crate::hash::HashSet::default();
    seen.insert(first);
    let mut cur = first;
    loop {
        // Prefer closing the cycle once every member is listed; otherwise an unseen member.
        let next = parents
            .of(cur)
            .iter()
            .map(|e| e.node)
            .filter(|&p| inside(p))
            .find(|p| !seen.contains(p));
        match next {
            Some(p) => {
                seen.insert(p);
                path.push(p);
                cur = p;
            }
            None => break,
        }
    }
    path
}
