//! The bundled demo sample end to end: it validates with exactly the
//! warning it intends, its summary is a reviewed snapshot (the full report
//! is in `reports`), the real-table features it exercises give the reasons
//! samples/README.md lists, and scores depend neither on threads nor on
//! files.

use std::path::PathBuf;

use kaohe::render::{Scored, json};

use crate::common;

const SAMPLE: &str = "samples/示例台账.xlsx";

fn summary(model: &kaohe::model::Model, warnings: &[String]) -> String {
    let report = kaohe::score::score(model);
    let scored = Scored { model, report: &report, warnings, created: chrono::NaiveDateTime::default() };
    json::summary(&scored, &[])
}

#[test]
fn the_sample_validates_with_its_two_intended_warnings() {
    let (model, warnings) = common::load_valid(vec![PathBuf::from(SAMPLE)]);
    // The eight example rows of the default criteria keep their example text.
    assert_eq!(
        warnings,
        [
            "示例台账.xlsx:指标!M4: 8条指标的评分标准或名称仍含示例文字“（示例，请按实际修改）”，请按实际修改后再发文",
            "示例台账.xlsx:活动!A376: 与 示例台账.xlsx:活动!A357 完全重复，只计一次"
        ]
    );
    assert_eq!(model.units.iter().filter(|u| u.assessed).count(), 15);
    // U11's and U31's 2024-12 rows, and U20's report dated 2025-01-08 on 2024年下半年.
    assert_eq!(model.out_of_year.activities, 3);
    assert_eq!(model.out_of_year.incidents, 1);
}

/// The sample's summary, parsed.
fn sample_summary() -> serde_json::Value {
    let (model, warnings) = common::load_valid(vec![PathBuf::from(SAMPLE)]);
    serde_json::from_str(&summary(&model, &warnings)).unwrap()
}

fn unit<'a>(summary: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    summary["units"].as_array().unwrap().iter().find(|unit| unit["id"] == id).expect(id)
}

/// The (score, reason) of `code` for unit `id`.
fn scored(summary: &serde_json::Value, id: &str, code: &str) -> (f64, String) {
    let indicators = unit(summary, id)["indicators"].as_array().unwrap();
    let indicator = indicators.iter().find(|indicator| indicator["code"] == code).expect(code);
    (indicator["score"].as_f64().unwrap(), indicator["reason"].as_str().unwrap().to_owned())
}

#[test]
fn the_sample_exercises_items_gates_due_dates_grades_and_evidence() {
    let summary = sample_summary();
    let reason = |id, code| scored(&summary, id, code);
    // 研究部署 (13): U22's plan of 18 April is late (due 31 March, 迟报扣分 2).
    let late_plan = "意识形态工作计划：全年迟报1次（4月18日，截止3月31日）（扣2分），扣2分";
    assert_eq!(reason("U22", "研究部署"), (11.0, late_plan.to_owned()));
    // U32 has one 专题研究 of two (the repeat counts once): 1 × 4 of YS01's own 8.
    let short = "专题研究意识形态工作：全年缺1次（扣4分），扣4分";
    assert_eq!(reason("U32", "研究部署"), (9.0, short.to_owned()));
    // U12 has no 责任分工: the gate zeroes the item.
    assert_eq!(reason("U12", "研究部署"), (0.0, "未开展“责任分工”，本项不得分".to_owned()));
    let item =
        unit(&summary, "U12")["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "研究部署");
    let clauses: Vec<_> =
        item.unwrap()["clauses"].as_array().unwrap().iter().map(|c| c["code"].clone()).collect();
    assert_eq!(clauses, ["YS01", "YS13", "YS15"]);
    // YS07 is due 10 days after each half: 15 July is late (10 − 2), and so is
    // 15 January 2026 for the second half (所属期 2025年下半年); 1–9 July is on time.
    let july = "上半年迟报1次（7月15日，截止7月10日），扣2分";
    assert_eq!(reason("U14", "YS07"), (8.0, july.to_owned()));
    let january = "下半年迟报1次（2026年1月15日，截止2026年1月10日），扣2分";
    assert_eq!(reason("U31", "YS07"), (8.0, january.to_owned()));
    assert_eq!(reason("U20", "YS07"), (10.0, String::new()), "both reports on time, last year's not counted");
    // YS12 graded by 级别: 较大 4, 一般 2, 重大 6.
    let graded = "短视频恶意剪辑窗口人员言行引发热议：处置超时（30小时）；重大1次，扣6分";
    assert_eq!(reason("U32", "YS12"), (6.0, graded.to_owned()));
    assert_eq!(
        reason("U23", "YS12"),
        (10.0, "工作人员朋友圈发布不当言论：处置缺失；一般1次，扣2分".to_owned())
    );
    // YS06 counts only rows with 材料: U10's supervision has none.
    let unevidenced = "全年缺1次（另有1条不符合“材料!=”，未计入），扣6分";
    assert_eq!(reason("U10", "YS06"), (0.0, unevidenced.to_owned()));
}

#[test]
fn the_sample_bars_one_unit_from_the_first_band_and_names_a_self_gap() {
    let summary = sample_summary();
    // U15 ranks 3rd with 97.34 (≥ 90) but was criticised (不得评优): 良好, and it
    // keeps its quota place, so only U20 and U11 are 优秀 (quota ⌊20 × 15 / 100⌋ = 3).
    let u15 = unit(&summary, "U15");
    assert_eq!(
        (u15["rank"].as_u64(), u15["total"].as_f64(), u15["grade"].as_str()),
        (Some(3), Some(97.34), Some("良好"))
    );
    assert_eq!(u15["veto"], false);
    assert_eq!(scored(&summary, "U15", "YS16").1, "存在通报批评1次，不得评优");
    let top: Vec<_> = summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["grade"] == "优秀")
        .map(|u| &u["id"])
        .collect();
    assert_eq!(top, ["U20", "U11"]);
    // U16 (机关党委's system 35/35/30) self-assesses YS04 12, YS11 5, DJ02 60:
    // 意识形态 82/82 = 100, 党建 20 + 60 + 20 = 100, 业务 45 + 40 = 85 →
    // 35 + 35 + 25.5 = 95.50 against 85.55: gap 9.95 > 自评偏差 5.
    let u16 = unit(&summary, "U16");
    assert_eq!((u16["self_total"].as_f64(), u16["total"].as_f64()), (Some(95.5), Some(85.55)));
    assert_eq!(u16["self_gap"].as_f64(), Some(9.95));
    // U11 self-assesses the whole item (13, as evaluated) and DJ02 59 (57):
    // 党建 +2 × 0.35 = 0.70.
    assert_eq!(unit(&summary, "U11")["self_gap"].as_f64(), Some(0.7));
    assert_eq!(unit(&summary, "U20")["self_total"], serde_json::Value::Null, "no 自评 rows");
}

#[test]
fn the_sample_scores_as_reviewed() {
    let (model, warnings) = common::load_valid(vec![PathBuf::from(SAMPLE)]);
    insta::assert_snapshot!("sample_summary", summary(&model, &warnings));
}

#[test]
fn scores_do_not_depend_on_thread_count() {
    let (model, warnings) = common::load_valid(vec![PathBuf::from(SAMPLE)]);
    let with = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| summary(&model, &warnings))
    };
    assert_eq!(with(1), with(4));
}

#[test]
fn scores_do_not_depend_on_file_order_or_split() {
    let dir = tempfile::tempdir().unwrap();
    let sheets = common::base_sheets();
    let (definitions, ledger): (Vec<_>, Vec<_>) =
        sheets.into_iter().partition(|(name, _)| ["设置", "单位", "指标", "权重"].contains(name));
    let first = common::write_xlsx(dir.path(), "定义.xlsx", &definitions);
    let second = common::write_xlsx(dir.path(), "台账.xlsx", &ledger);
    let whole = common::write_xlsx(dir.path(), "全部.xlsx", &common::base_sheets());
    let (a, _) = common::load_valid(vec![first.clone(), second.clone()]);
    let (b, _) = common::load_valid(vec![second, first]);
    let (c, _) = common::load_valid(vec![whole]);
    let totals = |model: &kaohe::model::Model| {
        kaohe::score::score(model)
            .units
            .iter()
            .map(|u| (model.units[u.unit].id.clone(), u.rank, kaohe::number::format_fixed(&u.total, 2)))
            .collect::<Vec<_>>()
    };
    assert_eq!(totals(&a), totals(&b));
    assert_eq!(totals(&a), totals(&c));
    assert_eq!(totals(&a)[0], ("D1".to_owned(), 1, "75.38".to_owned()));
}
