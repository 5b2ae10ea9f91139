//! Key files: the 32-byte ed25519 secret as hex, one line.

use ed25519_dalek::SigningKey;
use std::io::Read;
use std::path::Path;

pub fn generate() -> anyhow::Result<SigningKey> {
    let mut secret = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
    Ok(SigningKey::from_bytes(&secret))
}

pub fn save(key: &SigningKey, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot create key file {} ({e}); it must not exist yet", path.display()))?;
    writeln!(f, "{}", hex::encode(key.to_bytes()))?;
    Ok(())
}

pub fn load(path: &Path) -> anyhow::Result<SigningKey> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read key file {}: {e}", path.display()))?;
    let bytes = hex::decode(text.trim()).map_err(|_| anyhow::anyhow!("key file {} is not hex", path.display()))?;
    let secret: [u8; 32] =
        bytes.try_into().map_err(|_| anyhow::anyhow!("key file {} must hold 32 bytes", path.display()))?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Loads the key at `path`, creating it first if absent.
pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    if !path.exists() {
        save(&generate()?, path)?;
    }
    load(path)
}
