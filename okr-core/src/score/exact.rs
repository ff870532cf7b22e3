//! An exact, order-independent sum of floating-point numbers, for the `flat` rollup.
//!
//! A `flat` objective (SPEC §3a) is the weighted mean over a set of key results that can be
//! large (everything below it), so an update must adjust the sums rather than recompute
//! them. A plain floating-point sum adjusted by a delta drifts from the sum a full
//! recomputation builds in another order; this one keeps the exact value as a list of
//! non-overlapping partials (Shewchuk's algorithm, as in Python's `math.fsum`) and rounds
//! only when read, so additions and removals in any order give the same bits.

/// Terms are clamped to this magnitude so that no partial can overflow (a sum of up to
/// 10¹⁸ terms stays finite).
const LIMIT: f64 = 1e290;

/// An exact sum of terms, read correctly rounded. `NaN` terms are counted apart: while any
/// is in, the sum reads `NaN`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ExactSum {
    /// Non-overlapping partials in increasing magnitude, none zero.
    partials: Vec<f64>,
    /// How many `NaN` terms are in.
    nan: i64,
}

impl ExactSum {
    /// Adds a term.
    pub(crate) fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.nan += 1;
        } else {
            self.add_finite(x.clamp(-LIMIT, LIMIT));
        }
    }

    /// Removes a term added before (the same value).
    pub(crate) fn remove(&mut self, x: f64) {
        if x.is_nan() {
            self.nan -= 1;
        } else {
            self.add_finite(-x.clamp(-LIMIT, LIMIT));
        }
    }

    fn add_finite(&mut self, mut x: f64) {
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let Some(&p) = self.partials.get(j) else {
                break;
            };
            let mut y = p;
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                if let Some(slot) = self.partials.get_mut(kept) {
                    *slot = lo;
                }
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        if x != 0.0 {
            self.partials.push(x);
        }
    }

    /// The sum, correctly rounded to the nearest `f64` (ties to even).
    pub(crate) fn value(&self) -> f64 {
        if self.nan > 0 {
            return f64::NAN;
        }
        let mut rest = self.partials.iter().rev();
        let Some(&top) = rest.next() else {
            return 0.0;
        };
        let mut hi = top;
        let mut lo = 0.0;
        let mut inexact = false;
        for &y in rest.by_ref() {
            let x = hi;
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                inexact = true;
                break;
            }
        }
        let next = if inexact { rest.next().copied() } else { None };
        // Half-even rounding across partials: if what is left below has the sign of `lo`,
        // the exact sum lies beyond the halfway point.
        if let Some(below) = next {
            if (lo < 0.0 && below < 0.0) || (lo > 0.0 && below > 0.0) {
                let y = lo * 2.0;
                let x = hi + y;
                if y == x - hi {
                    hi = x;
                }
            }
        }
        hi
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_where_a_plain_sum_rounds() {
        let mut s = ExactSum::default();
        for x in [1e16, 1.0, -1e16] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0);
        let mut t = ExactSum::default();
        for x in [0.1, 0.2, 0.3] {
            t.add(x);
        }
        // 0.1 + 0.2 + 0.3 rounds to 0.6000000000000001 in order; exactly it is nearest 0.6.
        assert_eq!(t.value(), 0.6);
        t.add(f64::NAN);
        assert!(t.value().is_nan());
        t.remove(f64::NAN);
        assert_eq!(t.value(), 0.6);
    }

    proptest! {
        /// Adding and removing in any order reads the same bits as adding only the rest.
        #[test]
        fn order_independent(
            xs in prop::collection::vec(-1e6f64..1e6, 0..20),
            gone in prop::collection::vec(any::<bool>(), 20),
        ) {
            let mut a = ExactSum::default();
            for x in &xs {
                a.add(*x);
            }
            let mut kept = Vec::new();
            for (x, g) in xs.iter().zip(&gone) {
                if *g {
                    a.remove(*x);
                } else {
                    kept.push(*x);
                }
            }
            let mut b = ExactSum::default();
            for x in kept.iter().rev() {
                b.add(*x);
            }
            prop_assert_eq!(a.value().to_bits(), b.value().to_bits());
        }
    }
}
