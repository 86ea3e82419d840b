//! Validation on real workbook files: the base fixture passes, and each
//! planted defect is reported at its exact cell.

use std::path::PathBuf;

use kaohe::cli::Input;
use kaohe::diagnostic::Lang;

use crate::common::{self, SheetRows, base_sheets, rows, set_cell, write_xlsx};

struct Checked {
    ok: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
    model: Option<kaohe::model::Model>,
}

fn check_paths(paths: Vec<PathBuf>) -> Checked {
    let args = Input { inputs: paths, year: None, strict: false };
    let (model, diagnostics) = kaohe::load(&args);
    Checked {
        ok: model.is_some(),
        errors: diagnostics.errors().map(|d| d.headline(Lang::Zh)).collect(),
        warnings: diagnostics.warnings().map(|d| d.headline(Lang::Zh)).collect(),
        model,
    }
}

fn check_sheets(sheets: &[(&str, SheetRows)]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", sheets);
    check_paths(vec![path])
}

/// Applies `edit` to the base fixture and expects exactly one error that
/// starts with `expected`.
fn expect_error(edit: impl FnOnce(&mut Vec<(&'static str, SheetRows<'static>)>), expected: &str) {
    let mut sheets = base_sheets();
    edit(&mut sheets);
    let checked = check_sheets(&sheets);
    assert!(!checked.ok, "expected an error starting with {expected}");
    assert!(
        checked.errors.iter().any(|e| e.starts_with(expected)),
        "no error starts with {expected:?}; got {:#?}",
        checked.errors
    );
    assert_eq!(checked.errors.len(), 1, "exactly one error expected, got {:#?}", checked.errors);
}

#[test]
fn the_base_fixture_is_valid_without_warnings() {
    let checked = check_sheets(&base_sheets());
    assert!(checked.ok, "{:#?}", checked.errors);
    assert!(checked.warnings.is_empty(), "{:#?}", checked.warnings);
    let model = checked.model.unwrap();
    assert_eq!(model.settings.year, 2025);
    assert_eq!(model.units.len(), 4);
    assert_eq!(model.units[2].parent, Some(1));
    assert!(!model.units[0].assessed);
    assert_eq!(model.criteria.len(), 8);
    assert_eq!(model.categories, ["意识形态工作", "党建工作", "加分项"]);
    assert_eq!(model.systems.len(), 2);
    assert_eq!(model.systems[0].owner, None);
    assert_eq!(model.systems[1].owner, Some(1));
    assert_eq!(model.activities.len(), 6);
    assert_eq!(model.out_of_year.activities, 1);
    assert_eq!(model.incidents.len(), 1);
    assert_eq!(model.manual_scores.len(), 3);
    assert_eq!(model.accountability.len(), 2);
    // Rows keep their real numbers below the title row.
    assert_eq!(model.activities[0].origin.row, 3);
    assert_eq!(model.activities[0].date.to_string(), "2025-03-15 00:00:00");
    assert_eq!(model.activities[1].date.to_string(), "2025-09-01 00:00:00");
    assert_eq!(model.activities[2].date.to_string(), "2025-03-20 00:00:00");
    assert_eq!(model.activities[3].attributes.get("上报"), Some("是"));
    assert_eq!(model.settings.grades.len(), 4);
    assert_eq!(model.settings.assessor, "局党委");
}

#[test]
fn an_invalid_date_names_its_cell() {
    expect_error(|s| set_cell(s, "活动", 2, 1, "2025-13-01"), "base.xlsx:活动!B3: “2025-13-01” 不是有效日期");
}

#[test]
fn an_unknown_unit_suggests_the_nearest_name() {
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "活动", 3, 0, "第一党支");
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let args = Input { inputs: vec![path], year: None, strict: false };
    let (_, diagnostics) = kaohe::load(&args);
    let error = diagnostics.errors().next().unwrap();
    assert_eq!(error.headline(Lang::Zh), "base.xlsx:活动!A4: 未知单位“第一党支”");
    assert_eq!(error.hint.as_ref().unwrap().zh, "是否应为“第一党支部”？");
    assert_eq!(error.headline(Lang::En), "base.xlsx:活动!A4: unknown unit \"第一党支\"");
}

#[test]
fn a_duplicate_unit_id_names_both_places() {
    expect_error(
        |s| rows(s, "单位").push(vec!["U1", "第三党支部", "D1", "", "党支部"]),
        "base.xlsx:单位!A6: “U1”重复，已在 base.xlsx:单位!A4 出现",
    );
}

#[test]
fn a_duplicate_unit_name_is_an_error() {
    expect_error(
        |s| rows(s, "单位").push(vec!["U3", "第一党支部", "D1", "", "党支部"]),
        "base.xlsx:单位!B6: 单位名称“第一党支部”重复，已在 base.xlsx:单位!B4 出现",
    );
}

#[test]
fn an_unknown_parent_is_an_error() {
    expect_error(|s| set_cell(s, "单位", 3, 2, "D9"), "base.xlsx:单位!C4: 未知单位“D9”");
}

#[test]
fn a_cycle_is_reported_on_the_sheet() {
    expect_error(|s| set_cell(s, "单位", 1, 2, "U1"), "base.xlsx:单位: 单位上下级关系成环");
}

#[test]
fn weights_must_sum_to_100() {
    expect_error(|s| set_cell(s, "权重", 2, 2, "50"), "base.xlsx:权重: 顶层考核体系的权重合计为90，应为100");
}

#[test]
fn a_weight_on_an_unknown_category_is_an_error() {
    expect_error(|s| set_cell(s, "权重", 2, 1, "党建"), "base.xlsx:权重!B3: 类别“党建”在指标表中不存在");
}

#[test]
fn every_scored_category_needs_a_weight() {
    expect_error(
        |s| {
            set_cell(s, "权重", 3, 2, "100");
            rows(s, "权重").remove(4);
        },
        "base.xlsx:权重: “机关党委”的考核体系缺少类别“党建工作”的权重",
    );
}

#[test]
fn a_bonus_only_category_takes_no_weight() {
    expect_error(
        |s| {
            set_cell(s, "权重", 2, 2, "50");
            rows(s, "权重").push(vec!["", "加分项", "10"]);
        },
        "base.xlsx:权重!C6: 类别“加分项”只有加分或否决指标，不能有权重",
    );
}

#[test]
fn a_lower_ideological_weight_names_both_systems() {
    expect_error(
        |s| {
            set_cell(s, "权重", 3, 2, "30");
            set_cell(s, "权重", 4, 2, "70");
        },
        "base.xlsx:权重!C4: “机关党委”的考核体系中“意识形态工作”权重为30%，低于上级顶层考核体系的40%",
    );
}

#[test]
fn fractions_and_percent_text_are_weights_in_percent() {
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "权重", 1, 2, "0.4");
    set_cell(&mut sheets, "权重", 2, 2, "0.6");
    set_cell(&mut sheets, "权重", 3, 2, "50%");
    set_cell(&mut sheets, "权重", 4, 2, "50%");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    let model = checked.model.unwrap();
    assert_eq!(kaohe::number::format_trimmed(&model.systems[0].weights[0].1, 4), "40");
    assert_eq!(kaohe::number::format_trimmed(&model.systems[1].weights[1].1, 4), "50");
}

#[test]
fn a_manual_score_out_of_range_is_an_error() {
    expect_error(
        |s| set_cell(s, "评分", 1, 2, "12"),
        "base.xlsx:评分!C2: 得分12超出指标“DJ01”的分值范围0–10",
    );
}

#[test]
fn a_second_manual_score_is_an_error() {
    expect_error(
        |s| rows(s, "评分").push(vec!["U1", "DJ01", "7"]),
        "base.xlsx:评分!C5: 同一单位、同一指标“DJ01”的得分重复，已在 base.xlsx:评分!A2 给出",
    );
}

#[test]
fn an_individual_case_needs_a_decider() {
    expect_error(
        |s| {
            set_cell(s, "问责", 1, 3, "个人");
            set_cell(s, "问责", 2, 3, "个人");
        },
        "base.xlsx:问责!D2: 个人决策的案件“A1”没有写明决定人",
    );
}

#[test]
fn a_case_must_agree_on_its_decision() {
    expect_error(|s| set_cell(s, "问责", 2, 3, "个人"), "base.xlsx:问责!D3: 案件“A1”各行的决策方式不一致");
}

#[test]
fn a_filter_on_a_missing_column_is_an_error() {
    expect_error(
        |s| set_cell(s, "指标", 3, 10, "报送=是"),
        "base.xlsx:指标!K4: 条件中的列“报送”在任何“活动”表中都不存在",
    );
    // A built-in column is named by its header, as the clerk typed it.
    expect_error(
        |s| set_cell(s, "指标", 3, 10, "材料!="),
        "base.xlsx:指标!K4: 条件中的列“材料”在任何“活动”表中都不存在",
    );
}

#[test]
fn unequal_conditions_parse_in_every_spelling() {
    for typed in ["上报!=否", "上报≠否", "上报！＝否", "上报 != 否;上报!="] {
        let mut sheets = base_sheets();
        set_cell(&mut sheets, "指标", 3, 10, typed);
        let checked = check_sheets(&sheets);
        assert!(checked.ok, "{typed}: {:#?}", checked.errors);
        let indicator = &checked.model.unwrap().criteria[2];
        assert_eq!(indicator.filter_text, typed);
        assert!(indicator.filter.iter().all(|condition| condition.negated && condition.column == "上报"));
    }
}

#[test]
fn a_condition_without_a_column_or_sign_is_an_error_at_its_cell() {
    for typed in ["上报", "!=是", "上报!否"] {
        expect_error(
            |s| set_cell(s, "指标", 3, 10, typed),
            &format!("base.xlsx:指标!K4: 条件“{typed}”应写作“列名=值”或“列名!=值”"),
        );
    }
}

#[test]
fn a_filter_column_one_sheet_lacks_is_a_warning_at_that_sheet() {
    let mut sheets = base_sheets();
    let ledger = |unit: &'static str, types: &[&'static str]| -> SheetRows<'static> {
        let mut sheet = vec![vec!["单位编号", "日期", "类型"]];
        sheet.extend(types.iter().map(|kind| vec![unit, "2025-06-01", *kind]));
        sheet
    };
    sheets.push(("活动二", ledger("U2", &["综合检查", "专题研究"])));
    // A sheet without rows of YS03's type needs no 上报 column.
    sheets.push(("活动三", ledger("U1", &["专题研究"])));
    // A column named twice in the 条件 is warned about once; a schema
    // column (材料) by its header.
    set_cell(&mut sheets, "指标", 3, 10, "上报=是;上报!=;材料!=");
    rows(&mut sheets, "活动")[1].push("材料");
    rows(&mut sheets, "活动")[5].push("纪要.pdf");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(
        checked.warnings,
        [
            "base.xlsx:活动二: 本表没有指标“YS03”条件中的列“上报”，本表的行按此列为空计",
            "base.xlsx:活动二: 本表没有指标“YS03”条件中的列“材料”，本表的行按此列为空计",
        ]
    );
}

#[test]
fn an_unknown_rule_lists_the_rules() {
    expect_error(
        |s| set_cell(s, "指标", 1, 4, "至多"),
        "base.xlsx:指标!E2: “至多” 不是有效的规则，应为：至少|min_count",
    );
}

#[test]
fn a_min_count_rule_needs_unit_points() {
    expect_error(|s| set_cell(s, "指标", 2, 8, ""), "base.xlsx:指标!I3: “单项分”不能为空");
}

#[test]
fn grade_bands_must_decrease() {
    expect_error(
        |s| rows(s, "设置").push(vec!["等次", "优秀:90;良好:95"]),
        "base.xlsx:设置!B4: 等次分数线必须严格递减",
    );
}

#[test]
fn a_bonus_cap_is_a_number_not_below_0() {
    expect_error(
        |s| rows(s, "设置").push(vec!["加分上限", "-1"]),
        "base.xlsx:设置!B4: “-1” 不是有效加分上限（不小于0的数）",
    );
    let mut sheets = base_sheets();
    rows(&mut sheets, "设置").push(vec!["bonus_cap", "2.5"]);
    let checked = check_sheets(&sheets);
    assert_eq!(
        checked.model.unwrap().settings.bonus_cap,
        Some(kaohe::number::int(5) / kaohe::number::int(2))
    );
}

#[test]
fn a_veto_mode_belongs_to_a_veto_and_is_one_of_its_words() {
    expect_error(
        |s| {
            set_cell(s, "指标", 0, 13, "否决方式");
            set_cell(s, "指标", 1, 13, "不得评优");
        },
        "base.xlsx:指标!N2: 只有否决指标才能填写“否决方式”",
    );
    expect_error(
        |s| {
            set_cell(s, "指标", 0, 13, "否决方式");
            set_cell(s, "指标", 6, 13, "降一档");
        },
        "base.xlsx:指标!N7: “降一档” 不是有效的否决方式，应为：最低等次|lowest_band、不得评优|no_top_band",
    );
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 0, 13, "veto_mode");
    set_cell(&mut sheets, "指标", 6, 13, "不得评优");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert!(checked.model.unwrap().criteria[5].rule.bars_top_band_only());
}

#[test]
fn a_bad_boolean_names_its_cell() {
    expect_error(|s| set_cell(s, "单位", 2, 5, "也许"), "base.xlsx:单位!F3: “也许” 不是有效是/否值");
}

#[test]
fn an_assessed_unit_needs_an_ideological_indicator() {
    let mut sheets = base_sheets();
    for row in 1..=4 {
        set_cell(&mut sheets, "指标", row, 11, "党委");
    }
    let checked = check_sheets(&sheets);
    assert_eq!(
        checked.errors,
        [
            "base.xlsx:单位!A4: 参评单位“第一党支部”没有适用的“意识形态工作”计分指标",
            "base.xlsx:单位!A5: 参评单位“第二党支部”没有适用的“意识形态工作”计分指标",
        ]
    );
}

#[test]
fn settings_that_disagree_across_files_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_xlsx(dir.path(), "base.xlsx", &base_sheets());
    let second =
        write_xlsx(dir.path(), "branch.xlsx", &[("设置", vec![vec!["项目", "值"], vec!["年度", "2024"]])]);
    let checked = check_paths(vec![first, second]);
    assert_eq!(checked.errors, ["branch.xlsx:设置!B2: “2024”与 base.xlsx:设置!B2 的同一项内容不同"]);
}

#[test]
fn definitions_repeated_identically_in_another_file_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_xlsx(dir.path(), "base.xlsx", &base_sheets());
    let sheets = base_sheets();
    let repeated: Vec<_> =
        sheets.into_iter().filter(|(name, _)| ["单位", "指标", "设置"].contains(name)).collect();
    let second = write_xlsx(dir.path(), "第一党支部台账.xlsx", &repeated);
    let checked = check_paths(vec![first, second]);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(checked.model.unwrap().units.len(), 4);
}

#[test]
fn a_missing_sheet_is_an_error() {
    let mut sheets = base_sheets();
    sheets.retain(|(name, _)| *name != "权重");
    let checked = check_sheets(&sheets);
    assert!(checked.errors.iter().any(|e| e == "输入中没有“权重”表"), "{:#?}", checked.errors);
}

#[test]
fn a_per_unit_ledger_sheet_belongs_to_the_unit_it_names() {
    let mut sheets = base_sheets();
    sheets.push((
        "第二党支部",
        vec![vec!["日期", "类型", "标题"], vec!["2025-06-30", "专题研究", "支部专题研究"]],
    ));
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    let model = checked.model.unwrap();
    let last = model.activities.last().unwrap();
    assert_eq!(model.units[last.unit].id, "U2");
    assert_eq!(last.origin.to_string(), "base.xlsx:第二党支部!A2");
}

#[test]
fn a_ledger_sheet_that_names_no_unit_is_an_error() {
    expect_error(
        |s| s.push(("某某记录", vec![vec!["日期", "类型"], vec!["2025-06-30", "专题研究"]])),
        "base.xlsx:某某记录: 台账表没有“单位编号”列",
    );
}

#[test]
fn five_mistakes_give_five_located_errors() {
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "活动", 2, 1, "2025-13-01");
    set_cell(&mut sheets, "活动", 3, 0, "U9");
    set_cell(&mut sheets, "单位", 3, 2, "D9");
    set_cell(&mut sheets, "评分", 1, 2, "12");
    set_cell(&mut sheets, "指标", 1, 4, "至多");
    let checked = check_sheets(&sheets);
    let mut places: Vec<&str> = checked.errors.iter().map(|e| e.split(": ").next().unwrap()).collect();
    places.sort();
    assert_eq!(
        places,
        [
            "base.xlsx:单位!C4",
            "base.xlsx:指标!E2",
            "base.xlsx:活动!A4",
            "base.xlsx:活动!B3",
            "base.xlsx:评分!C2"
        ],
        "{:#?}",
        checked.errors
    );
}

#[test]
fn warnings_name_their_places() {
    let mut sheets = base_sheets();
    rows(&mut sheets, "活动").push(vec!["U1", "2025-03-15", "专题研究", "一季度专题研究", ""]);
    rows(&mut sheets, "活动").push(vec!["U1", "2025-03-16", "读书会", "", ""]);
    set_cell(&mut sheets, "舆情", 1, 5, "2025-03-31 10:00");
    rows(&mut sheets, "评分").push(vec!["U1", "YS01", "5", ""]);
    set_cell(&mut sheets, "评分", 3, 0, "D0");
    set_cell(&mut sheets, "指标", 5, 11, "党委；机关");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    let expected = [
        "base.xlsx:指标!L6: 适用范围“机关”不是任何单位的类型",
        "base.xlsx:活动!A10: 与 base.xlsx:活动!A3 完全重复，只计一次",
        "base.xlsx:活动!C11: 活动类型“读书会”没有任何指标统计",
        "base.xlsx:舆情!F2: 研判时间早于发现时间",
        "base.xlsx:评分!B5: 指标“YS01”不是评分类指标，此得分不计入",
        "base.xlsx:单位!A3: 单位D1“机关党委”缺少指标“DJ01”的评分，按0分计",
    ];
    for warning in expected {
        assert!(
            checked.warnings.iter().any(|w| w == warning),
            "missing {warning:?} in {:#?}",
            checked.warnings
        );
    }
    assert_eq!(checked.warnings.len(), expected.len(), "{:#?}", checked.warnings);
}

#[test]
fn incidents_without_a_timeliness_indicator_are_a_warning() {
    let mut sheets = base_sheets();
    rows(&mut sheets, "指标").retain(|row| row[0] != "YS04");
    let incidents = rows(&mut sheets, "舆情");
    incidents.push(vec!["U2", "转载事件", "一般", "2025-06-01 08:00"]);
    // An incident of another year counts for no period: not one of the N.
    incidents.push(vec!["U2", "上年度事件", "一般", "2024-06-01 08:00"]);
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(checked.warnings, ["base.xlsx:舆情!A2: 舆情表有2起事件，但没有时效指标，未参与计分"]);
}

#[test]
fn an_all_english_workbook_is_read_like_the_chinese_one() {
    let sheets: Vec<(&str, common::SheetRows)> = vec![
        (
            "Settings",
            vec![vec!["Key", "Value"], vec!["year", "2025年度"], vec!["grades", "A:90;B:80;C:60;D:0"]],
        ),
        (
            "UNITS",
            vec![
                vec!["ID", "Name", "Parent", "Secretary", "Kind", "Assessed"],
                vec!["D0", "Bureau", "", "", "committee", "no"],
                vec!["U1", "Branch One", "D0", "", "branch", "YES"],
                vec!["U2", "Branch Two", "Bureau", "", "branch", "√"],
            ],
        ),
        (
            "Criteria",
            vec![
                vec![
                    "Code",
                    "Category",
                    "Name",
                    "Points (pts)",
                    "Rule",
                    "Activity",
                    "Required",
                    "Period",
                    "Unit_Points",
                    "Deadline_Hours",
                    "Filter",
                    "Applies_To",
                    "Standard",
                ],
                vec![
                    "I1",
                    "意识形态工作",
                    "Study",
                    "10",
                    "MIN_COUNT",
                    "study",
                    "1",
                    "Quarter",
                    "2",
                    "",
                    "reported=Y",
                ],
                vec!["I2", "意识形态工作", "Incidents", "10", "timeliness", "", "", "", "5", "24"],
                vec!["I3", "意识形态工作", "Tendency", "", "Veto", "tendency"],
                vec!["P1", "Party", "Meetings", "10", "manual"],
                vec!["B1", "Bonus", "Awards", "3", "bonus", "award", "", "", "1"],
                vec![
                    "X1",
                    "Party",
                    "Violations",
                    "10",
                    "deduct",
                    "violation",
                    "",
                    "",
                    "5",
                    "",
                    "",
                    "branch/committee",
                ],
            ],
        ),
        (
            "Weights",
            vec![
                vec!["Unit", "Category", "Weight(%)"],
                vec!["", "意识形态工作", "0.3"],
                vec!["", "Party", "0.7"],
            ],
        ),
        (
            "Activities",
            vec![
                vec!["Unit", "Date", "Type", "Title", "Evidence", "Reported"],
                vec!["U1", "2025-03-15 09:30", "study", "", "", "yes"],
                vec!["Branch Two", "20250620", "study", "", "", "1"],
                vec!["U1", "2025.7.1", "award", "", "", ""],
            ],
        ),
        (
            "Incidents",
            vec![
                vec!["Unit", "Title", "Level", "Occurred", "Discovered", "Assessed", "Reported", "Handled"],
                vec![
                    "U1",
                    "Post",
                    "low",
                    "2025-04-01 08:00",
                    "2025-04-01 09:00",
                    "2025-04-01 10:00",
                    "2025-04-01 11:00",
                    "2025-04-01 12:00",
                ],
            ],
        ),
        (
            "Scores",
            vec![vec!["Unit", "Code", "Score", "Note"], vec!["U1", "P1", "8", ""], vec!["U2", "P1", "9", ""]],
        ),
        (
            "Accountability",
            vec![
                vec!["Case", "Unit", "Matter", "Decision", "Person", "Role", "Stance"],
                vec!["C1", "U1", "", "individual", "Li", "decider", "against"],
                vec!["C1", "U1", "", "Individual", "Wang", "member", ""],
            ],
        ),
    ];
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert!(checked.warnings.is_empty(), "{:#?}", checked.warnings);
    let model = checked.model.unwrap();
    assert_eq!(model.settings.year, 2025);
    assert_eq!(model.units[2].parent, Some(0), "a parent given by name");
    assert_eq!(model.activities.len(), 3);
    assert_eq!(model.systems[0].weights[0].1, kaohe::number::int(30), "fractions read as percents");
    let report = kaohe::score::score(&model);
    let totals: Vec<(String, String)> = report
        .units
        .iter()
        .map(|u| (model.units[u.unit].id.clone(), kaohe::number::format_fixed(&u.total, 2)))
        .collect();
    // U1: study in 1 of 4 quarters, 3 short × 2 → 4/10; incidents 10/10 → ideological 70;
    // party (8 + 10) / 20 = 90; W = 0.3 × 70 + 0.7 × 90 = 84; bonus 1 → 85.
    // U2: study in Q2 only → 4/10; no incident → 10/10 → 70; party (9 + 10) / 20 = 95; W = 87.5.
    assert_eq!(totals, [("U2".to_owned(), "87.50".to_owned()), ("U1".to_owned(), "85.00".to_owned())]);
}

/// Gives the base fixture the columns 截止 (指标!N), 迟报扣分 (指标!O) and
/// 所属期 (活动!F).
fn add_due_columns(sheets: &mut [(&'static str, SheetRows<'static>)]) {
    set_cell(sheets, "指标", 0, 13, "截止");
    set_cell(sheets, "指标", 0, 14, "迟报扣分");
    set_cell(sheets, "活动", 1, 5, "所属期");
}

#[test]
fn a_due_date_and_its_late_points_are_checked_at_their_cells() {
    let due = |row: usize, due: &'static str, late: &'static str| {
        move |s: &mut Vec<(&'static str, SheetRows<'static>)>| {
            add_due_columns(s);
            set_cell(s, "指标", row, 13, due);
            set_cell(s, "指标", row, 14, late);
        }
    };
    // YS02 is quarterly, YS04 is 时效, YS01 yearly with 单项分 5.
    expect_error(
        due(2, "7月10日", ""),
        "base.xlsx:指标!N3: 截止“7月10日”是一年中的固定日期，只适用于周期为“年”的指标；周期为“季度”时请写“期末后N天”",
    );
    expect_error(due(4, "期末后5天", ""), "base.xlsx:指标!N5: 只有“至少”指标才能填写“截止”");
    expect_error(due(1, "2月30日", ""), "base.xlsx:指标!N2: 截止日期“2月30日”不存在");
    expect_error(due(1, "月底", ""), "base.xlsx:指标!N2: “月底” 不是有效的截止日期");
    expect_error(due(1, "", "3"), "base.xlsx:指标!O2: 填写了“迟报扣分”，却没有填写“截止”");
    expect_error(due(1, "7月10日", "-1"), "base.xlsx:指标!O2: 迟报扣分“-1”不能小于0");

    let mut sheets = base_sheets();
    due(1, "次年1月15日", "8")(&mut sheets);
    due(2, "期末后15天", "0")(&mut sheets);
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(checked.warnings, ["base.xlsx:指标!O2: 迟报扣分（8分）大于单项分（5分）：迟报比不报扣分还多"]);
}

#[test]
fn an_unparseable_report_period_is_an_error_at_its_cell() {
    expect_error(
        |s| {
            add_due_columns(s);
            set_cell(s, "活动", 2, 5, "2025年第五季度");
        },
        "base.xlsx:活动!F3: “2025年第五季度” 不是有效的所属期",
    );
}

/// A row counts for the year of its 所属期: a report on 2025年下半年 dated
/// 2026-01-08 is kept, one on 2024 dated 2025 is out of the year (with the
/// base's row of 2024, 2 rows out). A row dated before its 所属期 is a
/// warning there; 所属期 compare as periods when finding repeats.
#[test]
fn the_report_period_decides_the_year_and_repeats() {
    let mut sheets = base_sheets();
    add_due_columns(&mut sheets);
    let ledger = rows(&mut sheets, "活动");
    ledger.push(vec!["U1", "2026-01-08", "专题研究", "下半年报告", "", "2025年下半年"]); // row 10
    ledger.push(vec!["U2", "2025-01-05", "专题研究", "", "", "2024"]); // 11, a number cell
    ledger.push(vec!["U1", "2025-05-20", "专题研究", "", "", "2025H2"]); // 12
    ledger.push(vec!["U2", "2025-07-10", "专题研究", "", "", "2025H1"]); // 13
    ledger.push(vec!["U2", "2025-07-10", "专题研究", "", "", "2025年上半年"]); // 14: repeats 13
    ledger.push(vec!["U2", "2025-07-10", "专题研究", "", "", "2025年第二季度"]); // 15
    ledger.push(vec!["U2", "2025-07-10", "专题研究", "", "", ""]); // 16
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(
        checked.warnings,
        [
            "base.xlsx:活动!F12: 日期早于所属期“2025年下半年”：报告不会早于它所报告的期间，请检查所属期",
            "base.xlsx:活动!A14: 与 base.xlsx:活动!A13 完全重复，只计一次",
        ]
    );
    let model = checked.model.unwrap();
    assert_eq!(model.out_of_year.activities, 2);
    // The base's 6 rows of 2025, then rows 10, 12, 13, 15 and 16.
    let kept: Vec<u32> = model.activities.iter().map(|a| a.origin.row).skip(6).collect();
    assert_eq!(kept, [10, 12, 13, 15, 16]);
    let periods: Vec<String> = model.activities[6..]
        .iter()
        .map(|a| a.for_period.map(|p| p.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(periods, ["2025年下半年", "2025年下半年", "2025年上半年", "2025年第二季度", ""]);
}

/// With YS02 (季度分析, quarterly) due 15 days after each quarter and YS07
/// (the same type, half-yearly) 30 days after each half, a row without 所属期
/// dated 5 July is in both windows and warned once; 20 April is in neither
/// (19 days into the quarter); a row with 所属期 is never warned; one dated
/// 2 January 2026 is warned though it falls outside the year.
#[test]
fn a_row_just_after_a_period_may_report_on_it() {
    let mut sheets = base_sheets();
    add_due_columns(&mut sheets);
    set_cell(&mut sheets, "指标", 2, 13, "期末后15天");
    rows(&mut sheets, "指标").push(vec![
        "YS07",
        "意识形态工作",
        "半年分析",
        "5",
        "至少",
        "季度分析",
        "1",
        "半年",
        "1",
        "",
        "",
        "",
        "",
        "期末后30天",
    ]);
    let ledger = rows(&mut sheets, "活动");
    ledger.push(vec!["U1", "2025-07-05", "季度分析"]); // row 10
    ledger.push(vec!["U1", "2025-04-20", "季度分析"]); // 11
    ledger.push(vec!["U1", "2025-10-03", "季度分析", "", "", "2025Q3"]); // 12
    ledger.push(vec!["U1", "2026-01-02", "季度分析"]); // 13
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    assert_eq!(
        checked.warnings,
        [
            "base.xlsx:活动!B10: 可能为上期报告，请填写所属期",
            "base.xlsx:活动!B13: 可能为上期报告，请填写所属期"
        ]
    );
}

/// The base fixture's 指标 gains a 分级 column (N); YS04 (时效, row 5)
/// grades by `graded_by` with 单项分 `unit_points`.
fn graded_timeliness(
    sheets: &mut [(&'static str, SheetRows<'static>)],
    graded_by: &'static str,
    unit_points: &'static str,
) {
    set_cell(sheets, "指标", 0, 13, "分级");
    set_cell(sheets, "指标", 4, 13, graded_by);
    set_cell(sheets, "指标", 4, 8, unit_points);
}

#[test]
fn graded_points_are_checked_at_their_cells() {
    expect_error(
        |s| {
            set_cell(s, "指标", 0, 13, "分级");
            set_cell(s, "指标", 1, 13, "标题");
        },
        "base.xlsx:指标!N2: 只有扣分、加分、时效指标才能填写“分级”",
    );
    expect_error(
        |s| set_cell(s, "指标", 4, 8, "一般:1;重大:5"),
        "base.xlsx:指标!I5: 单项分“一般:1;重大:5”是分级表，须同时在“分级”列填写按哪一列分级",
    );
    expect_error(
        |s| graded_timeliness(s, "级别", "5"),
        "base.xlsx:指标!I5: 填写了“分级”的指标，单项分应为“值:分数”表（如“一般:1；较大:3”），不能是一个数“5”",
    );
    expect_error(|s| graded_timeliness(s, "级别", "一般:1；一般:2"), "base.xlsx:指标!I5: 单项分中“一般”重复");
    expect_error(
        |s| graded_timeliness(s, "等级", "一般:1"),
        "base.xlsx:指标!N5: 分级列“等级”在任何“舆情”表中都不存在",
    );
    let mut sheets = base_sheets();
    graded_timeliness(&mut sheets, "级别", "重大:8；一般：3");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    let model = checked.model.unwrap();
    let table = model.criteria[3].rule.graded().expect("YS04 is graded");
    assert_eq!((table.column.as_str(), table.grades.len()), ("level", 2));
}

#[test]
fn a_counted_row_whose_value_is_not_in_the_table_is_an_error_at_its_graded_cell() {
    // U1's incident is 一般; the table has neither 一般 nor 其他.
    expect_error(
        |s| graded_timeliness(s, "级别", "重大:8；较大:5"),
        "base.xlsx:舆情!C2: “一般”不在指标“YS04”的单项分中（按“级别”分级），单项分也没有“其他”",
    );
    // A 扣分 graded by 标题: rows 10 and 11 of 活动, then a per-unit sheet without 标题.
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 0, 13, "分级");
    let graded = vec![
        "DJ02",
        "党建工作",
        "违纪",
        "10",
        "扣分",
        "违纪",
        "",
        "",
        "严重:5；一般:1",
        "",
        "",
        "",
        "",
        "标题",
    ];
    rows(&mut sheets, "指标").push(graded);
    rows(&mut sheets, "活动").push(vec!["U1", "2025-06-01", "违纪", "轻微", ""]);
    rows(&mut sheets, "活动").push(vec!["U2", "2025-07-01", "违纪", "", ""]);
    rows(&mut sheets, "活动").push(vec!["U2", "2025-07-02", "违纪", "严重", ""]);
    sheets.push(("第一党支部", vec![vec!["日期", "类型"], vec!["2025-08-01", "违纪"]]));
    let checked = check_sheets(&sheets);
    assert_eq!(
        checked.errors,
        [
            "base.xlsx:活动!D10: “轻微”不在指标“DJ02”的单项分中（按“标题”分级），单项分也没有“其他”",
            "base.xlsx:活动!D11: “标题”为空，指标“DJ02”的单项分没有“其他”",
            "base.xlsx:第一党支部!A2: “标题”为空，指标“DJ02”的单项分没有“其他”",
        ]
    );
    // 其他 covers them all, an empty cell too.
    let mut sheets = sheets.clone();
    let criteria = rows(&mut sheets, "指标");
    let last = criteria.len() - 1;
    criteria[last][8] = "严重:5；其他:1";
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
}

#[test]
fn criteria_still_carrying_the_example_text_get_one_warning_with_their_number() {
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 2, 12, "（示例，请按实际修改）每年至少专题研究2次");
    set_cell(&mut sheets, "指标", 3, 2, "舆情处置（示例，请按实际修改）");
    set_cell(&mut sheets, "指标", 4, 12, "（示例，请按实际修改）由考核组评定。");
    let checked = check_sheets(&sheets);
    assert!(checked.ok, "{:#?}", checked.errors);
    let examples: Vec<&String> = checked.warnings.iter().filter(|w| w.contains("示例文字")).collect();
    // Rows 3 and 5 in 评分标准 (M), row 4 in 名称 (C): three criteria, at the first one's cell.
    assert_eq!(
        examples,
        [
            "base.xlsx:指标!M3: 3条指标的评分标准或名称仍含示例文字“（示例，请按实际修改）”，请按实际修改后再发文"
        ]
    );
    // Without the example text there is no such warning.
    let checked = check_sheets(&base_sheets());
    assert!(!checked.warnings.iter().any(|w| w.contains("示例文字")), "{:#?}", checked.warnings);
}
