//! Stage timings for the benchmark (`scripts/bench.sh`): with the
//! environment variable `KAOHE_TIMINGS` set, each pipeline stage prints its
//! wall time to stderr as `timing: STAGE SECONDSs`. Silent otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn clock() -> Option<&'static Mutex<Instant>> {
    static CLOCK: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    CLOCK.get_or_init(|| std::env::var_os("KAOHE_TIMINGS").map(|_| Mutex::new(Instant::now()))).as_ref()
}

/// Marks the end of `stage`: prints the time since the previous mark.
pub fn lap(stage: &str) {
    if let Some(clock) = clock() {
        let mut last = clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        eprintln!("timing: {stage} {:.3}s", last.elapsed().as_secs_f64());
        *last = Instant::now();
    }
}
