//! The native side of the JS peer benchmark (`benches/peers/js_peer.mjs`): what okr-wasm's
//! `Document.fromBytes(bytes, "json").score(asOf).report()` does, natively, timed in this
//! process.
//!
//! `load_score FILE [--runs K] [--as-of YYYY-MM-DD] [--emit OUT]` reads the bytes of FILE
//! (JSON) once, untimed, then K times (after one untimed warm-up): the bytes checked as
//! UTF-8 (`std::str::from_utf8`, as okr-wasm's `fromBytes` does) and `Document::from_str`,
//! `Scorecard::new` as of the date (default: the benchmarks' 2021-10-15) with the default
//! policy, and the score report serialised to JSON text with serde_json, in the shape of
//! okr-wasm's report objects (`{"asOf", "objectives": [{id, score, progress, expected,
//! status, forecast}], "keyResults": [{id, objective, …}]}`; `null` for an unscored value).
//! Each run's values are dropped after its clock stops. Prints one JSON object on stdout: the median seconds
//! of the whole (`seconds`) and of each step (`load_s`, `score_s`, `report_s`), and, for
//! comparison only (not part of `seconds`), `clone_s`: the median time of cloning the
//! loaded document, which okr-wasm's `score` does before scoring. `--emit OUT` writes the
//! report text to OUT, so that a caller can check it against okr-wasm's report.

use okr_core::{AsOf, Document, Format, Policy, Scorecard, Scores};
use std::error::Error;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// The command line.
struct Args {
    file: String,
    runs: usize,
    as_of: AsOf,
    emit: Option<String>,
}

const USAGE: &str = "usage: load_score FILE [--runs K] [--as-of YYYY-MM-DD] [--emit OUT]";

fn args() -> Result<Args, Box<dyn Error>> {
    let mut file = None;
    let mut runs = 5;
    let mut as_of = okr_benches::as_of();
    let mut emit = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value; {USAGE}"))
        };
        match a.as_str() {
            "--runs" => runs = value()?.parse()?,
            "--as-of" => as_of = AsOf::Date(value()?.parse()?),
            "--emit" => emit = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            _ if file.is_none() && !a.starts_with("--") => file = Some(a),
            _ => return Err(format!("unexpected argument `{a}`; {USAGE}").into()),
        }
    }
    Ok(Args {
        file: file.ok_or(USAGE)?,
        runs: runs.max(1),
        as_of,
        emit,
    })
}

/// The score report in the shape of okr-wasm's `Scorecard.report()` objects: the same keys
/// in the same order, every string and number written by serde_json (which writes `null`
/// for a non-finite number, as okr-wasm gives `null`). Written straight from the scorecard,
/// as a native caller would.
fn report_json(card: &Scorecard) -> Result<Vec<u8>, serde_json::Error> {
    fn scores(out: &mut Vec<u8>, s: &Scores) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b",\"score\":");
        serde_json::to_writer(&mut *out, &s.score)?;
        out.extend_from_slice(b",\"progress\":");
        serde_json::to_writer(&mut *out, &s.progress)?;
        out.extend_from_slice(b",\"expected\":");
        serde_json::to_writer(&mut *out, &s.expected)?;
        out.extend_from_slice(b",\"status\":");
        serde_json::to_writer(&mut *out, s.status.as_str())?;
        out.extend_from_slice(b",\"forecast\":");
        serde_json::to_writer(&mut *out, &s.forecast)?;
        out.push(b'}');
        Ok(())
    }
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"asOf\":");
    serde_json::to_writer(&mut out, &card.as_of().date().to_string())?;
    out.extend_from_slice(b",\"objectives\":[");
    for (i, (o, s)) in card.objectives().enumerate() {
        out.extend_from_slice(if i == 0 { b"{\"id\":" } else { b",{\"id\":" });
        serde_json::to_writer(&mut out, o.id.as_str())?;
        scores(&mut out, &s)?;
    }
    out.extend_from_slice(b"],\"keyResults\":[");
    for (i, (o, k, s)) in card.key_results().enumerate() {
        out.extend_from_slice(if i == 0 { b"{\"id\":" } else { b",{\"id\":" });
        serde_json::to_writer(&mut out, k.id.as_str())?;
        out.extend_from_slice(b",\"objective\":");
        serde_json::to_writer(&mut out, o.id.as_str())?;
        scores(&mut out, &s)?;
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times
        .get(times.len() / 2)
        .map_or(f64::NAN, Duration::as_secs_f64)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let bytes = std::fs::read(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file))?;
    let policy = Policy::default();
    let (mut total, mut load, mut score, mut report, mut clone) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut objectives, mut key_results, mut report_bytes) = (0, 0, 0);
    // One warm-up run, then the timed ones.
    for run in 0..=args.runs {
        let t0 = Instant::now();
        let text = std::str::from_utf8(&bytes)?;
        let doc = Document::from_str(text, Format::Json)?;
        let t1 = Instant::now();
        let card = Scorecard::new(doc, args.as_of, policy.clone());
        let t2 = Instant::now();
        let json = report_json(&card)?;
        let t3 = Instant::now();
        // Not part of the total: the copy okr-wasm's `score` makes of the document.
        let copy = card.document().clone();
        let t4 = Instant::now();
        objectives = card.document().objectives.len();
        key_results = card.key_results().count();
        report_bytes = json.len();
        if run == 0 {
            if let Some(path) = &args.emit {
                std::fs::write(path, &json).map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            continue;
        }
        total.push(t3 - t0);
        load.push(t1 - t0);
        score.push(t2 - t1);
        report.push(t3 - t2);
        clone.push(t4 - t3);
        drop((copy, json, card));
    }
    let line = serde_json::json!({
        "file": args.file,
        "file_bytes": bytes.len(),
        "objectives": objectives,
        "key_results": key_results,
        "as_of": args.as_of.date().to_string(),
        "runs": args.runs,
        "seconds": median(total),
        "load_s": median(load),
        "score_s": median(score),
        "report_s": median(report),
        "report_bytes": report_bytes,
        "clone_s": median(clone),
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    Ok(())
}
