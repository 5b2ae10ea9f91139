//! The published OCDS JSON, read leniently: every field optional, unknown
//! fields ignored, identifiers that may be numbers or strings kept as JSON.
//! Only what the replay uses is modelled (core, bids and lots extensions,
//! and Prozorro's `procurementMethodType`, `lotID`, `lotValues`).

use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Release {
    pub ocid: Option<String>,
    pub id: Option<Value>,
    pub date: Option<String>,
    pub tag: Option<Vec<String>>,
    pub buyer: Option<OrgRef>,
    pub tender: Option<Tender>,
    pub bids: Option<Bids>,
    pub awards: Option<Vec<Award>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Amount {
    pub amount: Option<Value>,
    pub currency: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Period {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Identifier {
    pub scheme: Option<String>,
    pub id: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgRef {
    pub id: Option<Value>,
    pub name: Option<String>,
    pub identifier: Option<Identifier>,
}

impl OrgRef {
    /// `scheme/id` of the organisation's legal identifier (falls back on the
    /// party id): what the replay derives a supplier's key from.
    pub fn key(&self) -> Option<(String, String)> {
        let ident = self.identifier.as_ref();
        let id = ident.and_then(|i| i.id.as_ref()).or(self.id.as_ref()).and_then(text)?;
        let scheme = ident.and_then(|i| i.scheme.clone()).unwrap_or_default();
        Some((scheme, id))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Lot {
    pub id: Option<Value>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub value: Option<Amount>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Qualification {
    pub id: Option<Value>,
    #[serde(rename = "bidID")]
    pub bid_id: Option<Value>,
    #[serde(rename = "lotID")]
    pub lot_id: Option<Value>,
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Tender {
    pub id: Option<Value>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub procurement_method: Option<String>,
    /// Prozorro's procedure (`belowThreshold`, `aboveThresholdUA`, `reporting`...).
    pub procurement_method_type: Option<String>,
    pub award_criteria: Option<String>,
    pub value: Option<Amount>,
    pub lots: Option<Vec<Lot>>,
    pub enquiry_period: Option<Period>,
    pub tender_period: Option<Period>,
    pub procuring_entity: Option<OrgRef>,
    pub qualifications: Option<Vec<Qualification>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bids {
    pub details: Option<Vec<Bid>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LotValue {
    pub related_lot: Option<Value>,
    pub value: Option<Amount>,
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Bid {
    pub id: Option<Value>,
    pub date: Option<String>,
    pub status: Option<String>,
    pub value: Option<Amount>,
    pub tenderers: Option<Vec<OrgRef>>,
    pub related_lot: Option<Value>,
    pub related_lots: Option<Vec<Value>>,
    pub lot_values: Option<Vec<LotValue>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Award {
    pub id: Option<Value>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub date: Option<String>,
    pub value: Option<Amount>,
    pub suppliers: Option<Vec<OrgRef>>,
    pub related_lot: Option<Value>,
    pub related_lots: Option<Vec<Value>>,
    #[serde(rename = "lotID")]
    pub lot_id: Option<Value>,
    #[serde(rename = "bidID")]
    pub bid_id: Option<Value>,
}

impl Award {
    /// The lot an award is for: OCDS `relatedLots`, or Prozorro's `lotID` /
    /// `relatedLot`.
    pub fn lot(&self) -> Option<String> {
        self.related_lots
            .as_ref()
            .and_then(|l| l.first())
            .or(self.related_lot.as_ref())
            .or(self.lot_id.as_ref())
            .and_then(text)
    }
}

/// An identifier as text (publishers write ids as strings or numbers).
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One tender as published: a release (possibly compiled from several),
/// or why it could not be read.
pub struct Published {
    /// The file it came from.
    pub source: String,
    /// `ocid`, or a placeholder naming the position in the file.
    pub ocid: String,
    pub release: Result<Release, String>,
}

/// Reads a file holding a release, a release package, a record, a record
/// package, or a JSON array of any of these. Releases of one ocid in a
/// package are compiled by a shallow merge (top-level fields of later
/// releases win: enough for publishers such as Prozorro whose releases are
/// full snapshots). A file that is not JSON is an error; a tender that
/// cannot be read becomes a `Published` with the reason.
pub fn load(path: &Path) -> anyhow::Result<Vec<Published>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {} ({e}): give OCDS release or record JSON files", path.display()))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not JSON ({e}): give OCDS release or record JSON files", path.display()))?;
    let source = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = Vec::new();
    collect(&json, &source, &mut out);
    if out.is_empty() {
        out.push(Published {
            source: source.clone(),
            ocid: format!("{source} (no ocid)"),
            release: Err("neither a release, a record nor a package of them".into()),
        });
    }
    Ok(out)
}

fn collect(json: &Value, source: &str, out: &mut Vec<Published>) {
    match json {
        Value::Array(items) => items.iter().for_each(|i| collect(i, source, out)),
        Value::Object(o) if o.get("records").is_some_and(Value::is_array) => {
            o["records"].as_array().into_iter().flatten().for_each(|r| collect(r, source, out))
        }
        Value::Object(o) if o.get("releases").is_some_and(Value::is_array) && o.get("compiledRelease").is_none() => {
            let releases = o["releases"].as_array().expect("checked");
            if releases.iter().all(|r| r.get("tender").is_none() && r.get("ocid").is_none() && r.get("url").is_some()) {
                let ocid = o.get("ocid").and_then(text).unwrap_or_else(|| format!("{source} (no ocid)"));
                let release = Err("the record links its releases (url) and has no compiledRelease".into());
                out.push(Published { source: source.into(), ocid, release });
                return;
            }
            // A release package or a record with embedded releases: compile per ocid.
            let mut by_ocid: Vec<(String, Vec<&Value>)> = Vec::new();
            for r in releases {
                let ocid = r.get("ocid").and_then(text).unwrap_or_else(|| format!("{source} (no ocid)"));
                match by_ocid.iter_mut().find(|(o, _)| *o == ocid) {
                    Some((_, list)) => list.push(r),
                    None => by_ocid.push((ocid, vec![r])),
                }
            }
            for (ocid, mut list) in by_ocid {
                list.sort_by_key(|r| {
                    r.get("date").and_then(Value::as_str).and_then(|d| super::time::parse_rfc3339(d).ok())
                });
                let mut merged = serde_json::Map::new();
                for r in list {
                    if let Value::Object(fields) = r {
                        merged.extend(fields.clone());
                    }
                }
                out.push(parse(&Value::Object(merged), source, ocid));
            }
        }
        Value::Object(o) if o.get("compiledRelease").is_some() => {
            let ocid = o.get("ocid").and_then(text).unwrap_or_else(|| format!("{source} (no ocid)"));
            out.push(parse(&o["compiledRelease"], source, ocid));
        }
        Value::Object(o) if o.get("ocid").is_some() || o.get("tender").is_some() => {
            let ocid = o.get("ocid").and_then(text).unwrap_or_else(|| format!("{source} (no ocid)"));
            out.push(parse(json, source, ocid));
        }
        _ => {}
    }
}

fn parse(json: &Value, source: &str, ocid: String) -> Published {
    let release = Release::deserialize(json).map_err(|e| format!("not a readable OCDS release: {e}"));
    Published { source: source.into(), ocid, release }
}
