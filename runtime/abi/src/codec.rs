//! Borsh ⇄ JSON, driven by the ABI. Integers up to 2^53 become JSON
//! numbers; larger ones (u128 amounts) become decimal strings so no JSON
//! reader loses precision. Byte arrays and addresses are lower-case hex.

use crate::model::{AbiError, ContractAbi, TypeDef};
use crate::types::TypeExpr;
use serde_json::{json, Value};

/// Deeper nesting than this is refused (a hostile type table could recurse).
const MAX_DEPTH: usize = 32;
const JS_SAFE: u128 = (1 << 53) - 1;
/// Values a decode may produce per input byte (nesting wraps a leaf in at
/// most `MAX_DEPTH` containers).
const VALUES_PER_BYTE: usize = 2 * MAX_DEPTH;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Values still allowed. Zero-sized types (`()`, empty structs) take no
    /// bytes, so `[();4000000000]` from a hostile type table would build
    /// billions of values from no input (found while fuzzing abi_codec: the
    /// run died out of memory); every other value takes at least one byte.
    budget: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or_else(|| {
            format!("needs {n} more bytes at offset {}, but only {} remain", self.pos, self.bytes.len() - self.pos)
        })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn uint(&mut self, n: usize) -> Result<u128, String> {
        let mut buf = [0u8; 16];
        buf[..n].copy_from_slice(self.take(n)?);
        Ok(u128::from_le_bytes(buf))
    }

    fn len(&mut self) -> Result<usize, String> {
        let n = self.uint(4)? as usize;
        // Each element takes at least one byte (or none for unit): refuse
        // lengths the remaining input cannot hold before allocating.
        if n > self.bytes.len() - self.pos && n > 0 {
            return Err(format!("length {n} at offset {} exceeds the remaining input", self.pos - 4));
        }
        Ok(n)
    }
}

fn number(v: u128) -> Value {
    if v <= JS_SAFE {
        json!(v as u64)
    } else {
        json!(v.to_string())
    }
}

fn signed(v: i128) -> Value {
    if v.unsigned_abs() <= JS_SAFE {
        json!(v as i64)
    } else {
        json!(v.to_string())
    }
}

impl ContractAbi {
    /// Decodes `bytes` as one value of type `ty`; every byte must be used.
    pub fn decode(&self, ty: &str, bytes: &[u8]) -> Result<Value, AbiError> {
        let expr = TypeExpr::parse(ty)?;
        let mut r = Reader { bytes, pos: 0, budget: VALUES_PER_BYTE * (bytes.len() + 16) };
        let err = |message: String| AbiError::Decode { ty: ty.into(), message };
        let value = self.read(&expr, &mut r, 0).map_err(err)?;
        if r.pos != bytes.len() {
            return Err(err(format!("{} bytes left over after the value", bytes.len() - r.pos)));
        }
        Ok(value)
    }

    fn def(&self, name: &str) -> Result<&TypeDef, String> {
        self.types.get(name).ok_or_else(|| AbiError::UnknownType(name.into()).to_string())
    }

    fn fields_read(&self, fields: &[(String, String)], r: &mut Reader<'_>, depth: usize) -> Result<Value, String> {
        let mut out = serde_json::Map::new();
        for (name, ty) in fields {
            let expr = TypeExpr::parse(ty).map_err(|e| e.to_string())?;
            out.insert(name.clone(), self.read(&expr, r, depth + 1)?);
        }
        Ok(Value::Object(out))
    }

    fn read(&self, ty: &TypeExpr, r: &mut Reader<'_>, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("types nest too deeply".into());
        }
        r.budget = r.budget.checked_sub(1).ok_or("the value has more parts than its bytes can hold")?;
        Ok(match ty {
            TypeExpr::Unit => Value::Null,
            TypeExpr::Bool => match r.uint(1)? {
                0 => json!(false),
                1 => json!(true),
                b => return Err(format!("invalid bool byte {b}")),
            },
            TypeExpr::U(n) => number(r.uint(*n)?),
            TypeExpr::I(n) => {
                let raw = r.uint(*n)?;
                let shift = 128 - 8 * *n as u32;
                signed(((raw << shift) as i128) >> shift)
            }
            TypeExpr::String => {
                let n = r.len()?;
                let bytes = r.take(n)?;
                json!(std::str::from_utf8(bytes).map_err(|_| "a string is not UTF-8".to_string())?)
            }
            TypeExpr::Address => json!(hex::encode(r.take(32)?)),
            TypeExpr::Array(inner, n) if **inner == TypeExpr::U(1) => json!(hex::encode(r.take(*n)?)),
            TypeExpr::Vec(inner) if **inner == TypeExpr::U(1) => {
                let n = r.len()?;
                json!(hex::encode(r.take(n)?))
            }
            TypeExpr::Array(inner, n) => {
                Value::Array((0..*n).map(|_| self.read(inner, r, depth + 1)).collect::<Result<_, _>>()?)
            }
            TypeExpr::Vec(inner) => {
                let n = r.len()?;
                Value::Array((0..n).map(|_| self.read(inner, r, depth + 1)).collect::<Result<_, _>>()?)
            }
            TypeExpr::Option(inner) => match r.uint(1)? {
                0 => Value::Null,
                1 => self.read(inner, r, depth + 1)?,
                b => return Err(format!("invalid option tag {b}")),
            },
            TypeExpr::Tuple(items) => {
                Value::Array(items.iter().map(|t| self.read(t, r, depth + 1)).collect::<Result<_, _>>()?)
            }
            TypeExpr::Map(k, v) => {
                let n = r.len()?;
                let mut pairs = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    pairs.push(json!([self.read(k, r, depth + 1)?, self.read(v, r, depth + 1)?]));
                }
                Value::Array(pairs)
            }
            TypeExpr::Named(name) => match self.def(name)? {
                TypeDef::Struct(fields) => self.fields_read(fields, r, depth)?,
                TypeDef::Enum(variants) => {
                    let tag = r.uint(1)? as usize;
                    let (variant, fields) =
                        variants.get(tag).ok_or_else(|| format!("{name} has no variant number {tag}"))?;
                    if fields.is_empty() {
                        json!(variant)
                    } else {
                        json!({ variant.clone(): self.fields_read(fields, r, depth)? })
                    }
                }
            },
        })
    }

    /// Encodes a JSON value (in the form [`ContractAbi::decode`] produces) as
    /// Borsh of type `ty`.
    pub fn encode(&self, ty: &str, value: &Value) -> Result<Vec<u8>, AbiError> {
        let expr = TypeExpr::parse(ty)?;
        let mut out = Vec::new();
        self.write(&expr, value, &mut out, 0).map_err(|message| AbiError::Encode { ty: ty.into(), message })?;
        Ok(out)
    }

    fn write(&self, ty: &TypeExpr, v: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("types nest too deeply".into());
        }
        let expected = |what: &str| format!("expected {what}, found {v}");
        match ty {
            TypeExpr::Unit => {}
            TypeExpr::Bool => out.push(v.as_bool().ok_or_else(|| expected("true or false"))? as u8),
            TypeExpr::U(n) => {
                let x: u128 = match v {
                    Value::Number(num) => num.as_u64().map(u128::from),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| expected("an unsigned integer"))?;
                if *n < 16 && x >> (8 * n) != 0 {
                    return Err(format!("{x} does not fit in {n} bytes"));
                }
                out.extend_from_slice(&x.to_le_bytes()[..*n]);
            }
            TypeExpr::I(n) => {
                let x: i128 = match v {
                    Value::Number(num) => num.as_i64().map(i128::from),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| expected("an integer"))?;
                let bits = 8 * *n as u32;
                if bits < 128 && (x < -(1i128 << (bits - 1)) || x >= 1i128 << (bits - 1)) {
                    return Err(format!("{x} does not fit in {n} bytes"));
                }
                out.extend_from_slice(&x.to_le_bytes()[..*n]);
            }
            TypeExpr::String => {
                let s = v.as_str().ok_or_else(|| expected("a string"))?;
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            TypeExpr::Address => out.extend(hex_bytes(v, Some(32))?),
            TypeExpr::Array(inner, n) if **inner == TypeExpr::U(1) => out.extend(hex_bytes(v, Some(*n))?),
            TypeExpr::Vec(inner) if **inner == TypeExpr::U(1) => {
                let bytes = hex_bytes(v, None)?;
                out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                out.extend(bytes);
            }
            TypeExpr::Array(inner, n) => {
                let items = v.as_array().filter(|a| a.len() == *n).ok_or_else(|| expected(&format!("{n} items")))?;
                for item in items {
                    self.write(inner, item, out, depth + 1)?;
                }
            }
            TypeExpr::Vec(inner) => {
                let items = v.as_array().ok_or_else(|| expected("an array"))?;
                out.extend_from_slice(&(items.len() as u32).to_le_bytes());
                for item in items {
                    self.write(inner, item, out, depth + 1)?;
                }
            }
            TypeExpr::Option(inner) => {
                if v.is_null() {
                    out.push(0);
                } else {
                    out.push(1);
                    self.write(inner, v, out, depth + 1)?;
                }
            }
            TypeExpr::Tuple(items) => {
                let values = v
                    .as_array()
                    .filter(|a| a.len() == items.len())
                    .ok_or_else(|| expected(&format!("{} items", items.len())))?;
                for (t, item) in items.iter().zip(values) {
                    self.write(t, item, out, depth + 1)?;
                }
            }
            TypeExpr::Map(k, val) => {
                let pairs = v.as_array().ok_or_else(|| expected("an array of [key, value] pairs"))?;
                out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
                for pair in pairs {
                    let kv = pair.as_array().filter(|p| p.len() == 2).ok_or_else(|| expected("[key, value]"))?;
                    self.write(k, &kv[0], out, depth + 1)?;
                    self.write(val, &kv[1], out, depth + 1)?;
                }
            }
            TypeExpr::Named(name) => match self.def(name)? {
                TypeDef::Struct(fields) => self.fields_write(name, fields, v, out, depth)?,
                TypeDef::Enum(variants) => {
                    let (variant, body) = match v {
                        Value::String(s) => (s.as_str(), None),
                        Value::Object(o) if o.len() == 1 => {
                            let (k, b) = o.iter().next().expect("one entry");
                            (k.as_str(), Some(b))
                        }
                        _ => return Err(expected(&format!("a variant of {name}"))),
                    };
                    let tag = variants
                        .iter()
                        .position(|(n, _)| n == variant)
                        .ok_or_else(|| format!("{name} has no variant {variant}"))?;
                    out.push(tag as u8);
                    let fields = &variants[tag].1;
                    match body {
                        Some(b) => self.fields_write(name, fields, b, out, depth)?,
                        None if fields.is_empty() => {}
                        None => return Err(format!("variant {variant} of {name} has fields")),
                    }
                }
            },
        }
        Ok(())
    }

    fn fields_write(
        &self,
        owner: &str,
        fields: &[(String, String)],
        v: &Value,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), String> {
        for (name, ty) in fields {
            let field = v.get(name).ok_or_else(|| format!("{owner} needs field `{name}`"))?;
            let expr = TypeExpr::parse(ty).map_err(|e| e.to_string())?;
            self.write(&expr, field, out, depth + 1)?;
        }
        Ok(())
    }
}

fn hex_bytes(v: &Value, len: Option<usize>) -> Result<Vec<u8>, String> {
    let s = v.as_str().ok_or_else(|| format!("expected a hex string, found {v}"))?;
    let bytes = hex::decode(s.trim_start_matches("0x")).map_err(|e| format!("{s:?} is not hex: {e}"))?;
    match len {
        Some(n) if bytes.len() != n => Err(format!("expected {n} bytes of hex, found {}", bytes.len())),
        _ => Ok(bytes),
    }
}
