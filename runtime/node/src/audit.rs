//! `procura audit verify`: re-executes a node's whole chain from genesis in a
//! fresh, separate state and checks every hash, signature and root, every
//! stored receipt, and finally every state entry. Stops at the first
//! mismatch with a report naming the height and what differs.

use crate::chain::Chain;
use crate::genesis::GenesisConfig;
use procura_state::StateStore;
use procura_storage::Db;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct VerifyReport {
    pub blocks: u64,
    pub txs: u64,
    pub elapsed: Duration,
    pub head_hash: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("block {height}: {what}")]
    Block { height: u64, what: String },
    #[error("state key {key} differs after replay: stored {stored}, re-executed {replayed}")]
    State { key: String, stored: String, replayed: String },
    #[error(transparent)]
    Setup(#[from] anyhow::Error),
}

fn show(v: Option<&[u8]>) -> String {
    v.map_or("nothing".into(), |v| {
        if v.len() > 32 {
            format!("{}… ({} bytes)", hex::encode(&v[..32]), v.len())
        } else {
            hex::encode(v)
        }
    })
}

pub fn verify(
    source: &Db,
    genesis: GenesisConfig,
    contracts_dir: &Path,
    progress: bool,
) -> Result<VerifyReport, VerifyError> {
    let scratch = tempfile::tempdir().map_err(anyhow::Error::from)?;
    let mut fresh = Chain::open(scratch.path(), genesis, contracts_dir, None)?;
    let head = source.head().map_err(anyhow::Error::from)?.ok_or_else(|| anyhow::anyhow!("the database is empty"))?;
    let block_err = |height: u64, what: String| VerifyError::Block { height, what };
    let stored_genesis =
        source.block(0).map_err(|e| block_err(0, e.to_string()))?.ok_or_else(|| block_err(0, "missing".into()))?;
    if stored_genesis.header.hash() != fresh.genesis_hash()? {
        return Err(block_err(0, "genesis differs from the one the genesis config and contracts produce".into()));
    }
    let bar = if progress { indicatif::ProgressBar::new(head) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} blocks  {per_sec}  eta {eta}  {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let mut txs = 0u64;
    for height in 1..=head {
        let block = source
            .block(height)
            .map_err(|e| block_err(height, e.to_string()))?
            .ok_or_else(|| block_err(height, "missing".into()))?;
        let receipts = fresh.apply(&block).map_err(|e| block_err(height, e.to_string()))?;
        let stored = source.receipts(height).map_err(|e| block_err(height, e.to_string()))?;
        if stored != receipts {
            let index =
                stored.iter().zip(&receipts).position(|(a, b)| a != b).unwrap_or(stored.len().min(receipts.len()));
            return Err(block_err(height, format!("stored receipt {index} differs from re-execution")));
        }
        if source.height_of(&block.header.hash()).map_err(|e| block_err(height, e.to_string()))? != Some(height) {
            return Err(block_err(height, "the block-hash index does not point at this block".into()));
        }
        txs += block.txs.len() as u64;
        bar.inc(1);
        if height % 64 == 0 {
            bar.set_message(format!("{:.0} txs/s", txs as f64 / started.elapsed().as_secs_f64().max(1e-9)));
        }
    }
    bar.finish_and_clear();
    // The stored state must be exactly what re-execution produced.
    let mut after: Option<Vec<u8>> = None;
    loop {
        let a = source.latest_next(b"", after.as_deref())?;
        let b = fresh.db.latest_next(b"", after.as_deref())?;
        match (a, b) {
            (None, None) => break,
            (Some((ka, va)), Some((kb, vb))) if ka == kb && va == vb => after = Some(ka),
            (a, b) => {
                let key = match (&a, &b) {
                    (Some((ka, _)), Some((kb, _))) => ka.min(kb).clone(),
                    (Some((k, _)), None) | (None, Some((k, _))) => k.clone(),
                    (None, None) => unreachable!(),
                };
                let stored = source.latest(&key)?;
                let replayed = fresh.db.latest(&key)?;
                return Err(VerifyError::State {
                    key: hex::encode(&key),
                    stored: show(stored.as_deref()),
                    replayed: show(replayed.as_deref()),
                });
            }
        }
    }
    Ok(VerifyReport { blocks: head, txs, elapsed: started.elapsed(), head_hash: fresh.head().hash() })
}
