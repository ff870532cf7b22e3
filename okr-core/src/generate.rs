//! A deterministic, seeded generator of realistic organisations, for benchmarks, load
//! tests and demos.
//!
//! [`generate`] builds one cycle (`2021-H2`) of an engineering organisation with five
//! levels (`company`, `division`, `area`, `team`, `individual`). Each level has about five
//! times as many objectives as the one above, so the fan-in of every objective stays
//! around five whatever the size; every objective below the top aligns to one objective of
//! the level above and about 10% also align to a second objective of some higher level
//! (contributing, or "supports"), so the links form a DAG that is not a tree and can never
//! contain a cycle. Each objective has three key results of mixed kinds (mostly `metric`,
//! then `threshold`, `binary`, `milestones` and a few `baseline`) with about three
//! check-ins each, all dated inside the cycle. Teams, people (execs, managers, team leads
//! and engineers, some sharing an objective), themes and initiatives are generated so that
//! every reference resolves: [`crate::check`] reports no finding of severity `error`,
//! only the warnings a real organisation has (stale check-ins, some side projects, some
//! people over capacity).
//!
//! The output depends only on `(objectives, seed)`: the pseudo-random numbers come from a
//! SplitMix64 generator written here, so no dependency can change them between versions.
//! Generating costs O(objectives).

use crate::model::*;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The level names of generated documents, top first.
pub const GENERATED_LEVELS: [&str; 5] = ["company", "division", "area", "team", "individual"];

/// The id of the one cycle of generated documents (2021-07-01 to 2021-12-31).
pub const GENERATED_CYCLE: &str = "2021-H2";

/// Days in the generated cycle (2021-07-01 to 2021-12-31, both included).
const CYCLE_DAYS: u64 = 184;

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6F6B_722D_6361_7363) // "okr-casc"
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

/// Rounds to two decimals (generated values read like typed-in numbers).
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn day(offset: u64) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap_or_default();
    start + chrono::Days::new(offset.min(CYCLE_DAYS - 1))
}

/// Objectives per level: about five times more on each level than on the one above, at
/// least one per level from the top down while there are objectives left.
fn level_counts(n: usize) -> [usize; 5] {
    let mut counts = [0usize; 5];
    if n <= 5 {
        for c in counts.iter_mut().take(n) {
            *c = 1;
        }
        return counts;
    }
    let weights = [1usize, 5, 25, 125, 625];
    let total: usize = weights.iter().sum();
    let mut used = 0;
    for (c, w) in counts.iter_mut().zip(weights).take(4) {
        *c = ((n as u128 * w as u128 / total as u128) as usize).max(1);
        used += *c;
    }
    if let Some(last) = counts.last_mut() {
        *last = n - used;
    }
    counts
}

const VERBS: &[&str] = &[
    "Improve", "Reduce", "Grow", "Ship", "Migrate", "Automate", "Harden", "Simplify", "Speed up",
    "Scale", "Document", "Measure",
];
const NOUNS: &[&str] = &[
    "pipeline times",
    "checkout conversion",
    "platform resilience",
    "cloud costs",
    "on-call load",
    "onboarding",
    "test coverage",
    "release cadence",
    "search relevance",
    "data quality",
    "API latency",
    "developer experience",
];
const THEMES: &[&str] = &[
    "Cost control",
    "Platform resilience",
    "Customer delight",
    "Tools leverage",
    "Talent growth",
    "Security",
];
const METRICS: &[&str] = &[
    "mean pipeline time",
    "weekly active users",
    "error rate",
    "build minutes",
    "cost per request",
    "time to first review",
];
const UNITS: &[&str] = &["min", "ms", "%", "count", "h", "EUR"];

/// Builds a valid document of exactly `objectives` objectives, the same for the same
/// `(objectives, seed)`.
///
/// ```
/// use okr_core::{generate, validate, AsOf, Policy, Severity};
/// let doc = generate(200, 42);
/// assert_eq!(doc.objectives.len(), 200);
/// assert!(doc.objectives.iter().all(|o| o.key_results.len() == 3));
/// assert_eq!(doc, generate(200, 42)); // deterministic
/// let as_of = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 10, 15).unwrap());
/// let findings = validate(&doc, as_of, &Policy::default());
/// assert!(findings.iter().all(|f| f.severity != Severity::Error));
/// ```
pub fn generate(objectives: usize, seed: u64) -> Document {
    let mut rng = Rng::new(seed);
    let counts = level_counts(objectives);
    let mut offsets = [0usize; 5];
    let mut acc = 0;
    for (o, c) in offsets.iter_mut().zip(counts) {
        *o = acc;
        acc += c;
    }
    let count = |l: usize| counts.get(l).copied().unwrap_or(0);
    let id_of = |l: usize, j: usize| {
        let name = GENERATED_LEVELS.get(l).copied().unwrap_or("objective");
        format!("{name}-{j}")
    };
    // The primary parent (index in the level above) of objective `j` of level `l`: blocks
    // of consecutive objectives share a parent, as in a real org chart.
    let primary = |l: usize, j: usize| -> usize {
        let (above, here) = (count(l.saturating_sub(1)), count(l).max(1));
        (j as u128 * above as u128 / here as u128) as usize
    };

    // Teams: departments group areas (two area objectives per department), teams group
    // team objectives (two per team); individuals belong to their team objective's team.
    let depts = count(2).div_ceil(2);
    let teams_n = count(3).div_ceil(2);
    let dept_of_area = |j: usize| j / 2;
    let team_of_team_obj = |j: usize| j / 2;
    let mut teams = Vec::with_capacity(depts + teams_n);
    for d in 0..depts {
        teams.push(Team {
            id: TeamId(format!("dept-{d}")),
            name: Some(format!("Department {d}")),
            parent: None,
            extra: Extra::new(),
        });
    }
    for t in 0..teams_n {
        let dept = dept_of_area(primary(3, 2 * t));
        teams.push(Team {
            id: TeamId(format!("team-{t}")),
            name: Some(format!("Team {t}")),
            parent: Some(TeamId(format!("dept-{dept}"))),
            extra: Extra::new(),
        });
    }

    let theme_n = (count(0) / 2).clamp(3, THEMES.len() * 100);
    let themes: Vec<Theme> = (0..theme_n)
        .map(|k| Theme {
            id: ThemeId(format!("theme-{k}")),
            title: THEMES
                .get(k % THEMES.len())
                .map_or_else(String::new, |t| format!("{t} {}", k / THEMES.len() + 1)),
            extra: Extra::new(),
        })
        .collect();
    let initiatives: Vec<Initiative> = (0..teams_n)
        .map(|t| Initiative {
            id: InitiativeId(format!("init-{t}")),
            title: format!("Key initiative of team {t}"),
            team: Some(TeamId(format!("team-{t}"))),
            extra: Extra::new(),
        })
        .collect();

    // People: execs own company and division objectives, managers area objectives, leads
    // team objectives (two each); engineers own individual objectives, about 2.5 each.
    let execs = (count(0) + count(1)).div_ceil(2);
    let engineers = (count(4) * 2).div_ceil(5).max(usize::from(count(4) > 0));
    let mut people = Vec::with_capacity(execs + depts + teams_n + engineers);
    for e in 0..execs {
        people.push(Person {
            id: PersonId(format!("exec-{e}")),
            name: Some(format!("Executive {e}")),
            team: None,
            capacity_hours: Some(40.0),
            extra: Extra::new(),
        });
    }
    for d in 0..depts {
        people.push(Person {
            id: PersonId(format!("mgr-{d}")),
            name: Some(format!("Manager {d}")),
            team: Some(TeamId(format!("dept-{d}"))),
            capacity_hours: Some(40.0),
            extra: Extra::new(),
        });
    }
    for t in 0..teams_n {
        people.push(Person {
            id: PersonId(format!("lead-{t}")),
            name: Some(format!("Team lead {t}")),
            team: Some(TeamId(format!("team-{t}"))),
            capacity_hours: Some(80.0),
            extra: Extra::new(),
        });
    }
    let engineer_of = |j: usize| (j as u128 * engineers as u128 / count(4).max(1) as u128) as usize;
    let team_of_individual = |j: usize| team_of_team_obj(primary(4, j));
    for e in 0..engineers {
        // The team of the engineer's first objective.
        let first = (e * count(4)).div_ceil(engineers.max(1));
        people.push(Person {
            id: PersonId(format!("eng-{e}")),
            name: Some(format!("Engineer {e}")),
            team: Some(TeamId(format!("team-{}", team_of_individual(first)))),
            capacity_hours: rng.pick(&[40.0, 52.0, 64.0, 80.0]).copied(),
            extra: Extra::new(),
        });
    }

    let mut objectives_out = Vec::with_capacity(objectives);
    for l in 0..5 {
        for j in 0..count(l) {
            let id = id_of(l, j);
            let title = format!(
                "{} {} ({id})",
                rng.pick(VERBS).copied().unwrap_or("Improve"),
                rng.pick(NOUNS).copied().unwrap_or("things")
            );
            let (owners, team, initiatives, effort_hours) = match l {
                0 | 1 => {
                    let k = if l == 0 { j } else { count(0) + j };
                    (
                        vec![PersonId(format!("exec-{}", k / 2))],
                        None,
                        vec![],
                        None,
                    )
                }
                2 => {
                    let d = dept_of_area(j);
                    (
                        vec![PersonId(format!("mgr-{d}"))],
                        Some(TeamId(format!("dept-{d}"))),
                        vec![],
                        None,
                    )
                }
                3 => {
                    let t = team_of_team_obj(j);
                    (
                        vec![PersonId(format!("lead-{t}"))],
                        Some(TeamId(format!("team-{t}"))),
                        vec![InitiativeId(format!("init-{t}"))],
                        Some(f64::from(rng.pick(&[8u8, 16, 24]).copied().unwrap_or(8))),
                    )
                }
                _ => {
                    let t = team_of_individual(j);
                    let e = engineer_of(j);
                    let mut owners = vec![PersonId(format!("eng-{e}"))];
                    if engineers > 1 && rng.chance(0.1) {
                        owners.push(PersonId(format!("eng-{}", (e + 1) % engineers)));
                    }
                    let initiatives = if rng.chance(0.9) {
                        vec![InitiativeId(format!("init-{t}"))]
                    } else {
                        vec![]
                    };
                    let effort = rng.pick(&[8u8, 12, 16, 20, 24]).copied().unwrap_or(8);
                    (
                        owners,
                        Some(TeamId(format!("team-{t}"))),
                        initiatives,
                        Some(f64::from(effort)),
                    )
                }
            };
            let themes_of = if l == 0 {
                vec![ThemeId(format!("theme-{}", j % theme_n))]
            } else {
                vec![]
            };
            let mut aligns_to = Vec::new();
            if l > 0 {
                let p = primary(l, j);
                let mut link = Link::to(id_of(l - 1, p));
                if rng.chance(0.1) {
                    link.weight = 2.0;
                }
                aligns_to.push(link);
                if rng.chance(0.1) {
                    // A second parent at some higher level, never the first one.
                    let m = rng.below(l as u64) as usize;
                    let mut q = rng.below(count(m) as u64) as usize;
                    if m == l - 1 && q == p {
                        q = (q + 1) % count(m).max(1);
                    }
                    if !(m == l - 1 && q == p) {
                        let mut second = Link::to(id_of(m, q));
                        second.contributes = !rng.chance(0.3);
                        aligns_to.push(second);
                    }
                }
            }
            let roll = rng.unit();
            let (rollup, blend) = if roll < 0.03 {
                (
                    Some(RollupMode::Blend),
                    Some(round2(0.3 + 0.4 * rng.unit())),
                )
            } else if roll < 0.05 {
                (Some(RollupMode::KeyResults), None)
            } else if roll < 0.06 && l < 4 {
                (Some(RollupMode::Children), None)
            } else {
                (None, None)
            };
            let overrides = if rng.chance(0.005) {
                vec![Override {
                    score: round2(rng.unit()),
                    date: day(30 + rng.below(120)),
                    reason: Some("re-scored at the quarterly review".into()),
                    extra: Extra::new(),
                }]
            } else {
                vec![]
            };
            let commitment = if rng.chance(0.2) {
                Commitment::Committed
            } else {
                Commitment::Aspirational
            };
            let key_results = (1..=3)
                .map(|k| key_result(&mut rng, &format!("{id}-kr{k}"), k))
                .collect();
            let mut extra = Extra::new();
            if rng.chance(0.01) {
                extra.insert(
                    "tracker".into(),
                    serde_json::Value::String(format!("OKR-{}", rng.below(100_000))),
                );
            }
            objectives_out.push(Objective {
                id: ObjectiveId(id),
                title,
                cycle: CycleId(GENERATED_CYCLE.into()),
                level: GENERATED_LEVELS.get(l).copied().unwrap_or("team").into(),
                owners,
                team,
                themes: themes_of,
                initiatives,
                aligns_to,
                rollup,
                blend,
                overrides,
                effort_hours,
                commitment,
                key_results,
                extra,
            });
        }
    }

    Document {
        version: 1,
        cycles: vec![Cycle {
            id: CycleId(GENERATED_CYCLE.into()),
            start: day(0),
            end: day(CYCLE_DAYS - 1),
            name: Some("Second half of 2021".into()),
            extra: Extra::new(),
        }],
        levels: Some(GENERATED_LEVELS.iter().map(|s| (*s).to_owned()).collect()),
        teams,
        people,
        themes,
        initiatives,
        objectives: objectives_out,
        extra: Extra::new(),
    }
}

/// Sorted distinct check-in days: `n` of them spread over the cycle, with jitter.
fn check_in_days(rng: &mut Rng, n: u64) -> Vec<u64> {
    let slot = CYCLE_DAYS / n.max(1);
    (0..n).map(|i| i * slot + rng.below(slot.max(1))).collect()
}

fn key_result(rng: &mut Rng, id: &str, k: u32) -> KeyResult {
    let roll = rng.unit();
    let n_check_ins = 1 + rng.below(5); // 1..=5, 3 on average
    let days = check_in_days(rng, n_check_ins);
    // How well this KR goes: the share of the way covered by the cycle end.
    let pace = 0.2 + 1.1 * rng.unit();
    let confidence = |rng: &mut Rng| rng.chance(0.5).then(|| (5.0 + rng.below(6) as f64) / 10.0);
    let mut plan = BTreeMap::new();
    let mut due = None;
    let (kind, check_ins, title) = if roll < 0.55 {
        let start = (10 + rng.below(190)) as f64;
        let target = if rng.chance(0.5) {
            (start * (1.5 + 1.5 * rng.unit())).round()
        } else {
            (start / 2.0).round()
        };
        let unit = rng.pick(UNITS).map(|u| (*u).to_owned());
        if rng.chance(0.2) {
            plan.insert(day(91), round2(start + 0.5 * (target - start)));
        }
        let check_ins = days
            .iter()
            .map(|&d| {
                let f = pace * (d as f64 + 1.0) / CYCLE_DAYS as f64 + 0.1 * (rng.unit() - 0.5);
                let mut c = CheckIn::new(day(d), round2(start + f * (target - start)));
                c.confidence = confidence(rng);
                c
            })
            .collect();
        let what = rng.pick(METRICS).copied().unwrap_or("the metric");
        let title = format!("Move {what} from {start} to {target}");
        (
            KrKind::Metric {
                start,
                target,
                unit,
            },
            check_ins,
            title,
        )
    } else if roll < 0.70 {
        let threshold = (100 + rng.below(400)) as f64;
        let direction = if rng.chance(0.5) {
            Direction::AtMost
        } else {
            Direction::AtLeast
        };
        let check_ins = days
            .iter()
            .map(|&d| {
                let v = round2(threshold * (0.8 + 0.4 * rng.unit()));
                CheckIn::new(day(d), v)
            })
            .collect();
        let title = match direction {
            Direction::AtMost => format!("Keep p99 at most {threshold} ms"),
            Direction::AtLeast => format!("Keep availability at least {threshold} per mille"),
        };
        (
            KrKind::Threshold {
                threshold,
                direction,
                unit: Some("ms".into()),
            },
            check_ins,
            title,
        )
    } else if roll < 0.82 {
        if rng.chance(0.3) {
            due = Some(day(122));
        }
        let done_at = (pace * CYCLE_DAYS as f64) as u64;
        let check_ins = days
            .iter()
            .map(|&d| CheckIn::new(day(d), d >= done_at))
            .collect();
        (KrKind::Binary, check_ins, format!("Ship step {k}"))
    } else if roll < 0.95 {
        let n = 2 + rng.below(3);
        let milestones = (0..n)
            .map(|m| {
                let due_day = (m + 1) * CYCLE_DAYS / n - 1;
                let done = rng
                    .chance(pace.min(1.0))
                    .then(|| day(due_day.saturating_sub(rng.below(20))));
                Milestone {
                    title: format!("Milestone {}", m + 1),
                    weight: if rng.chance(0.2) { 2.0 } else { 1.0 },
                    due: Some(day(due_day)),
                    done,
                    extra: Extra::new(),
                }
            })
            .collect();
        (
            KrKind::Milestones { milestones },
            Vec::new(),
            format!("Deliver the {k} milestones"),
        )
    } else {
        let base = (10 + rng.below(990)) as f64;
        let check_ins = days
            .iter()
            .map(|&d| CheckIn::new(day(d), round2(base * (0.9 + 0.2 * rng.unit()))))
            .collect();
        (
            KrKind::Baseline {
                unit: Some("count".into()),
            },
            check_ins,
            "Measure the baseline".to_owned(),
        )
    };
    let weight = match rng.below(20) {
        0 => 0.5,
        1 | 2 => 2.0,
        _ => 1.0,
    };
    KeyResult {
        id: KeyResultId(id.to_owned()),
        title,
        kind,
        weight,
        owners: Vec::new(),
        initiatives: Vec::new(),
        due,
        plan,
        dropped: None,
        check_ins,
        extra: Extra::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn level_counts_add_up() {
        for n in [0, 1, 2, 5, 6, 7, 10, 100, 781, 1000, 12345, 1_000_000] {
            let c = level_counts(n);
            assert_eq!(c.iter().sum::<usize>(), n, "{n}");
            // Every non-empty level below the top has a non-empty level above.
            for l in 1..5 {
                assert!(c[l] == 0 || c[l - 1] > 0, "{n}: {c:?}");
            }
        }
    }

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::new(1);
        let first: Vec<u64> = (0..3).map(|_| r.below(1000)).collect();
        let mut r = Rng::new(1);
        let again: Vec<u64> = (0..3).map(|_| r.below(1000)).collect();
        assert_eq!(first, again);
    }
}
