//! The bundled demo sample end to end: it validates with exactly the
//! warning it intends, its summary is a reviewed snapshot (the full report
//! is in `reports`), and scores depend neither on threads nor on files.

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
    // The six example rows of the default criteria keep their example text.
    assert_eq!(
        warnings,
        [
            "示例台账.xlsx:指标!M16: 6条指标的评分标准或名称仍含示例文字“（示例，请按实际修改）”，请按实际修改后再发文",
            "示例台账.xlsx:活动!A361: 与 示例台账.xlsx:活动!A342 完全重复，只计一次"
        ]
    );
    assert_eq!(model.units.iter().filter(|u| u.assessed).count(), 15);
    assert_eq!(model.out_of_year.activities, 3);
    assert_eq!(model.out_of_year.incidents, 1);
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
