//! The names in the score workbook 考核得分表.xlsx (docs/输出.md): its sheets,
//! the 汇总 and 权重 column labels, the 说明 keys and the marks its cells
//! hold. [`crate::render::xlsx`] writes them and [`crate::input::submission`]
//! reads them back from a submitted workbook, so they live here once.

pub const SHEET_SUMMARY: &str = "汇总";
/// The totals chart and the 排名, 单位 and 总分 it charts.
pub const SHEET_CHART: &str = "图表";
pub const CHART_TITLE: &str = "各单位总分";
/// 图表's label column: the unit's name, told apart when names repeat.
pub const CHART_UNIT: &str = "单位";
pub const SHEET_DETAIL: &str = "明细";
pub const SHEET_INCIDENTS: &str = "舆情时效";
pub const SHEET_ACCOUNTABILITY: &str = "问责";
pub const SHEET_WEIGHTS: &str = "权重";
pub const SHEET_WARNINGS: &str = "校验";
pub const SHEET_ABOUT: &str = "说明";

/// 说明 keys (column A; the value is in column B).
/// Its value, `kaohe 0.1.0`, names the version too.
pub const KEY_TOOL: &str = "生成工具";
pub const KEY_YEAR: &str = "年度";
pub const KEY_ASSESSOR: &str = "考核单位";
pub const KEY_IDEOLOGICAL: &str = "意识形态类别";
pub const KEY_GRADES: &str = "等次";
pub const KEY_TOP_QUOTA: &str = "优秀比例";
pub const KEY_BONUS_CAP: &str = "加分上限";
pub const KEY_ASSESSED: &str = "参评单位数";
/// The 说明 value of a setting that is not set (no 优秀比例, no 加分上限).
pub const NOT_SET: &str = "无";
/// The 成文日期 of the documents written with the workbook (a date cell);
/// it fixes the date of a merged workbook made of it.
pub const KEY_DOC_DATE: &str = "成文日期";
/// What workbooks of earlier versions record in place of [`KEY_DOC_DATE`]:
/// their creation time as text `2026-01-15 00:00:00`.
pub const KEY_CREATED: &str = "生成时间";
/// 说明 of a merged workbook: its kind, [`MERGED_KIND`].
pub const KEY_KIND: &str = "类型";
pub const MERGED_KIND: &str = "汇总（kaohe merge）";
/// The 说明 value of [`KEY_TOOL`]: `kaohe 0.1.0`.
pub const TOOL_PREFIX: &str = "kaohe ";

/// A merged 汇总's column of the organisation that submitted each unit
/// (the bulletin's ranking calls it the same); merged workbooks of earlier
/// versions call it [`KEY_ASSESSOR`].
pub const COL_SUBMITTER: &str = "报送单位";

/// 汇总 column labels.
pub const COL_RANK: &str = "排名";
pub const COL_ID: &str = "单位编号";
pub const COL_NAME: &str = "单位名称";
pub const COL_WEIGHTED: &str = "加权得分";
pub const COL_BONUS: &str = "加分";
pub const COL_TOTAL: &str = "总分";
pub const COL_GRADE: &str = "等次";
pub const COL_VETO: &str = "否决";
/// The system a unit was assessed under, named as in 权重 column A.
pub const COL_ASSESSED_UNDER: &str = "考核体系";
/// With a 自评 sheet, 汇总's last two columns: the self total and self
/// total − 总分. `kaohe merge` reads past them.
pub const COL_SELF_TOTAL: &str = "自评总分";
pub const COL_SELF_GAP: &str = "自评差";
/// With `--previous`, 汇总's last five columns (docs/输出.md).
pub const COL_PREVIOUS_TOTAL: &str = "上年总分";
pub const COL_PREVIOUS_RANK: &str = "上年排名";
pub const COL_PREVIOUS_GRADE: &str = "上年等次";
pub const COL_TOTAL_CHANGE: &str = "总分增减";
pub const COL_RANK_CHANGE: &str = "名次升降";
/// The plain sheet of last year's results kept elsewhere, and its columns.
pub const SHEET_PREVIOUS: &str = "上年结果";
pub const PREVIOUS_COLUMNS: [&str; 6] = ["编号", "名称", "总分", "排名", "等次", "年度"];
/// 权重 column A: the system's name.
pub const COL_SYSTEM: &str = "体系";
/// 权重: the column after the categories.
pub const COL_WEIGHT_SUM: &str = "合计";
/// 权重 column A of the top-level system.
pub const TOP_SYSTEM: &str = "顶层体系";
/// A 否决 cell of a vetoed unit.
pub const VETO_MARK: &str = "是";
/// A 否决 cell of a unit a 不得评优 veto bars from the first band.
pub const BARRED_MARK: &str = "不得评优";
/// A category left out for a unit.
pub const LEFT_OUT: &str = "—";
