//! Whole numbers stay whole when a document is written.
//!
//! The model keeps every number as an `f64`, so `capacity_hours: 52` would come out as
//! `52.0` from every serializer. [`Whole`] wraps a value's serialization and writes each
//! finite `f64` that is a whole number within ±2^53 (where every integer is exact) as an
//! integer, in JSON, YAML and TOML alike. `-0.0` and fractions stay floats, and so does
//! everything inside `extra`, which is kept exactly as it was read.

use serde::ser::{self, Serialize, Serializer};

/// The largest magnitude below which every integer has an exact `f64`.
const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

/// The integer an `f64` stands for, if it is written best as one.
#[allow(clippy::cast_possible_truncation)] // exact: |x| ≤ 2^53 fits an i64 without rounding
pub(crate) fn as_integer(x: f64) -> Option<i64> {
    let whole = x.is_finite() && x.fract() == 0.0 && x.abs() <= EXACT;
    let negative_zero = x == 0.0 && x.is_sign_negative();
    (whole && !negative_zero).then_some(x as i64)
}

/// A number as messages show it: as written for everyday sizes (`52`, `0.25`), in compact
/// scientific form when huge or tiny (`1e308`, `2.5e-9`) rather than with hundreds of
/// digits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Num(pub(crate) f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        let size = x.abs();
        if x.is_finite() && (size >= 1e15 || (size != 0.0 && size < 1e-6)) {
            write!(f, "{x:e}")
        } else {
            write!(f, "{x}")
        }
    }
}

/// A value whose whole `f64` numbers serialize as integers (outside `extra`).
pub(crate) struct Whole<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: Serialize + ?Sized> Serialize for Whole<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Adapter(serializer))
    }
}

/// Forwards to the inner serializer, changing only whole `f64`s.
struct Adapter<S>(S);

/// Forwards each element of a compound value through [`Whole`].
struct Compound<C>(C);

impl<S: Serializer> Serializer for Adapter<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<S::SerializeSeq>;
    type SerializeTuple = Compound<S::SerializeTuple>;
    type SerializeTupleStruct = Compound<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<S::SerializeTupleVariant>;
    type SerializeMap = Compound<S::SerializeMap>;
    type SerializeStruct = Compound<S::SerializeStruct>;
    type SerializeStructVariant = Compound<S::SerializeStructVariant>;

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        if crate::model::writing_extra() {
            return self.0.serialize_f64(v);
        }
        match as_integer(v) {
            Some(i) => self.0.serialize_i64(i),
            None => self.0.serialize_f64(v),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_bool(self, v: bool) -> Result<S::Ok, S::Error> {
        self.0.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<S::Ok, S::Error> {
        self.0.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<S::Ok, S::Error> {
        self.0.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<S::Ok, S::Error> {
        self.0.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
        self.0.serialize_i64(v)
    }
    fn serialize_u8(self, v: u8) -> Result<S::Ok, S::Error> {
        self.0.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<S::Ok, S::Error> {
        self.0.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<S::Ok, S::Error> {
        self.0.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
        self.0.serialize_u64(v)
    }
    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        self.0.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.0.serialize_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.0.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Whole(value))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Whole(value))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Whole(value))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Compound)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Compound)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Compound)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Compound)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Compound)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Compound)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(Compound)
    }
}

impl<C: ser::SerializeSeq> ser::SerializeSeq for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_element(&Whole(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeTuple> ser::SerializeTuple for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_element(&Whole(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeTupleStruct> ser::SerializeTupleStruct for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_field(&Whole(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeTupleVariant> ser::SerializeTupleVariant for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_field(&Whole(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeMap> ser::SerializeMap for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.0.serialize_key(&Whole(key))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_value(&Whole(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeStruct> ser::SerializeStruct for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), C::Error> {
        if key == "extra" {
            // Free-form data is written exactly as it was read.
            self.0.serialize_field(key, value)
        } else {
            self.0.serialize_field(key, &Whole(value))
        }
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.0.skip_field(key)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: ser::SerializeStructVariant> ser::SerializeStructVariant for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), C::Error> {
        if key == "extra" {
            self.0.serialize_field(key, value)
        } else {
            self.0.serialize_field(key, &Whole(value))
        }
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.0.skip_field(key)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_within_two_to_the_53_become_integers() {
        assert_eq!(as_integer(52.0), Some(52));
        assert_eq!(as_integer(-3.0), Some(-3));
        assert_eq!(as_integer(0.0), Some(0));
        assert_eq!(
            as_integer(9_007_199_254_740_992.0),
            Some(9_007_199_254_740_992)
        );
        assert_eq!(
            as_integer(-9_007_199_254_740_992.0),
            Some(-9_007_199_254_740_992)
        );
        assert_eq!(as_integer(18_014_398_509_481_984.0), None); // 2^54
        assert_eq!(as_integer(-0.0), None);
        assert_eq!(as_integer(0.5), None);
        assert_eq!(as_integer(1e308), None);
        assert_eq!(as_integer(f64::NAN), None);
        assert_eq!(as_integer(f64::INFINITY), None);
    }

    #[test]
    fn messages_show_huge_and_tiny_numbers_compactly() {
        let shown = |x: f64| Num(x).to_string();
        assert_eq!(shown(1e308), "1e308");
        assert_eq!(shown(-1.5e300), "-1.5e300");
        assert_eq!(shown(1e15), "1e15");
        assert_eq!(shown(999_999_999_999_999.0), "999999999999999");
        assert_eq!(shown(52.0), "52");
        assert_eq!(shown(0.25), "0.25");
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(2.5e-9), "2.5e-9");
        assert_eq!(shown(f64::INFINITY), "inf");
        assert_eq!(shown(f64::NAN), "NaN");
    }

    #[derive(serde::Serialize)]
    struct Sample {
        hours: f64,
        ratio: f64,
        plan: std::collections::BTreeMap<String, f64>,
        list: Vec<Option<f64>>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn every_writer_writes_whole_numbers_as_integers_but_leaves_extra_alone() {
        let mut extra = serde_json::Map::new();
        extra.insert("kept".into(), serde_json::json!(2.0));
        let sample = Sample {
            hours: 52.0,
            ratio: 0.25,
            plan: [("2021-09-30".to_owned(), 20.0)].into_iter().collect(),
            list: vec![Some(1.0), None, Some(-0.0)],
            extra,
        };
        assert_eq!(
            serde_json::to_string(&Whole(&sample)).unwrap(),
            r#"{"hours":52,"ratio":0.25,"plan":{"2021-09-30":20},"list":[1,null,-0.0],"extra":{"kept":2.0}}"#
        );
        let toml = toml::to_string(&Whole(&Sample {
            list: vec![Some(1.0)],
            ..sample
        }))
        .unwrap();
        assert!(
            toml.starts_with("hours = 52\nratio = 0.25\nlist = [1]\n"),
            "{toml}"
        );
        assert!(toml.contains(" = 20\n") && !toml.contains("20.0"), "{toml}");
        assert!(toml.contains("kept = 2.0\n"), "{toml}");
    }
}
