//! Replicated validators' files: the node config `procura node --config`
//! reads, and `procura cluster init`, which writes keys, one genesis and
//! one config per validator for a loopback cluster (scripts/cluster).

use crate::genesis::{bundled_contracts, GenesisConfig};
use crate::keys;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// `procura node --config FILE`: one validator of a replicated chain.
/// Relative paths are relative to the file's directory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ValidatorConfig {
    pub data: PathBuf,
    /// The HTTP API.
    pub listen: SocketAddr,
    pub genesis: PathBuf,
    /// This validator's key file (signs blocks and votes).
    pub key: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts: Option<PathBuf>,
    /// For the engine: `listen` and `peers` (consensus addresses),
    /// `propose_timeout_ms`, `idle_block_ms`.
    pub consensus: serde_json::Value,
    /// The other validators' HTTP APIs: submissions are forwarded there.
    #[serde(default)]
    pub api_peers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator_bin: Option<PathBuf>,
    /// Tests only: equivocate (needs an engine built with `byzantine`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub byzantine: bool,
}

impl ValidatorConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read node config {}: {e}", path.display()))?;
        let mut c: ValidatorConfig = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("node config {} is not valid: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let abs = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { base.join(p) };
        c.data = abs(&c.data);
        c.genesis = abs(&c.genesis);
        c.key = abs(&c.key);
        c.contracts = c.contracts.as_deref().map(abs);
        c.validator_bin = c.validator_bin.as_deref().map(abs);
        Ok(c)
    }
}

/// Writes `v<i>.key`, `genesis.json` and `v<i>.json` for `n` validators on
/// loopback: API ports `api_port + i`, consensus ports `p2p_port + i`.
/// Validator 0's account governs and is the procuring entity (as on a dev
/// chain). Returns the config paths.
pub fn init(dir: &Path, n: usize, api_port: u16, p2p_port: u16, contracts: &Path) -> anyhow::Result<Vec<PathBuf>> {
    anyhow::ensure!(n >= 1, "a cluster needs at least one validator");
    std::fs::create_dir_all(dir)?;
    let mut pubkeys = Vec::new();
    for i in 0..n {
        let key = keys::generate()?;
        keys::save(&key, &dir.join(format!("v{i}.key")))?;
        pubkeys.push(hex::encode(key.verifying_key().to_bytes()));
    }
    let mut genesis = GenesisConfig::dev(pubkeys[0].clone(), bundled_contracts(contracts)?);
    genesis.chain_id = "procura-cluster".into();
    genesis.validators = pubkeys;
    std::fs::write(dir.join("genesis.json"), serde_json::to_string_pretty(&genesis)?)?;
    let addr = |port: u16, i: usize| format!("127.0.0.1:{}", port as usize + i);
    let mut paths = Vec::new();
    for i in 0..n {
        let config = ValidatorConfig {
            data: format!("v{i}").into(),
            listen: addr(api_port, i).parse()?,
            genesis: "genesis.json".into(),
            key: format!("v{i}.key").into(),
            contracts: Some(std::path::absolute(contracts)?),
            consensus: serde_json::json!({
                "listen": addr(p2p_port, i),
                "peers": (0..n).filter(|j| *j != i).map(|j| addr(p2p_port, j)).collect::<Vec<_>>(),
                "propose_timeout_ms": 3000,
                "idle_block_ms": 1000,
            }),
            api_peers: (0..n).filter(|j| *j != i).map(|j| format!("http://{}", addr(api_port, j))).collect(),
            validator_bin: None,
            byzantine: false,
        };
        let path = dir.join(format!("v{i}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&config)?)?;
        paths.push(path);
    }
    Ok(paths)
}
