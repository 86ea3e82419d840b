//! A libFuzzer-free fuzzer: a seeded PRNG mutates real inputs and each
//! mutant goes through kaohe's readers, validation and scoring, which must
//! return (a result or located errors) and never panic. Three targets:
//! - **workbook**: the xlsx/xls/ods fixtures, mutated as raw bytes and, for
//!   the zip-based ones, inside their XML parts (re-zipped), read by
//!   `read_workbook` — guard, calamine and kaohe's sheet building;
//! - **csv**: the CSV fixtures as raw bytes, read by `read_csv`;
//! - **validation**: a valid assessment written as CSV files whose cells
//!   are replaced, cleared, duplicated with hostile values, then
//!   `kaohe::load` and `score`.
//!
//! The quick variants run a fixed number of iterations of a fixed seed in
//! every `cargo test`, the same work on every machine; `cargo test --test it
//! fuzz:: -- --ignored` runs each target for `KAOHE_FUZZ_SECONDS` (default
//! 60) from `KAOHE_FUZZ_SEED` (default: the clock). A failure names the
//! target, seed and iteration to replay.

use std::io::{Cursor, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kaohe::input::Format;
use kaohe::input::workbook::read_workbook;

use crate::common;

/// SplitMix64: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Bytes that matter to the formats read: delimiters, quotes, markup,
/// multi-byte lead bytes, zeros, all-ones.
const INTERESTING_BYTES: &[u8] = b",\"\n\r<>&;=/\\\x00\xFF\x7F\x80\xE4\xEF\xD0PK";

/// Numbers that sit on boundaries: lengths, counts, row and column limits.
const INTERESTING_U32: &[u32] =
    &[0, 1, 0x7F, 0xFF, 0x100, 0xFFFF, 0x1_0000, 16_384, 1_048_576, 0x7FFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF];

/// One to eight random edits of `bytes`.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let len = bytes.len();
        match rng.below(8) {
            0 if len > 0 => {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                bytes[at] = *rng.pick(INTERESTING_BYTES);
            }
            2 if len >= 4 => {
                let at = rng.below(len - 3);
                bytes[at..at + 4].copy_from_slice(&rng.pick(INTERESTING_U32).to_le_bytes());
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                bytes.drain(at..end);
            }
            4 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(256)).min(len);
                let copy = bytes[at..end].to_vec();
                let to = rng.below(len);
                bytes.splice(to..to, copy);
            }
            5 => {
                let at = rng.below(len + 1);
                let insert: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, insert);
            }
            6 if len > 0 => bytes.truncate(rng.below(len)),
            _ if len >= 2 => {
                let at = rng.below(len - 1);
                bytes[at..at + 2].copy_from_slice(&(*rng.pick(INTERESTING_U32) as u16).to_le_bytes());
            }
            _ => bytes.push(rng.next() as u8),
        }
    }
}

/// The zip in `bytes` with one part's inflated bytes mutated, re-zipped.
fn mutate_zip_part(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let target = rng.below(archive.len());
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).ok()?;
        let name = part.name().ok()?.into_owned();
        let mut content = Vec::new();
        part.read_to_end(&mut content).ok()?;
        if index == target {
            mutate_bytes(rng, &mut content);
        }
        out.start_file(name, options).ok()?;
        out.write_all(&content).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

thread_local! {
    /// Panics raised outside calamine on this thread while fuzzing:
    /// calamine's own are caught and become “damaged file” errors by
    /// design; any other is a bug.
    static FOREIGN_PANICS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Installs, once, the hook that records panics outside calamine (and
/// prints them as the default hook does).
fn record_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info.location().map(|l| l.to_string()).unwrap_or_default();
            if !location.contains("calamine") {
                FOREIGN_PANICS.with_borrow_mut(|panics| panics.push(info.to_string()));
                default(info);
            }
        }));
    });
}

fn workbook_seeds() -> Vec<(Format, Vec<u8>)> {
    let dir = Path::new("tests/fixtures/input");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    vec![
        (Format::Xlsx, read("台账.xlsx")),
        (Format::Xlsx, read("1904.xlsx")),
        (Format::Xls, read("台账.xls")),
        (Format::Ods, read("台账.ods")),
    ]
}

/// How long a fuzz run goes on.
#[derive(Clone, Copy)]
enum Length {
    /// A fixed number of iterations: the quick runs.
    Iterations(u64),
    /// As many iterations as fit in the time: the long runs.
    Budget(Duration),
}

/// Runs `step(rng)` for `length`; fails on a panic outside calamine.
fn run(target: &'static str, seed: u64, length: Length, mut step: impl FnMut(&mut Rng)) {
    record_panics();
    let started = Instant::now();
    let more = |done: u64| match length {
        Length::Iterations(iterations) => done < iterations,
        Length::Budget(budget) => started.elapsed() < budget,
    };
    let progress = Arc::new(AtomicU64::new(0));
    let watchdog = hang_watchdog(target, seed, progress.clone());
    let mut done = 0;
    while more(done) {
        progress.store(done + 1, Ordering::Relaxed);
        let mut rng = Rng(seed ^ done.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let outcome = catch_unwind(AssertUnwindSafe(|| step(&mut rng)));
        let foreign = FOREIGN_PANICS.with_borrow_mut(std::mem::take);
        assert!(
            outcome.is_ok() && foreign.is_empty(),
            "{target}: seed {seed:#x}, iteration {done} panicked: {foreign:?}"
        );
        done += 1;
    }
    progress.store(u64::MAX, Ordering::Relaxed);
    let _ = watchdog.join();
    eprintln!("{target}: {done} iterations in {:.1?}", started.elapsed());
}

/// Longest one iteration may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(60);

/// Ends the process, naming the iteration, when `progress` (the iteration
/// running, 1-based; `u64::MAX` when done) stands still for [`HANG`]: a hang
/// can't be caught like a panic.
fn hang_watchdog(target: &'static str, seed: u64, progress: Arc<AtomicU64>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let (mut last, mut since) = (0, Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let now = progress.load(Ordering::Relaxed);
            if now == u64::MAX {
                return;
            }
            if now != last {
                (last, since) = (now, Instant::now());
            } else if since.elapsed() > HANG {
                eprintln!("{target}: seed {seed:#x}, iteration {} hangs", now - 1);
                std::process::exit(101);
            }
        }
    })
}

fn fuzz_workbooks(seed: u64, length: Length) {
    let seeds = workbook_seeds();
    let name: Arc<str> = "fuzz.xlsx".into();
    run("workbook", seed, length, |rng| {
        let (format, original) = rng.pick(&seeds);
        let bytes = match *format {
            Format::Xlsx | Format::Ods if rng.below(3) > 0 => {
                mutate_zip_part(rng, original).unwrap_or_else(|| original.clone())
            }
            _ => {
                let mut bytes = original.clone();
                mutate_bytes(rng, &mut bytes);
                bytes
            }
        };
        let _ = read_workbook(&bytes, *format, &name);
    })
}

fn fuzz_csv(seed: u64, length: Length) {
    let dir = Path::new("tests/fixtures/input");
    let seeds: Vec<Vec<u8>> = ["活动.csv", "评分.csv", "说明.csv", "第二党支部台账.csv"]
        .iter()
        .map(|name| std::fs::read(dir.join(name)).unwrap())
        .collect();
    let name: Arc<str> = "活动.csv".into();
    run("csv", seed, length, |rng| {
        let mut bytes = rng.pick(&seeds).clone();
        mutate_bytes(rng, &mut bytes);
        let _ = kaohe::input::csv::read_csv(&bytes, &name, "活动");
    })
}

/// Cell values that probe validation: empty, huge, negative, exotic dates,
/// formulas, other ids, text that only looks like a keyword.
const HOSTILE_CELLS: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "99999999999999999999999",
    "0.000000001",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "9999-12-31 23:59:59",
    "2025年3月",
    "20250315",
    "45731",
    "-45731",
    "=1+1",
    "+1",
    "@x",
    "是",
    "否",
    "√",
    "年",
    "季度",
    "月",
    "半年",
    "至少",
    "扣分",
    "一票否决",
    "加分",
    "评分",
    "时效",
    "D0",
    "D1",
    "U1",
    "U2",
    "YS01",
    "上报=是",
    "上报=",
    "=",
    "类型=专题研究;上报=是",
    "100",
    "50%",
    "150%",
    "😀",
    "\u{202E}",
    "名称\n换行",
    "主要负责人",
    "班子成员",
    "集体",
    "个人",
    "赞成",
    "反对",
];

fn fuzz_validation(seed: u64, length: Length) {
    let base = common::base_sheets();
    let dir = tempfile::tempdir().unwrap();
    run("validation", seed, length, |rng| {
        let mut sheets: Vec<(String, Vec<Vec<String>>)> = base
            .iter()
            .map(|(name, rows)| {
                (
                    name.to_string(),
                    rows.iter().map(|row| row.iter().map(|c| c.to_string()).collect()).collect(),
                )
            })
            .collect();
        for _ in 0..1 + rng.below(6) {
            let sheet = rng.below(sheets.len());
            let rows = &mut sheets[sheet].1;
            let row = rng.below(rows.len());
            match rng.below(5) {
                0 if rows.len() > 1 => {
                    let copy = rows[row].clone();
                    rows.push(copy);
                }
                1 if rows.len() > 1 => {
                    rows.remove(row);
                }
                _ => {
                    let cells = &mut rows[row];
                    let col = rng.below(cells.len() + 2);
                    cells.resize(cells.len().max(col + 1), String::new());
                    cells[col] = rng.pick(HOSTILE_CELLS).to_string();
                }
            }
        }
        let mut paths = Vec::new();
        for (name, rows) in &sheets {
            let path = dir.path().join(format!("{name}.csv"));
            let mut writer = csv::WriterBuilder::new().flexible(true).from_path(&path).unwrap();
            for row in rows {
                writer.write_record(row).unwrap();
            }
            writer.flush().unwrap();
            paths.push(path);
        }
        let args = kaohe::cli::Input { inputs: paths, year: None, strict: false };
        if let (Some(model), _) = kaohe::load(&args) {
            let _ = kaohe::score::score(&model);
        }
    })
}

#[test]
fn mutated_workbooks_never_panic() {
    fuzz_workbooks(0x6B61_6F68_6501, Length::Iterations(2000));
}

#[test]
fn mutated_csv_never_panics() {
    fuzz_csv(0x6B61_6F68_6502, Length::Iterations(2000));
}

#[test]
fn mutated_assessments_never_panic() {
    fuzz_validation(0x6B61_6F68_6503, Length::Iterations(200));
}

/// The length of a long run: `KAOHE_FUZZ_SECONDS`, else 60 s.
fn long_budget() -> Length {
    let seconds = std::env::var("KAOHE_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Length::Budget(Duration::from_secs(seconds))
}

/// The seed of a long run: `KAOHE_FUZZ_SEED`, else the clock.
fn long_seed() -> u64 {
    std::env::var("KAOHE_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

#[test]
#[ignore = "long-running fuzzing; KAOHE_FUZZ_SECONDS per target"]
fn fuzz_workbooks_long() {
    fuzz_workbooks(long_seed(), long_budget());
}

#[test]
#[ignore = "long-running fuzzing; KAOHE_FUZZ_SECONDS per target"]
fn fuzz_csv_long() {
    fuzz_csv(long_seed(), long_budget());
}

#[test]
#[ignore = "long-running fuzzing; KAOHE_FUZZ_SECONDS per target"]
fn fuzz_validation_long() {
    fuzz_validation(long_seed(), long_budget());
}
