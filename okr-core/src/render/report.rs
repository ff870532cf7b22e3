//! A self-contained HTML report of a scored document, to send around (`okr report`): the
//! cascade tree with findings, each objective's team and owners (by name, with their
//! teams) and each key result's check-ins as a sparkline (a line through the check-ins
//! on or before the date, a metric from its start to its target; none for fewer than two
//! check-in days),
//! the score distribution per cycle and level (an inline SVG chart and a table),
//! key-result grades, engagement per team, and the people (the `people` table's rows with
//! the objectives they own, the shared ones, effort against capacity and side projects).
//! [`Scorecard::render_report_filtered`] shows the part of the cascade a filter selects.
//!
//! The page is rendered here, not in the browser: it has no script, loads nothing from
//! the network and shows the same in any browser or mail client that displays HTML. All
//! user text is escaped ([`crate::render::html::escape`]).

use crate::analysis::{DistributionTable, EngagementTable, GradesTable, PeopleTable, TableBuilder};
use crate::check::Finding;
use crate::filter::{Filter, FilterError, Selection};
use crate::model::Objective;
use crate::render::html::{escape, pct, status_colour, CascadeOptions, Directory};
use crate::score::rollup::Scorecard;
use crate::score::Status;
use std::collections::HashMap;
use std::fmt::Write as _;

const STYLE: &str = "body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;background:#fafbfc}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\
.lead{color:#52606d;margin:0 0 12px}\
.pills span{display:inline-block;padding:1px 10px;border-radius:999px;color:#fff;font-size:12px;font-weight:600;margin-right:6px}\
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{border:1px solid #e4e7eb;padding:3px 8px;text-align:right}\
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{background:#f5f7fa}\
section{max-width:1100px}.card{background:#fff;border:1px solid #e4e7eb;border-radius:10px;padding:12px 16px}\
.meter{display:inline-block;width:80px;height:8px;background:#e4e7eb;border-radius:4px;vertical-align:middle;margin-right:6px;position:relative}\
.meter span{position:absolute;left:0;top:0;bottom:0;border-radius:4px}";

fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.2}"),
        _ => "–".to_string(),
    }
}

fn meter(out: &mut String, share: Option<f64>, colour: &str) {
    let w = share
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
        .clamp(0.0, 1.0)
        * 100.0;
    let _ = write!(
        out,
        "<span class=\"meter\"><span style=\"width:{w:.1}%;background:{colour}\"></span></span>"
    );
}

/// An SVG box plot of the score per level, one panel per cycle: box from q1 to q3, a line
/// at the median, a dot at the mean, the 0.6–0.7 sweet spot shaded.
fn distribution_svg(out: &mut String, d: &DistributionTable) {
    let mut cycles: Vec<&str> = Vec::new();
    for c in &d.cycle {
        if !cycles.contains(&c.as_str()) {
            cycles.push(c);
        }
    }
    let mut levels: Vec<&str> = Vec::new();
    for l in &d.level {
        if !levels.contains(&l.as_str()) {
            levels.push(l);
        }
    }
    let (pw, ph, left, top) = (260.0_f64, 190.0_f64, 36.0_f64, 24.0_f64);
    let plot_h = ph - top - 40.0;
    let width = left + pw * cycles.len() as f64 + 10.0;
    let y = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 1.0));
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"score distribution per level and cycle\" \
         width=\"{width:.0}\" height=\"{ph:.0}\" style=\"background:#fff;border:1px solid #e4e7eb;border-radius:10px\" \
         font-family=\"system-ui,sans-serif\" font-size=\"11\">"
    );
    for v in [0.0, 0.3, 0.6, 0.7, 1.0] {
        let _ = write!(
            out,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#616e7c\">{v:.1}</text>",
            left - 4.0,
            y(v) + 4.0
        );
    }
    for (ci, cycle) in cycles.iter().enumerate() {
        let x0 = left + pw * ci as f64;
        let _ = write!(
            out,
            "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2e7d32\" opacity=\"0.12\"/>\
             <line x1=\"{x0:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#cbd2d9\"/>\
             <text x=\"{:.1}\" y=\"14\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
            y(0.7),
            pw - 16.0,
            y(0.6) - y(0.7),
            x0 + pw - 16.0,
            y(0.0),
            y(0.0),
            x0 + (pw - 16.0) / 2.0,
            escape(cycle)
        );
        let slot = (pw - 16.0) / levels.len().max(1) as f64;
        for (li, level) in levels.iter().enumerate() {
            let cx = x0 + slot * (li as f64 + 0.5);
            let _ = write!(
                out,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#3e4c59\">{}</text>",
                y(0.0) + 16.0,
                escape(level)
            );
            let row = (0..d.cycle.len()).find(|&i| {
                d.cycle.get(i).is_some_and(|c| c == cycle)
                    && d.level.get(i).is_some_and(|l| l == level)
            });
            let Some(i) = row else { continue };
            let get = |col: &Vec<Option<f64>>| col.get(i).copied().flatten();
            if let (Some(q1), Some(med), Some(q3)) = (get(&d.q1), get(&d.median), get(&d.q3)) {
                let bw = (slot * 0.5).min(40.0);
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#c5d3f6\" stroke=\"#3f6ad8\"/>\
                     <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1f2933\" stroke-width=\"2\"/>",
                    cx - bw / 2.0,
                    y(q3),
                    (y(q1) - y(q3)).max(1.0),
                    cx - bw / 2.0,
                    cx + bw / 2.0,
                    y(med),
                    y(med)
                );
            }
            if let Some(mean) = get(&d.mean) {
                let _ = write!(
                    out,
                    "<circle cx=\"{cx:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#c62828\"><title>mean {mean:.2}</title></circle>",
                    y(mean)
                );
            }
        }
    }
    out.push_str("</svg>");
}

fn distribution_table(out: &mut String, d: &DistributionTable) {
    out.push_str(
        "<table><tr><th>cycle</th><th>level</th><th>objectives</th><th>scored</th><th>mean</th>\
         <th>q1</th><th>median</th><th>q3</th><th>0.6–0.7</th><th>≥ 0.7</th><th>&lt; 0.3</th>\
         <th>aspirational ≥ 1</th><th>committed &lt; 1</th></tr>",
    );
    for i in 0..d.cycle.len() {
        let f = |col: &Vec<Option<f64>>| col.get(i).copied().flatten();
        let s = |col: &Vec<String>| escape(col.get(i).map_or("", String::as_str));
        let n = |col: &Vec<u64>| col.get(i).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s(&d.cycle),
            s(&d.level),
            n(&d.objectives),
            n(&d.scored),
            num(f(&d.mean)),
            num(f(&d.q1)),
            num(f(&d.median)),
            num(f(&d.q3)),
            pct(f(&d.share_sweet_spot)),
            pct(f(&d.share_at_least_0_7)),
            pct(f(&d.share_below_0_3)),
            pct(f(&d.share_aspirational_at_least_1)),
            n(&d.committed_below_1)
        );
    }
    out.push_str("</table>");
}

fn engagement_table(out: &mut String, e: &EngagementTable) {
    out.push_str(
        "<table><tr><th>cycle</th><th>team</th><th>people</th><th>with objectives</th>\
         <th>objectives</th><th>shared</th><th>tied to an initiative</th>\
         <th>aligned to the top</th><th>effort / capacity (h)</th></tr>",
    );
    for i in 0..e.cycle.len() {
        let f = |col: &Vec<Option<f64>>| col.get(i).copied().flatten();
        let s = |col: &Vec<String>| escape(col.get(i).map_or("", String::as_str));
        let n = |col: &Vec<u64>| col.get(i).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>",
            s(&e.cycle),
            s(&e.team),
            n(&e.people)
        );
        let with = f(&e.share_people_with_objectives);
        meter(out, with, "#3f6ad8");
        let _ = write!(out, "{}</td><td>{}</td><td>", pct(with), n(&e.objectives));
        let shared = f(&e.share_shared);
        meter(out, shared, "#9aa5b1");
        let _ = write!(out, "{}</td><td>", pct(shared));
        let tied = f(&e.share_with_initiative);
        meter(out, tied, "#2e7d32");
        let _ = write!(out, "{}</td><td>", pct(tied));
        let aligned = f(&e.share_aligned_to_top);
        meter(out, aligned, "#2e7d32");
        let ratio = f(&e.effort_vs_capacity);
        let over = ratio.is_some_and(|r| r > 1.0);
        let _ = write!(out, "{}</td><td>", pct(aligned));
        meter(
            out,
            ratio,
            if over {
                status_colour(Status::OffTrack)
            } else {
                "#3f6ad8"
            },
        );
        let _ = write!(
            out,
            "{:.0} / {:.0}</td></tr>",
            e.effort.get(i).copied().unwrap_or(0.0),
            e.capacity.get(i).copied().unwrap_or(0.0)
        );
    }
    out.push_str("</table>");
}

/// `1 error`, `2 errors`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The grades table: per objective (then per cycle), the key results' mean grade, the
/// projected mean beside it, and the shares grading teams read.
fn grades_table(out: &mut String, g: &GradesTable) {
    out.push_str(
        "<table><tr><th>cycle</th><th>objective</th><th>graded</th><th>dropped</th>\
         <th>mean</th><th>projected</th><th>≥ 0.7</th><th>0.6–0.7</th><th>&lt; 0.3</th></tr>",
    );
    for i in 0..g.cycle.len() {
        let objective = match g.objective.get(i).cloned().flatten() {
            Some(o) => escape(&o),
            None => "<b>whole cycle</b>".to_string(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{objective}</td><td>{} / {}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(g.cycle.get(i).map_or("", String::as_str)),
            g.scored.get(i).copied().unwrap_or(0),
            g.key_results.get(i).copied().unwrap_or(0),
            g.dropped.get(i).copied().unwrap_or(0),
            num(g.mean.get(i).copied().flatten()),
            num(g.projected.get(i).copied().flatten()),
            pct(g.share_at_least_0_7.get(i).copied().flatten()),
            pct(g.share_sweet_spot.get(i).copied().flatten()),
            pct(g.share_below_0_3.get(i).copied().flatten()),
        );
    }
    out.push_str("</table>");
}

/// The people section: per person and cycle (the rows of the `people` table), the
/// objectives they own (shared ones with the other owners' names, side projects marked),
/// effort against capacity, and the side projects.
fn people_table(out: &mut String, card: &Scorecard, p: &PeopleTable, dir: &Directory<'_>) {
    let doc = card.document();
    let mut owned: HashMap<(&str, &str), Vec<&Objective>> = HashMap::new();
    for o in &doc.objectives {
        for (j, x) in o.owners.iter().enumerate() {
            if o.owners.iter().take(j).any(|y| y == x) {
                continue; // a person listed twice owns the objective once
            }
            owned
                .entry((o.cycle.as_str(), x.as_str()))
                .or_default()
                .push(o);
        }
    }
    out.push_str(
        "<table class=\"okr-people-table\"><tr><th>person</th><th>team</th><th>cycle</th>\
         <th>objectives</th><th>mean score</th><th>effort / capacity (h)</th>\
         <th>side projects</th></tr>",
    );
    for i in 0..p.person.len() {
        let person = p.person.get(i).map_or("", String::as_str);
        let cycle = p.cycle.get(i).map_or("", String::as_str);
        let team = p
            .team
            .get(i)
            .cloned()
            .flatten()
            .map(|t| escape(dir.team_name(&t)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr class=\"okr-person\" data-person=\"{}\"><td>{} <code>{}</code></td><td>{team}</td>\
             <td>{}</td><td style=\"text-align:left\">",
            escape(person),
            escape(dir.person_name(person)),
            escape(person),
            escape(cycle)
        );
        let mine = owned.get(&(cycle, person)).map_or(&[][..], Vec::as_slice);
        if mine.is_empty() {
            out.push_str("<span class=\"okr-none\" style=\"color:#9aa5b1\">none</span>");
        }
        let mut side = Vec::new();
        for (k, o) in mine.iter().enumerate() {
            if k > 0 {
                out.push_str("<br>");
            }
            let _ = write!(
                out,
                "<code>{}</code> {}",
                escape(o.id.as_str()),
                escape(&o.title)
            );
            let others: Vec<String> = o
                .owners
                .iter()
                .filter(|x| x.as_str() != person)
                .map(|x| escape(dir.person_name(x.as_str())))
                .collect();
            if !others.is_empty() {
                let _ = write!(
                    out,
                    " <span class=\"okr-shared\" style=\"color:#52606d\">(shared with {})</span>",
                    others.join(", ")
                );
            }
            if crate::check::side_project(doc, o) {
                side.push(o);
            }
        }
        let effort = p.effort.get(i).copied().unwrap_or(0.0);
        let capacity = p.capacity.get(i).copied().flatten();
        let over = capacity.is_some_and(|c| effort > c);
        let style = if over {
            format!(
                " style=\"color:{};font-weight:600\"",
                status_colour(Status::OffTrack)
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "</td><td>{}</td><td class=\"okr-effort\"{style}>{} / {}</td><td style=\"text-align:left\">",
            num(p.mean_score.get(i).copied().flatten()),
            hours(effort),
            capacity.map_or_else(|| "–".to_string(), hours)
        );
        if side.is_empty() {
            out.push('–');
        }
        for (k, o) in side.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "<code class=\"okr-side-project\">{}</code>",
                escape(o.id.as_str())
            );
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</table>");
}

/// The filter for the page, `cycle <code>2021-Q4</code> · team <code>web</code>`
/// (escaped HTML; empty for an empty filter).
fn describe_filter(f: &Filter) -> String {
    [
        ("cycle", f.cycle.as_deref()),
        ("team", f.team.as_deref()),
        ("owner", f.owner.as_deref()),
        ("level", f.level.as_deref()),
        ("status", f.status.map(|s| s.as_str())),
    ]
    .into_iter()
    .filter_map(|(what, v)| v.map(|v| format!("{what} <code>{}</code>", escape(v))))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// Hours without needless decimals: `40`, `12.5`.
fn hours(h: f64) -> String {
    let rounded = (h * 10.0).round() / 10.0;
    format!("{rounded}")
}

impl Scorecard {
    /// The whole report as one HTML page (see the [module docs](crate::render::report)).
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Format, Policy, Scorecard};
    /// let doc = Document::from_str("version: 1\nobjectives: []\n", Format::Yaml)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(date), Policy::default());
    /// let page = card.render_report("Q3 <review>", &[]);
    /// assert!(page.starts_with("<!doctype html>"));
    /// assert!(page.contains("<title>Q3 &lt;review&gt;</title>"));
    /// assert!(!page.contains("<script"));
    /// assert!(page.contains("0 objectives · 0 findings (0 errors, 0 warnings, 0 infos)"));
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn render_report(&self, title: &str, findings: &[Finding]) -> String {
        self.report_page(title, findings, &Selection::everything(), None)
    }

    /// The report of the part of the cascade `filter` selects (SPEC §10; scores are
    /// computed over the whole document): the cascade of the selected objectives, the
    /// findings [`Selection::finding`] selects, the distribution, grades and engagement
    /// over the selected objectives (the tables of [`TableBuilder::with_selection`]), and
    /// the selected people. The lead line names the filter. An unknown id in the filter
    /// is an error naming the closest one.
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Filter, Format, Policy, Scorecard};
    /// let doc = Document::from_str(r#"
    /// version: 1
    /// cycles: [{id: 2021-H2, start: 2021-07-01, end: 2021-12-31},
    ///          {id: 2021-Q4, start: 2021-10-01, end: 2021-12-31}]
    /// objectives:
    ///   - {id: half, title: The half, cycle: 2021-H2, level: company, key_results: []}
    ///   - {id: quarter, title: The quarter, cycle: 2021-Q4, level: company, key_results: []}
    /// "#, Format::Yaml)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2021, 11, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(date), Policy::default());
    /// let q4 = Filter { cycle: Some("2021-Q4".into()), ..Filter::default() };
    /// let page = card.render_report_filtered("Q4", &[], &q4).unwrap();
    /// assert!(page.contains("The quarter") && !page.contains("The half"));
    /// assert!(page.contains("1 objective ·"));
    /// assert!(page.contains("selected: cycle <code>2021-Q4</code>"));
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn render_report_filtered(
        &self,
        title: &str,
        findings: &[Finding],
        filter: &Filter,
    ) -> Result<String, FilterError> {
        let selection = filter.select(self)?;
        Ok(self.report_page(title, findings, &selection, Some(filter)))
    }

    fn report_page(
        &self,
        title: &str,
        findings: &[Finding],
        sel: &Selection,
        filter: Option<&Filter>,
    ) -> String {
        let findings: Vec<Finding> = findings
            .iter()
            .filter(|f| sel.finding(f))
            .cloned()
            .collect();
        let findings = findings.as_slice();
        // Only the tables shown are built, over the selection.
        let tables = TableBuilder::new(self).with_selection(sel.clone());
        let (distribution, grades, engagement, people) = (
            tables.distribution(),
            tables.grades(),
            tables.engagement(),
            tables.people(),
        );
        let doc = self.document();
        let dir = Directory::new(doc);
        let rows = self.tree_selected(sel);
        let selected = doc
            .objectives
            .iter()
            .filter(|o| sel.objective(o.id.as_str()))
            .count();
        let mut counts = [0usize; 5];
        for (_, s) in self
            .objectives()
            .filter(|(o, _)| sel.objective(o.id.as_str()))
        {
            let k = match s.status {
                Status::OnTrack => 0,
                Status::AtRisk => 1,
                Status::OffTrack => 2,
                Status::Unknown => 3,
                Status::Dropped => 4,
            };
            if let Some(c) = counts.get_mut(k) {
                *c += 1;
            }
        }
        use crate::policy::Severity;
        let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
        let title = escape(title);
        let mut out = String::new();
        let _ = write!(
            out,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
             <title>{title}</title><style>{STYLE}</style></head><body><section>\
             <h1>{title}</h1><p class=\"lead\">OKR report as of {} · {} · {} \
             ({}, {}, {})</p>{}<div class=\"pills\">",
            self.as_of().date(),
            plural(selected, "objective"),
            plural(findings.len(), "finding"),
            plural(count(Severity::Error), "error"),
            plural(count(Severity::Warning), "warning"),
            plural(count(Severity::Info), "info"),
            filter
                .filter(|f| !f.is_empty())
                .map_or_else(String::new, |f| format!(
                    "<p class=\"lead okr-filter\">selected: {} (scores are computed over the whole document)</p>",
                    describe_filter(f)
                )),
        );
        for (k, status) in [
            Status::OnTrack,
            Status::AtRisk,
            Status::OffTrack,
            Status::Unknown,
            Status::Dropped,
        ]
        .into_iter()
        .enumerate()
        {
            let n = counts.get(k).copied().unwrap_or(0);
            if n > 0 {
                let _ = write!(
                    out,
                    "<span style=\"background:{}\">{n} {}</span>",
                    status_colour(status),
                    status.as_str().replace('_', " ")
                );
            }
        }
        out.push_str("</div><h2>Cascade</h2><div class=\"card\">");
        out.push_str(&self.cascade_html(
            &rows,
            selected,
            findings,
            CascadeOptions {
                people: Some(&dir),
                sparklines: true,
            },
        ));
        out.push_str("</div><h2>Score distribution per cycle and level</h2>");
        distribution_svg(&mut out, &distribution);
        out.push_str("<p></p>");
        distribution_table(&mut out, &distribution);
        if grades.scored.iter().any(|n| *n > 0) {
            out.push_str("<h2>Key-result grades per objective</h2>");
            grades_table(&mut out, &grades);
        }
        out.push_str("<h2>Engagement per team</h2>");
        engagement_table(&mut out, &engagement);
        if !people.person.is_empty() {
            out.push_str(
                "<h2>People</h2><p class=\"lead\">Per person and cycle: the objectives they \
                 own (shared ones with the other owners), effort (each objective's \
                 <code>effort_hours</code> split evenly among its owners) against capacity, \
                 and side projects (team- or individual-level objectives tied to no \
                 initiative).</p>",
            );
            people_table(&mut out, self, &people, &dir);
        }
        out.push_str(
            "<p class=\"lead\" style=\"margin-top:24px\">Generated by okr-cascade \
             (<code>okr report</code>).</p></section></body></html>\n",
        );
        out
    }
}
