//! Timing helpers: medians over rounds, so one preempted round on a shared
//! machine does not move the figure.

use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const ROUND_TIME: Duration = Duration::from_millis(300);

/// Median over rounds of the time per call of `f`, in microseconds. `f`
/// gets a counter that is distinct on every call.
pub fn median_us(mut f: impl FnMut(u64)) -> f64 {
    for i in 0..100 {
        f(i);
    }
    let mut per_call = Vec::with_capacity(ROUNDS);
    let mut i = 1_000u64;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < ROUND_TIME {
            for _ in 0..16 {
                f(i);
                i += 1;
            }
            n += 16;
        }
        per_call.push(start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    per_call.sort_by(f64::total_cmp);
    per_call[ROUNDS / 2]
}

/// CPU time this process has used, user and system, where the kernel
/// reports it (`/proc/self/stat`, Linux; ticks of 10 ms, the `CLK_TCK` of
/// every Linux this runs on). `None` elsewhere.
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may
    // hold spaces: state, then 10 more, then utime and stime.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The calling thread's time on a CPU, and its time runnable but waiting
/// for one, as the scheduler counts them (`/proc/thread-self/schedstat`,
/// Linux, nanoseconds). The rest of a span's wall time the thread was
/// blocked: waiting for another thread, a lock or the disk. `None` where
/// the kernel does not report it.
pub fn thread_sched() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = stat.split_whitespace().map(|f| f.parse::<u64>().ok());
    let (on_cpu, queued) = (fields.next()??, fields.next()??);
    Some((Duration::from_nanos(on_cpu), Duration::from_nanos(queued)))
}

pub fn micros_per(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n.max(1) as f64
}
