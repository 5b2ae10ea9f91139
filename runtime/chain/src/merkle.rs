//! A binary sha256 Merkle root over ordered leaves, for tx and receipt roots.
//! Leaves and inner nodes carry different prefixes (RFC 6962 style) so a
//! leaf can never pass for an inner node; an odd node is promoted unchanged.

use procura_primitives::Hash32;
use sha2::{Digest, Sha256};

const LEAF: u8 = 0;
const NODE: u8 = 1;

pub fn merkle_root(leaves: impl IntoIterator<Item = Hash32>) -> Hash32 {
    let mut level: Vec<Hash32> =
        leaves.into_iter().map(|l| Sha256::new().chain_update([LEAF]).chain_update(l).finalize().into()).collect();
    if level.is_empty() {
        return Sha256::digest([]).into();
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => Sha256::new().chain_update([NODE]).chain_update(a).chain_update(b).finalize().into(),
                [a] => *a,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_count_and_content_all_change_the_root() {
        let (a, b, c) = ([1; 32], [2; 32], [3; 32]);
        let root = merkle_root([a, b, c]);
        assert_eq!(root, merkle_root([a, b, c]));
        assert_ne!(root, merkle_root([b, a, c]));
        assert_ne!(root, merkle_root([a, b]));
        assert_ne!(root, merkle_root([a, b, c, c]), "duplicating the odd leaf must not give the same root");
        assert_ne!(merkle_root([a]), a, "a single leaf is hashed, not passed through");
        assert_ne!(merkle_root(std::iter::empty()), merkle_root([[0; 32]]));
    }
}
