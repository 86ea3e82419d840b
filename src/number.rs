//! Exact decimal arithmetic. Points, weights and scores are read as decimals
//! and computed as exact rationals (rescaled weights like 35/75 don't
//! terminate in decimal), never in binary floating point. Rounding is half
//! away from zero, and only at the edges: for display, ranking and grading.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// An exact rational number.
pub type Exact = BigRational;

/// An integer as an [`Exact`].
pub fn int(value: i64) -> Exact {
    Exact::from_integer(BigInt::from(value))
}

/// Parses a plain decimal (`12`, `-2.5`, `0.15`, `1e-3`) exactly.
pub fn parse_decimal(text: &str) -> Option<Exact> {
    let text = text.trim();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !(-400..=400).contains(&exponent) {
        return None;
    }
    let numerator: BigInt = format!("{whole}{fraction}").parse().unwrap_or_default();
    let scale = exponent - fraction.len() as i32;
    let ten = BigInt::from(10);
    let value = if scale >= 0 {
        Exact::from_integer(numerator * num_traits::pow(ten, scale as usize))
    } else {
        Exact::new(numerator, num_traits::pow(ten, (-scale) as usize))
    };
    Some(if negative { -value } else { value })
}

/// The decimal a spreadsheet number cell shows: its shortest round-trip
/// representation, so `0.15` stays 15/100 and not the binary neighbour.
pub fn from_f64(value: f64) -> Option<Exact> {
    if !value.is_finite() {
        return None;
    }
    parse_decimal(&format!("{value}"))
}

/// The decimal a spreadsheet number cell holds as Excel reads it: the double
/// to 15 significant digits, so the 79.97499999999999… cached for 79.975
/// is 79.975 again.
pub fn from_spreadsheet(value: f64) -> Option<Exact> {
    if !value.is_finite() {
        return None;
    }
    parse_decimal(&format!("{value:.14e}"))
}

/// `value × 10^places` rounded half away from zero: the integer count of
/// units of the last decimal place. Small values (all of a real
/// assessment's) take an `i128` path; anything larger falls back to BigInt.
fn rounded_units(value: &Exact, places: u32) -> BigInt {
    let small = (value.numer().to_i128(), value.denom().to_i128(), 10i128.checked_pow(places));
    if let (Some(numerator), Some(denominator), Some(scale)) = small
        && let Some(scaled) = numerator.checked_mul(scale)
        && denominator < i128::MAX / 2
    {
        let (quotient, remainder) = (scaled / denominator, scaled % denominator);
        let away = 2 * remainder.abs() >= denominator;
        return BigInt::from(if away { quotient + scaled.signum() } else { quotient });
    }
    let scaled = value * Exact::from_integer(num_traits::pow(BigInt::from(10), places as usize));
    let half = Exact::new(BigInt::from(1), BigInt::from(2));
    let rounded = if scaled.is_negative() { -((-scaled + half).floor()) } else { (scaled + half).floor() };
    rounded.to_integer()
}

/// Rounds half away from zero to `places` decimals.
pub fn round(value: &Exact, places: u32) -> Exact {
    Exact::new(rounded_units(value, places), num_traits::pow(BigInt::from(10), places as usize))
}

/// `to_f64(&round(value, places))` without building and reducing the
/// rounded fraction: the unit count over 10^places, both exact in f64 for
/// any real assessment's figure, divided once (IEEE division rounds the
/// same quotient to the same f64, reduced or not).
pub fn rounded_f64(value: &Exact, places: u32) -> f64 {
    const EXACT_IN_F64: i64 = 1 << 53;
    let units = rounded_units(value, places);
    match units.to_i64() {
        Some(units) if units.abs() < EXACT_IN_F64 && places <= 15 => units as f64 / 10f64.powi(places as i32),
        _ => to_f64(&Exact::new(units, num_traits::pow(BigInt::from(10), places as usize))),
    }
}

/// A value as a decimal string with up to `places` decimals, trailing zeros
/// dropped: `2`, `2.5`, `79.98`. Rounds half away from zero first.
pub fn format_trimmed(value: &Exact, places: u32) -> String {
    let text = format_fixed(value, places);
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

/// A value with every decimal it has, trailing zeros dropped (`2`, `2.5`,
/// `1.002`): the exact figure of a terminating decimal, which every point
/// value and deduction is. A value that does not terminate (`1/3`, hours
/// counted in minutes) is rounded to `places` decimals.
pub fn format_exact(value: &Exact, places: u32) -> String {
    // 10^k / d is whole exactly when d = 2^a × 5^b, for k = max(a, b).
    let strip = |mut n: BigInt, prime: u32| {
        let mut count = 0;
        while (&n % prime).is_zero() {
            n /= prime;
            count += 1;
        }
        (n, count)
    };
    let (rest, twos) = strip(value.denom().clone(), 2);
    let (rest, fives) = strip(rest, 5);
    format_trimmed(value, if rest.is_one() { twos.max(fives) } else { places })
}

/// A value with exactly `places` decimals: `95.00`. Rounds half away from zero.
pub fn format_fixed(value: &Exact, places: u32) -> String {
    let units = rounded_units(value, places);
    // i64's formatting is several times faster than BigInt's.
    let digits =
        units.to_i64().map_or_else(|| units.abs().to_string(), |units| units.unsigned_abs().to_string());
    let places = places as usize;
    let body = if places == 0 {
        digits
    } else {
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (whole, fraction) = padded.split_at(padded.len() - places);
        format!("{whole}.{fraction}")
    };
    if units.is_negative() { format!("-{body}") } else { body }
}

/// The nearest `f64`, for renderers that store numbers in binary formats
/// (xlsx cells, JSON). Numerator and denominator below 2^53 are exact in
/// f64 and IEEE division rounds correctly, so `79.98` stays 79.98.
pub fn to_f64(value: &Exact) -> f64 {
    const EXACT_IN_F64: i64 = 1 << 53;
    match (value.numer().to_i64(), value.denom().to_i64()) {
        (Some(n), Some(d)) if n.abs() < EXACT_IN_F64 && d < EXACT_IN_F64 => n as f64 / d as f64,
        _ => format_trimmed(value, 12).parse().unwrap_or_else(|_| value.to_f64().unwrap_or(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Exact {
        parse_decimal(text).unwrap()
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(d("0.15"), Exact::new(15.into(), 100.into()));
        assert_eq!(d("-2.5"), Exact::new((-5).into(), 2.into()));
        assert_eq!(d("12"), int(12));
        assert_eq!(d(".5"), Exact::new(1.into(), 2.into()));
        assert_eq!(d("1e-3"), Exact::new(1.into(), 1000.into()));
        assert_eq!(parse_decimal("1.2.3"), None);
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(from_f64(0.15), Some(d("0.15")));
    }

    #[test]
    fn spreadsheet_numbers_are_read_to_15_significant_digits() {
        // 79.975 as a spreadsheet's floating-point arithmetic may leave it.
        let recalculated = f64::from_bits(to_f64(&d("79.975")).to_bits() - 1);
        assert_eq!(from_f64(recalculated), Some(d("79.97499999999998")));
        assert_eq!(from_spreadsheet(recalculated), Some(d("79.975")));
        assert_eq!(from_spreadsheet(to_f64(&d("79.975"))), Some(d("79.975")));
        assert_eq!(from_spreadsheet(475.0 / 6.0), Some(d("79.1666666666667")));
        assert_eq!(from_spreadsheet(-0.125), Some(d("-0.125")));
        assert_eq!(from_spreadsheet(0.0), Some(int(0)));
        assert_eq!(from_spreadsheet(f64::NAN), None);
    }

    #[test]
    fn spec_example_rounds_to_79_98() {
        let total = d("0.15") * d("94") + d("0.85") * d("77.5");
        assert_eq!(total, d("79.975"));
        assert_eq!(format_fixed(&total, 2), "79.98");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(format_fixed(&d("2.345"), 2), "2.35");
        assert_eq!(format_fixed(&d("-2.345"), 2), "-2.35");
        assert_eq!(format_fixed(&d("2.344999"), 2), "2.34");
        assert_eq!(format_fixed(&d("0.005"), 2), "0.01");
        assert_eq!(format_fixed(&d("-0.001"), 2), "0.00");
        assert_eq!(format_fixed(&d("95"), 2), "95.00");
        let third = Exact::new(200.into(), 3.into());
        assert_eq!(format_fixed(&third, 2), "66.67");
    }

    #[test]
    fn large_values_round_like_small_ones() {
        let huge = d("1e30") + d("0.005");
        assert_eq!(format_fixed(&huge, 2), "1000000000000000000000000000000.01");
        assert_eq!(format_fixed(&-huge, 2), "-1000000000000000000000000000000.01");
        assert_eq!(format_fixed(&d("-0.005"), 2), "-0.01");
        assert_eq!(round(&d("79.975"), 2), d("79.98"));
        assert_eq!(to_f64(&Exact::new(280.into(), 3.into())), 280.0 / 3.0);
    }

    #[test]
    fn exact_format_keeps_every_decimal_of_a_terminating_value() {
        assert_eq!(format_exact(&d("1.002"), 2), "1.002");
        assert_eq!(format_exact(&d("2.50"), 2), "2.5");
        assert_eq!(format_exact(&d("3"), 2), "3");
        assert_eq!(format_exact(&d("0.0625"), 2), "0.0625");
        assert_eq!(format_exact(&d("-1.25"), 2), "-1.25");
        assert_eq!(format_exact(&Exact::new(79.into(), 3.into()), 2), "26.33");
    }

    #[test]
    fn rounded_f64_is_the_rounded_value_as_f64() {
        let values = [
            d("79.975"),
            d("-79.975"),
            d("0.005"),
            d("-0.005"),
            d("96.3333"),
            Exact::new(280.into(), 3.into()),
            Exact::new((-1).into(), 7.into()),
            d("1e30") + d("0.005"),
            d("0"),
        ];
        for value in &values {
            for places in [0, 2, 4] {
                assert_eq!(rounded_f64(value, places), to_f64(&round(value, places)), "{value} at {places}");
            }
        }
        assert_eq!(rounded_f64(&d("79.975"), 2), 79.98);
        assert_eq!(rounded_f64(&Exact::new(280.into(), 3.into()), 2), 93.33);
        assert_eq!(rounded_f64(&d("-0.005"), 2), -0.01);
    }

    #[test]
    fn trims_trailing_zeros() {
        assert_eq!(format_trimmed(&d("2"), 2), "2");
        assert_eq!(format_trimmed(&d("2.50"), 2), "2.5");
        assert_eq!(format_trimmed(&d("0.125"), 2), "0.13");
        assert_eq!(to_f64(&d("79.98")), 79.98);
    }
}
