//! Stage timings for the benchmark (`scripts/bench.sh`): with the
//! environment variable `KAOHE_TIMINGS` set, each pipeline stage prints its
//! wall time and the process's resident memory so far to stderr as
//! `timing: STAGE SECONDSs (peak RSS MB)`. Silent otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn clock() -> Option<&'static Mutex<Instant>> {
    static CLOCK: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    CLOCK.get_or_init(|| std::env::var_os("KAOHE_TIMINGS").map(|_| Mutex::new(Instant::now()))).as_ref()
}

/// Marks the end of `stage`: prints the time since the previous mark.
pub(crate) fn lap(stage: &str) {
    if let Some(clock) = clock() {
        let mut last = clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        eprintln!("timing: {stage} {:.3}s (peak {})", last.elapsed().as_secs_f64(), peak_rss());
        *last = Instant::now();
    }
}

/// Runs `work`, printing how long it took by itself: for a stage that runs
/// beside another, where laps would mix the two.
pub(crate) fn measure<T>(stage: &str, work: impl FnOnce() -> T) -> T {
    if clock().is_none() {
        return work();
    }
    let start = Instant::now();
    let result = work();
    eprintln!("timing:   {stage} {:.3}s (in parallel)", start.elapsed().as_secs_f64());
    result
}

/// The peak resident set size so far (Linux `VmHWM`), or `?` elsewhere.
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or_else(|| "?".to_owned(), |kb| format!("{} MB", kb / 1024))
}
