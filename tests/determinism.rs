//! Determinism: the same call sequence on two fresh runtimes, and on a
//! runtime restarted with modules loaded from the disk cache, gives
//! byte-identical return data, gas, events and state changes.

use procura_harness::{contract_wasm, Harness};
use procura_tests::full_lifecycle;
use procura_vm::{Vm, VmConfig};
use std::sync::Arc;

fn outcomes(vm: Arc<Vm>) -> Vec<procura_vm::Outcome> {
    let mut h = Harness::with_vm(vm, &contract_wasm("sealed-bid"));
    full_lifecycle(&mut h).into_iter().map(|s| s.outcome).collect()
}

fn vm(cache: Option<&std::path::Path>) -> Arc<Vm> {
    Arc::new(Vm::new(VmConfig { cache_dir: cache.map(|p| p.to_path_buf()), ..VmConfig::default() }).unwrap())
}

#[test]
fn two_fresh_runtimes_agree_byte_for_byte() {
    let a = outcomes(vm(None));
    let b = outcomes(vm(None));
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x.status, y.status, "step {i}");
        assert_eq!(x.return_data, y.return_data, "step {i}");
        assert_eq!(x.gas_used, y.gas_used, "step {i}");
        assert_eq!(x.events, y.events, "step {i}");
        assert_eq!(x.changes, y.changes, "step {i}");
    }
}

#[test]
fn a_restart_from_the_disk_cache_agrees_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let first = vm(Some(dir.path()));
    let a = outcomes(first.clone());
    assert_eq!(first.cache_stats().compiled, 1);
    drop(first);
    let restarted = vm(Some(dir.path()));
    let b = outcomes(restarted.clone());
    let stats = restarted.cache_stats();
    assert_eq!((stats.compiled, stats.disk_hits), (0, 1), "the restart must load the module from disk");
    let strip = |o: &[procura_vm::Outcome]| {
        o.iter()
            .map(|x| (x.status.clone(), x.return_data.clone(), x.gas_used, x.events.clone(), x.changes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn a_warm_cache_in_one_runtime_agrees_with_a_cold_one() {
    let shared = vm(None);
    let cold = outcomes(shared.clone());
    let warm = outcomes(shared.clone());
    assert!(shared.cache_stats().memory_hits >= 1);
    assert_eq!(cold, warm);
}
