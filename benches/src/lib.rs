//! Shared pieces of the okr-core benchmarks: the sizes to run, the generated documents,
//! a median timer, the hand-written "limit" rollup over plain arrays, and the results file.
//!
//! Sizes come from `OKR_BENCH_SIZES` (comma-separated; `1k`, `10k`, `1M` or plain numbers),
//! default `1000,10000,100000,1000000`. Results of the side-by-side baselines are appended,
//! one JSON object per line, to `OKR_BENCH_RESULTS` (default
//! `target/okr-bench-results.jsonl` in the workspace).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{AsOf, Document, KrKind, Policy, RollupMode, Scorecard, Status};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The seed of every generated document.
pub const SEED: u64 = 2021;

/// The default sizes: 1k, 10k, 100k and 1M objectives.
pub const DEFAULT_SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// The sizes to run, from `OKR_BENCH_SIZES` or the default.
pub fn sizes() -> Vec<usize> {
    match std::env::var("OKR_BENCH_SIZES") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|x| parse_size(x).unwrap_or_else(|| panic!("bad size `{x}` in OKR_BENCH_SIZES")))
            .collect(),
        _ => DEFAULT_SIZES.to_vec(),
    }
}

/// Largest size for the YAML and TOML load benches (`OKR_BENCH_TEXT_MAX`, default 100k).
pub fn text_max() -> usize {
    env_size("OKR_BENCH_TEXT_MAX").unwrap_or(100_000)
}

/// Largest size for the `serde_json::Value` comparison (`OKR_BENCH_PARSE_MAX`, default
/// 100k: the `Value` tree of the 1M-objective JSON needs well over 10 GiB).
pub fn parse_max() -> usize {
    env_size("OKR_BENCH_PARSE_MAX").unwrap_or(100_000)
}

fn env_size(var: &str) -> Option<usize> {
    std::env::var(var).ok().and_then(|s| parse_size(&s))
}

/// `1000`, `1k`, `10K`, `1M`, `1_000_000`.
pub fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim().replace('_', "");
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1_000),
        'm' | 'M' => (&s[..s.len() - 1], 1_000_000),
        _ => (&s[..], 1),
    };
    num.parse::<usize>().ok().map(|n| n * mult)
}

/// `1k`, `10k`, `1M`: the size as a short label.
pub fn label(n: usize) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n.is_multiple_of(1_000) {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// Load options for the benches: the defaults, but no size cap (the pretty JSON of the
/// 1M-objective org is 2.2 GB, over the default `max_bytes` of 1 GiB).
pub fn load_options() -> okr_core::LoadOptions {
    let mut options = okr_core::LoadOptions::default();
    options.max_bytes = usize::MAX;
    options
}

/// The date every benchmark scores as of: mid-cycle.
pub fn as_of() -> AsOf {
    AsOf::Date(NaiveDate::from_ymd_opt(2021, 10, 15).unwrap())
}

/// The generated organisation of `n` objectives.
pub fn document(n: usize) -> Document {
    okr_core::generate(n, SEED)
}

/// A scorecard of the generated organisation.
pub fn scorecard(n: usize) -> Scorecard {
    Scorecard::new(document(n), as_of(), Policy::default())
}

/// Leaf key results for the incremental benchmark: the metric key results of bottom-level
/// objectives, in document order.
pub fn leaf_metric_krs(doc: &Document) -> Vec<String> {
    let bottom = doc.level_names().last().map(|s| s.to_string());
    doc.objectives
        .iter()
        .filter(|o| Some(&o.level) == bottom.as_ref())
        .flat_map(|o| &o.key_results)
        .filter(|kr| matches!(kr.kind, KrKind::Metric { .. }))
        .map(|kr| kr.id.0.clone())
        .collect()
}

/// The check-in the incremental benchmarks record.
pub fn a_check_in() -> okr_core::CheckIn {
    okr_core::CheckIn::new(NaiveDate::from_ymd_opt(2021, 10, 14).unwrap(), 42.0)
}

/// Median wall time of `runs` runs of `f` (after one untimed warm-up run).
pub fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// How many timed runs to make at size `n`: many for small documents, a few for 1M.
pub fn runs_for(n: usize) -> usize {
    match n {
        0..=10_000 => 31,
        10_001..=100_000 => 11,
        _ => 5,
    }
}

/// The "speed of light" of the rollup: the same weighted rollup as okr-core's objectives
/// pass, written by hand over plain arrays (CSR child lists of indices, f64 struct-of-arrays,
/// a precomputed topological order), with the key results' values given. Building it is
/// not timed; [`Limit::run`] is.
pub struct Limit {
    order: Vec<u32>,
    kr_start: Vec<u32>,
    kr_weight: Vec<f64>,
    kr: [Vec<f64>; 4],
    child_start: Vec<u32>,
    child: Vec<u32>,
    child_weight: Vec<f64>,
    /// 0 auto, 1 key results, 2 children, 3 blend, 4 manual.
    mode: Vec<u8>,
    blend: Vec<f64>,
    /// The active override's score, or NaN.
    over: Vec<f64>,
    cap: f64,
    on_track: f64,
    at_risk: f64,
    /// Output: score, progress, expected, forecast per objective.
    pub out: [Vec<f64>; 4],
    /// Output: status per objective (0 on track, 1 at risk, 2 off track, 3 unknown).
    pub status: Vec<u8>,
}

fn sane(w: f64) -> f64 {
    if w.is_finite() && w >= 0.0 {
        w
    } else {
        0.0
    }
}

impl Limit {
    /// Compiles a scored card into plain arrays (the key results' values taken from it).
    pub fn new(card: &Scorecard) -> Limit {
        let doc = card.document();
        let policy = card.policy();
        let n = doc.objectives.len();
        let index: HashMap<&str, u32> = doc
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i as u32))
            .collect();
        let mut kr_start = Vec::with_capacity(n + 1);
        let mut kr_weight = Vec::new();
        let mut kr: [Vec<f64>; 4] = Default::default();
        let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
        let mut kr_scores = card.key_results();
        let mut children: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        let mut parents_left = vec![0u32; n];
        let (mut mode, mut blend, mut over) = (Vec::new(), Vec::new(), Vec::new());
        for (i, o) in doc.objectives.iter().enumerate() {
            kr_start.push(kr_weight.len() as u32);
            for k in &o.key_results {
                let (_, _, s) = kr_scores.next().unwrap();
                kr_weight.push(sane(k.weight));
                kr[0].push(nan(s.score));
                kr[1].push(nan(s.progress));
                kr[2].push(nan(s.expected));
                kr[3].push(nan(s.forecast));
            }
            for link in &o.aligns_to {
                if let Some(&p) = index.get(link.objective.as_str()) {
                    parents_left[i] += 1;
                    if link.contributes {
                        children[p as usize].push((i as u32, sane(link.weight)));
                    } else {
                        children[p as usize].push((i as u32, f64::NAN)); // ordering only
                    }
                }
            }
            mode.push(match o.rollup_mode() {
                RollupMode::Auto => 0,
                RollupMode::KeyResults => 1,
                RollupMode::Children => 2,
                RollupMode::Blend => 3,
                RollupMode::Manual => 4,
                RollupMode::Flat => 5,
            });
            blend.push(match o.blend {
                Some(b) if (0.0..=1.0).contains(&b) => b,
                _ => policy.default_blend,
            });
            let cycle = doc.cycle(o.cycle.as_str());
            let d = card.as_of().for_cycle(cycle);
            let active = o.overrides.iter().filter(|x| x.date <= d).fold(
                None::<&okr_core::Override>,
                |best, x| match best {
                    Some(b) if x.date < b.date => Some(b),
                    _ => Some(x),
                },
            );
            over.push(active.map_or(f64::NAN, |x| x.score));
        }
        kr_start.push(kr_weight.len() as u32);
        // Topological order, children first (Kahn's algorithm from the leaves).
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| children[i as usize].is_empty())
            .collect();
        let mut waiting: Vec<u32> = children.iter().map(|c| c.len() as u32).collect();
        let mut head = 0;
        let mut parents_of: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (p, cs) in children.iter().enumerate() {
            for &(c, _) in cs {
                parents_of[c as usize].push(p as u32);
            }
        }
        while head < order.len() {
            let v = order[head];
            head += 1;
            for &p in &parents_of[v as usize] {
                waiting[p as usize] -= 1;
                if waiting[p as usize] == 0 {
                    order.push(p);
                }
            }
        }
        assert_eq!(order.len(), n, "the generated alignments are acyclic");
        let mut child_start = Vec::with_capacity(n + 1);
        let (mut child, mut child_weight) = (Vec::new(), Vec::new());
        for cs in &children {
            child_start.push(child.len() as u32);
            for &(c, w) in cs {
                if !w.is_nan() {
                    child.push(c);
                    child_weight.push(w);
                }
            }
        }
        child_start.push(child.len() as u32);
        Limit {
            order,
            kr_start,
            kr_weight,
            kr,
            child_start,
            child,
            child_weight,
            mode,
            blend,
            over,
            cap: policy.score_cap,
            on_track: policy.on_track,
            at_risk: policy.at_risk,
            out: [
                vec![f64::NAN; n],
                vec![f64::NAN; n],
                vec![f64::NAN; n],
                vec![f64::NAN; n],
            ],
            status: vec![3; n],
        }
    }

    /// One full rollup of every objective.
    pub fn run(&mut self) {
        let [score, progress, expected, forecast] = &mut self.out;
        let [ks, kp, ke, kf] = &self.kr;
        for &i in &self.order {
            let i = i as usize;
            // Own key results.
            let (mut n1, mut w1, mut s1, mut p1, mut e1, mut f1) = (0u32, 0.0, 0.0, 0.0, 0.0, 0.0);
            for k in self.kr_start[i] as usize..self.kr_start[i + 1] as usize {
                if ks[k].is_finite() {
                    let w = self.kr_weight[k];
                    n1 += 1;
                    w1 += w;
                    s1 += w * ks[k];
                    p1 += w * kp[k];
                    e1 += w * ke[k];
                    f1 += w * kf[k];
                }
            }
            // Contributing, scored children.
            let (mut w2, mut s2, mut p2, mut e2, mut f2) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for c in self.child_start[i] as usize..self.child_start[i + 1] as usize {
                let j = self.child[c] as usize;
                if score[j].is_finite() {
                    let w = self.child_weight[c];
                    w2 += w;
                    s2 += w * score[j];
                    p2 += w * progress[j];
                    e2 += w * expected[j];
                    f2 += w * forecast[j];
                }
            }
            let own = (w1, s1, p1, e1, f1);
            let kids = (w2, s2, p2, e2, f2);
            let none = (0.0, 0.0, 0.0, 0.0, 0.0);
            let auto = if n1 > 0 { own } else { kids };
            let (a, wa, b, wb) = match self.mode[i] {
                1 => (own, 1.0, none, 0.0),
                2 => (kids, 1.0, none, 0.0),
                3 => match (w1 > 0.0, w2 > 0.0) {
                    (true, true) => (own, self.blend[i], kids, 1.0 - self.blend[i]),
                    (true, false) => (own, 1.0, none, 0.0),
                    _ => (kids, 1.0, none, 0.0),
                },
                _ => (auto, 1.0, none, 0.0),
            };
            let mut row = if a.0 > 0.0 {
                let m = |s: f64, w: f64| if w > 0.0 { s / w } else { 0.0 };
                [
                    wa * m(a.1, a.0) + wb * m(b.1, b.0),
                    wa * m(a.2, a.0) + wb * m(b.2, b.0),
                    wa * m(a.3, a.0) + wb * m(b.3, b.0),
                    wa * m(a.4, a.0) + wb * m(b.4, b.0),
                ]
            } else {
                [f64::NAN; 4]
            };
            if self.mode[i] == 4 {
                row[0] = f64::NAN;
            }
            let ov = self.over[i];
            if ov.is_finite() {
                row[0] = ov.clamp(0.0, self.cap);
                row[1] = ov;
                row[3] = row[0];
            }
            for x in [0, 3] {
                if row[x].is_finite() {
                    row[x] = row[x].clamp(0.0, self.cap);
                }
            }
            score[i] = row[0];
            progress[i] = row[1];
            expected[i] = row[2];
            forecast[i] = row[3];
            self.status[i] = if !row[0].is_finite() || !row[2].is_finite() {
                3
            } else if row[2] == 0.0 {
                0
            } else {
                let r = row[0] / row[2];
                if r >= self.on_track {
                    0
                } else if r >= self.at_risk {
                    1
                } else {
                    2
                }
            };
        }
    }

    /// Whether the last [`Limit::run`] gave bit for bit okr-core's objective values.
    pub fn agrees_with(&self, card: &Scorecard) -> bool {
        let bits = |x: Option<f64>| x.unwrap_or(f64::NAN).to_bits();
        let same = |a: f64, b: Option<f64>| (a.is_nan() && b.is_none()) || a.to_bits() == bits(b);
        card.objectives().enumerate().all(|(i, (_, s))| {
            let status = match s.status {
                Status::OnTrack => 0,
                Status::AtRisk => 1,
                Status::OffTrack => 2,
                Status::Unknown => 3,
                Status::Dropped => 4,
            };
            same(self.out[0][i], s.score)
                && same(self.out[1][i], s.progress)
                && same(self.out[2][i], s.expected)
                && same(self.out[3][i], s.forecast)
                && self.status[i] == status
        })
    }
}

/// Where the results lines go.
pub fn results_path() -> PathBuf {
    if let Ok(p) = std::env::var("OKR_BENCH_RESULTS") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("okr-bench-results.jsonl")
}

/// Appends one JSON object as a line to the results file.
pub fn record(line: &serde_json::Value) {
    let path = results_path();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    writeln!(f, "{line}").unwrap();
}

/// Seconds since the Unix epoch (the run id of a results line).
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The machine: logical CPUs and the CPU model from /proc/cpuinfo.
pub fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    // Other work on the machine skews timings: keep the load average with the figures.
    let loadavg = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default();
    serde_json::json!({"nproc": nproc, "cpu": cpu, "mem_bytes": mem_kb * 1024, "loadavg_1m": loadavg})
}

/// The peak resident set size of this process so far (VmHWM), in bytes.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The current resident set size of this process (VmRSS), in bytes.
pub fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1k"), Some(1000));
        assert_eq!(parse_size(" 1M"), Some(1_000_000));
        assert_eq!(parse_size("10_000"), Some(10_000));
        assert_eq!(parse_size("x"), None);
        assert_eq!(label(100_000), "100k");
        assert_eq!(label(1_000_000), "1M");
    }

    #[test]
    fn the_limit_computes_what_okr_core_computes() {
        let mut card = scorecard(3_000);
        card.recompute();
        let mut limit = Limit::new(&card);
        limit.run();
        assert!(limit.agrees_with(&card));
    }
}
