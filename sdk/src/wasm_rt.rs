//! What a `no_std` contract needs on wasm32: an allocator and a panic
//! handler. The allocator is a bump allocator: each call runs in a fresh
//! instance that lives for one call, so memory is never reused and never
//! needs freeing, and allocation cost is deterministic.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

const PAGE: usize = 64 * 1024;

struct BumpAllocator {
    next: UnsafeCell<usize>,
    end: UnsafeCell<usize>,
}

// SAFETY: contracts are single-threaded (the host disables threads).
unsafe impl Sync for BumpAllocator {}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let next = &mut *self.next.get();
        let end = &mut *self.end.get();
        if *next == 0 {
            *next = core::arch::wasm32::memory_size(0) * PAGE;
            *end = *next;
        }
        let start = (*next + layout.align() - 1) & !(layout.align() - 1);
        let new_next = match start.checked_add(layout.size()) {
            Some(n) => n,
            None => return core::ptr::null_mut(),
        };
        if new_next > *end {
            let pages = (new_next - *end).div_ceil(PAGE);
            // The host traps with a typed error past the memory limit.
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            *end += pages * PAGE;
        }
        *next = new_next;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator { next: UnsafeCell::new(0), end: UnsafeCell::new(0) };

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    let mut msg = alloc::string::String::new();
    let _ = write!(msg, "panic: {}", info.message());
    crate::host::abort(&msg)
}
