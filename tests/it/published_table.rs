//! The second bundled sample, `samples/县教育系统考评/`: a county education
//! system's published 意识形态工作责任制 scoring table as CSV files. `kaohe
//! check` passes it without a warning, and `kaohe score` gives the values
//! worked by hand below (and in the sample's README): every item and clause
//! of three units, each feature's effect, the totals, ranking and grades,
//! and the letter's and bulletin's text.
//!
//! Weights (top-level system): 意识形态工作 40, 党建工作 35, 教育教学 25.
//! Category maxima: 意识形态工作 40 (four items of 10), 党建工作 35
//! (DJ01 8 + DJ02 5 + DJ03 15 + DJ04 7), 教育教学 25 for 学校 (JX01 10 +
//! JX02 8 + JX03 7) and 17 for 机关 (JX02 applies to 学校 only).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::{Value, json};

use crate::common::document_text;

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

/// The sample's CSV files, sorted: what `samples/县教育系统考评/*.csv` expands to.
fn sample_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/县教育系统考评");
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    files.sort();
    files
}

/// One `kaohe score` run on the sample, shared by the tests: its output
/// folder and its JSON summary.
fn scored() -> &'static (tempfile::TempDir, Value) {
    static SCORED: OnceLock<(tempfile::TempDir, Value)> = OnceLock::new();
    SCORED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let output = kaohe()
            .arg("score")
            .args(sample_files())
            .arg("-o")
            .arg(dir.path().join("out"))
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let summary = serde_json::from_slice(&output.stdout).unwrap();
        (dir, summary)
    })
}

fn out() -> PathBuf {
    scored().0.path().join("out")
}

fn unit(id: &str) -> &'static Value {
    scored().1["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap()
}

fn indicator(id: &str, code: &str) -> &'static Value {
    unit(id)["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap()
}

/// An indicator's (score, reason).
fn scored_as(id: &str, code: &str) -> (f64, &'static str) {
    let indicator = indicator(id, code);
    (indicator["score"].as_f64().unwrap(), indicator["reason"].as_str().unwrap())
}

/// An item's clauses as (code, deduction, reason).
fn clauses(id: &str, item: &str) -> Vec<(&'static str, f64, &'static str)> {
    indicator(id, item)["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["code"].as_str().unwrap(), c["deduction"].as_f64().unwrap(), c["reason"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn check_passes_the_sample_without_a_warning() {
    let output = kaohe().arg("check").args(sample_files()).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    // 8 assessed units; 222 ledger rows; 3 incidents.
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "校验通过：2025年度，8个参评单位，222条台账，3起舆情，0条警告。"
    );
}

#[test]
fn a_folder_is_not_an_input_the_files_in_it_are() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/县教育系统考评");
    let output = kaohe().arg("check").arg(folder).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("是文件夹，不是文件：请给出其中的各个输入文件"));
}

/// 城关小学党支部 (JY05), the README's worked example: every clause.
#[test]
fn the_worked_unit_has_graded_points_a_late_report_and_a_marked_clause() {
    // 组织领导 (P 10): 领导小组 on 2025-01-08, so the gate holds (d 0);
    // 专题研究 2 of 2 (d 0); 年度计划 on 3月10日 ≤ 3月31日 (d 0); 责任清单
    // marked 2 of 3, d = 3 − 2 = 1. Σ 1 → 10 − 1 = 9.
    assert_eq!(scored_as("JY05", "组织领导"), (9.0, "责任清单落实：责任清单未细化到岗位（扣1分），扣1分"));
    // 理论学习 (P 10): plan, 12 months of study with 材料, no mark → 10.
    assert_eq!(scored_as("JY05", "理论学习"), (10.0, ""));
    // 阵地管理 (P 10): 违规 graded by 级别: 较大 3 + 一般 1 = 4; the 较大
    // incident was assessed 30 hours after it was found (20 Aug 22:00 →
    // 22 Aug 04:00) > 24, late, 较大 = 2. Σ 6 → 10 − 6 = 4.
    assert_eq!(
        scored_as("JY05", "阵地管理"),
        (
            4.0,
            "阵地违规：较大1次、一般1次（扣4分）；舆情处置：家长群转发不实招生信息：研判超时（30小时）、较大1次（扣2分），扣6分"
        )
    );
    assert_eq!(
        clauses("JY05", "阵地管理"),
        [
            ("ZD01", 4.0, "较大1次、一般1次"),
            ("ZD02", 2.0, "家长群转发不实招生信息：研判超时（30小时）、较大1次")
        ]
    );
    // 情况报告 (P 10): the first half's report dated 7月18日 for 2025年上半年,
    // due 6月30日 + 10 days = 7月10日: on time 0, late 1, missing
    // max(0, 1 − 0 − 1) = 0, late counted min(1, 1 − 0) = 1, d = 1 × 2 = 2;
    // the second half's on 12月24日 is on time. Σ 2 → 8.
    assert_eq!(
        scored_as("JY05", "情况报告"),
        (8.0, "半年报告：上半年迟报1次（7月18日，截止7月10日）（扣2分），扣2分")
    );
    // 意识形态工作 S = 9 + 10 + 4 + 8 = 31 of 40 → N = 77.5; 党建工作
    // 8 + 5 + 13 + 7 = 33 of 35 → 94.2857…; 教育教学 8.5 + 8 + 7 = 23.5 of 25 → 94.
    // W = (40 × 77.5 + 35 × 3300/35 + 25 × 94) / 100 = (3100 + 3300 + 2350) / 100 = 87.5.
    let jy05 = unit("JY05");
    assert_eq!(jy05["categories"], json!({"意识形态工作": 77.5, "党建工作": 94.29, "教育教学": 94.0}));
    assert_eq!((jy05["weighted"].clone(), jy05["total"].clone()), (json!(87.5), json!(87.5)));
    assert_eq!((jy05["rank"].clone(), jy05["grade"].clone()), (json!(5), json!("良好")));
}

/// 县第二中学党支部 (JY03): no 领导小组 zeroes 组织领导; its clauses are still
/// computed and listed.
#[test]
fn an_unmet_gate_zeroes_the_item_and_keeps_its_clauses() {
    assert_eq!(scored_as("JY03", "组织领导"), (0.0, "未开展“成立领导小组”，本项不得分"));
    // 专题研究 1 of 2: d = 1 × 2 = 2; 责任清单 marked 1 of 3: d = 2.
    assert_eq!(
        clauses("JY03", "组织领导"),
        [
            ("ZZ01", 0.0, "未开展“成立领导小组”"),
            ("ZZ02", 2.0, "全年缺1次"),
            ("ZZ03", 0.0, ""),
            ("ZZ04", 2.0, "未签订意识形态工作责任书"),
        ]
    );
    // 意识形态工作 0 + 10 + 10 + 10 = 30 of 40 → 75; 党建 8 + 5 + 12 + 7 = 32 → 3200/35;
    // 教育 8 + 8 + 7 = 23 → 92. W = (3000 + 3200 + 2300) / 100 = 85.
    let jy03 = unit("JY03");
    assert_eq!(jy03["categories"]["意识形态工作"], json!(75.0));
    assert_eq!(jy03["total"], json!(85.0));
}

/// 实验小学党支部 (JY04): 材料!= leaves out three months of study; its
/// second half's report, dated 2026-01-08 for 2025年下半年, counts on time.
#[test]
fn the_evidence_filter_notes_its_rows_and_a_january_report_counts_for_the_second_half() {
    // 集中学习: the rows of 2月, 5月, 8月 have no 材料, so 3 months are
    // missing: d = 3 × 0.5 = 1.5; 学习记录 marked 1.5 of 2: d = 0.5. Σ 2 → 8.
    assert_eq!(
        scored_as("JY04", "理论学习"),
        (
            8.0,
            "集中学习：2月缺1次、5月缺1次、8月缺1次（另有3条不符合“材料!=”，未计入）（扣1.5分）；学习记录：学习记录不全（扣0.5分），扣2分"
        )
    );
    // The January report counts for 2025 by its 所属期, and 2026-01-08 ≤ due
    // 12月31日 + 10 days = 2026-01-10: on time, 情况报告 full.
    assert_eq!(scored_as("JY04", "情况报告"), (10.0, ""));
    assert_eq!(clauses("JY04", "情况报告"), [("BG01", 0.0, ""), ("BG02", 0.0, "")]);
    // 意识形态 38 → 95; 党建 8 + 5 + 13.5 + 7 = 33.5 → 3350/35; 教育 9 + 8 + 7 = 24 → 96.
    // W = (3800 + 3350 + 2400) / 100 = 95.5.
    assert_eq!(unit("JY04")["total"], json!(95.5));
}

#[test]
fn a_late_plan_a_missing_report_and_the_other_grade_of_a_bonus() {
    // 局机关党支部 (JY01): the plan on 4月8日 after 截止 3月31日: on time 0,
    // late 1, late counted 1, d = 1 × 迟报扣分 1 = 1 (not the 单项分 3).
    assert_eq!(
        scored_as("JY01", "组织领导"),
        (9.0, "年度工作计划：全年迟报1次（4月8日，截止3月31日）（扣1分），扣1分")
    );
    // 县教研室党支部 (JY08): one 专题研究 (d 2 → 8); no second-half report
    // (d 4) and 报告质量 marked 1 of 2 (d 1) → 10 − 5 = 5; a 县级 award
    // falls under 其他 (0.5).
    assert_eq!(scored_as("JY08", "组织领导"), (8.0, "专题研究：全年缺1次（扣2分），扣2分"));
    assert_eq!(
        scored_as("JY08", "情况报告"),
        (5.0, "半年报告：下半年缺1次（扣4分）；报告质量：报告内容较为空泛（扣1分），扣5分")
    );
    assert_eq!(scored_as("JY08", "JF01"), (0.5, "其他1次，加0.5分"));
    // 机关: 教育教学 is JX01 8.5 + JX03 7 = 15.5 of 17 (JX02 is for 学校 only).
    assert!(unit("JY08")["indicators"].as_array().unwrap().iter().all(|i| i["code"] != "JX02"));
    // 意识形态 8 + 10 + 10 + 5 = 33 → 82.5; 党建 6 + 5 + 13 + 4 = 28 → 80;
    // W = (3300 + 2800 + 25 × 1550/17) / 100 = 61 + 387.5/17 = 83.794117…;
    // T = 83.794117… + 0.5 = 84.294117… → 84.29.
    assert_eq!(
        (unit("JY08")["weighted"].clone(), unit("JY08")["total"].clone()),
        (json!(83.79), json!(84.29))
    );
}

#[test]
fn the_bonus_cap_the_vetoes_and_the_ranking() {
    // 县第一中学党总支 (JY02): 表彰 国家级 3 + 省级 2 = 5, capped by its 分值 3;
    // 经验推广 1: Σ 4, 加分上限 3 → B = 3. W = (4000 + 3450 + 2450) / 100 = 99; T = 102.
    assert_eq!(scored_as("JY02", "JF01"), (3.0, "国家级1次、省级1次，加3分"));
    assert_eq!(scored_as("JY02", "JF02"), (1.0, "经验推广1次，加1分"));
    assert_eq!((unit("JY02")["bonus"].clone(), unit("JY02")["total"].clone()), (json!(3.0), json!(102.0)));
    // 城关幼儿园党支部 (JY07): W = (4000 + 3400 + 2450) / 100 = 98.5, 市级 +1 →
    // 99.5 ≥ 90 would be 优秀; 师德失范 (不得评优) makes it 良好, rank 2 as usual.
    assert_eq!(scored_as("JY07", "FJ02"), (0.0, "存在师德失范1次，不得评优"));
    let jy07 = unit("JY07");
    assert_eq!(
        (jy07["total"].clone(), jy07["rank"].clone(), jy07["grade"].clone()),
        (json!(99.5), json!(2), json!("良好"))
    );
    assert_eq!(jy07["veto"], json!(false));
    // 县职业中学党支部 (JY06): 88.5, but 严重错误倾向 (最低等次): 不合格, last.
    assert_eq!(scored_as("JY06", "FJ01"), (0.0, "存在严重错误倾向1次，一票否决"));
    assert_eq!(scored_as("JY06", "阵地管理"), (5.0, "阵地违规：重大1次（扣5分），扣5分"));
    assert_eq!(scored_as("JY06", "JX02"), (6.0, "第二季度缺1次，扣2分"));
    let ranking: Vec<(&str, f64, i64, &str)> = scored().1["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap(),
                u["total"].as_f64().unwrap(),
                u["rank"].as_i64().unwrap(),
                u["grade"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranking,
        [
            ("JY02", 102.0, 1, "优秀"),
            ("JY07", 99.5, 2, "良好"),
            // 73 + 400/17 + 2 = 98.529411… → 98.53.
            ("JY01", 98.53, 3, "优秀"),
            ("JY04", 95.5, 4, "优秀"),
            ("JY05", 87.5, 5, "良好"),
            ("JY03", 85.0, 6, "良好"),
            ("JY08", 84.29, 7, "良好"),
            ("JY06", 88.5, 8, "不合格"),
        ]
    );
    assert_eq!(unit("JY06")["veto"], json!(true));

    // 汇总 shows JY07's 否决 cell as 不得评优.
    let mut book: Xlsx<_> = open_workbook(out().join("考核得分表.xlsx")).unwrap();
    let rows: Vec<Vec<Data>> = book.worksheet_range("汇总").unwrap().rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = rows[1].iter().map(ToString::to_string).collect();
    let veto = header.iter().position(|label| label == "否决").unwrap();
    let row = rows.iter().find(|row| row[1] == Data::String("JY07".into())).unwrap();
    assert_eq!(row[veto], Data::String("不得评优".into()));
}

#[test]
fn self_totals_gaps_and_the_documents() {
    // 县第二中学党支部 (JY03) claims every item full, DJ03 15, JX01 10 and an
    // award of 2: 意识形态 40 → 100, 党建 35 → 100, 教育 10 + 8 + 7 = 25 → 100;
    // W = 100, + 2 = 102.00; gap 102 − 85 = 17 > 自评偏差 5.
    let jy03 = unit("JY03");
    assert_eq!((jy03["self_total"].clone(), jy03["self_gap"].clone()), (json!(102.0), json!(17.0)));
    // JY02's self bonus 3 + 1 = 4 is capped at 3 as well: DJ03 15 →
    // W = (4000 + 3500 + 2450) / 100 = 99.5, + 3 = 102.5; gap 0.5.
    assert_eq!(
        (unit("JY02")["self_total"].clone(), unit("JY02")["self_gap"].clone()),
        (json!(102.5), json!(0.5))
    );
    // JY05: 组织领导 9, 理论学习 10, 阵地管理 5, 情况报告 9 → 33 of 40;
    // DJ03 13, JX01 8.5 as scored: W = (3300 + 3300 + 2350) / 100 = 89.5; gap 2.
    assert_eq!(
        (unit("JY05")["self_total"].clone(), unit("JY05")["self_gap"].clone()),
        (json!(89.5), json!(2.0))
    );
    assert_eq!(indicator("JY05", "阵地管理")["self_score"], json!(5.0));
    // JY06 gave no self scores.
    assert_eq!(unit("JY06")["self_total"], Value::Null);

    // The bulletin names JY03 alone (every other gap is at most 2).
    let bulletin = document_text(&out().join("考核结果通报.docx"));
    assert!(bulletin.contains("以下单位自评总分高于考核总分，且相差超过5分"), "{bulletin}");
    assert!(bulletin.contains("县第二中学党支部\n102.00\n85.00\n17.00\n六、工作要求"), "{bulletin}");
    // The category overview: each category's N_c of summary.json averaged over the eight units.
    let units = scored().1["units"].as_array().unwrap();
    let average = |category: &str| {
        let scores: Vec<f64> =
            units.iter().map(|unit| unit["categories"][category].as_f64().unwrap()).collect();
        format!("{:.2}", scores.iter().sum::<f64>() / scores.len() as f64)
    };
    let overview: String = ["意识形态工作", "党建工作", "教育教学"]
        .iter()
        .map(|category| format!("{category}\n8\n{}\n", average(category)))
        .collect();
    assert!(bulletin.contains(&format!("平均得分\n{overview}")), "{overview}\n{bulletin}");
    assert!(overview.starts_with("意识形态工作\n8\n89.38\n"), "{overview}");
    assert!(bulletin.contains("1个单位因存在一票否决事项"));
    assert!(bulletin.contains("\n2\n城关幼儿园党支部\n99.50\n良好\n"));

    // JY05's letter: the total, the item reasons and the self comparison.
    let letter = document_text(&out().join("反馈/005-城关小学党支部.docx"));
    assert!(letter.contains(
        "你单位2025年度考核总分87.50分（加权得分87.50分），在8个参评单位中排名第5位，考核等次为良好。"
    ));
    assert!(
        letter.contains("情况报告\n2\n半年报告：上半年迟报1次（7月18日，截止7月10日）（扣2分），扣2分\n"),
        "{letter}"
    );
    assert!(letter.contains("你单位自评总分89.50分，考核总分87.50分。"));
    assert!(
        letter.contains("阵地管理：自评5分，考核得分4分，原因：阵地违规：较大1次、一般1次（扣4分）；"),
        "{letter}"
    );
    assert!(letter.contains("于2026年2月25日前"), "{letter}");

    // JY07's letter names the 不得评优 matter; the bulletin's ranking marks
    // only JY06 as vetoed.
    let letter = document_text(&out().join("反馈/002-城关幼儿园党支部.docx"));
    assert!(
        letter.contains("你单位存在不得评优事项（师德失范1次），考核等次不得评为最高等次。")
            && letter.contains("存在问题：发生师德失范1次，按规定不得评优。"),
        "{letter}"
    );
    assert!(bulletin.contains("\n8\n县职业中学党支部\n88.50\n不合格\n是\n"), "{bulletin}");
}

/// Without its 所属期, JY04's report of 2026-01-08 falls outside 2025: the
/// second half misses it (d 4 → 情况报告 6), and `check` warns that it may
/// be the last period's report.
#[test]
fn without_its_period_the_january_report_is_outside_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for file in sample_files() {
        let mut text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("活动.csv") {
            assert_eq!(text.matches(",2025年下半年,").count(), 1);
            text = text.replace(",2025年下半年,", ",,");
        }
        let copy = dir.path().join(file.file_name().unwrap());
        std::fs::write(&copy, text).unwrap();
        files.push(copy);
    }
    let output = kaohe()
        .arg("score")
        .args(&files)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("警告: 活动.csv:活动!B102: 可能为上期报告，请填写所属期"), "{stderr}");
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let jy04 = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "JY04").unwrap();
    let item = jy04["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "情况报告").unwrap();
    assert_eq!(
        (item["score"].as_f64(), item["reason"].as_str()),
        (Some(6.0), Some("半年报告：下半年缺1次（扣4分），扣4分"))
    );
    // 意识形态 38 − 4 = 34 → 85: W = (3400 + 3350 + 2400) / 100 = 91.5.
    assert_eq!(jy04["total"], json!(91.5));
}
