//! The portable chain file: everything an auditor needs to re-execute a
//! chain offline, in one self-describing, streamable file
//! (`procura chain export` / `import`, `procura audit verify --file`).
//!
//! Layout (Borsh throughout: integers little-endian, `String` and `Vec<u8>`
//! as a u32 length then the bytes):
//!
//! ```text
//! magic       16 bytes   b"PROCURA-CHAIN\0\r\n" (the \r\n catches text-mode copies)
//! version     u32        FORMAT_VERSION
//! genesis     String     the genesis configuration, JSON
//! contracts   u32 count, then per genesis contract:
//!               name String (the genesis config's name, `<name>.wasm`), code Vec<u8>
//! blocks      per block, heights 0, 1, 2 … in order:
//!               tag u8 = 1, bytes Vec<u8> = Borsh `Block` (header and transactions)
//! end         tag u8 = 0, block count u64, head block hash [u8; 32]
//! ```
//!
//! Receipts and state are not in the file: they are what re-execution
//! produces, and the headers' receipts and state roots pin them down. The
//! end record makes a file cut at a block boundary detectable. Readers never
//! trust a length more than the bytes that actually follow it, so a garbled
//! or truncated file is an error naming its byte offset, never a panic or a
//! huge allocation.

use crate::genesis::{contract_path, GenesisConfig};
use procura_chain::Block;
use procura_primitives::Hash32;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 16] = b"PROCURA-CHAIN\0\r\n";
pub const FORMAT_VERSION: u32 = 1;
const TAG_END: u8 = 0;
const TAG_BLOCK: u8 = 1;
/// Sanity caps on lengths read from a file (far above anything real).
const MAX_GENESIS_JSON: u64 = 16 << 20;
const MAX_CONTRACTS: u32 = 4096;
const MAX_CODE: u64 = 64 << 20;
const MAX_BLOCK: u64 = 1 << 30;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    // `reason`, not `source`: the message already includes it, and a source
    // would print it twice in the CLI's error chain.
    #[error("cannot open {path}: {reason}")]
    Open { path: PathBuf, reason: std::io::Error },
    #[error("read failed at byte {offset}: {reason}")]
    Io { offset: u64, reason: std::io::Error },
    #[error(
        "not a procura chain file (it does not start with the chain-file magic); make one with `procura chain export`"
    )]
    Magic,
    #[error("chain file format version {found}; this procura reads version {supported}: use the procura release that exported it")]
    Version { found: u32, supported: u32 },
    #[error("the file is truncated: it ends at byte {offset}, inside {what}; copy or export it again")]
    Truncated { offset: u64, what: String, height: Option<u64> },
    #[error("the file is damaged at byte {offset}: {what} {detail}; copy or export it again")]
    Garbled { offset: u64, what: String, detail: String, height: Option<u64> },
}

impl ExportError {
    /// The block the damage is in, if it is in a block record.
    pub fn height(&self) -> Option<u64> {
        match self {
            ExportError::Truncated { height, .. } | ExportError::Garbled { height, .. } => *height,
            _ => None,
        }
    }
}

/// Writes a chain file: header and contracts at creation, then blocks in
/// height order, then [`ExportWriter::finish`].
pub struct ExportWriter<W: Write> {
    out: W,
    blocks: u64,
    head: Hash32,
}

impl<W: Write> ExportWriter<W> {
    pub fn new(mut out: W, genesis: &GenesisConfig, contracts: &[(String, Vec<u8>)]) -> std::io::Result<Self> {
        out.write_all(MAGIC)?;
        let json = serde_json::to_string(genesis).map_err(std::io::Error::other)?;
        borsh::to_writer(&mut out, &(FORMAT_VERSION, json))?;
        borsh::to_writer(&mut out, &(contracts.len() as u32))?;
        for (name, code) in contracts {
            borsh::to_writer(&mut out, &(name, code))?;
        }
        Ok(ExportWriter { out, blocks: 0, head: [0; 32] })
    }

    /// Appends the next block; heights must come 0, 1, 2 … without gaps.
    pub fn block(&mut self, block: &Block) -> std::io::Result<()> {
        if block.height() != self.blocks {
            return Err(std::io::Error::other(format!(
                "block {} written where block {} belongs",
                block.height(),
                self.blocks
            )));
        }
        let bytes = borsh::to_vec(block)?;
        borsh::to_writer(&mut self.out, &(TAG_BLOCK, bytes))?;
        self.blocks += 1;
        self.head = block.header.hash();
        Ok(())
    }

    /// Writes the end record and flushes; returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        borsh::to_writer(&mut self.out, &(TAG_END, self.blocks, self.head))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Counts bytes read so every error can name its offset.
struct Counting<R> {
    inner: R,
    offset: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: Read> Counting<R> {
    fn exact(&mut self, buf: &mut [u8], what: &str, height: Option<u64>) -> Result<(), ExportError> {
        let offset = self.offset;
        self.read_exact(buf).map_err(|reason| match reason.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                ExportError::Truncated { offset: self.offset, what: what.into(), height }
            }
            _ => ExportError::Io { offset, reason },
        })
    }

    fn array<const N: usize>(&mut self, what: &str, height: Option<u64>) -> Result<[u8; N], ExportError> {
        let mut buf = [0u8; N];
        self.exact(&mut buf, what, height)?;
        Ok(buf)
    }

    /// A u32-length-prefixed byte string of at most `cap` bytes. Reads
    /// through `take`, so memory grows with the bytes really present, not
    /// with what a garbled length claims.
    fn frame(&mut self, cap: u64, what: &str, height: Option<u64>) -> Result<Vec<u8>, ExportError> {
        let start = self.offset;
        let len = u32::from_le_bytes(self.array(what, height)?) as u64;
        if len > cap {
            return Err(garbled(start, what, format!("claims {len} bytes (at most {cap} are plausible)"), height));
        }
        let mut buf = Vec::new();
        let offset = self.offset;
        self.take(len).read_to_end(&mut buf).map_err(|reason| ExportError::Io { offset, reason })?;
        if (buf.len() as u64) < len {
            return Err(ExportError::Truncated { offset: self.offset, what: what.into(), height });
        }
        Ok(buf)
    }
}

/// Reads a chain file front to back, one block in memory at a time.
pub struct ExportReader<R: Read> {
    input: Counting<R>,
    pub genesis: GenesisConfig,
    /// The genesis contracts' code, by name, in file order.
    pub contracts: Vec<(String, Vec<u8>)>,
    next_height: u64,
    head: Hash32,
    done: bool,
}

impl ExportReader<BufReader<std::fs::File>> {
    pub fn open(path: &Path) -> Result<Self, ExportError> {
        let file = std::fs::File::open(path).map_err(|reason| ExportError::Open { path: path.into(), reason })?;
        Self::new(BufReader::with_capacity(1 << 16, file))
    }
}

impl<R: Read> ExportReader<R> {
    /// Reads and checks the header and the contracts.
    pub fn new(input: R) -> Result<Self, ExportError> {
        let mut input = Counting { inner: input, offset: 0 };
        let mut magic = [0u8; 16];
        input.exact(&mut magic, "the file header", None).map_err(|e| match e {
            ExportError::Truncated { .. } => ExportError::Magic,
            e => e,
        })?;
        if &magic != MAGIC {
            return Err(ExportError::Magic);
        }
        let version = u32::from_le_bytes(input.array("the format version", None)?);
        if version != FORMAT_VERSION {
            return Err(ExportError::Version { found: version, supported: FORMAT_VERSION });
        }
        let start = input.offset;
        let json = input.frame(MAX_GENESIS_JSON, "the genesis configuration", None)?;
        let genesis: GenesisConfig = serde_json::from_slice(&json)
            .map_err(|e| garbled(start, "the genesis configuration", format!("does not decode ({e})"), None))?;
        let start = input.offset;
        let count = u32::from_le_bytes(input.array("the contract count", None)?);
        if count > MAX_CONTRACTS {
            return Err(garbled(start, "the contract count", format!("{count} is implausible"), None));
        }
        let mut contracts = Vec::new();
        for i in 0..count {
            let start = input.offset;
            let what = format!("the name of genesis contract {i}");
            let name = String::from_utf8(input.frame(1024, &what, None)?).unwrap_or_default();
            if !is_plain_name(&name) {
                return Err(garbled(start, &what, "is not a plain file name", None));
            }
            let code = input.frame(MAX_CODE, &format!("the code of {name}"), None)?;
            contracts.push((name, code));
        }
        if let Some(missing) = genesis.contracts.iter().find(|c| !contracts.iter().any(|(n, _)| *n == c.name)) {
            let detail = format!("lacks `{}`, which the genesis configuration deploys", missing.name);
            return Err(garbled(input.offset, "the contracts section", detail, None));
        }
        Ok(ExportReader { input, genesis, contracts, next_height: 0, head: [0; 32], done: false })
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.input.offset
    }

    /// The next block (block 0 first), or `None` after a valid end record.
    pub fn next_block(&mut self) -> Result<Option<Block>, ExportError> {
        if self.done {
            return Ok(None);
        }
        let height = self.next_height;
        let start = self.input.offset;
        let [tag] = self.input.array(&format!("the record of block {height}"), Some(height))?;
        match tag {
            TAG_BLOCK => {
                let what = format!("block {height}");
                let bytes = self.input.frame(MAX_BLOCK, &what, Some(height))?;
                let block: Block = borsh::from_slice(&bytes)
                    .map_err(|e| garbled(start, &what, format!("does not decode ({e})"), Some(height)))?;
                self.next_height += 1;
                self.head = block.header.hash();
                Ok(Some(block))
            }
            TAG_END => {
                let count = u64::from_le_bytes(self.input.array("the end record", None)?);
                let head: Hash32 = self.input.array("the end record", None)?;
                if count != height || head != self.head {
                    let detail = format!(
                        "names {count} blocks ending in {}, but the file holds {height} blocks ending in {}",
                        hex::encode(head),
                        hex::encode(self.head)
                    );
                    return Err(garbled(start, "the end record", detail, None));
                }
                let mut extra = [0u8; 1];
                let offset = self.input.offset;
                if self.input.read(&mut extra).map_err(|reason| ExportError::Io { offset, reason })? != 0 {
                    return Err(garbled(offset, "the end of the file", "has trailing bytes", None));
                }
                self.done = true;
                Ok(None)
            }
            other => {
                Err(garbled(start, &format!("the record of block {height}"), format!("has tag {other}"), Some(height)))
            }
        }
    }

    /// Writes the genesis contracts as `<name>.wasm` files into `dir`, the
    /// layout [`crate::chain::Chain::open`] reads them from.
    pub fn write_contracts(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, code) in &self.contracts {
            std::fs::write(contract_path(dir, name), code)?;
        }
        Ok(())
    }
}

fn garbled(offset: u64, what: &str, detail: impl std::fmt::Display, height: Option<u64>) -> ExportError {
    ExportError::Garbled { offset, what: what.into(), detail: detail.to_string(), height }
}

/// A contract name usable as a file name: no separators, no `..`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Writes `db`'s whole chain (node stopped) to `out` as a chain file, with
/// the genesis contracts read from `contracts_dir`. Returns the block count.
pub fn export(
    db: &procura_storage::Db,
    genesis: &GenesisConfig,
    contracts_dir: &Path,
    out: &Path,
) -> anyhow::Result<u64> {
    use procura_state::{StateKey, StateStore};
    let head = db.head()?.ok_or_else(|| anyhow::anyhow!("the database is empty: there is no chain to export"))?;
    let mut contracts = Vec::new();
    for c in &genesis.contracts {
        let path = contract_path(contracts_dir, &c.name);
        let code = std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("genesis contract {}: cannot read {} ({e})", c.name, path.display()))?;
        // The file must carry the code this chain really deployed, or the
        // auditor's replay would fail at genesis for the wrong reason.
        if db.latest(&StateKey::code(&procura_vm::code_hash(&code)))?.as_deref() != Some(code.as_slice()) {
            anyhow::bail!(
                "{} is not the code this chain deployed at genesis; pass --contracts with the directory the chain \
                 was created from",
                path.display()
            );
        }
        if !contracts.iter().any(|(n, _): &(String, Vec<u8>)| *n == c.name) {
            contracts.push((c.name.clone(), code));
        }
    }
    // Write next to the target and rename at the end: a failed export never
    // leaves a file that looks complete.
    let partial = out.with_extension("partial");
    let file =
        std::fs::File::create(&partial).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", partial.display()))?;
    let mut writer = ExportWriter::new(BufWriter::with_capacity(1 << 16, file), genesis, &contracts)?;
    for height in 0..=head {
        let block = db.block(height)?.ok_or_else(|| anyhow::anyhow!("block {height} is missing from the database"))?;
        writer.block(&block)?;
    }
    let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&partial, out)?;
    Ok(head + 1)
}

/// Imports a chain file into a new data directory `data`, verifying every
/// block as it goes (the audit's replay loop): an imported chain is one that
/// passed verification. The directory is built beside `data` and renamed
/// into place only at the end, so a refused file leaves nothing behind.
/// `data` gets `genesis.json`, the contracts in `contracts/`, and the
/// database, as `procura node` and `procura audit verify --data` expect.
pub fn import(
    file: &Path,
    data: &Path,
    progress: bool,
) -> Result<crate::audit::VerifyReport, crate::audit::VerifyError> {
    use crate::audit::{replay, FileSource};
    if data.exists() && std::fs::read_dir(data).map_err(anyhow::Error::from)?.next().is_some() {
        return Err(anyhow::anyhow!(
            "{} exists and is not empty; import into a new (or empty) data directory",
            data.display()
        )
        .into());
    }
    let reader = ExportReader::open(file)?;
    let parent = match data.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(anyhow::Error::from)?;
    let staging =
        tempfile::Builder::new().prefix(".procura-import-").tempdir_in(&parent).map_err(anyhow::Error::from)?;
    let contracts_dir = staging.path().join("contracts");
    reader.write_contracts(&contracts_dir).map_err(anyhow::Error::from)?;
    let json = serde_json::to_string_pretty(&reader.genesis).map_err(anyhow::Error::from)?;
    std::fs::write(staging.path().join("genesis.json"), json).map_err(anyhow::Error::from)?;
    let mut chain = crate::chain::Chain::open(staging.path(), reader.genesis.clone(), &contracts_dir, None)?;
    // One fsync at the end instead of one per block: until the rename, a
    // crash leaves only the staging directory.
    chain.db.set_sync_writes(false);
    let report = replay(&mut FileSource(reader), &mut chain, progress, &mut Default::default())?;
    chain.db.sync_wal().map_err(anyhow::Error::from)?;
    drop(chain);
    if data.exists() {
        std::fs::remove_dir(data).map_err(anyhow::Error::from)?; // empty, checked above
    }
    std::fs::rename(staging.keep(), data).map_err(anyhow::Error::from)?;
    Ok(report)
}
