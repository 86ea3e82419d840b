//! 考核项目 end to end: clauses share their item's points, a 前置 that is
//! not met zeroes the item, outputs show the item and then its clauses, and
//! each malformed item column is an error at its cell.

use calamine::{Data, Reader, Xlsx, open_workbook};
use kaohe::cli::Input;
use kaohe::diagnostic::Lang;

use crate::common::{SheetRows, base_sheets, rows, set_cell, write_xlsx};
use crate::score::score_sheets;

/// Columns 13 and 14 of the base fixture's 指标 sheet.
const ITEM_COLUMNS: [&str; 2] = ["考核项目", "项目分值"];

/// The base fixture with the item 理论学习 (5 points) in 意识形态工作: a plan
/// (1 point of its own), monthly study (0.5 a month, capped by the item
/// alone), the evaluator's mark on the records (2 points), and a 工作专班
/// prerequisite. U1 has the 专班 and studied every month but February and
/// August, had no plan, and its records were marked 1.5 of 2.
fn with_item() -> Vec<(&'static str, SheetRows<'static>)> {
    let mut sheets = base_sheets();
    let criteria = rows(&mut sheets, "指标");
    criteria[0].extend(ITEM_COLUMNS);
    let clause = |code, name, points, rule, activity, period, unit_points, item_points| {
        let mut row = vec![code, "意识形态工作", name, points, rule, activity, "", period, unit_points];
        row.extend(["", "", "", "", "理论学习", item_points]);
        row
    };
    criteria.push(clause("LL01", "学习计划", "1", "至少", "学习计划", "年", "1", "5"));
    criteria.push(clause("LL02", "集中学习", "", "至少", "集中学习", "月", "0.5", ""));
    criteria.push(clause("LL03", "学习记录", "2", "评分", "", "", "", "5"));
    criteria.push(clause("LL04", "成立工作专班", "", "前置", "工作专班", "", "", ""));
    let ledger = rows(&mut sheets, "活动");
    for month in ["01", "03", "04", "05", "06", "07", "09", "10", "11", "12"] {
        let date: &'static str = Box::leak(format!("2025-{month}-10").into_boxed_str());
        ledger.push(vec!["U1", date, "集中学习"]);
    }
    ledger.push(vec!["U1", "2025-01-05", "工作专班"]);
    rows(&mut sheets, "评分").push(vec!["U1", "LL03", "1.5", "记录不全"]);
    sheets
}

fn unit<'j>(summary: &'j serde_json::Value, id: &str) -> &'j serde_json::Value {
    summary["units"].as_array().unwrap().iter().find(|unit| unit["id"] == id).unwrap()
}

fn indicator<'j>(unit: &'j serde_json::Value, code: &str) -> &'j serde_json::Value {
    unit["indicators"].as_array().unwrap().iter().find(|indicator| indicator["code"] == code).unwrap()
}

#[test]
fn clauses_share_the_items_points_and_an_unmet_prerequisite_zeroes_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = score_sheets(dir.path(), "base.xlsx", &base_sheets());
    let dir = tempfile::tempdir().unwrap();
    let summary = score_sheets(dir.path(), "items.xlsx", &with_item());

    // U1: plan 1 (its own cap 1), study 2 months × 0.5 = 1, records 2 − 1.5 = 0.5;
    // Σ = 2.5 of 5, so the item scores 2.5.
    let item = indicator(unit(&summary, "U1"), "理论学习");
    assert_eq!(item["item"], true);
    assert_eq!((item["score"].as_f64(), item["points"].as_f64()), (Some(2.5), Some(5.0)));
    assert_eq!(
        item["reason"],
        "学习计划：全年缺1次（扣1分）；集中学习：2月缺1次、8月缺1次（扣1分）；学习记录：记录不全（扣0.5分），扣2.5分"
    );
    let clauses: Vec<(&str, f64)> = item["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|clause| (clause["code"].as_str().unwrap(), clause["deduction"].as_f64().unwrap()))
        .collect();
    assert_eq!(clauses, [("LL01", 1.0), ("LL02", 1.0), ("LL03", 0.5), ("LL04", 0.0)]);
    // The item stands where its first clause does, and its clauses are not
    // indicators of their own.
    let codes: Vec<&str> = unit(&summary, "U1")["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["YS01", "YS02", "YS03", "YS04", "YS06", "DJ01", "JF01", "理论学习"]);
    assert!(indicator(unit(&summary, "U1"), "YS01").get("item").is_none());

    // The category counts the item once, worth 5: N = 100 × (S + 2.5) / (M + 5).
    let normalized =
        |summary: &serde_json::Value| unit(summary, "U1")["categories"]["意识形态工作"].as_f64().unwrap();
    let (base_n, base_points) = (normalized(&base), 34.0);
    let expected = 100.0 * (base_n * base_points / 100.0 + 2.5) / (base_points + 5.0);
    assert!((normalized(&summary) - expected).abs() < 0.006, "{} vs {expected}", normalized(&summary));

    // U2 has no 工作专班: the item scores 0 whatever its clauses cost, and
    // they are still listed (without a score row, records lose nothing).
    let item = indicator(unit(&summary, "U2"), "理论学习");
    assert_eq!((item["score"].as_f64(), item["deduction"].as_f64()), (Some(0.0), Some(5.0)));
    assert_eq!(item["reason"], "未开展“工作专班”，本项不得分");
    let clauses: Vec<(f64, &str)> = item["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|clause| (clause["deduction"].as_f64().unwrap(), clause["reason"].as_str().unwrap()))
        .collect();
    let every_month = (1..=12).map(|month| format!("{month}月缺1次")).collect::<Vec<_>>().join("、");
    assert_eq!(
        clauses,
        [(1.0, "全年缺1次"), (6.0, every_month.as_str()), (0.0, ""), (0.0, "未开展“工作专班”")]
    );

    // 明细: the item's row, then one row per clause with its own deduction.
    let mut book: Xlsx<_> = open_workbook(dir.path().join("out/考核得分表.xlsx")).unwrap();
    let detail = book.worksheet_range("明细").unwrap();
    let at = detail
        .rows()
        .position(|row| row[0] == Data::String("U1".into()) && row[2] == Data::String("理论学习".into()))
        .unwrap();
    let cells = |row: usize, cols: &[usize]| -> Vec<String> {
        cols.iter().map(|&col| detail.get((row, col)).map(ToString::to_string).unwrap_or_default()).collect()
    };
    assert_eq!(cells(at, &[2, 4, 5, 6, 7, 8]), ["理论学习", "理论学习", "项目", "5", "2.5", "2.5"]);
    assert_eq!(cells(at + 1, &[2, 5, 8, 9]), ["LL01", "至少", "1", "全年缺1次"]);
    assert_eq!(cells(at + 2, &[2, 8, 9]), ["LL02", "1", "2月缺1次、8月缺1次"]);
    assert_eq!(cells(at + 3, &[2, 8, 9]), ["LL03", "0.5", "记录不全"]);
    assert_eq!(cells(at + 4, &[2, 5, 8]), ["LL04", "前置", "0"]);
}

#[test]
fn an_items_deductions_stop_at_its_points() {
    let mut sheets = with_item();
    // Without any study row U1 loses 1 + 12 × 0.5 + 0.5 = 7.5 > 5: the item
    // stops at 0, and the clause shows its whole 6 (it has no cap of its own).
    let ledger = rows(&mut sheets, "活动");
    ledger.retain(|row| row.get(2).is_none_or(|kind| *kind != "集中学习"));
    let dir = tempfile::tempdir().unwrap();
    let summary = score_sheets(dir.path(), "items.xlsx", &sheets);
    let item = indicator(unit(&summary, "U1"), "理论学习");
    assert_eq!(item["score"].as_f64(), Some(0.0));
    let reason = item["reason"].as_str().unwrap();
    assert!(reason.starts_with("学习计划：全年缺1次（扣1分）；集中学习：1月缺1次、"), "{reason}");
    assert!(
        reason.ends_with("12月缺1次（扣6分）；学习记录：记录不全（扣0.5分），扣5分（本项扣完为止）"),
        "{reason}"
    );
}

struct Checked {
    errors: Vec<String>,
    warnings: Vec<String>,
}

fn check(sheets: &[(&str, SheetRows)]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "items.xlsx", sheets);
    let (_, diagnostics) = kaohe::load(&Input { inputs: vec![path], year: None, strict: false });
    Checked {
        errors: diagnostics.errors().map(|d| d.headline(Lang::Zh)).collect(),
        warnings: diagnostics.warnings().map(|d| d.headline(Lang::Zh)).collect(),
    }
}

/// `with_item` with the 指标 cell (row, col) set to `value`: exactly the
/// one error `expected`.
fn expect_error(row: usize, col: usize, value: &'static str, expected: &str) {
    let mut sheets = with_item();
    set_cell(&mut sheets, "指标", row, col, value);
    let checked = check(&sheets);
    assert_eq!(checked.errors, [expected]);
}

#[test]
fn a_bonus_or_veto_row_inside_an_item_is_an_error_at_its_rule() {
    expect_error(
        10,
        4,
        "加分",
        "items.xlsx:指标!E11: “加分”指标不能作为考核项目的一项：加分和否决不在项目分值之内",
    );
    expect_error(
        10,
        4,
        "否决",
        "items.xlsx:指标!E11: “否决”指标不能作为考核项目的一项：加分和否决不在项目分值之内",
    );
}

#[test]
fn a_prerequisite_outside_an_item_is_an_error_at_its_rule() {
    expect_error(12, 13, "", "items.xlsx:指标!E13: “前置”只能用于考核项目中的行，请填写“考核项目”");
}

#[test]
fn item_points_that_differ_are_an_error_at_the_later_cell() {
    expect_error(11, 14, "6", "items.xlsx:指标!O12: 项目分值“6”与本项目前面填写的“5”不同");
}

#[test]
fn an_item_without_item_points_is_an_error_at_its_first_clause() {
    let mut sheets = with_item();
    set_cell(&mut sheets, "指标", 9, 14, "");
    set_cell(&mut sheets, "指标", 11, 14, "");
    assert_eq!(check(&sheets).errors, ["items.xlsx:指标!N10: 考核项目“理论学习”没有填写“项目分值”"]);
}

#[test]
fn a_manual_clause_needs_its_own_points() {
    let mut sheets = with_item();
    set_cell(&mut sheets, "指标", 11, 3, "");
    rows(&mut sheets, "评分").retain(|row| row[1] != "LL03");
    assert_eq!(check(&sheets).errors, ["items.xlsx:指标!D12: “分值”不能为空"]);
}

#[test]
fn an_item_name_belongs_to_one_category_and_is_no_indicator_code() {
    expect_error(
        10,
        1,
        "党建工作",
        "items.xlsx:指标!N11: 考核项目“理论学习”已在类别“意识形态工作”中使用，不能再用于类别“党建工作”",
    );
    let mut sheets = with_item();
    for row in 9..=12 {
        set_cell(&mut sheets, "指标", row, 13, "DJ01");
    }
    assert_eq!(
        check(&sheets).errors,
        ["items.xlsx:指标!N10: 考核项目“DJ01”与某个指标编号相同，请改用不同的名称"]
    );
}

#[test]
fn item_points_outside_an_item_are_a_warning() {
    let mut sheets = base_sheets();
    let criteria = rows(&mut sheets, "指标");
    criteria[0].extend(ITEM_COLUMNS);
    set_cell(&mut sheets, "指标", 1, 14, "10");
    let checked = check(&sheets);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    assert_eq!(checked.warnings, ["items.xlsx:指标!O2: 本行没有填写“考核项目”，“项目分值”不起作用"]);
}

#[test]
fn a_unit_assesses_itself_on_the_whole_item() {
    let mut sheets = with_item();
    sheets.push((
        "自评",
        vec![vec!["单位编号", "指标编号", "自评分", "说明"], vec!["U1", "理论学习", "4", "全部完成"]],
    ));
    let dir = tempfile::tempdir().unwrap();
    let summary = score_sheets(dir.path(), "items.xlsx", &sheets);
    let u1 = unit(&summary, "U1");
    assert_eq!(indicator(u1, "理论学习")["self_score"].as_f64(), Some(4.0));
    // 1.5 more of the ideological category's 39 points, weighted 50 of 100
    // under D1's system: the self total is 50 × 150 / 39 / 100 = 1.923… higher.
    let gap = u1["self_gap"].as_f64().unwrap();
    assert!((gap - 1.92).abs() <= 0.011, "{gap}");

    sheets.last_mut().unwrap().1 =
        vec![vec!["单位编号", "指标编号", "自评分"], vec!["U1", "LL02", "1"], vec!["U2", "理论学习", "6"]];
    assert_eq!(
        check(&sheets).errors,
        [
            "items.xlsx:自评!B2: 指标“LL02”是考核项目“理论学习”中的一条细则，请对整个项目自评（指标编号填“理论学习”）",
            "items.xlsx:自评!C3: 自评分6超出指标“理论学习”的分值范围0–5",
        ]
    );
}
