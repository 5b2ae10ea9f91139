//! The link between a node and its consensus engine process, ABCI style:
//! the engine (`procura-validator`, runtime/consensus) orders blocks and asks
//! the node, over a Unix socket in the node's data directory, to build,
//! check and commit them. One request, one response, in order; each frame
//! is a little-endian u32 length and a Borsh body.
//!
//! The engine lives in its own process because its dependencies cannot
//! share a build with the node's RocksDB (see the root Cargo.toml).

use borsh::{BorshDeserialize, BorshSerialize};
use std::io::{self, Read, Write};

/// What the engine asks the node.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Request {
    /// Height of the last committed block.
    Head,
    /// The validator keys that decide the block after the head.
    Validators,
    /// Whether transactions are waiting (an idle proposer waits).
    HasWork,
    /// Build (execute, sign, do not commit) the block at `height`.
    Propose { height: u64 },
    /// Check and re-execute a proposed block (do not commit). `builder`:
    /// the validator that must have built it, `None` for a re-proposal.
    Validate { height: u64, builder: Option<[u8; 32]>, block: Vec<u8> },
    /// Commit a decided block with its encoded commit certificate.
    Commit { height: u64, block: Vec<u8>, certificate: Vec<u8> },
    /// A committed block's bytes (for peers catching up).
    Block { height: u64 },
}

/// The node's answer to the request of the same name.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Response {
    Head(u64),
    Validators(Vec<[u8; 32]>),
    HasWork(bool),
    Proposed(Result<Vec<u8>, String>),
    Validated(Result<(), String>),
    /// `Err`: the node halted (it cannot commit what the validators decided).
    Committed(Result<(), String>),
    Block(Option<Vec<u8>>),
}

/// Frames larger than this are refused (blocks are far smaller).
pub const MAX_FRAME: usize = 256 * 1024 * 1024;

pub fn write_frame<T: BorshSerialize>(w: &mut impl Write, msg: &T) -> io::Result<()> {
    let body = borsh::to_vec(msg)?;
    let len = u32::try_from(body.len()).map_err(|_| io::Error::other("frame too large"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&body)?;
    w.flush()
}

pub fn read_frame<T: BorshDeserialize>(r: &mut impl Read) -> io::Result<T> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::other(format!("frame of {len} bytes exceeds {MAX_FRAME}")));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    borsh::from_slice(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        let req = Request::Validate { height: 7, builder: Some([3; 32]), block: vec![1, 2, 3] };
        write_frame(&mut buf, &req).unwrap();
        write_frame(&mut buf, &Response::Committed(Err("root mismatch".into()))).unwrap();
        let mut r = &buf[..];
        assert_eq!(read_frame::<Request>(&mut r).unwrap(), req);
        assert_eq!(read_frame::<Response>(&mut r).unwrap(), Response::Committed(Err("root mismatch".into())));
    }
}
