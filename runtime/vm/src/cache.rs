//! Compiled modules, kept ready to instantiate in memory and persisted on disk
//! so a restart does not recompile. The key covers everything that shapes the
//! machine code: the code hash, the engine's compatibility hash (wasmtime
//! version, target, settings) and the gas schedule version.

use crate::gas::GAS_SCHEDULE_VERSION;
use procura_primitives::Hash32;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use wasmtime::{Engine, Module};

/// File layout: magic ‖ cache key (code hash + engine) ‖ sha256(artifact) ‖ artifact.
const MAGIC: &[u8; 8] = b"PRCWASM1";
const HEADER: usize = 8 + 32 + 32;

/// Where a module came from, counted so tests and operators can see that a
/// restart really reused the disk cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub memory_hits: u64,
    pub disk_hits: u64,
    pub compiled: u64,
}

pub struct ModuleCache<T> {
    engine_key: [u8; 32],
    dir: Option<PathBuf>,
    ready: RwLock<HashMap<Hash32, Arc<T>>>,
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    compiled: AtomicU64,
}

impl<T> ModuleCache<T> {
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> std::io::Result<Self> {
        if let Some(d) = &dir {
            std::fs::create_dir_all(d)?;
        }
        // DefaultHasher::new() has fixed keys; this key is only ever compared
        // on the machine that wrote it.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        let mut key = Sha256::new();
        key.update(h.finish().to_le_bytes());
        key.update(GAS_SCHEDULE_VERSION.to_le_bytes());
        Ok(ModuleCache {
            engine_key: key.finalize().into(),
            dir,
            ready: RwLock::new(HashMap::new()),
            memory_hits: AtomicU64::new(0),
            disk_hits: AtomicU64::new(0),
            compiled: AtomicU64::new(0),
        })
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            memory_hits: self.memory_hits.load(Ordering::Relaxed),
            disk_hits: self.disk_hits.load(Ordering::Relaxed),
            compiled: self.compiled.load(Ordering::Relaxed),
        }
    }

    pub fn get(&self, code_hash: &Hash32) -> Option<Arc<T>> {
        let found = self.ready.read().expect("cache lock").get(code_hash).cloned();
        if found.is_some() {
            self.memory_hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    pub fn insert(&self, code_hash: Hash32, value: Arc<T>) {
        self.ready.write().expect("cache lock").insert(code_hash, value);
    }

    fn key(&self, code_hash: &Hash32) -> [u8; 32] {
        let mut key = Sha256::new();
        key.update(code_hash);
        key.update(self.engine_key);
        key.finalize().into()
    }

    fn path(&self, code_hash: &Hash32) -> Option<PathBuf> {
        let name = procura_primitives::to_hex(&self.key(code_hash));
        self.dir.as_ref().map(|d| d.join(format!("{name}.cwasm")))
    }

    /// Loads a module compiled earlier, if its file is present, intact and
    /// compatible. Anything else is a miss: the caller recompiles.
    pub fn load(&self, engine: &Engine, code_hash: &Hash32) -> Option<Module> {
        let bytes = std::fs::read(self.path(code_hash)?).ok()?;
        if bytes.len() < HEADER || &bytes[..8] != MAGIC || bytes[8..40] != self.key(code_hash) {
            return None;
        }
        let artifact = &bytes[HEADER..];
        if Sha256::digest(artifact).as_slice() != &bytes[40..HEADER] {
            return None;
        }
        // SAFETY: the header binds this file to this code hash and engine, and
        // the checksum rules out truncation or bit rot, so the artifact is one
        // `Module::serialize` wrote for this module; wasmtime re-checks version
        // and settings itself. The checksum is not a signature: the cache
        // directory must be as trusted as the node's binary (it is inside the
        // node's data directory, writable only by the node).
        let module = unsafe { Module::deserialize(engine, artifact) }.ok()?;
        self.disk_hits.fetch_add(1, Ordering::Relaxed);
        Some(module)
    }

    pub fn note_compiled(&self) {
        self.compiled.fetch_add(1, Ordering::Relaxed);
    }

    /// Persists a compiled module atomically (write, fsync, rename). A failure
    /// only costs a recompile later, so it is reported, not fatal.
    pub fn store(&self, code_hash: &Hash32, module: &Module) -> std::io::Result<()> {
        let Some(path) = self.path(code_hash) else { return Ok(()) };
        let artifact = module.serialize().map_err(std::io::Error::other)?;
        let mut bytes = Vec::with_capacity(HEADER + artifact.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.key(code_hash));
        bytes.extend_from_slice(&Sha256::digest(&artifact));
        bytes.extend_from_slice(&artifact);
        write_atomically(&path, &bytes)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
