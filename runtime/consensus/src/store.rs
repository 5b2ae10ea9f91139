//! The engine-side files beside the node's database: undecided proposals
//! (the WAL replays them after a crash, and the app must still know their
//! contents) and one commit certificate per decided height (served to
//! syncing peers with the block). Every write is fsync'd and renamed into
//! place, so a crash leaves either the old file or the new one.

use crate::codec::BorshCodec;
use crate::ctx::Ctx;
use bytes::Bytes;
use malachitebft_codec::Codec;
use malachitebft_core_consensus::ProposedValue;
use malachitebft_core_types::Value as _;
use std::path::{Path, PathBuf};

pub struct Store {
    pending: PathBuf,
    certs: PathBuf,
}

impl Store {
    pub fn open(home: &Path) -> anyhow::Result<(Store, Vec<ProposedValue<Ctx>>)> {
        let store = Store { pending: home.join("pending"), certs: home.join("certs") };
        std::fs::create_dir_all(&store.pending)?;
        std::fs::create_dir_all(&store.certs)?;
        let mut values = Vec::new();
        for entry in std::fs::read_dir(&store.pending)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                continue;
            }
            let bytes = std::fs::read(&path)?;
            let pv = Codec::<ProposedValue<Ctx>>::decode(&BorshCodec, Bytes::from(bytes))
                .map_err(|e| anyhow::anyhow!("pending proposal {} is corrupt: {e}", path.display()))?;
            values.push(pv);
        }
        Ok((store, values))
    }

    pub fn save_pending(&self, pv: &ProposedValue<Ctx>) -> anyhow::Result<()> {
        let name = format!("{:020}-{}-{}", pv.height.0, pv.round.as_i64(), hex::encode(pv.value.id().0));
        let bytes = Codec::<ProposedValue<Ctx>>::encode(&BorshCodec, pv)?;
        write_durable(&self.pending.join(name), &bytes)
    }

    /// Drops the proposals of every height up to `height` (decided).
    pub fn prune_pending(&self, height: u64) {
        let Ok(entries) = std::fs::read_dir(&self.pending) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let h = name.to_string_lossy().get(..20).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
            if h <= height {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    pub fn save_certificate(&self, height: u64, bytes: &[u8]) -> anyhow::Result<()> {
        write_durable(&self.certs.join(format!("{height:020}")), bytes)
    }

    pub fn certificate(&self, height: u64) -> Option<Vec<u8>> {
        std::fs::read(self.certs.join(format!("{height:020}"))).ok()
    }
}

fn write_durable(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
