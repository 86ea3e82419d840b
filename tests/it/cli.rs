//! The command line end to end: exit statuses, messages, and that a run
//! with errors writes nothing.

use std::ffi::OsStr;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};

use assert_cmd::Command;
use kaohe::cli::Input;

use crate::common::{self, base_sheets, rows, set_cell, write_xlsx};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

#[test]
fn usage_errors_exit_2() {
    kaohe().assert().code(2);
    kaohe().args(["check"]).assert().code(2);
    kaohe().args(["score", "x.xlsx"]).assert().code(2);
}

/// `kaohe ARGS`: the exit status, standard output and standard error.
fn said(args: &[&str]) -> (Option<i32>, String, String) {
    let output = kaohe().args(args).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code(), text(output.stdout), text(output.stderr))
}

/// The argument lines of a help text (`  -o, --output <DIR>  输出文件夹`):
/// the lines under its 参数/选项 (Arguments/Options) headings.
fn argument_lines(help: &str) -> Vec<&str> {
    help.lines().filter(|line| line.starts_with("  ") && line.trim_start().starts_with(['-', '<'])).collect()
}

#[test]
fn the_help_is_in_chinese_with_every_command() {
    let (status, help, stderr) = said(&["--help"]);
    assert_eq!((status, stderr.as_str()), (Some(0), ""), "{help}");
    let lines: Vec<&str> = help.lines().collect();
    assert_eq!(lines[0], "考核：读取台账与考核指标，计算得分，生成得分表与反馈文书");
    for line in
        ["用法：kaohe <命令>", "命令：", "选项：", "  -h, --help     显示帮助", "  -V, --version  显示版本"]
    {
        assert!(lines.contains(&line), "{line} in {help}");
    }
    let commands = [
        ("score", "校验、计分并写出全部结果"),
        ("check", "只校验输入并报告问题，不写文件"),
        ("merge", "汇总下级报送的得分表"),
        ("init", "写出空白输入工作簿与可编辑模板"),
        ("serve", "启动本机网页版"),
        ("help", "显示本说明或所给命令的说明"),
    ];
    for (name, about) in commands {
        assert!(lines.contains(&format!("  {name:<5}  {about}").as_str()), "{name} in {help}");
    }
}

#[test]
fn every_option_of_every_command_is_described_in_both_languages() {
    for command in ["check", "score", "merge", "init", "serve"] {
        for (lang, [usage, options]) in [("zh", ["用法：", "选项："]), ("en", ["Usage: ", "Options:"])]
        {
            let (status, help, _) = said(&[command, "--help", "--lang", lang]);
            assert_eq!(status, Some(0), "{help}");
            assert!(help.contains(&format!("\n{usage}kaohe {command} ")), "{help}");
            assert!(help.lines().any(|line| line == options), "{help}");
            let lines = argument_lines(&help);
            assert!(lines.len() >= 3, "{help}");
            for line in lines {
                let described = line.trim().split_once("  ").is_some_and(|(_, text)| !text.trim().is_empty());
                assert!(described, "kaohe {command} --help --lang {lang}: {line:?} has no description");
            }
        }
    }
    let (_, merge, _) = said(&["merge", "--help"]);
    let force = argument_lines(&merge).into_iter().find(|line| line.contains("--force")).unwrap();
    assert!(force.ends_with("输出文件夹已存在且非空时，替换 kaohe 上次在这里写出的文件"), "{force}");
    assert!(merge.contains("\n参数：\n  <得分表>...  下级报送的考核得分表\n"), "{merge}");
}

#[test]
fn the_help_is_in_english_with_lang_en() {
    let (status, help, _) = said(&["score", "--lang=en", "--help"]);
    assert_eq!(status, Some(0));
    assert!(
        help.starts_with("Validate, score and write every output\n\nUsage: kaohe score [OPTIONS] --output"),
        "{help}"
    );
    let lines = argument_lines(&help);
    let line = |option: &str| lines.iter().find(|line| line.contains(option)).copied().unwrap_or_default();
    assert!(line("--output").ends_with("Output folder (required)"), "{help}");
    assert!(line("--lang").ends_with("[default: zh] [possible values: zh, en]"), "{help}");
    assert!(line("--help").ends_with("Print help"), "{help}");
    let (_, chinese, _) = said(&["score", "--help"]);
    assert!(chinese.contains("\n用法：kaohe score [选项] --output <文件夹> <输入文件>...\n"), "{chinese}");
    let lang = argument_lines(&chinese).into_iter().find(|line| line.contains("--lang")).unwrap();
    assert!(lang.ends_with("提示信息和本说明的语言 [默认：zh；可选：zh、en]"), "{lang}");
}

#[test]
fn usage_errors_are_told_in_chinese_with_the_usage_and_where_to_read_more() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let (status, stdout, stderr) = said(&["score", "--foo", "x.xlsx", "-o", out]);
    assert_eq!((status, stdout.as_str()), (Some(2), ""));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines[0], "错误: 不认识的参数 --foo", "{stderr}");
    assert!(lines.contains(&"用法：kaohe score [选项] --output <文件夹> <输入文件>..."), "{stderr}");
    assert_eq!(lines.last(), Some(&"运行 kaohe score --help 查看说明"), "{stderr}");
    assert!(!Path::new(out).exists(), "nothing written");
    let cases: [(&[&str], &str); 7] = [
        (&["score", "x.xlsx"], "错误: 缺少必填的参数 --output <文件夹>"),
        (&["check"], "错误: 缺少必填的参数 <输入文件>..."),
        (&["check", "x.xlsx", "--lang", "fr"], "错误: --lang <语言> 的值“fr”无效，可用的值：zh、en"),
        (&["check", "x.xlsx", "--year", "明年"], "错误: --year <年度> 的值“明年”无效"),
        (&["check", "x.xlsx", "--strict", "--strict"], "错误: --strict 只能给出一次"),
        (&["serve", "8080"], "错误: 多余的参数 8080"),
        (&["scor", "x.xlsx"], "错误: 不认识的命令 scor"),
    ];
    for (args, first) in cases {
        let (status, _, stderr) = said(args);
        assert_eq!(status, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().next(), Some(first), "{args:?}: {stderr}");
    }
    let (_, _, stderr) = said(&["score", "x.xlsx", "-o", out, "--forse"]);
    assert!(stderr.contains("\n  提示: 要写的是 --force 吗？\n"), "{stderr}");
    let (_, _, stderr) = said(&["scor"]);
    assert!(stderr.contains("\n  提示: 要写的是 score 吗？\n\n用法：kaohe <命令>\n"), "{stderr}");
}

#[test]
fn usage_errors_are_clap_s_english_with_lang_en() {
    let (status, _, stderr) = said(&["score", "--foo", "x.xlsx", "--lang", "en"]);
    assert_eq!(status, Some(2));
    assert!(stderr.starts_with("error: unexpected argument '--foo' found\n"), "{stderr}");
    assert!(stderr.contains("\nUsage: kaohe score [OPTIONS] --output <DIR> <INPUT>...\n"), "{stderr}");
}

#[test]
fn no_command_shows_the_help_on_stderr() {
    let (status, stdout, stderr) = said(&[]);
    assert_eq!((status, stdout.as_str()), (Some(2), ""));
    assert!(stderr.contains("用法：kaohe <命令>\n\n命令：\n"), "{stderr}");
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
fn the_terminal_shows_the_first_200_warnings_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    let repeated = rows(&mut sheets, "活动")[2].clone();
    rows(&mut sheets, "活动").extend(std::iter::repeat_n(repeated, 201));
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let output = kaohe().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let printed: Vec<&str> = stderr.lines().filter(|line| line.contains("完全重复，只计一次")).collect();
    assert_eq!(printed.len(), 200, "{stderr}");
    assert!(printed[199].contains("base.xlsx:活动!A209: 与 base.xlsx:活动!A3 完全重复"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "……另有1条警告未显示，得分表的“校验”表和 summary.json 列出全部警告",
        "{stderr}"
    );
    assert!(lines[lines.len() - 1].contains("201条警告"), "{stderr}");
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

/// `init`'s blank workbook holds an empty 自评 sheet: scored with one unit,
/// the self fields are present and empty (docs/命令.md).
#[test]
fn the_blank_workbook_scores_with_empty_self_fields() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    kaohe().arg("init").arg(&setup).assert().code(0);
    let units = dir.path().join("单位.csv");
    std::fs::write(&units, "编号,名称,上级编号,类型,参评\nD0,局党委,,党委,否\nD1,第一党支部,D0,党支部,是\n")
        .unwrap();
    let output = kaohe()
        .arg("score")
        .arg(setup.join("考核台账.xlsx"))
        .arg(&units)
        .args(["--year", "2025", "--json", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let d1 = &summary["units"][0];
    assert_eq!((&d1["self_total"], &d1["self_gap"]), (&serde_json::Value::Null, &serde_json::Value::Null));
    let indicators = d1["indicators"].as_array().unwrap();
    assert!(indicators.iter().all(|indicator| indicator["self_score"].is_null()));
    // No activity at all: the gate zeroes 研究部署; of a branch's 82
    // ideological points only YS12 (no incidents) scores, 12/82; 党建 DJ03 20
    // of 100 (DJ02 unscored counts 0); 业务 0. W = 0.3 × 1200/82 + 0.4 × 20 =
    // 4.390… + 8 = 12.390… → 12.39.
    assert_eq!(indicators[0]["code"], "研究部署");
    assert_eq!(indicators[0]["reason"], "未开展“责任分工”，本项不得分");
    assert_eq!(d1["total"].as_f64(), Some(12.39));
}

/// The exit status of `kaohe ARGS…` and what it printed on stderr, line by line.
fn run<A: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = A>) -> (Option<i32>, Vec<String>) {
    let output = kaohe().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (output.status.code(), stderr.lines().map(str::to_owned).collect())
}

/// The base fixture in `dir/base.xlsx`.
fn base_workbook(dir: &Path) -> PathBuf {
    write_xlsx(dir, "base.xlsx", &base_sheets())
}

/// A file at `dir/name` that no spreadsheet reader accepts, and the error it gets.
fn damaged_file(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    std::fs::write(&path, "not a spreadsheet").unwrap();
    let shown = name.replace('\n', "\\n");
    let error = format!(
        "错误: {shown}: 无法读取 {shown}：不是电子表格文件（内容既不是 .xlsx/.ods 也不是 .xls；网页或文本另存的“表格”也不行），请在 WPS/Excel 中另存为 .xlsx"
    );
    (path, error)
}

/// The note the base fixture gets: it sets no 成文日期.
const BASE_NO_DOC_DATE: &str =
    "提示: 未设置成文日期：文书落款日期和整改期限按 2026-01-01 计；请在“设置”表填写“成文日期”";
const BASE_NO_DOC_DATE_EN: &str = "note: 成文日期 (doc_date) is not set: the documents are dated 2026-01-01 and the rectification deadline counts from it; set it in the settings sheet";

/// The note the base fixture's one row dated 2024 gets.
const BASE_OUT_OF_YEAR: &str = "提示: 1条台账、0起舆情不在2025年度任何考核期间内，未计入";

#[test]
fn an_unreadable_file_skips_the_checks_that_need_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    sheets.retain(|(name, _)| *name != "设置");
    let rest = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let (settings, error) = damaged_file(dir.path(), "设置.xlsx");
    let (code, lines) = run([OsStr::new("check"), settings.as_os_str(), rest.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(lines, [error.as_str(), "提示: 因 设置.xlsx 未能读取，跳过了依赖其内容的检查：考核年度"]);
}

#[test]
fn an_unreadable_criteria_file_leaves_nothing_checked_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    sheets.retain(|(name, _)| *name != "指标");
    let rest = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let (criteria, error) = damaged_file(dir.path(), "指标.xlsx");
    let (code, lines) = run([OsStr::new("check"), rest.as_os_str(), criteria.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        lines,
        [
            error.as_str(),
            BASE_NO_DOC_DATE,
            BASE_OUT_OF_YEAR,
            "提示: 因 指标.xlsx 未能读取，跳过了依赖其内容的检查：必需的表、意识形态类别、权重表、活动类型有无指标统计、评分表、参评单位的考核体系与意识形态指标、未计分的舆情",
        ]
    );
}

#[test]
fn an_unreadable_units_file_leaves_unit_references_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    sheets.retain(|(name, _)| *name != "单位");
    let rest = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let (units, error) = damaged_file(dir.path(), "单位.xlsx");
    let (code, lines) = run([OsStr::new("check"), units.as_os_str(), rest.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        lines,
        [
            error.as_str(),
            BASE_NO_DOC_DATE,
            "提示: 因 单位.xlsx 未能读取，跳过了依赖其内容的检查：必需的表、单位引用、参评单位的考核体系与意识形态指标",
        ]
    );
}

#[test]
fn the_same_file_given_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = base_workbook(dir.path());
    let (code, lines) = run([OsStr::new("check"), path.as_os_str(), path.as_os_str()]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines,
        [
            "警告: base.xlsx: 第2个输入与第1个输入是同一个文件，只读取一次",
            BASE_NO_DOC_DATE,
            BASE_OUT_OF_YEAR,
            "校验通过：2025年度，3个参评单位，6条台账，1起舆情，1条警告。",
        ]
    );
}

#[test]
fn inputs_sharing_a_name_are_told_apart_by_their_folders() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("甲"), dir.path().join("乙"));
    std::fs::create_dir(&first).unwrap();
    std::fs::create_dir(&second).unwrap();
    let first = write_xlsx(&first, "台账.xlsx", &base_sheets());
    let repeated = vec![vec!["单位编号", "日期", "类型"], vec!["U2", "2025-02-01", "专题研究"]];
    let second = write_xlsx(&second, "台账.xlsx", &[("活动", repeated)]);
    let (code, lines) = run([OsStr::new("check"), first.as_os_str(), second.as_os_str()]);
    assert_eq!(code, Some(0));
    let (first_name, second_name) =
        (format!("甲{MAIN_SEPARATOR}台账.xlsx"), format!("乙{MAIN_SEPARATOR}台账.xlsx"));
    assert_eq!(
        lines,
        [
            BASE_NO_DOC_DATE.to_owned(),
            format!("警告: {second_name}:活动!A2: 与 {first_name}:活动!A7 完全重复，只计一次"),
            BASE_OUT_OF_YEAR.to_owned(),
            "校验通过：2025年度，3个参评单位，6条台账，1起舆情，1条警告。".to_owned(),
        ]
    );
    let args = Input { inputs: vec![first, second], year: None, strict: false };
    let sources = kaohe::load(&args).0.unwrap().sources;
    let names: Vec<&str> = sources.iter().map(|source| &*source.name).collect();
    assert_eq!(names, [first_name, second_name], "the names the 说明 sheet lists");
}

#[test]
fn a_folder_given_as_an_input_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = base_workbook(dir.path());
    let folder = dir.path().join("各支部");
    std::fs::create_dir(&folder).unwrap();
    let (code, lines) = run([OsStr::new("check"), path.as_os_str(), folder.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        lines,
        [
            "错误: 各支部: 各支部 是文件夹，不是文件：请给出其中的各个输入文件",
            BASE_NO_DOC_DATE,
            BASE_OUT_OF_YEAR
        ]
    );
}

#[test]
fn a_newline_in_a_file_name_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = base_workbook(dir.path());
    let (damaged, error) = damaged_file(dir.path(), "x\n错误: x.xlsx");
    let (code, lines) = run([OsStr::new("check"), path.as_os_str(), damaged.as_os_str()]);
    assert_eq!(code, Some(1));
    assert!(error.starts_with("错误: x\\n错误: x.xlsx: 无法读取 x\\n错误: x.xlsx："), "{error}");
    assert_eq!(lines, [error.as_str(), BASE_NO_DOC_DATE, BASE_OUT_OF_YEAR]);
}

#[test]
fn a_year_far_from_the_ledger_is_a_note_even_when_strict() {
    let dir = tempfile::tempdir().unwrap();
    let path = base_workbook(dir.path());
    let (code, lines) =
        run([OsStr::new("check"), path.as_os_str(), "--year".as_ref(), "2030".as_ref(), "--strict".as_ref()]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines,
        [
            "提示: 未设置成文日期：文书落款日期和整改期限按 2031-01-01 计；请在“设置”表填写“成文日期”",
            "提示: 7条台账、1起舆情不在2030年度任何考核期间内，未计入——超过全部台账的一半，几乎没有台账计入考核；请检查“年度”设置或 --year",
            "校验通过：2030年度，3个参评单位，0条台账，0起舆情，0条警告。",
        ]
    );
}

#[test]
fn english_counts_agree_in_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 5, 11, "党委；机关");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let (code, lines) = run([OsStr::new("check"), path.as_os_str(), "--lang".as_ref(), "en".as_ref()]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines,
        [
            "warning: base.xlsx:指标!L6: applies-to value \"机关\" is no unit's type",
            BASE_NO_DOC_DATE_EN,
            "note: 1 ledger row and 0 incidents fall in no period of 2025 and are not counted",
            "OK: year 2025, 3 assessed units, 6 ledger rows, 1 incident, 1 warning.",
        ]
    );
}

#[test]
fn score_counts_one_unit_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "单位", 3, 5, "否");
    set_cell(&mut sheets, "单位", 4, 5, "否");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let out = dir.path().join("out");
    let (code, lines) = run([
        OsStr::new("score"),
        path.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--lang".as_ref(),
        "en".as_ref(),
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines,
        [
            BASE_NO_DOC_DATE_EN.to_owned(),
            "note: 1 ledger row and 0 incidents fall in no period of 2025 and are not counted".to_owned(),
            format!(
                "Scored 1 unit for 2025 (优秀 0, 良好 0, 合格 1, 不合格 0; 0 vetoed); results written to {}",
                out.display()
            ),
        ]
    );
}

/// SIGTERM and SIGHUP clean up like Ctrl-C: sent once the staging folder
/// exists (the run is writing), the run exits 130 and leaves no staging
/// folder, and the output folder is absent or complete.
#[cfg(unix)]
#[test]
fn termination_signals_remove_the_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::long_ledger(dir.path());
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

#[test]
fn check_and_score_warn_once_about_the_example_criteria_of_the_sample() {
    // The bundled sample keeps the eight example rows of the default criteria.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/示例台账.xlsx");
    let warning = "警告: 示例台账.xlsx:指标!M4: 8条指标的评分标准或名称仍含示例文字“（示例，请按实际修改）”，请按实际修改后再发文";
    let (code, lines) = run(["check", sample]);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(lines.iter().filter(|line| line.contains("示例文字")).collect::<Vec<_>>(), [warning]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, lines) = run([OsStr::new("score"), OsStr::new(sample), OsStr::new("-o"), out.as_os_str()]);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(lines.iter().filter(|line| line.contains("示例文字")).collect::<Vec<_>>(), [warning]);
}
