//! `kaohe merge` end to end: two organisations' score workbooks ranked
//! together into a workbook and a bulletin; a weight below this level's
//! is refused with nothing written.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{self, document_text};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

/// Scores the demo sample and the small base fixture: two organisations.
fn two_submissions(dir: &Path) -> (PathBuf, PathBuf) {
    let base = common::write_xlsx(dir, "base.xlsx", &common::base_sheets());
    for (input, out) in [(PathBuf::from("samples/示例台账.xlsx"), "bureau"), (base, "committee")] {
        kaohe().arg("score").arg(input).arg("-o").arg(dir.join(out)).assert().code(0);
    }
    (dir.join("bureau/考核得分表.xlsx"), dir.join("committee/考核得分表.xlsx"))
}

#[test]
fn merge_ranks_two_organisations_and_writes_a_bulletin() {
    let dir = tempfile::tempdir().unwrap();
    let (bureau, committee) = two_submissions(dir.path());
    let out = dir.path().join("merged");
    kaohe()
        .args(["merge", "--ideological-weight", "30", "--assessor", "中共××县委"])
        .arg(&bureau)
        .arg(&committee)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let text = document_text(&out.join("考核结果通报.docx"));
    assert!(text.contains("中共××县委"), "the issuing body");
    assert!(text.contains("中共××县××局委员会") && text.contains("局党委"), "both submitting organisations");
    assert!(text.contains("第一党总支") && text.contains("第一党支部"), "units of both");
    assert!(out.join("考核得分表.xlsx").exists());
}

#[test]
fn merge_refuses_a_lower_ideological_weight_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (bureau, committee) = two_submissions(dir.path());
    let out = dir.path().join("merged");
    let output = kaohe()
        .args(["merge", "--ideological-weight", "35"])
        .arg(&bureau)
        .arg(&committee)
        .arg("-o")
        .arg(&out)
        .output();
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bureau/考核得分表.xlsx:权重!C2: 中共××县××局委员会的“顶层体系”中“意识形态工作”权重 30% 低于本级权重 35%"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn a_capped_bonus_scores_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = common::base_sheets();
    common::rows(&mut sheets, "设置").push(vec!["加分上限", "1.5"]);
    for title in ["一", "二", "三"] {
        common::rows(&mut sheets, "活动").push(vec!["U1", "2025-06-01", "表彰", title, ""]);
    }
    let input = common::write_xlsx(dir.path(), "base.xlsx", &sheets);
    let scored = dir.path().join("scored");
    kaohe().arg("score").arg(input).arg("-o").arg(&scored).assert().code(0);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scored.join("summary.json")).unwrap()).unwrap();
    let u1 = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "U1").unwrap();
    // Three commendations earn 3 (JF01: 1 each), the cap lets 1.5 count.
    let earned = u1["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "JF01").unwrap();
    assert_eq!(earned["score"], 3.0);
    assert_eq!(u1["bonus"], 1.5);
    let (weighted, total) = (u1["weighted"].as_f64().unwrap(), u1["total"].as_f64().unwrap());
    assert_eq!(total, ((weighted + 1.5) * 100.0).round() / 100.0);
    // 说明 records the cap; the verifier reads it back and finds 加分 within it.
    let mut book: Xlsx<_> = open_workbook(scored.join("考核得分表.xlsx")).unwrap();
    let about = book.worksheet_range("说明").unwrap();
    let cap = about.rows().find(|row| row[0] == Data::String("加分上限".into())).map(|row| row[1].clone());
    assert_eq!(cap, Some(Data::Float(1.5)), "a number");
    let out = dir.path().join("merged");
    kaohe().arg("merge").arg(scored.join("考核得分表.xlsx")).arg("-o").arg(&out).assert().code(0);
}

#[test]
fn a_unit_barred_from_the_first_band_scores_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = common::base_sheets();
    // YS06 (严重错误倾向) bars the first band only; U1 has one. With 优秀
    // from 70, D1 (75.38) and U1 (74.41) reach it, U2 (62.06) does not.
    common::set_cell(&mut sheets, "指标", 0, 13, "否决方式");
    common::set_cell(&mut sheets, "指标", 6, 13, "不得评优");
    common::rows(&mut sheets, "活动").push(vec!["U1", "2025-06-01", "严重错误倾向", "", ""]);
    common::rows(&mut sheets, "设置").push(vec!["等次", "优秀:70;良好:60;合格:0"]);
    let input = common::write_xlsx(dir.path(), "base.xlsx", &sheets);
    let scored = dir.path().join("scored");
    kaohe().arg("score").arg(input).arg("-o").arg(&scored).assert().code(0);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scored.join("summary.json")).unwrap()).unwrap();
    let units: Vec<(&str, u64, f64, &str, bool)> = summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let text = |key: &str| u[key].as_str().unwrap();
            (
                text("id"),
                u["rank"].as_u64().unwrap(),
                u["total"].as_f64().unwrap(),
                text("grade"),
                u["veto"] == true,
            )
        })
        .collect();
    // U1 keeps rank 2 and is not vetoed (not ranked last), but gets 良好.
    assert_eq!(
        units,
        [("D1", 1, 75.38, "优秀", false), ("U1", 2, 74.41, "良好", false), ("U2", 3, 62.06, "良好", false)]
    );
    let letter = document_text(&scored.join("反馈/002-第一党支部.docx"));
    assert!(
        letter.contains("你单位存在不得评优事项（严重错误倾向1次），考核等次不得评为最高等次。"),
        "{letter}"
    );
    assert!(!letter.contains("一票否决事项"));
    // 汇总's 否决 cell says why U1 is not 优秀; the verifier reads it back.
    let mut book: Xlsx<_> = open_workbook(scored.join("考核得分表.xlsx")).unwrap();
    let rows: Vec<Vec<Data>> = book.worksheet_range("汇总").unwrap().rows().map(<[Data]>::to_vec).collect();
    assert_eq!((&rows[3][1], &rows[3][8], &rows[3][9]), (&"U1".into(), &"良好".into(), &"不得评优".into()));
    let out = dir.path().join("merged");
    kaohe().arg("merge").arg(scored.join("考核得分表.xlsx")).arg("-o").arg(&out).assert().code(0);
}

#[test]
fn merge_counts_in_english_agree_in_number() {
    let dir = tempfile::tempdir().unwrap();
    let (bureau, _) = two_submissions(dir.path());
    let out = dir.path().join("merged");
    let output = kaohe().args(["merge", "--lang", "en"]).arg(&bureau).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim_end(), format!("Merged 1 workbook, 15 units; written to {}", out.display()));
}
