//! The compiled half of the `okr` Python package (`okr._okr`).
//!
//! This crate only converts: Python values to okr-core types and back, okr-core errors to
//! the exceptions of `okr._errors`. Every rule, formula and table lives in okr-core. Tables
//! cross over as Arrow IPC bytes (whole columns at once), one table when it is first read;
//! `okr._frames` turns them into pyarrow tables and pandas DataFrames.

use chrono::NaiveDate;
use okr_core::{AsOf, CheckIn, Format, Override, Table as _, Value};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

// ---------------------------------------------------------------------------------------
// Errors

/// Builds an exception of `okr._errors` by class name.
fn error(py: Python<'_>, class: &str, message: String) -> PyErr {
    let made = py
        .import("okr._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message.clone(),)));
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(e) => e,
    }
}

fn problems_list(py: Python<'_>, err: &okr_core::LoadError) -> PyResult<Py<PyList>> {
    let items: Vec<Problem> = err
        .problems
        .iter()
        .map(|p| Problem {
            path: p.path.clone(),
            line: p.line,
            column: p.column,
            message: p.message.clone(),
        })
        .collect();
    Ok(PyList::new(py, items)?.unbind())
}

/// An `okr.LoadError` (or `okr.PolicyError`) carrying every problem.
fn load_error(py: Python<'_>, class: &str, err: &okr_core::LoadError) -> PyErr {
    let e = error(py, class, err.to_string());
    if let Ok(list) = problems_list(py, err) {
        // Setting an attribute on a fresh exception instance cannot fail in practice; if it
        // does, the message still lists every problem.
        let _ = e.value(py).setattr("problems", list);
    }
    e
}

fn save_error(py: Python<'_>, err: &okr_core::SaveError) -> PyErr {
    error(py, "OkrError", err.to_string())
}

fn edit_error(py: Python<'_>, err: &okr_core::edit::EditError) -> PyErr {
    use okr_core::edit::EditError as E;
    match err {
        E::Load(e) => load_error(py, "LoadError", e),
        E::UnknownKeyResult { .. } | E::UnknownObjective { .. } | E::UnknownMilestone { .. } => {
            error(py, "UnknownIdError", err.to_string())
        }
        _ => error(py, "OkrError", err.to_string()),
    }
}

fn update_error(py: Python<'_>, err: &okr_core::UpdateError) -> PyErr {
    error(py, "UnknownIdError", err.to_string())
}

// ---------------------------------------------------------------------------------------
// Conversions

fn format_named(name: &str) -> PyResult<Format> {
    Format::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown format `{name}`: use \"yaml\", \"json\" or \"toml\""
        ))
    })
}

/// A date from a `datetime.date` or an ISO `YYYY-MM-DD` string.
fn date_from(obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| PyValueError::new_err(format!("`{text}` is not a date: use YYYY-MM-DD")));
    }
    obj.extract::<NaiveDate>().map_err(|_| {
        PyTypeError::new_err("expected a datetime.date or an ISO date string (YYYY-MM-DD)")
    })
}

/// `None` means today: closed cycles are then scored as of their last day.
fn as_of_from(obj: Option<&Bound<'_, PyAny>>) -> PyResult<AsOf> {
    match obj {
        Some(o) if !o.is_none() => Ok(AsOf::Date(date_from(o)?)),
        _ => Ok(AsOf::Today(chrono::Local::now().date_naive())),
    }
}

fn policy_or_default(policy: Option<&Policy>) -> okr_core::Policy {
    policy.map(|p| p.inner.clone()).unwrap_or_default()
}

fn finding(f: &okr_core::Finding) -> Finding {
    Finding {
        code: f.code.clone(),
        severity: f.severity.as_str().to_string(),
        subjects: f.subjects.clone(),
        path: f.path.clone(),
        message: f.message.clone(),
        help: f.help.clone(),
    }
}

/// An `okr.Tables` over a snapshot of the scorecard: its tables are built when first read.
fn lazy_tables(py: Python<'_>, card: Arc<okr_core::Scorecard>) -> PyResult<Bound<'_, PyAny>> {
    let levels: Vec<String> = card
        .document()
        .level_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let source = TableSource {
        builder: okr_core::TableBuilder::new(card),
        built: Mutex::new(Vec::new()),
    };
    py.import("okr._frames")?
        .getattr("Tables")?
        .call_method1("_lazy", (source, levels))
}

// ---------------------------------------------------------------------------------------
// Classes

/// One problem found while loading a document or a policy.
#[pyclass(module = "okr", frozen, get_all)]
struct Problem {
    /// Where in the document, e.g. `objectives[3].key_results[1].target` ("" = whole).
    path: String,
    /// 1-based line, or None.
    line: Option<u32>,
    /// 1-based column, or None.
    column: Option<u32>,
    /// What is wrong.
    message: String,
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!(
            "Problem(path={:?}, line={}, column={}, message={:?})",
            self.path,
            opt(self.line),
            opt(self.column),
            self.message
        )
    }

    fn __str__(&self) -> String {
        okr_core::Problem {
            path: self.path.clone(),
            line: self.line,
            column: self.column,
            message: self.message.clone(),
        }
        .to_string()
    }
}

fn opt<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or_else(|| "None".to_string(), |v| v.to_string())
}

fn opt_f(x: Option<f64>) -> String {
    x.map_or_else(|| "None".to_string(), |v| format!("{v:?}"))
}

/// A validation finding.
#[pyclass(module = "okr", frozen, get_all)]
struct Finding {
    /// Stable snake_case rule code.
    code: String,
    /// "error", "warning" or "info".
    severity: String,
    /// Ids involved; the entity the finding is about comes first.
    subjects: Vec<String>,
    /// Where in the document, or None.
    path: Option<String>,
    /// What is wrong.
    message: String,
    /// What to do about it, or None.
    help: Option<String>,
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(code={:?}, severity={:?}, subjects={:?}, path={}, message={:?})",
            self.code,
            self.severity,
            self.subjects,
            self.path
                .as_ref()
                .map_or_else(|| "None".to_string(), |p| format!("{p:?}")),
            self.message
        )
    }
}

/// Scores of one objective or key result as of a date. `None` = undefined.
#[pyclass(module = "okr", frozen, get_all, eq)]
#[derive(PartialEq)]
struct Scores {
    /// Raw progress (may leave 0..1).
    progress: Option<f64>,
    /// Score, clamped to 0..score_cap.
    score: Option<f64>,
    /// Expected progress at the as-of date.
    expected: Option<f64>,
    /// "on_track", "at_risk", "off_track", "unknown" or (a dropped key result) "dropped".
    status: String,
    /// Forecast at the end of the cycle.
    forecast: Option<f64>,
}

impl From<okr_core::Scores> for Scores {
    fn from(s: okr_core::Scores) -> Self {
        Scores {
            progress: s.progress,
            score: s.score,
            expected: s.expected,
            status: s.status.as_str().to_string(),
            forecast: s.forecast,
        }
    }
}

#[pymethods]
impl Scores {
    fn __repr__(&self) -> String {
        format!(
            "Scores(score={}, progress={}, expected={}, status={:?}, forecast={})",
            opt_f(self.score),
            opt_f(self.progress),
            opt_f(self.expected),
            self.status,
            opt_f(self.forecast)
        )
    }
}

/// Thresholds and severities for scoring and validation (SPEC §6).
#[pyclass(module = "okr", frozen)]
struct Policy {
    inner: okr_core::Policy,
}

#[pymethods]
impl Policy {
    #[new]
    #[pyo3(signature = (*, severities=None, score_cap=None, on_track=None, at_risk=None,
        default_blend=None, max_key_results=None, max_objectives=None, stale_days=None,
        default_rollup=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        severities: Option<std::collections::BTreeMap<String, String>>,
        score_cap: Option<f64>,
        on_track: Option<f64>,
        at_risk: Option<f64>,
        default_blend: Option<f64>,
        max_key_results: Option<i64>,
        max_objectives: Option<i64>,
        stale_days: Option<i64>,
        default_rollup: Option<String>,
    ) -> PyResult<Self> {
        let settings = okr_core::PolicySettings {
            severities: severities.map(|s| s.into_iter().collect()),
            score_cap,
            on_track,
            at_risk,
            default_blend,
            max_key_results,
            max_objectives,
            stale_days,
            default_rollup,
        };
        okr_core::Policy::from_settings(&settings)
            .map(|inner| Policy { inner })
            .map_err(|e| load_error(py, "PolicyError", &e.with_source("Policy(...)")))
    }

    /// Loads a policy file (YAML, JSON or TOML by extension).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        okr_core::Policy::from_path(&path)
            .map(|inner| Policy { inner })
            .map_err(|e| load_error(py, "PolicyError", &e))
    }

    /// Parses a policy from text.
    #[staticmethod]
    #[pyo3(signature = (text, format="yaml"))]
    fn loads(py: Python<'_>, text: &str, format: &str) -> PyResult<Self> {
        okr_core::Policy::from_str(text, format_named(format)?)
            .map(|inner| Policy { inner })
            .map_err(|e| load_error(py, "PolicyError", &e))
    }

    /// Severity per rule code, for the codes the policy sets.
    #[getter]
    fn severities(&self) -> std::collections::BTreeMap<String, String> {
        self.inner
            .severities
            .iter()
            .map(|(k, v)| {
                let name = v.severity().map_or("off", |s| s.as_str());
                (k.clone(), name.to_string())
            })
            .collect()
    }
    #[getter]
    fn score_cap(&self) -> f64 {
        self.inner.score_cap
    }
    #[getter]
    fn on_track(&self) -> f64 {
        self.inner.on_track
    }
    #[getter]
    fn at_risk(&self) -> f64 {
        self.inner.at_risk
    }
    #[getter]
    fn default_blend(&self) -> f64 {
        self.inner.default_blend
    }
    #[getter]
    fn max_key_results(&self) -> u32 {
        self.inner.max_key_results
    }
    #[getter]
    fn max_objectives(&self) -> u32 {
        self.inner.max_objectives
    }
    #[getter]
    fn stale_days(&self) -> u32 {
        self.inner.stale_days
    }
    #[getter]
    fn default_rollup(&self) -> &'static str {
        self.inner.default_rollup.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(severities={:?}, score_cap={:?}, on_track={:?}, at_risk={:?}, \
             default_blend={:?}, max_key_results={}, max_objectives={}, stale_days={}, \
             default_rollup={:?})",
            self.severities(),
            self.inner.score_cap,
            self.inner.on_track,
            self.inner.at_risk,
            self.inner.default_blend,
            self.inner.max_key_results,
            self.inner.max_objectives,
            self.inner.stale_days,
            self.inner.default_rollup.as_str()
        )
    }
}

/// An OKR document: cycles, teams, people, themes, initiatives and objectives.
#[pyclass(module = "okr", frozen)]
struct Document {
    inner: okr_core::Document,
}

#[pymethods]
impl Document {
    /// Writes the document; the format follows the extension. The file is replaced
    /// atomically.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        self.inner.save(&path).map_err(|e| save_error(py, &e))
    }

    /// The document as text.
    #[pyo3(signature = (format="yaml"))]
    fn dumps(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        self.inner
            .to_text(format_named(format)?)
            .map_err(|e| save_error(py, &e))
    }

    /// The document as plain Python data (dicts, lists, strings, numbers).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self
            .inner
            .to_text(Format::Json)
            .map_err(|e| save_error(py, &e))?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// Scores every objective and key result as of a date (None = today).
    #[pyo3(signature = (as_of=None, policy=None))]
    fn score(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        policy: Option<&Policy>,
    ) -> PyResult<Scorecard> {
        let as_of = as_of_from(as_of)?;
        let policy = policy_or_default(policy);
        let doc = self.inner.clone();
        let inner = py.detach(move || okr_core::Scorecard::new(doc, as_of, policy));
        Ok(Scorecard::new(inner))
    }

    /// The validation findings as of a date (None = today).
    #[pyo3(signature = (as_of=None, policy=None))]
    fn validate(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        policy: Option<&Policy>,
    ) -> PyResult<Vec<Finding>> {
        let as_of = as_of_from(as_of)?;
        let policy = policy_or_default(policy);
        let found = py.detach(|| okr_core::validate(&self.inner, as_of, &policy));
        Ok(found.iter().map(finding).collect())
    }

    /// The analysis tables as of a date (None = today), as pandas DataFrames.
    #[pyo3(signature = (as_of=None, policy=None))]
    fn tables<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&Bound<'py, PyAny>>,
        policy: Option<&Policy>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let card = self.score(py, as_of, policy)?;
        lazy_tables(py, card.now())
    }

    /// The cascade as indented text, as `okr tree` prints it.
    #[pyo3(signature = (as_of=None, cycle=None))]
    fn tree(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        cycle: Option<&str>,
    ) -> PyResult<String> {
        Ok(self.score(py, as_of, None)?.now().render_tree(cycle))
    }

    /// Objective ids, in document order.
    #[getter]
    fn objectives(&self) -> Vec<String> {
        self.inner
            .objectives
            .iter()
            .map(|o| o.id.as_str().to_string())
            .collect()
    }

    /// Key result ids, in document order.
    #[getter]
    fn key_results(&self) -> Vec<String> {
        self.inner
            .key_results()
            .map(|(_, k)| k.id.as_str().to_string())
            .collect()
    }

    /// Cycle ids, in document order.
    #[getter]
    fn cycles(&self) -> Vec<String> {
        self.inner
            .cycles
            .iter()
            .map(|c| c.id.as_str().to_string())
            .collect()
    }

    /// Level names, top first.
    #[getter]
    fn levels(&self) -> Vec<String> {
        self.inner
            .level_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<okr.Document: {} cycles, {} objectives, {} key results>",
            self.inner.cycles.len(),
            self.inner.objectives.len(),
            self.inner.key_results().count()
        )
    }

    /// The cascade as of today with its findings, for Jupyter.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.score(py, None, None)?._repr_html_())
    }
}

/// Scores of a whole document as of a date, updated incrementally by check-ins.
///
/// Safe to share between threads: every read works on the scorecard as it was when the
/// read began (a snapshot, taken under a lock and released at once, so long reads run
/// without the GIL and without blocking writers), and a check-in or override changes it
/// under the lock (copying it first while a read or a table still holds the old one).
#[pyclass(module = "okr", frozen)]
struct Scorecard {
    /// Shared with the reads in progress and with the lazy tables taken from it, which see
    /// it as it was then: a check-in or override while they live copies it first
    /// (`Arc::make_mut`).
    state: Mutex<Arc<okr_core::Scorecard>>,
}

#[pymethods]
impl Scorecard {
    /// The date scored (for `as_of=None`: today).
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.now().as_of().date()
    }

    /// The scores of an objective.
    fn objective(&self, py: Python<'_>, id: &str) -> PyResult<Scores> {
        self.now().objective(id).map(Scores::from).ok_or_else(|| {
            update_error(py, &okr_core::UpdateError::UnknownObjective(id.to_string()))
        })
    }

    /// The scores of a key result.
    fn key_result(&self, py: Python<'_>, id: &str) -> PyResult<Scores> {
        self.now().key_result(id).map(Scores::from).ok_or_else(|| {
            update_error(py, &okr_core::UpdateError::UnknownKeyResult(id.to_string()))
        })
    }

    /// Records a check-in and updates the scores of the key result and everything above
    /// it. Returns the number of objectives rescored.
    #[pyo3(signature = (key_result, date, value, confidence=None, note=None))]
    fn check_in(
        &self,
        py: Python<'_>,
        key_result: &str,
        date: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
        confidence: Option<f64>,
        note: Option<String>,
    ) -> PyResult<usize> {
        let value = if let Ok(b) = value.cast::<pyo3::types::PyBool>() {
            Value::Bool(b.is_true())
        } else {
            match value.extract::<f64>() {
                Ok(v) => Value::Number(v),
                // An int too large for a float: keep Python's OverflowError.
                Err(e) if value.is_instance_of::<pyo3::types::PyInt>() => return Err(e),
                Err(_) => {
                    return Err(PyTypeError::new_err(
                        "a check-in value is a number or a bool",
                    ))
                }
            }
        };
        let mut c = CheckIn::new(date_from(date)?, value);
        c.confidence = confidence;
        c.note = note;
        Arc::make_mut(&mut *self.lock())
            .check_in(key_result, c)
            .map_err(|e| update_error(py, &e))
    }

    /// Sets a manual score on an objective from a date on. Returns the number of
    /// objectives rescored.
    #[pyo3(signature = (objective, date, score, reason=None))]
    fn set_override(
        &self,
        py: Python<'_>,
        objective: &str,
        date: &Bound<'_, PyAny>,
        score: f64,
        reason: Option<String>,
    ) -> PyResult<usize> {
        let over = Override {
            score,
            date: date_from(date)?,
            reason,
            extra: Default::default(),
        };
        Arc::make_mut(&mut *self.lock())
            .set_override(objective, over)
            .map_err(|e| update_error(py, &e))
    }

    /// The document with every check-in and override recorded so far.
    fn document(&self) -> Document {
        Document {
            inner: self.now().document().clone(),
        }
    }

    /// The validation findings under this scorecard's date and policy.
    fn validate(&self, py: Python<'_>) -> Vec<Finding> {
        let card = self.now();
        let found = py.detach(move || okr_core::validate_scored(&card));
        found.iter().map(finding).collect()
    }

    /// The analysis tables, as pandas DataFrames (each built when first read).
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        lazy_tables(py, self.now())
    }

    /// The cascade as indented text.
    #[pyo3(signature = (cycle=None))]
    fn tree(&self, cycle: Option<&str>) -> String {
        self.now().render_tree(cycle)
    }

    /// Why an objective or a key result has its score, as `okr explain --format json`
    /// gives it (a dict): for an objective every input with `counted` and its
    /// `contribution` to the score; for a key result the check-ins used. Raises
    /// UnknownIdError for an unknown id.
    fn explain<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.explanation(py, id)?)
            .map_err(|e| error(py, "OkrError", e.to_string()))?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// The explanation as `okr explain` prints it.
    fn explain_text(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        Ok(self.explanation(py, id)?.to_text())
    }

    fn __repr__(&self) -> String {
        let card = self.now();
        format!(
            "<okr.Scorecard as of {}: {} objectives>",
            card.as_of().date(),
            card.document().objectives.len()
        )
    }

    /// The cascade with its findings, for Jupyter.
    fn _repr_html_(&self) -> String {
        let card = self.now();
        let findings = okr_core::validate_scored(&card);
        card.render_html(&findings)
    }
}

/// The analysis tables of one scorecard, built one at a time when `okr.Tables` first
/// reads them (the core's `TableBuilder`, holding the scorecard as it was).
#[pyclass(module = "okr", name = "_TableSource", frozen)]
struct TableSource {
    builder: okr_core::TableBuilder<Arc<okr_core::Scorecard>>,
    /// The names of the tables built so far, in order.
    built: Mutex<Vec<&'static str>>,
}

#[pymethods]
impl TableSource {
    /// The table called `name`, built now, as an Arrow IPC file.
    fn ipc<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyBytes>> {
        let built = py.detach(|| {
            let table = self.builder.table(name)?;
            let mut bytes = Vec::new();
            let written = okr_core::arrow::write_ipc(&table, &mut bytes);
            Some((table.name(), written.map(|()| bytes)))
        });
        let Some((name, written)) = built else {
            return Err(PyKeyError::new_err(format!(
                "unknown table `{name}`: one of {}",
                okr_core::TABLE_NAMES.join(", ")
            )));
        };
        let bytes = written.map_err(|e| error(py, "OkrError", format!("table `{name}`: {e}")))?;
        self.built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(name);
        Ok(PyBytes::new(py, &bytes))
    }

    /// The names of the tables built so far, in order.
    #[getter]
    fn built(&self) -> Vec<&'static str> {
        self.built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the document has been validated (only the `findings` table needs it).
    #[getter]
    fn validated(&self) -> bool {
        self.builder.is_validated()
    }
}

// ---------------------------------------------------------------------------------------
// Functions

/// Loads a document from a file (format from the extension unless given), through the
/// core's file loader: its size limit (`max_bytes`), streaming and UTF-8 positions.
#[pyfunction]
#[pyo3(signature = (path, format=None, *, max_bytes=None))]
fn load(
    py: Python<'_>,
    path: PathBuf,
    format: Option<&str>,
    max_bytes: Option<usize>,
) -> PyResult<Document> {
    let format = format.map(format_named).transpose()?;
    let mut options = okr_core::LoadOptions::default();
    options.max_bytes = max_bytes.unwrap_or(options.max_bytes);
    py.detach(|| okr_core::Document::from_path_as(&path, format, &options))
        .map(|inner| Document { inner })
        .map_err(|e| load_error(py, "LoadError", &e))
}

/// Parses a document from text.
#[pyfunction]
#[pyo3(signature = (text, format="yaml"))]
fn loads(py: Python<'_>, text: &str, format: &str) -> PyResult<Document> {
    let format = format_named(format)?;
    py.detach(|| okr_core::Document::from_str(text, format))
        .map(|inner| Document { inner })
        .map_err(|e| load_error(py, "LoadError", &e))
}

/// Applies an edit (its JSON form, see `okr_core::edit::Edit`) to a file in place and
/// returns the new text.
#[pyfunction]
fn edit_file(py: Python<'_>, path: PathBuf, edit: &str) -> PyResult<String> {
    let edit = okr_core::edit::Edit::from_json(edit).map_err(|e| edit_error(py, &e))?;
    py.detach(|| okr_core::edit::apply_to_file(&path, &edit))
        .map_err(|e| edit_error(py, &e))
}

/// The JSON Schema of the document format, as text.
impl Scorecard {
    fn new(card: okr_core::Scorecard) -> Self {
        Scorecard {
            state: Mutex::new(Arc::new(card)),
        }
    }

    /// The scorecard as it is now: a snapshot that later check-ins do not change.
    fn now(&self) -> Arc<okr_core::Scorecard> {
        Arc::clone(&self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Arc<okr_core::Scorecard>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn explanation(&self, py: Python<'_>, id: &str) -> PyResult<okr_core::Explanation> {
        let card = self.now();
        card.explain(id).ok_or_else(|| {
            let near = card
                .closest_id(id)
                .map_or_else(String::new, |k| format!(", did you mean `{k}`?"));
            error(
                py,
                "UnknownIdError",
                format!("unknown objective or key result `{id}`{near}"),
            )
        })
    }
}

/// What changed from `before` to `after` as `okr diff --format json` gives it (a dict),
/// and as `okr diff` prints it. `okr.diff` turns the dict into DataFrames.
#[pyfunction]
fn diff_json_and_text(
    py: Python<'_>,
    before: &Scorecard,
    after: &Scorecard,
) -> PyResult<(Py<PyAny>, String)> {
    let (before, after) = (before.now(), after.now());
    let d = py.detach(move || okr_core::diff(&before, &after));
    let json = serde_json::to_string(&d).map_err(|e| error(py, "OkrError", e.to_string()))?;
    let value = py.import("json")?.call_method1("loads", (json,))?;
    Ok((value.unbind(), d.to_text()))
}

#[pyfunction]
fn json_schema() -> String {
    okr_core::json_schema()
}

// ---------------------------------------------------------------------------------------
// Import (SPEC §11)

/// What an import read, kept in `extra` and skipped.
#[pyclass(module = "okr", frozen)]
struct ImportSummary {
    /// Entities read, by kind (`objectives`, `key results`, …).
    #[pyo3(get)]
    read: Vec<(String, usize)>,
    /// Source fields kept in `extra`, with how many entities had each.
    #[pyo3(get)]
    extra: Vec<(String, usize)>,
    /// Items not imported: (where, why).
    #[pyo3(get)]
    skipped: Vec<(String, String)>,
    /// Choices made on the user's behalf.
    #[pyo3(get)]
    notes: Vec<String>,
    text: String,
}

#[pymethods]
impl ImportSummary {
    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __repr__(&self) -> String {
        let read: Vec<String> = self.read.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("<ImportSummary {}>", read.join(", "))
    }
}

fn imported(
    py: Python<'_>,
    result: Result<okr_core::import::Imported, okr_core::LoadError>,
) -> PyResult<(Document, ImportSummary)> {
    let i = result.map_err(|e| load_error(py, "LoadError", &e))?;
    let s = i.summary;
    let summary = ImportSummary {
        text: s.to_string(),
        read: s.read,
        extra: s.extra,
        skipped: s.skipped.into_iter().map(|x| (x.at, x.reason)).collect(),
        notes: s.notes,
    };
    Ok((Document { inner: i.document }, summary))
}

fn import_options(
    map: Vec<(String, String)>,
    fiscal_year_start: u32,
    today: Option<&Bound<'_, PyAny>>,
) -> PyResult<okr_core::import::ImportOptions> {
    let today = match today {
        Some(t) => date_from(t)?,
        None => chrono::Local::now().date_naive(),
    };
    let mut options = okr_core::import::ImportOptions::with_today(today);
    options.map = map;
    options.fiscal_year_start = fiscal_year_start;
    Ok(options)
}

/// Imports a spreadsheet's CSV text (and optionally a check-ins CSV text).
#[pyfunction]
#[pyo3(signature = (text, check_ins=None, map=Vec::new(), fiscal_year_start=1, today=None, grades=Vec::new(), cycle=None, rollup=None))]
#[allow(clippy::too_many_arguments)]
fn import_csv(
    py: Python<'_>,
    text: &str,
    check_ins: Option<&str>,
    map: Vec<(String, String)>,
    fiscal_year_start: u32,
    today: Option<&Bound<'_, PyAny>>,
    grades: Vec<String>,
    cycle: Option<String>,
    rollup: Option<&str>,
) -> PyResult<(Document, ImportSummary)> {
    let mut options = import_options(map, fiscal_year_start, today)?;
    let invalid = pyo3::exceptions::PyValueError::new_err;
    options.add_grade_specs(&grades).map_err(invalid)?;
    options.cycle = cycle;
    if let Some(name) = rollup {
        options.set_rollup(name).map_err(invalid)?;
    }
    imported(
        py,
        py.detach(|| okr_core::import::csv(text, check_ins, &options)),
    )
}

/// Imports Viva Goals' data export (the ZIP or its folder).
#[pyfunction]
#[pyo3(signature = (path, fiscal_year_start=1, today=None))]
fn import_viva_goals(
    py: Python<'_>,
    path: PathBuf,
    fiscal_year_start: u32,
    today: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Document, ImportSummary)> {
    let options = import_options(Vec::new(), fiscal_year_start, today)?;
    imported(
        py,
        py.detach(|| okr_core::import::viva_goals(&path, &options)),
    )
}

/// Imports the JSON text of a GitLab GraphQL `workItems` query.
#[pyfunction]
#[pyo3(signature = (text, today=None))]
fn import_gitlab(
    py: Python<'_>,
    text: &str,
    today: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Document, ImportSummary)> {
    let options = import_options(Vec::new(), 1, today)?;
    imported(py, py.detach(|| okr_core::import::gitlab(text, &options)))
}

#[pymodule]
fn _okr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(json_schema, m)?)?;
    m.add_function(wrap_pyfunction!(import_csv, m)?)?;
    m.add_function(wrap_pyfunction!(import_viva_goals, m)?)?;
    m.add_function(wrap_pyfunction!(import_gitlab, m)?)?;
    m.add_class::<ImportSummary>()?;
    m.add_function(wrap_pyfunction!(edit_file, m)?)?;
    m.add_function(wrap_pyfunction!(diff_json_and_text, m)?)?;
    m.add_class::<Document>()?;
    m.add_class::<Scorecard>()?;
    m.add_class::<Scores>()?;
    m.add_class::<Finding>()?;
    m.add_class::<Policy>()?;
    m.add_class::<Problem>()?;
    m.add_class::<TableSource>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "TABLE_NAMES",
        pyo3::types::PyTuple::new(m.py(), okr_core::TABLE_NAMES)?,
    )?;
    Ok(())
}
