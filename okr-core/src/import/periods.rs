//! Period labels such as `2026-Q1`, `2026-H2`, `FY26` as cycle dates.

use chrono::{Datelike, Months, NaiveDate};

/// The first and last day of the period a label names, or `None` if it names none.
///
/// Labels are read case-insensitively, with or without spaces, `-` or `_` between the
/// parts, the year before or after the part:
///
/// | label | period |
/// |---|---|
/// | `2026` | the calendar year |
/// | `2026-Q1`, `Q1 2026`, `2026Q1` | a calendar quarter (Q1 = January–March) |
/// | `2026-H2`, `H2 2026` | a calendar half (H2 = July–December) |
/// | `FY26`, `FY2026` | the fiscal year that **ends** in 2026 |
/// | `FY26-Q1`, `Q1 FY26`, `FY26-H1` | a quarter or half of that fiscal year |
///
/// A year of two digits is 20xx. Fiscal years start in month `fiscal_year_start` (1–12;
/// anything else counts as 1) and are named by the calendar year they end in: with a July
/// start, `FY26` is 2025-07-01..2026-06-30 and `FY26-Q1` is 2025-07-01..2025-09-30. With
/// the default January start, `FY26` is the calendar year 2026. Labels with a plain year
/// (`2026-Q1`) are always calendar periods.
///
/// ```
/// use okr_core::import::period_dates;
/// use chrono::NaiveDate;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(period_dates("2026-Q1", 1), Some((d(2026, 1, 1), d(2026, 3, 31))));
/// assert_eq!(period_dates("FY26", 7), Some((d(2025, 7, 1), d(2026, 6, 30))));
/// assert_eq!(period_dates("q3 fy26", 7), Some((d(2026, 1, 1), d(2026, 3, 31))));
/// assert_eq!(period_dates("Sprint 4", 1), None);
/// ```
pub fn period_dates(label: &str, fiscal_year_start: u32) -> Option<(NaiveDate, NaiveDate)> {
    let mut s: String = label
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '/'))
        .collect::<String>()
        .to_ascii_uppercase();
    let fiscal = s.contains("FY");
    if fiscal {
        s = s.replacen("FY", "", 1);
    }
    // The part: Q1..Q4 or H1..H2.
    let mut part: Option<(char, u32)> = None;
    let bytes: Vec<char> = s.chars().collect();
    let mut rest = String::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if (c == 'Q' || c == 'H') && part.is_none() {
            let n = bytes.get(i + 1).and_then(|d| d.to_digit(10))?;
            part = Some((c, n));
            i += 2;
            continue;
        }
        rest.push(c);
        i += 1;
    }
    if !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: i32 = match rest.len() {
        2 => 2000 + rest.parse::<i32>().ok()?,
        4 => rest.parse().ok()?,
        _ => return None,
    };
    let start_month = if fiscal && (1..=12).contains(&fiscal_year_start) {
        fiscal_year_start
    } else {
        1
    };
    let year_start = if start_month == 1 {
        NaiveDate::from_ymd_opt(year, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year - 1, start_month, 1)?
    };
    let (offset, months) = match part {
        None => (0, 12),
        Some(('Q', n @ 1..=4)) => (3 * (n - 1), 3),
        Some(('H', n @ 1..=2)) => (6 * (n - 1), 6),
        Some(_) => return None,
    };
    let start = year_start.checked_add_months(Months::new(offset))?;
    let end = start.checked_add_months(Months::new(months))?.pred_opt()?;
    debug_assert!(end.year() >= start.year());
    Some((start, end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn labels() {
        assert_eq!(
            period_dates("2026-H2", 1),
            Some((d(2026, 7, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_dates("H1 2026", 4),
            Some((d(2026, 1, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            period_dates("2026q4", 1),
            Some((d(2026, 10, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_dates("2026", 1),
            Some((d(2026, 1, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_dates("FY26", 1),
            Some((d(2026, 1, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_dates("FY2026", 4),
            Some((d(2025, 4, 1), d(2026, 3, 31)))
        );
        assert_eq!(
            period_dates("FY26-Q4", 7),
            Some((d(2026, 4, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            period_dates("FY26 H2", 10),
            Some((d(2026, 4, 1), d(2026, 9, 30)))
        );
        assert_eq!(period_dates("2026-Q5", 1), None);
        assert_eq!(period_dates("Q1", 1), None);
        assert_eq!(period_dates("Sprint 12", 1), None);
        assert_eq!(period_dates("", 1), None);
    }
}
