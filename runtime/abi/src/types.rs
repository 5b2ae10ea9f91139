//! Type expressions as the SDK writes them (`Vec<Option<u128>>`,
//! `[u8;32]`, `(u64,Address)`, `alloc::string::String`), parsed into a tree.

use crate::AbiError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    Unit,
    Bool,
    /// Unsigned integer of this many bytes.
    U(usize),
    /// Signed integer of this many bytes.
    I(usize),
    String,
    /// 32 bytes, shown as hex.
    Address,
    Vec(Box<TypeExpr>),
    Option(Box<TypeExpr>),
    Array(Box<TypeExpr>, usize),
    Tuple(Vec<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// A struct or enum described in the `procura_types` section.
    Named(String),
}

impl TypeExpr {
    /// Calls `f` with every named type inside this expression.
    pub fn named(&self, f: &mut impl FnMut(&str)) {
        match self {
            TypeExpr::Named(n) => f(n),
            TypeExpr::Vec(t) | TypeExpr::Option(t) | TypeExpr::Array(t, _) => t.named(f),
            TypeExpr::Map(k, v) => {
                k.named(f);
                v.named(f);
            }
            TypeExpr::Tuple(items) => items.iter().for_each(|t| t.named(f)),
            _ => {}
        }
    }

    pub fn parse(text: &str) -> Result<Self, AbiError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let mut p = Parser { s: compact.as_bytes(), pos: 0, depth: 0 };
        let ty = p.ty().ok_or_else(|| AbiError::BadType(text.into()))?;
        if p.pos != p.s.len() {
            return Err(AbiError::BadType(text.into()));
        }
        Ok(ty)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

/// Deeper type expressions are refused: the parser recurses, and a hostile
/// ABI's `[[[[...` overflowed the stack (found by the abi_codec fuzz target).
const MAX_NESTING: usize = 64;

impl Parser<'_> {
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'_' || self.s[self.pos] == b':')
        {
            self.pos += 1;
        }
        let path = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
        // `alloc::vec::Vec` is `Vec`: only the last path segment matters.
        let last = path.rsplit("::").next()?;
        (!last.is_empty()).then(|| last.to_string())
    }

    fn list(&mut self, close: u8) -> Option<Vec<TypeExpr>> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(self.ty()?);
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
            if self.eat(close) {
                return Some(items);
            }
        }
    }

    fn ty(&mut self) -> Option<TypeExpr> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let ty = self.ty_inner();
        self.depth -= 1;
        ty
    }

    fn ty_inner(&mut self) -> Option<TypeExpr> {
        if self.eat(b'(') {
            let items = self.list(b')')?;
            return Some(if items.is_empty() { TypeExpr::Unit } else { TypeExpr::Tuple(items) });
        }
        if self.eat(b'[') {
            let inner = self.ty()?;
            if !self.eat(b';') {
                return None;
            }
            let start = self.pos;
            while self.pos < self.s.len() && self.s[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
            let n = std::str::from_utf8(&self.s[start..self.pos]).ok()?.parse().ok()?;
            return self.eat(b']').then(|| TypeExpr::Array(Box::new(inner), n));
        }
        let name = self.ident()?;
        let generics = if self.eat(b'<') { self.list(b'>')? } else { Vec::new() };
        let one = |g: &[TypeExpr]| (g.len() == 1).then(|| Box::new(g[0].clone()));
        Some(match (name.as_str(), generics.len()) {
            ("bool", 0) => TypeExpr::Bool,
            ("u8", 0) => TypeExpr::U(1),
            ("u16", 0) => TypeExpr::U(2),
            ("u32", 0) => TypeExpr::U(4),
            ("u64", 0) => TypeExpr::U(8),
            ("u128", 0) => TypeExpr::U(16),
            ("i8", 0) => TypeExpr::I(1),
            ("i16", 0) => TypeExpr::I(2),
            ("i32", 0) => TypeExpr::I(4),
            ("i64", 0) => TypeExpr::I(8),
            ("i128", 0) => TypeExpr::I(16),
            ("String", 0) => TypeExpr::String,
            ("Address" | "Hash32", 0) => TypeExpr::Address,
            ("Vec", 1) => TypeExpr::Vec(one(&generics)?),
            ("Box", 1) => generics[0].clone(),
            ("Option", 1) => TypeExpr::Option(one(&generics)?),
            ("BTreeMap", 2) => TypeExpr::Map(Box::new(generics[0].clone()), Box::new(generics[1].clone())),
            (_, 0) => TypeExpr::Named(name),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::TypeExpr::*;
    use super::*;

    #[test]
    fn parses_what_the_sdk_writes() {
        assert_eq!(TypeExpr::parse("u64").unwrap(), U(8));
        assert_eq!(TypeExpr::parse("[u8;32]").unwrap(), Array(Box::new(U(1)), 32));
        assert_eq!(TypeExpr::parse("alloc::vec::Vec<Option<u128>>").unwrap(), Vec(Box::new(Option(Box::new(U(16))))));
        assert_eq!(TypeExpr::parse("(u64,Address)").unwrap(), Tuple(vec![U(8), Address]));
        assert_eq!(TypeExpr::parse("()").unwrap(), Unit);
        assert_eq!(TypeExpr::parse("(u64,)").unwrap(), Tuple(vec![U(8)]));
        assert_eq!(
            TypeExpr::parse("BTreeMap<String,Bid>").unwrap(),
            Map(Box::new(String), Box::new(Named("Bid".into())))
        );
        for bad in ["Vec<", "[u8;]", "(u8", "Vec<u8,u8>", "u8>"] {
            assert!(TypeExpr::parse(bad).is_err(), "{bad}");
        }
        let deep = |n| format!("{}u8{}", "Vec<".repeat(n), ">".repeat(n));
        assert!(TypeExpr::parse(&deep(63)).is_ok());
        assert!(TypeExpr::parse(&deep(64)).is_err());
        assert!(TypeExpr::parse(&"[".repeat(100_000)).is_err(), "refused, not a stack overflow");
    }
}
