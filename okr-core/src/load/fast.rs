//! The fast path of loading JSON: a direct typed deserializer ("parse fast, diagnose
//! slow").
//!
//! Hand-written serde visitors read the text straight into the model with serde_json, with
//! no intermediate tree. They accept only documents that the spanned reader of
//! `document.rs` accepts, and build the same values; on anything else (a syntax error, an
//! unknown or duplicate key, a wrong type, an empty id, …) they give up without a message,
//! and the caller parses again with the spanned reader, which finds and locates every
//! problem. The happy path thus costs about what serde_json itself costs.
//!
//! The rules mirrored from the spanned reader: ids are non-empty strings or integers
//! (written as their decimal text); numbers accept integers; optional fields and lists
//! accept `null` (absent); required fields do not; a key result's fields depend on its
//! `kind` (checked once the whole mapping is read, since `kind` may come last); a check-in
//! value may be a boolean only on a `binary` key result; dates are `YYYY-MM-DD`; `extra`
//! holds any JSON but duplicate keys, and integers beyond `i64` become floats there, as in
//! the YAML 1.2 reader that the spanned path uses for JSON.

use crate::load::convert::parse_date;
use crate::model::*;
use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// Reads a JSON document, or `None` when the spanned reader must have the last word —
/// also when the text may hold a `-0` integer or a string longer than `max_string_bytes`
/// (see [`Scan`]).
pub(crate) fn from_json(text: &str, max_string_bytes: usize) -> Option<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut scan = Scan::new(max_string_bytes);
    scan.observe(text.as_bytes());
    scan.finish();
    if scan.negative_zero || scan.long_string {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = DocumentF::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(doc.0)
}

/// Reads a JSON document from a byte stream (a large file, without holding its text; the
/// stream is buffered here), or
/// `None` when the spanned reader must have the last word — also when the stream may hold
/// a `-0` integer or a string longer than `max_string_bytes`, as [`from_json`]. A read
/// error gives `None` too: the caller reads the file again and reports it.
pub(crate) fn from_json_reader<R: std::io::Read>(
    mut reader: R,
    max_string_bytes: usize,
) -> Option<Document> {
    use std::io::Read as _;
    // A byte-order mark is skipped; other first bytes are handed back in front.
    let mut head = [0u8; 3];
    let mut n = 0;
    while let Some(free) = head.get_mut(n..).filter(|free| !free.is_empty()) {
        match reader.read(free).ok()? {
            0 => break,
            k => n += k,
        }
    }
    let head = match head.get(..n)? {
        b"\xef\xbb\xbf" => &[][..],
        head => head,
    };
    // The watch sees the stream in the buffer's large reads; serde_json takes its bytes one
    // at a time from the buffer (std reads single bytes from a `BufReader` without a call
    // per byte).
    // (The buffer is moved into the deserializer: std's fast single-byte reads apply to a
    // `BufReader`, not to a reference to one.)
    let mut scan = Scan::new(max_string_bytes);
    let watch = Watch {
        inner: head.chain(reader),
        scan: &mut scan,
    };
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, watch));
    let doc = DocumentF::deserialize(&mut de).ok()?;
    de.end().ok()?;
    drop(de);
    scan.finish();
    (!scan.negative_zero && !scan.long_string).then_some(doc.0)
}

/// A reader that shows every chunk it reads to a [`Scan`].
struct Watch<'s, R> {
    inner: R,
    scan: &'s mut Scan,
}

impl<R: std::io::Read> std::io::Read for Watch<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan.observe(buf.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

/// Learns from JSON text, whole or in chunks in order, the two things that send it to the
/// spanned reader before the fast path is tried (both conservatively: a flag raised only
/// sends the document to the spanned reader, which judges exactly):
///
/// - whether `-0` may occur as a whole integer (serde_json reads it as the integer 0, the
///   spanned reader as the float −0.0): a `-0` after `:`, `[` or `,` and before neither a
///   digit, `.` nor an exponent. Dates and ids (`2021-07-01`, `team-0-kr1`) do not match;
///   a string that looks like `": -0,"` merely sends the document to the spanned path;
/// - whether a string may be longer than the limit: every JSON string lies between two
///   quotes, so a longer string needs a longer quote-free run.
struct Scan {
    max_string_bytes: usize,
    /// Bytes read before the current chunk.
    offset: usize,
    /// Offset of the last `"` (0 before any).
    last_quote: usize,
    /// The last byte before the current chunk that is not whitespace.
    last_solid: u8,
    /// A `-` that starts a value at the end of the previous chunk: 1 = `-` seen, 2 = `-0`.
    pending: u8,
    negative_zero: bool,
    long_string: bool,
}

impl Scan {
    fn new(max_string_bytes: usize) -> Scan {
        Scan {
            max_string_bytes,
            offset: 0,
            last_quote: 0,
            last_solid: 0,
            pending: 0,
            negative_zero: false,
            long_string: false,
        }
    }

    /// Whether a byte after `-0` makes it a longer number (`-01` is invalid anyway).
    fn continues_number(b: u8) -> bool {
        matches!(b, b'0'..=b'9' | b'.' | b'e' | b'E')
    }

    fn observe(&mut self, chunk: &[u8]) {
        // Finish a `-` or `-0` cut by the end of the previous chunk.
        for &b in chunk {
            match (self.pending, b) {
                (1, b'0') => self.pending = 2,
                (2, b) => {
                    self.negative_zero |= !Self::continues_number(b);
                    self.pending = 0;
                }
                _ => self.pending = 0,
            }
            if self.pending == 0 {
                break;
            }
        }
        for p in memchr::memchr2_iter(b'"', b'-', chunk) {
            let at = self.offset + p;
            if chunk.get(p) == Some(&b'"') {
                self.long_string |= at - self.last_quote > self.max_string_bytes;
                self.last_quote = at;
                continue;
            }
            let before = chunk
                .get(..p)
                .and_then(|head| head.iter().rev().find(|b| !b.is_ascii_whitespace()))
                .copied()
                .unwrap_or(self.last_solid);
            if !matches!(before, b':' | b'[' | b',') {
                continue;
            }
            match (chunk.get(p + 1), chunk.get(p + 2)) {
                (Some(b'0'), Some(&b)) => self.negative_zero |= !Self::continues_number(b),
                (Some(b'0'), None) => self.pending = 2,
                (None, _) => self.pending = 1,
                _ => {}
            }
        }
        if let Some(&b) = chunk.iter().rev().find(|b| !b.is_ascii_whitespace()) {
            self.last_solid = b;
        }
        self.offset += chunk.len();
    }

    /// The end of the stream: a `-0` at the very end, and the last string's length.
    fn finish(&mut self) {
        self.negative_zero |= self.pending == 2;
        self.pending = 0;
        self.long_string |= self.offset - self.last_quote > self.max_string_bytes;
    }
}

fn fail<E: de::Error>() -> E {
    E::custom("rejected by the fast path")
}

macro_rules! expecting {
    () => {
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a valid value")
        }
    };
}

// ---------------------------------------------------------------- scalars

/// A non-empty id: a string, or an integer written as its decimal text.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            expecting!();
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                if v.is_empty() {
                    Err(fail())
                } else {
                    Ok(Id(v.to_owned()))
                }
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                if v.is_empty() {
                    Err(fail())
                } else {
                    Ok(Id(v))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                if i64::try_from(v).is_ok() {
                    Ok(Id(v.to_string()))
                } else {
                    Err(fail())
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A number; integers are accepted.
struct Num(f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            expecting!();
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The integer 1 (the only version).
struct One;

impl<'de> Deserialize<'de> for One {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<One, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = One;
            expecting!();
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<One, E> {
                if v == 1 {
                    Ok(One)
                } else {
                    Err(fail())
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<One, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string.
struct Str(String);

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Str;
            expecting!();
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str, E> {
                Ok(Str(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A date `YYYY-MM-DD`.
struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            expecting!();
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                parse_date(v).map(Date).ok_or_else(fail)
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean.
struct Bool(bool);

impl<'de> Deserialize<'de> for Bool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bool, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Bool;
            expecting!();
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bool, E> {
                Ok(Bool(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A check-in value: a number, or a boolean (allowed on binary key results only, checked
/// by the key result).
struct Val(Value);

impl<'de> Deserialize<'de> for Val {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Val, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Val;
            expecting!();
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val, E> {
                Ok(Val(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val, E> {
                Ok(Val(Value::Number(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val, E> {
                Ok(Val(Value::Number(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val, E> {
                Ok(Val(Value::Number(v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// One of a fixed set of names.
struct Choice<T: 'static>(T);

trait Choices: Sized + Copy + 'static {
    const OPTIONS: &'static [(&'static str, Self)];
}

impl Choices for RollupMode {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("auto", RollupMode::Auto),
        ("key_results", RollupMode::KeyResults),
        ("children", RollupMode::Children),
        ("blend", RollupMode::Blend),
        ("manual", RollupMode::Manual),
        ("flat", RollupMode::Flat),
    ];
}

impl Choices for Commitment {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("aspirational", Commitment::Aspirational),
        ("committed", Commitment::Committed),
    ];
}

impl Choices for Direction {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("at_least", Direction::AtLeast),
        ("at_most", Direction::AtMost),
    ];
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Metric,
    Threshold,
    Binary,
    Milestones,
    Baseline,
    Graded,
}

impl Choices for Kind {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("metric", Kind::Metric),
        ("threshold", Kind::Threshold),
        ("binary", Kind::Binary),
        ("milestones", Kind::Milestones),
        ("baseline", Kind::Baseline),
        ("graded", Kind::Graded),
    ];
}

impl<'de, T: Choices> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Choice<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: Choices> Visitor<'_> for V<T> {
            type Value = Choice<T>;
            expecting!();
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Choice<T>, E> {
                T::OPTIONS
                    .iter()
                    .find(|(n, _)| *n == v)
                    .map(|(_, x)| Choice(*x))
                    .ok_or_else(fail)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

// ---------------------------------------------------------------- wrappers

/// An optional value: `null` is absent.
struct Opt<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Opt<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Opt<T>, D::Error> {
        Option::<T>::deserialize(d).map(Opt)
    }
}

/// A list (`null` only where the caller wraps it in [`Opt`]).
struct List<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<List<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            expecting!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(x) = seq.next_element::<T>()? {
                    out.push(x);
                }
                // JSON gives no length up front: drop the growth slack (a loaded million
                // objectives hold some ten million short lists).
                out.shrink_to_fit();
                Ok(List(out))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

/// An optional list: absent or `null` give an empty list.
fn opt_list<T>(x: Option<Opt<List<T>>>) -> Vec<T> {
    x.and_then(|o| o.0).map(|l| l.0).unwrap_or_default()
}

fn ids<T: From<String>>(x: Option<Opt<List<Id>>>) -> Vec<T> {
    opt_list(x).into_iter().map(|i| T::from(i.0)).collect()
}

fn opt<T>(x: Option<Opt<T>>) -> Option<T> {
    x.and_then(|o| o.0)
}

/// Free-form `extra`: any JSON but duplicate keys; integers beyond `i64` as floats.
struct ExtraF(Extra);

impl<'de> Deserialize<'de> for ExtraF {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ExtraF, D::Error> {
        match FreeValue::deserialize(d)?.0 {
            serde_json::Value::Object(map) => Ok(ExtraF(map.into())),
            _ => Err(fail()),
        }
    }
}

struct FreeValue(serde_json::Value);

impl<'de> Deserialize<'de> for FreeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FreeValue, D::Error> {
        use serde_json::Value as J;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FreeValue;
            expecting!();
            fn visit_unit<E: de::Error>(self) -> Result<FreeValue, E> {
                Ok(FreeValue(J::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FreeValue, E> {
                Ok(FreeValue(J::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FreeValue, E> {
                Ok(FreeValue(J::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FreeValue, E> {
                match i64::try_from(v) {
                    Ok(i) => Ok(FreeValue(J::from(i))),
                    Err(_) => self.visit_f64(v as f64),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FreeValue, E> {
                serde_json::Number::from_f64(v)
                    .map(|n| FreeValue(J::Number(n)))
                    .ok_or_else(fail)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FreeValue, E> {
                Ok(FreeValue(J::String(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FreeValue, E> {
                Ok(FreeValue(J::String(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FreeValue, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element::<FreeValue>()? {
                    out.push(x.0);
                }
                Ok(FreeValue(J::Array(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FreeValue, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some(k) = map.next_key::<String>()? {
                    if out.contains_key(&k) {
                        return Err(fail());
                    }
                    let v = map.next_value::<FreeValue>()?;
                    out.insert(k, v.0);
                }
                Ok(FreeValue(J::Object(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A plan: dates to numbers, no date twice.
struct PlanF(BTreeMap<NaiveDate, f64>);

impl<'de> Deserialize<'de> for PlanF {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PlanF, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PlanF;
            expecting!();
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PlanF, A::Error> {
                let mut plan = BTreeMap::new();
                while let Some(k) = map.next_key::<Date>()? {
                    let v = map.next_value::<Num>()?;
                    if plan.insert(k.0, v.0).is_some() {
                        return Err(fail());
                    }
                }
                Ok(PlanF(plan))
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------- records

/// The index of a known key; unknown keys fail.
struct Key(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = usize;
    expecting!();
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0.iter().position(|k| *k == v).ok_or_else(fail)
    }
}

/// Reads the keys of a record: each known, none twice.
struct Fields<'a, A> {
    map: A,
    known: &'static [&'static str],
    seen: u64,
    _p: PhantomData<&'a ()>,
}

impl<'de, A: MapAccess<'de>> Fields<'_, A> {
    fn new(map: A, known: &'static [&'static str]) -> Self {
        Fields {
            map,
            known,
            seen: 0,
            _p: PhantomData,
        }
    }

    fn next(&mut self) -> Result<Option<usize>, A::Error> {
        let Some(i) = self.map.next_key_seed(Key(self.known))? else {
            return Ok(None);
        };
        let bit = 1u64 << (i % 64);
        if self.seen & bit != 0 {
            return Err(fail());
        }
        self.seen |= bit;
        Ok(Some(i))
    }

    fn value<T: Deserialize<'de>>(&mut self) -> Result<Option<T>, A::Error> {
        self.map.next_value::<T>().map(Some)
    }
}

fn req<T, E: de::Error>(x: Option<T>) -> Result<T, E> {
    x.ok_or_else(fail)
}

macro_rules! record {
    ($name:ident, $out:ty, $keys:expr, |$f:ident| $body:block) => {
        struct $name($out);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    expecting!();
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$name, A::Error> {
                        let mut $f = Fields::new(map, $keys);
                        $body.map($name)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

record!(
    DocumentF,
    Document,
    crate::load::document::DOCUMENT_KEYS,
    |f| {
        let (mut version, mut cycles, mut levels, mut teams, mut people) =
            (None, None, None, None, None);
        let (mut themes, mut initiatives, mut objectives, mut extra) = (None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => version = f.value::<One>()?,
                1 => cycles = f.value::<Opt<List<CycleF>>>()?,
                2 => levels = f.value::<Opt<List<Str>>>()?,
                3 => teams = f.value::<Opt<List<TeamF>>>()?,
                4 => people = f.value::<Opt<List<PersonF>>>()?,
                5 => themes = f.value::<Opt<List<ThemeF>>>()?,
                6 => initiatives = f.value::<Opt<List<InitiativeF>>>()?,
                7 => objectives = f.value::<List<ObjectiveF>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        req::<_, A::Error>(version)?;
        let levels = opt(levels).map(|l| l.0.into_iter().map(|s| s.0).collect::<Vec<String>>());
        if levels
            .as_ref()
            .is_some_and(|l| l.iter().any(String::is_empty))
        {
            return Err(fail());
        }
        Ok(Document {
            version: 1,
            cycles: opt_list(cycles).into_iter().map(|x| x.0).collect(),
            levels,
            teams: opt_list(teams).into_iter().map(|x| x.0).collect(),
            people: opt_list(people).into_iter().map(|x| x.0).collect(),
            themes: opt_list(themes).into_iter().map(|x| x.0).collect(),
            initiatives: opt_list(initiatives).into_iter().map(|x| x.0).collect(),
            objectives: req::<_, A::Error>(objectives)?
                .0
                .into_iter()
                .map(|x| x.0)
                .collect(),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(
    CycleF,
    Cycle,
    &["id", "start", "end", "name", "extra"],
    |f| {
        let (mut id, mut start, mut end, mut name, mut extra) = (None, None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => id = f.value::<Id>()?,
                1 => start = f.value::<Date>()?,
                2 => end = f.value::<Date>()?,
                3 => name = f.value::<Opt<Str>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Cycle {
            id: CycleId(req::<_, A::Error>(id)?.0),
            start: req::<_, A::Error>(start)?.0,
            end: req::<_, A::Error>(end)?.0,
            name: opt(name).map(|s| s.0),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(TeamF, Team, &["id", "name", "parent", "extra"], |f| {
    let (mut id, mut name, mut parent, mut extra) = (None, None, None, None);
    while let Some(k) = f.next()? {
        match k {
            0 => id = f.value::<Id>()?,
            1 => name = f.value::<Opt<Str>>()?,
            2 => parent = f.value::<Opt<Id>>()?,
            _ => extra = f.value::<Opt<ExtraF>>()?,
        }
    }
    Ok(Team {
        id: TeamId(req::<_, A::Error>(id)?.0),
        name: opt(name).map(|s| s.0),
        parent: opt(parent).map(|s| TeamId(s.0)),
        extra: opt(extra).map(|e| e.0).unwrap_or_default(),
    })
});

record!(
    PersonF,
    Person,
    &["id", "name", "team", "capacity_hours", "extra"],
    |f| {
        let (mut id, mut name, mut team, mut capacity, mut extra) = (None, None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => id = f.value::<Id>()?,
                1 => name = f.value::<Opt<Str>>()?,
                2 => team = f.value::<Opt<Id>>()?,
                3 => capacity = f.value::<Opt<Num>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Person {
            id: PersonId(req::<_, A::Error>(id)?.0),
            name: opt(name).map(|s| s.0),
            team: opt(team).map(|s| TeamId(s.0)),
            capacity_hours: opt(capacity).map(|n| n.0),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(ThemeF, Theme, &["id", "title", "extra"], |f| {
    let (mut id, mut title, mut extra) = (None, None, None);
    while let Some(k) = f.next()? {
        match k {
            0 => id = f.value::<Id>()?,
            1 => title = f.value::<Str>()?,
            _ => extra = f.value::<Opt<ExtraF>>()?,
        }
    }
    Ok(Theme {
        id: ThemeId(req::<_, A::Error>(id)?.0),
        title: req::<_, A::Error>(title)?.0,
        extra: opt(extra).map(|e| e.0).unwrap_or_default(),
    })
});

record!(
    InitiativeF,
    Initiative,
    &["id", "title", "team", "extra"],
    |f| {
        let (mut id, mut title, mut team, mut extra) = (None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => id = f.value::<Id>()?,
                1 => title = f.value::<Str>()?,
                2 => team = f.value::<Opt<Id>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Initiative {
            id: InitiativeId(req::<_, A::Error>(id)?.0),
            title: req::<_, A::Error>(title)?.0,
            team: opt(team).map(|s| TeamId(s.0)),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(
    ObjectiveF,
    Objective,
    crate::load::document::OBJECTIVE_KEYS,
    |f| {
        let (mut id, mut title, mut cycle, mut level, mut owners, mut team) =
            (None, None, None, None, None, None);
        let (mut themes, mut initiatives, mut aligns_to, mut rollup, mut blend) =
            (None, None, None, None, None);
        let (mut overrides, mut effort, mut commitment, mut key_results, mut extra) =
            (None, None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => id = f.value::<Id>()?,
                1 => title = f.value::<Str>()?,
                2 => cycle = f.value::<Id>()?,
                3 => level = f.value::<Str>()?,
                4 => owners = f.value::<Opt<List<Id>>>()?,
                5 => team = f.value::<Opt<Id>>()?,
                6 => themes = f.value::<Opt<List<Id>>>()?,
                7 => initiatives = f.value::<Opt<List<Id>>>()?,
                8 => aligns_to = f.value::<Opt<List<LinkF>>>()?,
                9 => rollup = f.value::<Opt<Choice<RollupMode>>>()?,
                10 => blend = f.value::<Opt<Num>>()?,
                11 => overrides = f.value::<Opt<List<OverrideF>>>()?,
                12 => effort = f.value::<Opt<Num>>()?,
                13 => commitment = f.value::<Opt<Choice<Commitment>>>()?,
                14 => key_results = f.value::<List<KeyResultF>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Objective {
            id: ObjectiveId(req::<_, A::Error>(id)?.0),
            title: req::<_, A::Error>(title)?.0,
            cycle: CycleId(req::<_, A::Error>(cycle)?.0),
            level: req::<_, A::Error>(level)?.0,
            owners: ids(owners),
            team: opt(team).map(|s| TeamId(s.0)),
            themes: ids(themes),
            initiatives: ids(initiatives),
            aligns_to: opt_list(aligns_to).into_iter().map(|x| x.0).collect(),
            rollup: opt(rollup).map(|c| c.0),
            blend: opt(blend).map(|n| n.0),
            overrides: opt_list(overrides).into_iter().map(|x| x.0).collect(),
            effort_hours: opt(effort).map(|n| n.0),
            commitment: opt(commitment).map(|c| c.0).unwrap_or_default(),
            key_results: req::<_, A::Error>(key_results)?
                .0
                .into_iter()
                .map(|x| x.0)
                .collect(),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

/// A link: a bare parent id, or a mapping.
struct LinkF(Link);

impl<'de> Deserialize<'de> for LinkF {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LinkF, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LinkF;
            expecting!();
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LinkF, E> {
                if v.is_empty() {
                    return Err(fail());
                }
                Ok(LinkF(Link::to(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LinkF, E> {
                Ok(LinkF(Link::to(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LinkF, E> {
                if i64::try_from(v).is_ok() {
                    Ok(LinkF(Link::to(v.to_string())))
                } else {
                    Err(fail())
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LinkF, A::Error> {
                let mut f = Fields::new(map, &["objective", "weight", "contributes", "extra"]);
                let (mut objective, mut weight, mut contributes, mut extra) =
                    (None, None, None, None);
                while let Some(k) = f.next()? {
                    match k {
                        0 => objective = f.value::<Id>()?,
                        1 => weight = f.value::<Opt<Num>>()?,
                        2 => contributes = f.value::<Opt<Bool>>()?,
                        _ => extra = f.value::<Opt<ExtraF>>()?,
                    }
                }
                Ok(LinkF(Link {
                    objective: ObjectiveId(req::<_, A::Error>(objective)?.0),
                    weight: opt(weight).map_or(1.0, |n| n.0),
                    contributes: opt(contributes).is_none_or(|b| b.0),
                    extra: opt(extra).map(|e| e.0).unwrap_or_default(),
                }))
            }
        }
        d.deserialize_any(V)
    }
}

record!(
    OverrideF,
    Override,
    &["score", "date", "reason", "extra"],
    |f| {
        let (mut score, mut date, mut reason, mut extra) = (None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => score = f.value::<Num>()?,
                1 => date = f.value::<Date>()?,
                2 => reason = f.value::<Opt<Str>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Override {
            score: req::<_, A::Error>(score)?.0,
            date: req::<_, A::Error>(date)?.0,
            reason: opt(reason).map(|s| s.0),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(
    CheckInF,
    CheckIn,
    &["date", "value", "confidence", "note", "projection", "extra"],
    |f| {
        let (mut date, mut value, mut confidence, mut note, mut projection, mut extra) =
            (None, None, None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => date = f.value::<Date>()?,
                1 => value = f.value::<Val>()?,
                2 => confidence = f.value::<Opt<Num>>()?,
                3 => note = f.value::<Opt<Str>>()?,
                4 => projection = f.value::<Opt<Num>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(CheckIn {
            date: req::<_, A::Error>(date)?.0,
            value: req::<_, A::Error>(value)?.0,
            confidence: opt(confidence).map(|n| n.0),
            note: opt(note).map(|s| s.0),
            projection: opt(projection).map(|n| n.0),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

record!(
    MilestoneF,
    Milestone,
    &["title", "weight", "due", "done", "extra"],
    |f| {
        let (mut title, mut weight, mut due, mut done, mut extra) = (None, None, None, None, None);
        while let Some(k) = f.next()? {
            match k {
                0 => title = f.value::<Str>()?,
                1 => weight = f.value::<Opt<Num>>()?,
                2 => due = f.value::<Opt<Date>>()?,
                3 => done = f.value::<Opt<Date>>()?,
                _ => extra = f.value::<Opt<ExtraF>>()?,
            }
        }
        Ok(Milestone {
            title: req::<_, A::Error>(title)?.0,
            weight: opt(weight).map_or(1.0, |n| n.0),
            due: opt(due).map(|d| d.0),
            done: opt(done).map(|d| d.0),
            extra: opt(extra).map(|e| e.0).unwrap_or_default(),
        })
    }
);

/// Keys of a key result: the common ones, then the kind-specific ones (index ≥ 10).
const KR_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "weight",
    "owners",
    "initiatives",
    "due",
    "plan",
    "check_ins",
    "extra",
    "start",
    "target",
    "unit",
    "threshold",
    "direction",
    "milestones",
    "dropped",
];

/// The index of `dropped` in [`KR_KEYS`]: a common key, listed after the kind-specific ones.
const DROPPED_KEY: usize = 16;

/// The kind-specific keys (bits by index into [`KR_KEYS`]) each kind allows.
fn kind_keys(kind: Kind) -> u64 {
    let bits = |ks: &[usize]| ks.iter().fold(0u64, |acc, k| acc | (1 << k));
    match kind {
        Kind::Metric => bits(&[10, 11, 12]),
        Kind::Threshold => bits(&[12, 13, 14]),
        Kind::Binary => 0,
        Kind::Milestones => bits(&[15]),
        Kind::Baseline => bits(&[12]),
        Kind::Graded => 0,
    }
}

record!(KeyResultF, KeyResult, KR_KEYS, |f| {
    let (mut id, mut title, mut kind, mut weight, mut owners, mut initiatives) =
        (None, None, None, None, None, None);
    let (mut due, mut plan, mut check_ins, mut extra) = (None, None, None, None);
    let mut dropped = None;
    let (mut start, mut target, mut unit, mut threshold, mut direction, mut milestones) =
        (None, None, None, None, None, None);
    while let Some(k) = f.next()? {
        match k {
            0 => id = f.value::<Id>()?,
            1 => title = f.value::<Str>()?,
            2 => kind = f.value::<Choice<Kind>>()?,
            3 => weight = f.value::<Opt<Num>>()?,
            4 => owners = f.value::<Opt<List<Id>>>()?,
            5 => initiatives = f.value::<Opt<List<Id>>>()?,
            6 => due = f.value::<Opt<Date>>()?,
            7 => plan = f.value::<Opt<PlanF>>()?,
            8 => check_ins = f.value::<Opt<List<CheckInF>>>()?,
            9 => extra = f.value::<Opt<ExtraF>>()?,
            10 => start = f.value::<Num>()?,
            11 => target = f.value::<Num>()?,
            12 => unit = f.value::<Opt<Str>>()?,
            13 => threshold = f.value::<Num>()?,
            14 => direction = f.value::<Choice<Direction>>()?,
            DROPPED_KEY => dropped = f.value::<Opt<Date>>()?,
            _ => milestones = f.value::<List<MilestoneF>>()?,
        }
    }
    let kind_tag = req::<_, A::Error>(kind)?.0;
    let specific = f.seen & !((1u64 << 10) - 1) & !(1u64 << DROPPED_KEY);
    if specific & !kind_keys(kind_tag) != 0 {
        return Err(fail());
    }
    let check_ins: Vec<CheckIn> = opt_list(check_ins).into_iter().map(|x| x.0).collect();
    if kind_tag != Kind::Binary && check_ins.iter().any(|c| matches!(c.value, Value::Bool(_))) {
        return Err(fail());
    }
    let unit = opt(unit).map(|s| s.0);
    let kind = match kind_tag {
        Kind::Metric => KrKind::Metric {
            start: req::<_, A::Error>(start)?.0,
            target: req::<_, A::Error>(target)?.0,
            unit,
        },
        Kind::Threshold => KrKind::Threshold {
            threshold: req::<_, A::Error>(threshold)?.0,
            direction: req::<_, A::Error>(direction)?.0,
            unit,
        },
        Kind::Binary => KrKind::Binary,
        Kind::Milestones => KrKind::Milestones {
            milestones: req::<_, A::Error>(milestones)?
                .0
                .into_iter()
                .map(|m| m.0)
                .collect(),
        },
        Kind::Baseline => KrKind::Baseline { unit },
        Kind::Graded => KrKind::Graded,
    };
    Ok(KeyResult {
        id: KeyResultId(req::<_, A::Error>(id)?.0),
        title: req::<_, A::Error>(title)?.0,
        kind,
        weight: opt(weight).map_or(1.0, |n| n.0),
        owners: ids(owners),
        initiatives: ids(initiatives),
        due: opt(due).map(|d| d.0),
        plan: opt(plan).map(|p| p.0).unwrap_or_default(),
        dropped: opt(dropped).map(|d| d.0),
        check_ins,
        extra: opt(extra).map(|e| e.0).unwrap_or_default(),
    })
});

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::load::document::{parse_tree, read_document};
    use crate::Format;

    fn slow(text: &str) -> Result<Document, crate::LoadError> {
        read_document(&parse_tree(text, Format::Json)?)
    }

    /// The fast path accepts only what the spanned reader accepts, with the same result.
    fn agrees(text: &str) -> bool {
        match from_json(text, usize::MAX >> 1) {
            Some(doc) => {
                assert_eq!(slow(text).as_ref().ok(), Some(&doc), "{text}");
                true
            }
            None => false,
        }
    }

    fn wrap(objective: &str) -> String {
        format!(
            r#"{{"version": 1, "cycles": [{{"id": "c", "start": "2021-07-01", "end": "2021-12-31"}}],
               "objectives": [{objective}]}}"#
        )
    }

    #[test]
    fn same_documents_as_the_spanned_reader() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![root.join("examples/engineering-2021-h2.json")];
        let mut stack = vec![root.join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        }
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let fast = from_json(&text, usize::MAX >> 1);
            // Anything the spanned reader loads as a document, the fast path loads too
            // (fixtures that are not documents are rejected by both).
            if let Ok(doc) = slow(&text) {
                assert_eq!(fast.as_ref(), Some(&doc), "{}", f.display());
            } else {
                assert!(fast.is_none(), "{}", f.display());
            }
        }
        let generated = crate::generate(300, 3).to_text(Format::Json).unwrap();
        assert!(agrees(&generated));
        // The streamed fast path reads every one the same, whatever the buffer size.
        let texts = files.iter().map(|f| std::fs::read_to_string(f).unwrap());
        for text in texts.chain([generated]) {
            for capacity in [1, 7, 4096] {
                let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
                assert_eq!(
                    from_json_reader(reader, usize::MAX >> 1),
                    from_json(&text, usize::MAX >> 1),
                    "{text}"
                );
            }
        }
    }

    /// The whole-text definitions the scan must agree with (see [`Scan`]).
    fn has_negative_zero_integer(text: &str) -> bool {
        let bytes = text.as_bytes();
        text.match_indices("-0").any(|(i, _)| {
            let whole = !matches!(bytes.get(i + 2), Some(b'0'..=b'9' | b'.' | b'e' | b'E'));
            let value_start = bytes
                .get(..i)
                .and_then(|before| before.iter().rev().find(|b| !b.is_ascii_whitespace()))
                .is_some_and(|b| matches!(b, b':' | b'[' | b','));
            whole && value_start
        })
    }

    fn json_may_hold_long_string(text: &str, max_string_bytes: usize) -> bool {
        let mut last = 0usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'"' {
                if i - last > max_string_bytes {
                    return true;
                }
                last = i;
            }
        }
        text.len() - last > max_string_bytes
    }

    /// Chunks of `text` as a reader hands them out: `cuts` are the chunk lengths, cycled.
    fn watched(text: &str, cuts: &[usize], max_string_bytes: usize) -> (bool, bool) {
        let mut watch = Scan::new(max_string_bytes);
        let mut rest = text.as_bytes();
        for &cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at(cut.clamp(1, rest.len()));
            watch.observe(chunk);
            rest = tail;
        }
        watch.finish();
        (watch.negative_zero, watch.long_string)
    }

    proptest::proptest! {
        /// The stream's watch learns exactly what the whole-text checks find, however the
        /// text is cut into chunks.
        #[test]
        fn the_watch_agrees_with_the_whole_text_checks(
            text in "[-0-9.eE:\\[, \n\"a]{0,40}",
            cuts in proptest::collection::vec(1usize..6, 1..5),
            max in 0usize..8,
        ) {
            let whole = (
                has_negative_zero_integer(&text),
                json_may_hold_long_string(&text, max),
            );
            proptest::prop_assert_eq!(watched(&text, &cuts, max), whole);
        }
    }

    #[test]
    fn a_stream_with_a_negative_zero_or_a_long_string_goes_to_the_spanned_reader() {
        let zero = r#"{"version": 1, "objectives": [], "extra": {"z": -0}}"#;
        let long = format!(
            r#"{{"version": 1, "objectives": [], "extra": {{"z": "{}"}}}}"#,
            "x".repeat(50)
        );
        for capacity in [1, 3, 4096] {
            let read = |t: &str, max| {
                from_json_reader(
                    std::io::BufReader::with_capacity(capacity, t.as_bytes()),
                    max,
                )
            };
            assert!(read(zero, 1000).is_none());
            assert!(read(&long, 1000).is_some());
            assert!(read(&long, 40).is_none());
            assert!(read(&format!("\u{feff}{long}"), 1000).is_some());
        }
    }

    #[test]
    fn accepted_edge_cases_read_the_same() {
        for o in [
            r#"{"id": 42, "title": "t", "cycle": "c", "level": "team", "key_results": [], "owners": [7], "aligns_to": [9, "x", {"objective": 3, "weight": null, "contributes": null}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [], "owners": null, "team": null, "rollup": null, "commitment": null, "extra": null}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "extra": {"a": [1, -0.0, 1.5e3, 18446744073709551615, null, true, {"b": "\ud83d\ude80"}]}, "key_results": [
                {"id": "k", "title": "t", "kind": "binary", "check_ins": [{"date": "2021-08-01", "value": true}, {"date": "2021-08-02", "value": 0}]},
                {"id": "m", "kind": "metric", "title": "t", "start": -0.0, "target": 10, "unit": null, "plan": {"2021-09-30": 5}, "weight": 2},
                {"id": "n", "title": "t", "kind": "milestones", "milestones": [{"title": "a", "weight": null, "due": null}]},
                {"title": "t", "id": "p", "threshold": 3, "direction": "at_most", "kind": "threshold"}]}"#,
        ] {
            assert!(agrees(&wrap(o)), "{o}");
        }
        assert!(agrees(
            "\u{feff}{\"version\": 1, \"objectives\": []}"
                .replace("\\u{feff}", "\u{feff}")
                .as_str()
        ));
    }

    #[test]
    fn everything_else_goes_to_the_spanned_reader() {
        for o in [
            r#"{"id": "", "title": "t", "cycle": "c", "level": "team", "key_results": []}"#,
            r#"{"id": "o", "title": 5, "cycle": "c", "level": "team", "key_results": []}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [], "wieght": 1}"#,
            r#"{"id": "o", "title": "t", "title": "u", "cycle": "c", "level": "team", "key_results": []}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": null}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [], "extra": {"a": 1, "a": 2}}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [{"id": "k", "title": "t", "kind": "binary", "unit": "x"}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [{"id": "k", "title": "t", "kind": "metric", "start": 1, "target": 2, "check_ins": [{"date": "2021-08-01", "value": true}]}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [{"id": "k", "title": "t", "kind": "metric", "start": 1}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [{"id": "k", "title": "t", "kind": "metric", "start": 1, "target": 2, "plan": {"2021-9-30": 1}}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [{"id": "k", "title": "t", "kind": "metric", "start": 1, "target": 2, "plan": {"2021-09-30": 1, "2021-09-30": 2}}]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [], "aligns_to": [1.5]}"#,
            r#"{"id": "o", "title": "t", "cycle": "c", "level": "team", "key_results": [], "aligns_to": [null]}"#,
        ] {
            assert!(from_json(&wrap(o), usize::MAX >> 1).is_none(), "{o}");
        }
        for doc in [
            r#"{"version": 2, "objectives": []}"#,
            r#"{"version": 1.0, "objectives": []}"#,
            r#"{"objectives": []}"#,
            r#"{"version": 1}"#,
            r#"{"version": 1, "objectives": [], "levels": [""]}"#,
            r#"{"version": 1, "objectives": []} x"#,
            r#"[1]"#,
            r#"{"version": 1, "objectives": [], "extra": {"z": -0}}"#,
        ] {
            assert!(from_json(doc, usize::MAX >> 1).is_none(), "{doc}");
        }
    }
}
