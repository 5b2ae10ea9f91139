//! Amounts: OCDS publishes decimal numbers in major units (42074.56 UAH);
//! contracts count integer minor units (4207456 kopiyky). The conversion goes
//! through the number's shortest decimal text, so it is exact, and refuses
//! what would need rounding.

use serde_json::Value;

/// Decimal places of the currency's minor unit (ISO 4217); 2 for most.
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "XAF" | "XOF" | "PYG" | "UGX" | "RWF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// An OCDS amount (a JSON number, or a numeric string as some publishers
/// write) in minor units of `currency`.
pub fn to_minor(amount: &Value, currency: &str) -> Result<u128, String> {
    let text = match amount {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        other => return Err(format!("amount {other} is not a number")),
    };
    decimal_to_minor(&text, minor_digits(currency)).map_err(|e| format!("amount {text} {currency}: {e}"))
}

fn decimal_to_minor(text: &str, digits: u32) -> Result<u128, String> {
    if text.starts_with('-') {
        return Err("is negative".into());
    }
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().map_err(|_| "has a bad exponent".to_string())?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return Err("is not a decimal number".into());
    }
    // All digits as one integer, and where the decimal point sits.
    let all = format!("{int}{frac}");
    let all = all.trim_start_matches('0');
    let scale = frac.len() as i32 - exp - digits as i32; // digits to drop (>0) or add (<0)
    let mut value: u128 = if all.is_empty() { 0 } else { all.parse().map_err(|_| "is too large".to_string())? };
    if scale > 0 {
        let div = 10u128.checked_pow(scale as u32).ok_or("has too many decimals")?;
        if value % div != 0 {
            return Err(format!("has more than {digits} decimals: it would need rounding"));
        }
        value /= div;
    } else if scale < 0 {
        value = 10u128.checked_pow((-scale) as u32).and_then(|m| value.checked_mul(m)).ok_or("is too large")?;
    }
    Ok(value)
}

/// Minor units back to an OCDS amount (a JSON number in major units). An f64
/// holds every amount up to 2^53 minor units exactly enough that its shortest
/// text is the decimal we mean.
pub fn to_major(minor: u128, currency: &str) -> Value {
    let scale = 10f64.powi(minor_digits(currency) as i32);
    serde_json::Number::from_f64(minor as f64 / scale).map(Value::Number).unwrap_or(Value::Null)
}

/// `2875.00 UAH`, for reports.
pub fn display(minor: u128, currency: &str) -> String {
    let d = minor_digits(currency);
    if d == 0 {
        return format!("{minor} {currency}");
    }
    let p = 10u128.pow(d);
    format!("{}.{:0width$} {currency}", minor / p, minor % p, width = d as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_minor_units() {
        assert_eq!(to_minor(&json!(42074.56), "UAH"), Ok(4_207_456));
        assert_eq!(to_minor(&json!(3000.0), "UAH"), Ok(300_000));
        assert_eq!(to_minor(&json!("43788.9"), "UAH"), Ok(4_378_890));
        assert_eq!(to_minor(&json!(1e21), "EUR"), Ok(100_000_000_000_000_000_000_000));
        assert_eq!(to_minor(&json!(5), "JPY"), Ok(5));
        assert!(to_minor(&json!(1.005), "UAH").unwrap_err().contains("rounding"));
        assert!(to_minor(&json!(-1), "UAH").is_err());
        assert!(to_minor(&json!(null), "UAH").is_err());
        assert_eq!(to_major(4_207_456, "UAH"), json!(42074.56));
        assert_eq!(display(287_500, "UAH"), "2875.00 UAH");
    }
}
