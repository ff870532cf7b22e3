//! The cascade as a self-contained HTML fragment: a collapsible tree (`<details>`) of
//! objectives with status-coloured progress bars, their key results, and the findings
//! about them. Used by the notebook display of the Python package and by the browser
//! widget, so both look the same.
//!
//! All user text (ids, titles, messages) is HTML-escaped; the fragment has no script and
//! its styles are inline, so it is safe to drop into a page or a notebook cell.

use crate::check::Finding;
use crate::model::{Document, Objective, Person, Team};
use crate::render::tree::TreeRow;
use crate::score::rollup::Scorecard;
use crate::score::{Scores, Status};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Most objectives (tree rows) the HTML shows; a note says how many more there are. A
/// notebook cell or a page cannot usefully show more, and the text stays small.
pub const MAX_ROWS: usize = 2_000;
/// Most findings listed at the end of the HTML.
pub const MAX_FINDINGS: usize = 500;

/// Escapes `&`, `<`, `>`, `"` and `'` for use in HTML text and attribute values.
///
/// ```
/// assert_eq!(okr_core::html::escape("<b>\"R&D\"</b>"), "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The colour used for a status (a CSS colour).
pub fn status_colour(status: Status) -> &'static str {
    match status {
        Status::OnTrack => "#2e7d32",
        Status::AtRisk => "#f9a825",
        Status::OffTrack => "#c62828",
        Status::Unknown => "#9e9e9e",
        Status::Dropped => "#78909c",
    }
}

/// A fraction as a whole percentage, `–` when undefined.
pub(crate) fn pct(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{:.0}%", v * 100.0),
        _ => "–".to_string(),
    }
}

/// What [`Scorecard::cascade_html`] adds to the plain cascade.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CascadeOptions<'a> {
    /// Each objective's team and its owners' names and teams, looked up here.
    pub(crate) people: Option<&'a Directory<'a>>,
    /// Each key result's check-in history as a sparkline.
    pub(crate) sparklines: bool,
}

/// People and teams by id, to show names.
#[derive(Debug, Default)]
pub(crate) struct Directory<'a> {
    people: HashMap<&'a str, &'a Person>,
    teams: HashMap<&'a str, &'a Team>,
}

impl<'a> Directory<'a> {
    /// The people and teams of `doc` (the first of each id).
    pub(crate) fn new(doc: &'a Document) -> Self {
        let mut dir = Directory::default();
        for p in &doc.people {
            dir.people.entry(p.id.as_str()).or_insert(p);
        }
        for t in &doc.teams {
            dir.teams.entry(t.id.as_str()).or_insert(t);
        }
        dir
    }

    /// The person's name, or the id when there is none (or no such person).
    pub(crate) fn person_name<'b>(&'b self, id: &'b str) -> &'b str {
        self.people
            .get(id)
            .and_then(|p| p.name.as_deref())
            .unwrap_or(id)
    }

    /// The person's team, when known.
    pub(crate) fn person_team(&self, id: &str) -> Option<&'a str> {
        self.people
            .get(id)
            .and_then(|p| p.team.as_ref())
            .map(|t| t.as_str())
    }

    /// The team's name, or the id when there is none (or no such team).
    pub(crate) fn team_name<'b>(&'b self, id: &'b str) -> &'b str {
        self.teams
            .get(id)
            .and_then(|t| t.name.as_deref())
            .unwrap_or(id)
    }

    /// `team Web · Ana Lima (Web), Bo Chen`: the objective's team, then each owner's name
    /// with their team, escaped.
    fn owners(&self, out: &mut String, o: &Objective) {
        if o.team.is_none() && o.owners.is_empty() {
            return;
        }
        out.push_str("<span class=\"okr-people\" style=\"color:#52606d\">");
        if let Some(t) = &o.team {
            let _ = write!(
                out,
                "<span class=\"okr-team\" title=\"{}\">team {}</span>",
                escape(t.as_str()),
                escape(self.team_name(t.as_str()))
            );
            if !o.owners.is_empty() {
                out.push_str(" · ");
            }
        }
        for (k, p) in o.owners.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "<span class=\"okr-owner\" title=\"{}\">{}</span>",
                escape(p.as_str()),
                escape(self.person_name(p.as_str()))
            );
            if let Some(t) = self.person_team(p.as_str()) {
                let _ = write!(out, " ({})", escape(self.team_name(t)));
            }
        }
        out.push_str("</span> ");
    }
}

fn bar(out: &mut String, s: &Scores) {
    let fill = s
        .score
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
        .clamp(0.0, 1.0)
        * 100.0;
    let colour = status_colour(s.status);
    let _ = write!(
        out,
        "<span class=\"okr-bar\" style=\"display:inline-block;position:relative;width:8em;\
         height:0.8em;background:#eee;border-radius:3px;vertical-align:middle;margin:0 0.5em\">\
         <span style=\"position:absolute;left:0;top:0;bottom:0;width:{fill:.1}%;\
         background:{colour};border-radius:3px\"></span>"
    );
    if let Some(e) = s.expected.filter(|v| v.is_finite()) {
        let at = e.clamp(0.0, 1.0) * 100.0;
        let _ = write!(
            out,
            "<span title=\"expected {}\" style=\"position:absolute;left:{at:.1}%;top:-2px;\
             bottom:-2px;width:2px;background:#333\"></span>",
            pct(Some(e))
        );
    }
    out.push_str("</span>");
}

fn figures(out: &mut String, s: &Scores) {
    let _ = write!(
        out,
        "<span class=\"okr-status\" style=\"color:{}\">{}</span> \
         <span style=\"color:#666\">score {} · expected {} · forecast {}</span>",
        status_colour(s.status),
        s.status.as_str(),
        pct(s.score),
        pct(s.expected),
        pct(s.forecast)
    );
}

fn finding_item(out: &mut String, f: &Finding) {
    let colour = match f.severity.as_str() {
        "error" => "#c62828",
        "warning" => "#ef6c00",
        _ => "#1565c0",
    };
    let _ = write!(
        out,
        "<li class=\"okr-finding\"><b style=\"color:{colour}\">{}[{}]</b> {}",
        f.severity.as_str(),
        escape(&f.code),
        escape(&f.message)
    );
    if let Some(help) = &f.help {
        let _ = write!(out, "<br><i style=\"color:#666\">{}</i>", escape(help));
    }
    out.push_str("</li>");
}

impl Scorecard {
    /// The cascade as an HTML fragment (see the [module docs](crate::render::html)): top-level
    /// objectives with the objectives aligned to them nested below, each with its key
    /// results; each finding is shown under the objective it is about (its first subject)
    /// and all of them (up to [`MAX_FINDINGS`]) are listed at the end. Objectives with
    /// several parents are expanded under the first only. At most [`MAX_ROWS`] objectives
    /// are shown, with a note of how many more there are. Runs in O(objectives + key
    /// results + findings).
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Format, Policy, Scorecard};
    /// let doc = Document::from_str(r#"
    /// version: 1
    /// cycles: [{id: 2021-H2, start: 2021-07-01, end: 2021-12-31}]
    /// objectives:
    ///   - id: O1
    ///     title: "Cut <cloud> costs"
    ///     cycle: 2021-H2
    ///     level: company
    ///     key_results:
    ///       - {id: K1, title: Spend, kind: metric, start: 0, target: 10,
    ///          check_ins: [{date: 2021-10-01, value: 5}]}
    /// "#, Format::Yaml)?;
    /// let as_of = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap());
    /// let card = Scorecard::new(doc, as_of, Policy::default());
    /// let html = card.render_html(&[]);
    /// assert!(html.contains("Cut &lt;cloud&gt; costs"));
    /// assert!(html.contains("score 50%"));
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn render_html(&self, findings: &[Finding]) -> String {
        let rows = self.tree(None);
        self.cascade_html(
            &rows,
            self.document().objectives.len(),
            findings,
            CascadeOptions::default(),
        )
    }

    /// The cascade of `rows` (`objectives` of them in all), as [`Scorecard::render_html`]
    /// renders it, with what `options` adds.
    pub(crate) fn cascade_html(
        &self,
        rows: &[TreeRow<'_>],
        objectives: usize,
        findings: &[Finding],
        options: CascadeOptions<'_>,
    ) -> String {
        let doc = self.document();
        let mut by_subject: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in findings {
            if let Some(s) = f.subjects.first() {
                by_subject.entry(s.as_str()).or_default().push(f);
            }
        }
        let mut out = String::from(
            "<div class=\"okr-cascade\" style=\"font-family:sans-serif;font-size:13px;\
             line-height:1.5\">",
        );
        let _ = write!(
            out,
            "<div style=\"color:#666\">as of {} · {} objectives · {} findings</div>",
            self.as_of().date(),
            objectives,
            findings.len()
        );
        // Open <details> elements, by depth.
        let mut open: usize = 0;
        let mut in_detached = false;
        for (k, r) in rows.iter().enumerate().take(MAX_ROWS) {
            while open > r.depth {
                out.push_str("</div></details>");
                open -= 1;
            }
            if r.detached && !in_detached {
                in_detached = true;
                out.push_str(
                    "<div style=\"margin-top:0.5em;color:#c62828\">not reachable from a \
                     top-level objective (alignment cycle):</div>",
                );
            }
            let has_children = !r.repeated
                && k + 1 < MAX_ROWS
                && rows
                    .get(k + 1)
                    .is_some_and(|next| next.depth > r.depth && !next.detached);
            let o = r.objective;
            let own_findings = if r.repeated {
                None
            } else {
                by_subject.get(o.id.as_str())
            };
            let expandable = has_children || !o.key_results.is_empty() || own_findings.is_some();
            let indent = if r.depth > 0 {
                "margin-left:1.2em;"
            } else {
                ""
            };
            if expandable && !r.repeated {
                let _ = write!(
                    out,
                    "<details open class=\"okr-objective\" style=\"{indent}\"><summary>"
                );
            } else {
                let _ = write!(
                    out,
                    "<div class=\"okr-objective\" style=\"{indent}padding-left:1em\">"
                );
            }
            let _ = write!(out, "<code>{}</code>", escape(o.id.as_str()));
            bar(&mut out, &r.scores);
            let _ = write!(out, "<b>{}</b> ", escape(&o.title));
            if let Some(dir) = options.people {
                dir.owners(&mut out, o);
            }
            if !r.contributes {
                out.push_str("<i style=\"color:#666\">(supports)</i> ");
            }
            if r.on_cycle {
                out.push_str("<i style=\"color:#c62828\">(on an alignment cycle)</i> ");
            }
            if r.repeated {
                out.push_str("<i style=\"color:#666\">(shown above)</i></div>");
                continue;
            }
            figures(&mut out, &r.scores);
            if !(expandable) {
                out.push_str("</div>");
                continue;
            }
            out.push_str("</summary><div style=\"margin-left:1.2em\">");
            if !o.key_results.is_empty() {
                out.push_str(
                    "<ul class=\"okr-key-results\" style=\"margin:0;padding-left:1.2em\">",
                );
                let cycle = doc.cycle(o.cycle.as_str());
                let d = self.as_of().for_cycle(cycle);
                for kr in &o.key_results {
                    let s = self.key_result(kr.id.as_str()).unwrap_or_default();
                    let _ = write!(out, "<li><code>{}</code>", escape(kr.id.as_str()));
                    bar(&mut out, &s);
                    let _ = write!(out, "{} ", escape(&kr.title));
                    if options.sparklines {
                        if let Some(svg) = crate::render::sparkline::svg(kr, d) {
                            out.push_str(&svg);
                        }
                    }
                    figures(&mut out, &s);
                    // A grader's projection, beside the score it projects (SPEC §3a).
                    if let Some(p) = crate::score::projection_in_force(kr, cycle, d, self.policy())
                    {
                        let _ = write!(
                            out,
                            " <span class=\"okr-projection\" style=\"color:#666\">(projected {})</span>",
                            pct(Some(p))
                        );
                    }
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            }
            if let Some(fs) = own_findings {
                out.push_str("<ul class=\"okr-findings\" style=\"margin:0;padding-left:1.2em\">");
                for f in fs {
                    finding_item(&mut out, f);
                }
                out.push_str("</ul>");
            }
            if has_children {
                open += 1;
            } else {
                out.push_str("</div></details>");
            }
        }
        while open > 0 {
            out.push_str("</div></details>");
            open -= 1;
        }
        if rows.len() > MAX_ROWS {
            let _ = write!(
                out,
                "<div style=\"color:#666\">… {} more rows not shown: use the tree or the \
                 tables for a cascade this large</div>",
                rows.len() - MAX_ROWS
            );
        }
        if !findings.is_empty() {
            out.push_str(
                "<details><summary>all findings</summary><ul class=\"okr-findings\" \
                 style=\"margin:0;padding-left:1.2em\">",
            );
            for f in findings.iter().take(MAX_FINDINGS) {
                finding_item(&mut out, f);
            }
            if findings.len() > MAX_FINDINGS {
                let _ = write!(
                    out,
                    "<li>… {} more findings not shown</li>",
                    findings.len() - MAX_FINDINGS
                );
            }
            out.push_str("</ul></details>");
        }
        out.push_str("</div>");
        out
    }
}
