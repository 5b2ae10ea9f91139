//! `procura audit verify`: re-executes a whole chain from genesis in a
//! fresh, separate state and checks every hash, signature and root. The
//! blocks come from a [`BlockSource`]: a stopped node's database (whose
//! receipts and every other stored record are then compared with the
//! re-execution too) or a chain file (`crate::export`). Import runs the same
//! loop into a new data directory. Stops at the first mismatch with a report
//! naming the height, the transaction where there is one, and what was
//! expected and found.

use crate::chain::{ApplyError, Chain, TxSignatures};
use crate::export::{ExportError, ExportReader};
use crate::genesis::GenesisConfig;
use procura_chain::{Block, BlockError, Receipt, SharedChecks};
use procura_state::StateStore;
use procura_storage::{cf, Db};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct VerifyReport {
    /// Blocks re-executed after genesis.
    pub blocks: u64,
    pub txs: u64,
    /// Wall time of the replay loop (genesis to head).
    pub elapsed: Duration,
    pub head_hash: [u8; 32],
    /// Wasm modules compiled during the replay: one per distinct code, as
    /// the replay's VM keeps every compiled module for the whole run.
    pub modules_compiled: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("block {height}: {what}")]
    Block { height: u64, what: String },
    #[error("block {height}, transaction {index} ({hash}): {what}")]
    Tx { height: u64, index: usize, hash: String, what: String },
    #[error("block {height}, receipt {index} (transaction {hash}): re-execution gives {expected}, the database holds {found}")]
    Receipt { height: u64, index: usize, hash: String, expected: String, found: String },
    #[error("state key {key} (last written by block {}) differs after replay: stored {stored}, re-executed {replayed}", written(.last_written))]
    State { key: String, last_written: Option<u64>, stored: String, replayed: String },
    #[error("`{cf}` record {key}{}: stored {stored}, re-execution gives {replayed}", at(.height))]
    Record { cf: &'static str, key: String, height: Option<u64>, stored: String, replayed: String },
    #[error(transparent)]
    File(#[from] ExportError),
    #[error(transparent)]
    Setup(#[from] anyhow::Error),
}

fn written(h: &Option<u64>) -> String {
    h.map_or("none: the replayed chain never wrote it".into(), |h| h.to_string())
}

fn at(h: &Option<u64>) -> String {
    h.map_or(String::new(), |h| format!(" (block {h})"))
}

impl VerifyError {
    /// The height the mismatch was found at, where there is one.
    pub fn height(&self) -> Option<u64> {
        match self {
            VerifyError::Block { height, .. }
            | VerifyError::Tx { height, .. }
            | VerifyError::Receipt { height, .. } => Some(*height),
            VerifyError::State { last_written, .. } => *last_written,
            VerifyError::Record { height, .. } => *height,
            VerifyError::File(e) => e.height(),
            VerifyError::Setup(_) => None,
        }
    }
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

/// Where the replayed blocks come from.
pub trait BlockSource {
    /// The next block in height order (block 0 first), `None` after the last.
    fn next_block(&mut self) -> Result<Option<Block>, VerifyError>;
    /// The receipts this source stores for `height`, if it stores any.
    fn stored_receipts(&mut self, height: u64) -> Result<Option<Vec<Receipt>>, VerifyError>;
    /// The head height, if known before reading (for the progress bar).
    fn head_hint(&self) -> Option<u64>;
}

/// A stopped node's database.
pub struct DbSource<'a> {
    db: &'a Db,
    head: u64,
    next: u64,
}

impl<'a> DbSource<'a> {
    pub fn new(db: &'a Db) -> Result<Self, VerifyError> {
        let head = db.head().map_err(anyhow::Error::from)?.ok_or_else(|| anyhow::anyhow!("the database is empty"))?;
        Ok(DbSource { db, head, next: 0 })
    }
}

impl BlockSource for DbSource<'_> {
    fn next_block(&mut self) -> Result<Option<Block>, VerifyError> {
        let height = self.next;
        if height > self.head {
            return Ok(None);
        }
        self.next += 1;
        let err = |what: String| VerifyError::Block { height, what };
        let block = self.db.block(height).map_err(|e| err(e.to_string()))?;
        block.map(Some).ok_or_else(|| err("missing from the database".into()))
    }

    fn stored_receipts(&mut self, height: u64) -> Result<Option<Vec<Receipt>>, VerifyError> {
        let receipts = self.db.receipts(height).map_err(|e| VerifyError::Block { height, what: e.to_string() })?;
        Ok(Some(receipts))
    }

    fn head_hint(&self) -> Option<u64> {
        Some(self.head)
    }
}

/// A chain file, read as a stream.
pub struct FileSource<R: Read>(pub ExportReader<R>);

impl<R: Read> BlockSource for FileSource<R> {
    fn next_block(&mut self) -> Result<Option<Block>, VerifyError> {
        Ok(self.0.next_block()?)
    }

    fn stored_receipts(&mut self, _height: u64) -> Result<Option<Vec<Receipt>>, VerifyError> {
        Ok(None) // the receipts root in each header stands for them
    }

    fn head_hint(&self) -> Option<u64> {
        None
    }
}

pub use procura_chain::first_bad_signature;

/// Receipt summary for a mismatch report.
fn summary(r: Option<&Receipt>) -> String {
    use sha2::Digest;
    r.map_or("no receipt".into(), |r| {
        let digest = sha2::Sha256::digest(borsh::to_vec(r).expect("encodes"));
        format!(
            "{:?}, gas {}, {} bytes returned, {} events (sha256 {})",
            r.status,
            r.gas_used,
            r.return_data.len(),
            r.events.len(),
            hex::encode(digest)
        )
    })
}

/// Turns a refusal of `apply` into a report with what was expected and found.
fn apply_error(e: ApplyError, block: &Block, parent: &procura_chain::BlockHeader) -> VerifyError {
    if let ApplyError::RootMismatch { .. } = e {
        // Found on the commit thread, possibly while a later block was
        // being checked: it names its own height.
        return root_mismatch(e);
    }
    let height = parent.height + 1;
    let h = &block.header.header;
    let what = match e {
        ApplyError::BadTx { index, error, .. } => {
            return VerifyError::Tx {
                height,
                index,
                hash: hex::encode(block.txs[index].hash()),
                what: error.to_string(),
            }
        }
        ApplyError::Header(BlockError::Height { height: found, .. }) => {
            format!("the header says height {found}, expected {height}")
        }
        ApplyError::Header(BlockError::PrevHash { .. }) => format!(
            "previous hash: expected {} (block {}'s hash), found {}",
            hex::encode(parent.hash()),
            parent.height,
            hex::encode(h.prev_hash)
        ),
        ApplyError::Header(BlockError::Signature { .. }) => format!(
            "bad proposer signature: expected a signature of header {} by {}, found {}",
            hex::encode(h.hash()),
            hex::encode(h.proposer),
            hex::encode(block.header.signature)
        ),
        ApplyError::Header(BlockError::TxRoot { .. }) => format!(
            "tx root: the header says {}, its {} transactions give {}",
            hex::encode(h.tx_root),
            block.txs.len(),
            hex::encode(procura_chain::block::tx_root(&block.txs))
        ),
        other => other.to_string(),
    };
    VerifyError::Block { height, what }
}

fn root_mismatch(e: ApplyError) -> VerifyError {
    match e {
        ApplyError::RootMismatch { height, what, expected, found } => VerifyError::Block {
            height,
            what: format!("{what} root mismatch: the header says {expected}, re-execution gives {found}"),
        },
        other => VerifyError::Setup(other.into()),
    }
}

/// The replay loop shared by `audit verify` (both sources) and `chain
/// import`: checks block 0 against the genesis `target` built, then applies
/// each block to `target` (which must hold genesis only), comparing stored
/// receipts where the source has them. Records, per state key, the height
/// of its last write.
pub fn replay(
    source: &mut dyn BlockSource,
    target: &mut Chain,
    progress: bool,
    last_write: &mut HashMap<Vec<u8>, u64>,
) -> Result<VerifyReport, VerifyError> {
    let genesis = source.next_block()?.ok_or_else(|| VerifyError::Block { height: 0, what: "missing".into() })?;
    let derived = target.db.block(0).map_err(anyhow::Error::from)?.expect("genesis is built at open");
    // The whole block, not just the header hash: genesis is unsigned, so its
    // signature bytes are covered by nothing else.
    if genesis != derived {
        let what = format!(
            "genesis differs from the one the genesis config and contracts produce: expected header {} (unsigned,              no transactions), found header {} with {} transactions",
            hex::encode(derived.header.hash()),
            hex::encode(genesis.header.hash()),
            genesis.txs.len()
        );
        return Err(VerifyError::Block { height: 0, what });
    }
    let mut after: Option<Vec<u8>> = None;
    while let Some((key, _)) = target.db.latest_next(b"", after.as_deref())? {
        last_write.insert(key.clone(), 0);
        after = Some(key);
    }
    let bar = match (progress, source.head_hint()) {
        (false, _) => indicatif::ProgressBar::hidden(),
        (true, Some(head)) => indicatif::ProgressBar::new(head),
        (true, None) => indicatif::ProgressBar::new_spinner(),
    };
    let template = if bar.length().is_some() {
        "{bar:40} {pos}/{len} blocks  {per_sec}  eta {eta}  {msg}"
    } else {
        "{spinner} {pos} blocks  {per_sec}  {msg}"
    };
    bar.set_style(indicatif::ProgressStyle::with_template(template).expect("valid template"));
    let compiled_before = target.executor.vm.cache_stats().compiled;
    let started = Instant::now();
    let (mut blocks, mut txs) = (0u64, 0u64);
    // Execution is sequential, signature checks are not: the next block is
    // read and its signatures checked on the other cores while this thread
    // executes the current one, and this thread joins in once it is done.
    // Each block's batch is written behind, while the next one executes.
    let helpers = procura_chain::cores().saturating_sub(1).max(1);
    std::thread::scope(|s| -> Result<(), VerifyError> {
        let check_ahead = |block: Block| {
            let Block { header, txs } = block;
            (header, SharedChecks::start(s, txs, helpers))
        };
        let mut ahead = source.next_block()?.map(check_ahead);
        while let Some((header, checks)) = ahead.take() {
            let (block_txs, bad_signature) = checks.finish();
            let block = Block { header, txs: block_txs };
            // A read error of the following block is reported after this one.
            let following = source.next_block().map(|next| next.map(check_ahead));
            let parent = target.head().clone();
            let height = parent.height + 1;
            if let Some(index) = bad_signature {
                let hash = hex::encode(block.txs[index].hash());
                let what = "bad signature: it does not match the signer's key and the transaction".into();
                return Err(VerifyError::Tx { height, index, hash, what });
            }
            let applied =
                target.apply_behind(&block, TxSignatures::Verified).map_err(|e| apply_error(e, &block, &parent))?;
            if let Some(stored) = source.stored_receipts(height)? {
                if stored != applied.receipts {
                    let index = (0..stored.len().max(applied.receipts.len()))
                        .find(|&i| stored.get(i) != applied.receipts.get(i))
                        .expect("the lists differ");
                    return Err(VerifyError::Receipt {
                        height,
                        index,
                        hash: block.txs.get(index).map_or("none".into(), |t| hex::encode(t.hash())),
                        expected: summary(applied.receipts.get(index)),
                        found: summary(stored.get(index)),
                    });
                }
            }
            for key in applied.written {
                last_write.insert(key, height);
            }
            blocks += 1;
            txs += block.txs.len() as u64;
            bar.inc(1);
            if height % 16 == 0 {
                bar.set_message(format!("{:.0} txs/s", txs as f64 / started.elapsed().as_secs_f64().max(1e-9)));
            }
            ahead = following?;
        }
        Ok(())
    })?;
    target.flush().map_err(|e| match crate::chain::refusal(e) {
        ApplyError::Other(e) => VerifyError::Setup(e),
        refused => root_mismatch(refused),
    })?;
    bar.finish_and_clear();
    Ok(VerifyReport {
        blocks,
        txs,
        elapsed: started.elapsed(),
        head_hash: target.head().hash(),
        modules_compiled: target.executor.vm.cache_stats().compiled - compiled_before,
    })
}

/// A scratch chain in a temporary directory: fsync off, as it is thrown away.
fn scratch_chain(genesis: GenesisConfig, contracts_dir: &Path) -> Result<(tempfile::TempDir, Chain), VerifyError> {
    let scratch = tempfile::tempdir().map_err(anyhow::Error::from)?;
    let chain = Chain::open(&scratch.path().join("chain"), genesis, contracts_dir, None)?;
    chain.db.set_sync_writes(false);
    Ok((scratch, chain))
}

/// Verifies a stopped node's database: replays its blocks, then requires
/// every stored record (state, tree, blocks, receipts, indexes) to be exactly
/// what re-execution wrote.
pub fn verify(
    source: &Db,
    genesis: GenesisConfig,
    contracts_dir: &Path,
    progress: bool,
) -> Result<VerifyReport, VerifyError> {
    let (_scratch, mut fresh) = scratch_chain(genesis, contracts_dir)?;
    let mut last_write = HashMap::new();
    let report = replay(&mut DbSource::new(source)?, &mut fresh, progress, &mut last_write)?;
    compare_stores(source, &fresh.db, &last_write)?;
    Ok(report)
}

/// Verifies a chain file offline: its own genesis config and contracts, a
/// fresh scratch state, and the same replay.
pub fn verify_file(path: &Path, progress: bool) -> Result<VerifyReport, VerifyError> {
    let reader = ExportReader::open(path)?;
    // The contracts only need to exist while genesis is built at open.
    let contracts = tempfile::tempdir().map_err(anyhow::Error::from)?;
    reader.write_contracts(contracts.path()).map_err(anyhow::Error::from)?;
    let (_scratch, mut fresh) = scratch_chain(reader.genesis.clone(), contracts.path())?;
    replay(&mut FileSource(reader), &mut fresh, progress, &mut HashMap::new())
}

/// Column families compared after a database replay, most telling first;
/// `meta` (schema version, head, genesis config hash) was checked on open.
const COMPARED: [&str; 8] = [
    cf::STATE_LATEST,
    cf::JMT_VALUES,
    cf::JMT_NODES,
    cf::BLOCKS,
    cf::RECEIPTS,
    cf::TX_INDEX,
    cf::BLOCK_HASH,
    cf::EVENTS,
];

/// Walks each compared column family of both databases in key order and
/// reports the first entry that differs.
fn compare_stores(stored: &Db, replayed: &Db, last_write: &HashMap<Vec<u8>, u64>) -> Result<(), VerifyError> {
    for cf in COMPARED {
        let mut a = stored.entries(cf).peekable();
        let mut b = replayed.entries(cf).peekable();
        loop {
            let (x, y) = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(Err(_)), _) => return Err(anyhow::Error::from(a.next().unwrap().unwrap_err()).into()),
                (_, Some(Err(_))) => return Err(anyhow::Error::from(b.next().unwrap().unwrap_err()).into()),
                (Some(Ok(x)), Some(Ok(y))) if x == y => {
                    a.next();
                    b.next();
                    continue;
                }
                (x, y) => (x.and_then(|r| r.as_ref().ok()).cloned(), y.and_then(|r| r.as_ref().ok()).cloned()),
            };
            // The smaller key is the one missing from (or differing in) the other side.
            let key = match (&x, &y) {
                (Some((kx, _)), Some((ky, _))) => kx.min(ky).clone(),
                (Some((k, _)), None) | (None, Some((k, _))) => k.clone(),
                (None, None) => unreachable!("handled above"),
            };
            let value =
                |e: &Option<(Box<[u8]>, Box<[u8]>)>| e.as_ref().filter(|(k, _)| *k == key).map(|(_, v)| v.clone());
            let (sv, rv) = (value(&x), value(&y));
            return Err(mismatch(cf, &key, sv.as_deref(), rv.as_deref(), last_write));
        }
    }
    Ok(())
}

fn mismatch(
    cf: &'static str,
    key: &[u8],
    stored: Option<&[u8]>,
    replayed: Option<&[u8]>,
    last_write: &HashMap<Vec<u8>, u64>,
) -> VerifyError {
    let be64 = |b: Option<&[u8]>| b.and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
    if cf == cf::STATE_LATEST {
        return VerifyError::State {
            key: hex::encode(key),
            last_written: last_write.get(key).copied(),
            stored: show(stored),
            replayed: show(replayed),
        };
    }
    let (key_text, height) = match cf {
        // key hash ‖ version: name the plain key if the replay wrote it.
        cf::JMT_VALUES if key.len() == 40 => {
            let plain = last_write.keys().find(|k| procura_state::store::key_hash(k).0 == key[..32]);
            let text = plain
                .map_or(format!("key hash {}", hex::encode(&key[..32])), |k| format!("state key {}", hex::encode(k)));
            (text, be64(Some(&key[32..])))
        }
        cf::BLOCKS => (hex::encode(key), be64(Some(key))),
        cf::RECEIPTS if key.len() == 12 => (hex::encode(key), be64(key.get(..8))),
        cf::BLOCK_HASH => (hex::encode(key), be64(stored.or(replayed))),
        cf::TX_INDEX => (hex::encode(key), be64(stored.or(replayed).and_then(|v| v.get(..8)))),
        cf::EVENTS if key.len() >= 16 => (hex::encode(key), be64(key.get(key.len() - 16..key.len() - 8))),
        // Tree nodes: NodeKey is Borsh (version u64 LE first).
        cf::JMT_NODES => (hex::encode(key), key.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)),
        _ => (hex::encode(key), None),
    };
    VerifyError::Record { cf, key: key_text, height, stored: show(stored), replayed: show(replayed) }
}
