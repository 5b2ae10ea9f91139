//! Genesis: the chain's first state, from a config file (or the dev preset).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisContract {
    /// Name of a module in the contracts directory (`<name>.wasm`).
    pub name: String,
    /// Distinguishes several instances of the same code.
    #[serde(default)]
    pub salt: u64,
    /// Hex of the Borsh-encoded arguments of the contract's `#[init]`
    /// method, run at genesis with the zero address as caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_args: Option<String>,
    /// Run `#[init]` with the governance contract's address as its only
    /// argument (the open tender: only governance's procuring entities may
    /// open tenders). Needs a `governance` section; excludes `init_args`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub init_with_governance: bool,
}

/// The permissioned part of genesis: who governs, with which threshold, and
/// which accounts may open tenders. The `governance` contract (which must be
/// among the genesis contracts) is initialised from it and the genesis
/// `validators`; from then on both sets live in its state and change only by
/// threshold-approved proposals, and the node reads the validator set there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceGenesis {
    /// Governors' account addresses, hex (`procura keys show` prints them).
    pub governors: Vec<String>,
    /// Approvals a proposal needs.
    pub threshold: u32,
    /// Accounts allowed to open tenders, hex.
    #[serde(default)]
    pub procuring_entities: Vec<String>,
}

/// The name of the governance contract among the genesis contracts.
pub const GOVERNANCE_CONTRACT: &str = "governance";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisConfig {
    pub chain_id: String,
    /// Unix seconds; block 0's timestamp.
    pub genesis_time: u64,
    /// Validators' ed25519 public keys, hex.
    pub validators: Vec<String>,
    pub block_gas_limit: u64,
    pub max_tx_bytes: usize,
    /// Contracts deployed at genesis by the zero address, at
    /// `contract_address(0, code_hash, salt)`.
    pub contracts: Vec<GenesisContract>,
    /// Absent: an open chain (anyone opens tenders, the validator set is
    /// `validators` for ever) — what tests and old genesis files use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<GovernanceGenesis>,
}

fn hex32(s: &str, what: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(s)
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| anyhow::anyhow!("genesis {what} `{s}` must be 64 hex characters"))
}

impl GovernanceGenesis {
    /// The governance contract's `init` argument (Borsh): this section plus
    /// the genesis validators.
    pub fn init_args(&self, validators: &[String]) -> anyhow::Result<Vec<u8>> {
        let accounts = |list: &[String], what| {
            list.iter().map(|a| hex32(a, what).map(procura_primitives::Address)).collect::<anyhow::Result<Vec<_>>>()
        };
        let validators = validators.iter().map(|v| hex32(v, "validator key")).collect::<anyhow::Result<Vec<_>>>()?;
        let config = (
            accounts(&self.governors, "governor")?,
            self.threshold,
            accounts(&self.procuring_entities, "procuring entity")?,
            validators,
        );
        Ok(borsh::to_vec(&config)?)
    }
}

impl GenesisConfig {
    /// A single-validator chain with every bundled contract deployed. The
    /// validator's own account operates the supplier registry and, when the
    /// governance contract is bundled, is the sole governor (threshold 1) and
    /// the one registered procuring entity.
    pub fn dev(validator_key_hex: String, contracts: Vec<String>) -> Self {
        let validator_account = hex::decode(&validator_key_hex)
            .ok()
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .map(|k| procura_chain::account_address(&k));
        let init_args = |name: &str| match (name, validator_account) {
            ("supplier-registry", Some(operator)) => Some(hex::encode(borsh::to_vec(&operator).expect("encodes"))),
            _ => None,
        };
        GenesisConfig {
            chain_id: "procura-dev".into(),
            genesis_time: 1_767_225_600,
            validators: vec![validator_key_hex],
            block_gas_limit: 10_000_000_000,
            max_tx_bytes: 1024 * 1024,
            governance: match validator_account {
                Some(me) if contracts.iter().any(|c| c == GOVERNANCE_CONTRACT) => Some(GovernanceGenesis {
                    governors: vec![me.to_hex()],
                    threshold: 1,
                    procuring_entities: vec![me.to_hex()],
                }),
                _ => None,
            },
            contracts: contracts
                .iter()
                .map(|name| GenesisContract {
                    init_args: init_args(name),
                    init_with_governance: name == "open-tender" && contracts.iter().any(|c| c == GOVERNANCE_CONTRACT),
                    name: name.clone(),
                    salt: 0,
                })
                .collect(),
        }
    }

    /// sha256 of the configuration's JSON (fields in declaration order), so
    /// a data directory can tell which genesis it was made from.
    pub fn hash(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(serde_json::to_vec(self).expect("serialises")).into()
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read genesis file {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("genesis file {} is not valid: {e}", path.display()))
    }
}

/// The names of the compiled contracts in `dir` (every `<name>.wasm`), sorted.
pub fn bundled_contracts(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        anyhow::anyhow!("cannot read the contracts directory {} ({e}): run scripts/build-contracts", dir.display())
    })?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            names.push(path.file_stem().unwrap_or_default().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

pub fn contract_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.wasm"))
}
