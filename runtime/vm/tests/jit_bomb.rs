//! Compile-time bombs: modules within the upload size limit crafted to make
//! Cranelift slow. Beyond the per-function limits (body size, nesting
//! depth) they are refused before compiling; within them, compilation time
//! is bounded. Times are printed (`--nocapture`) so the cost of the worst
//! accepted module is visible; see SECURITY.md for measured figures.

#[path = "common/bombs.rs"]
mod bombs;
use procura_vm::{Limits, UploadError, Vm, VmConfig};
use std::time::{Duration, Instant};

/// A sanity bound only, far above the measured times: machines differ, and
/// tests must not flake on a loaded CI runner.
const SANITY: Duration = Duration::from_secs(20);

/// The largest body `make(n)` builds within `max` bytes (with room for the
/// locals declaration and the final `end`).
fn largest(max: usize, make: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let (mut lo, mut hi) = (1, max);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if make(mid).len() + 8 <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    make(lo)
}

/// The worst modules of each shape that the upload rules accept: as many
/// copies as fit of a function at the body-size or nesting limit.
pub fn within_limits(limits: &Limits) -> Vec<(&'static str, Vec<u8>)> {
    let body = limits.max_function_body_size;
    let fill = |locals: u32, f: Vec<u8>| {
        let by_budget = limits.max_locals_times_body / (locals.max(1) as u64 * (f.len() as u64 + 8));
        let count = bombs::copies(f.len(), limits.max_code_size).min(by_budget as u32);
        bombs::module_n(count, locals, &f)
    };
    // Locals live across a body: 500 of them (2000 need an 18 KiB body just
    // to define and use them, beyond the budget) over the body that spends
    // the whole budget.
    let live_body = (limits.max_locals_times_body / 500) as usize - 64;
    vec![
        ("nested_blocks", fill(0, bombs::nested_blocks(limits.max_nesting_depth as usize))),
        ("live_locals", fill(500, largest(live_body.min(body), |n| bombs::live_locals(500, n)))),
        ("br_table", fill(0, largest(body, bombs::br_table))),
        ("straight_line", fill(0, largest(body, bombs::straight_line))),
        ("nested_loops", fill(200, largest(body, |n| bombs::nested_loops(200, n.min(256))))),
    ]
}

/// Every accepted bomb holds at least 30 KiB of code.
fn limits_min_size() -> usize {
    30 * 1024
}

#[test]
fn bombs_within_the_limits_compile_in_bounded_time() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let mut worst = (Duration::ZERO, "");
    for (name, code) in within_limits(vm.limits()) {
        assert!(code.len() <= vm.limits().max_code_size, "{name}: {} bytes", code.len());
        let started = Instant::now();
        let result = vm.prepare_uncached(&code);
        let took = started.elapsed();
        println!("{name:<14} {:>7} bytes  compiled in {:>8.1} ms", code.len(), took.as_secs_f64() * 1e3);
        assert!(result.is_ok(), "{name}: {:?}", result.err());
        assert!(code.len() > limits_min_size(), "{name}: a real bomb, not an empty module");
        assert!(took < SANITY, "{name}: compilation took {took:?}");
        worst = worst.max((took, name));
    }
    println!("worst accepted: {} in {:?}", worst.1, worst.0);
}

#[test]
fn bombs_beyond_the_limits_are_refused_before_compiling() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let limits = vm.limits().clone();
    // The original bomb: 174 000 nested blocks in one 512 KiB body, which
    // took over a minute to compile before the per-function limits.
    let huge = bombs::module(0, &bombs::nested_blocks(limits.max_code_size / 3 - 64));
    let started = Instant::now();
    let refused = vm.prepare_uncached(&huge).err();
    assert!(matches!(refused, Some(UploadError::FunctionTooLarge { function: 0, .. })), "{refused:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused before compiling: {:?}", started.elapsed());

    let one_too_deep = bombs::module(0, &bombs::nested_blocks(limits.max_nesting_depth as usize + 1));
    assert_eq!(
        vm.prepare_uncached(&one_too_deep).err(),
        Some(UploadError::NestingTooDeep { function: 0, limit: limits.max_nesting_depth })
    );
    let at_the_limit = bombs::module(0, &bombs::nested_blocks(limits.max_nesting_depth as usize));
    assert!(vm.prepare_uncached(&at_the_limit).is_ok());

    // 2000 locals live across a 58 KiB body: about ten seconds of register
    // allocation per function before the budget (seven such took 70-90 s).
    let live = bombs::live_locals(2000, 5_000);
    let refused = vm.prepare_uncached(&bombs::module_n(1, 2000, &live)).err();
    assert!(matches!(refused, Some(UploadError::CompileBudget { .. })), "{refused:?}");
}
