//! The command line end to end: exit statuses, messages, and that a run
//! with errors writes nothing.

mod common;

use assert_cmd::Command;
use common::{base_sheets, set_cell, write_xlsx};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

#[test]
fn usage_errors_exit_2() {
    kaohe().assert().code(2);
    kaohe().args(["check"]).assert().code(2);
    kaohe().args(["score", "x.xlsx"]).assert().code(2);
}

#[test]
fn check_passes_a_valid_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", &base_sheets());
    let output = kaohe().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("校验通过：2025年度，3个参评单位"), "{stderr}");
}

#[test]
fn a_missing_file_is_invalid_input() {
    let output = kaohe().args(["check", "没有这个文件.xlsx"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("没有这个文件.xlsx"));
}

#[test]
fn errors_are_listed_in_english_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "活动", 2, 1, "2025-13-01");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let output = kaohe().arg("check").arg(&path).args(["--lang", "en"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("error: base.xlsx:活动!B3: \"2025-13-01\" is not a valid date"), "{stderr}");
}

#[test]
fn strict_makes_warnings_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 5, 11, "党委；机关");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    kaohe().arg("check").arg(&path).assert().code(0);
    kaohe().arg("check").arg(&path).arg("--strict").assert().code(1);
}

#[test]
fn score_with_errors_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    for (row, col, value) in [(2, 1, "2025-13-01"), (3, 0, "U9")] {
        set_cell(&mut sheets, "活动", row, col, value);
    }
    set_cell(&mut sheets, "单位", 3, 2, "D9");
    set_cell(&mut sheets, "评分", 1, 2, "12");
    set_cell(&mut sheets, "指标", 1, 4, "至多");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let before = std::fs::read(&path).unwrap();
    let out = dir.path().join("out");
    let output = kaohe().arg("score").arg(&path).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().filter(|l| l.starts_with("错误: base.xlsx:")).count(), 5, "{stderr}");
    assert!(!out.exists(), "no output folder on error");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the input is unchanged");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "nothing but the input in the folder");
}

#[test]
fn a_template_typo_is_located_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    kaohe().arg("init").arg(&setup).assert().code(0);
    let template = setup.join("模板/feedback.md");
    let text = std::fs::read_to_string(&template).unwrap();
    let line = text.lines().position(|l| l.contains("{{ unit.name }}")).unwrap() + 1;
    std::fs::write(&template, text.replacen("{{ unit.name }}", "{{ unit.nmae }}", 1)).unwrap();
    let out = dir.path().join("out");
    let output = kaohe()
        .args(["score", "samples/示例台账.xlsx", "--templates"])
        .arg(setup.join("模板"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = format!("{}:{line}: 未定义的变量 unit.nmae", template.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!out.exists());
}

/// SIGTERM and SIGHUP clean up like Ctrl-C: sent once the staging folder
/// exists (the run is writing), the run exits 130 and leaves no staging
/// folder, and the output folder is absent or complete.
#[cfg(unix)]
#[test]
fn termination_signals_remove_the_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    let ledger = &mut sheets.iter_mut().find(|(name, _)| *name == "活动").unwrap().1;
    let dates: Vec<String> =
        (0..20_000).map(|i| format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28)).collect();
    for date in &dates {
        ledger.push(vec!["U2", date, "专题研究", "学习", ""]);
    }
    let input = write_xlsx(dir.path(), "台账.xlsx", &sheets);
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        let interrupted = (0..5).any(|attempt| {
            let out = dir.path().join(format!("{name}-{attempt}"));
            let staging_prefix = format!(".{name}-{attempt}.kaohe-");
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
                .arg("score")
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let staging_seen = loop {
                let staging = std::fs::read_dir(dir.path())
                    .unwrap()
                    .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(&staging_prefix));
                if staging || child.try_wait().unwrap().is_some() {
                    break staging;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            };
            if staging_seen {
                // SAFETY: kill(2) on our own child's pid.
                unsafe { libc::kill(child.id() as libc::pid_t, signal) };
            }
            let status = child.wait().unwrap();
            if out.exists() {
                assert!(
                    out.join("summary.json").is_file() && out.join(".kaohe-outputs").is_file(),
                    "{name}: complete"
                );
            }
            staging_seen && status.code() == Some(130)
        });
        assert!(interrupted, "{name} interrupted a run writing its outputs and it exited 130");
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".kaohe-"))
        .collect();
    assert!(left.is_empty(), "no staging folder is left: {left:?}");
}
