//! OCDS out: placeholder.
use procura_primitives::Address;
use procura_storage::Db;
pub struct Export {
    pub releases: serde_json::Value,
    pub records: serde_json::Value,
    pub tenders: usize,
    pub release_count: usize,
}
pub fn export(_db: &Db, _c: &Address, _p: Option<&Address>) -> anyhow::Result<Export> {
    anyhow::bail!("todo")
}
