//! The 考核项目 of the 指标 sheet (docs/输入.md “指标”, docs/计分.md
//! “考核项目”): rows with the same 考核项目 in one 类别 become one [`Item`]
//! worth its 项目分值. A name used in a second 类别 or equal to an indicator
//! 编号, 项目分值 that differ or are missing are errors at their cell; a
//! 项目分值 on a row outside any item is a warning. A clause without its own
//! 分值 is capped by the item's points alone.

use super::cells::Cells;
use super::criteria::positive;
use crate::diagnostic::{Diagnostics, Location};
use crate::model::{Indicator, IndicatorIndex, Item};
use crate::number::{Exact, format_trimmed, int};
use crate::text::normalize;

/// The 考核项目 cells of one 指标 row that names an item.
pub(super) struct ClauseCells {
    /// 考核项目 as typed.
    name: String,
    /// 项目分值, when filled in (and valid).
    item_points: Option<Exact>,
    /// Whether the row gives its own 分值 (a cap inside the item).
    own_points: bool,
    item_cell: Location,
    item_points_cell: Location,
}

impl ClauseCells {
    /// The row's item, if it names one; 项目分值 without 考核项目 is a
    /// warning and ignored. `Err` when 项目分值 is invalid (reported).
    pub(super) fn read(cells: &mut Cells) -> Result<Option<ClauseCells>, ()> {
        let name = cells.text("item");
        if name.is_empty() {
            if !cells.value("item_points").is_empty() {
                let location = cells.location("item_points");
                cells.diagnostics.warning(
                    Some(location),
                    text!(
                        "本行没有填写“考核项目”，“项目分值”不起作用",
                        "this row names no 考核项目 (item), so its 项目分值 (item points) is ignored"
                    ),
                );
            }
            return Ok(None);
        }
        let item_points = positive(cells, "item_points", false)?;
        Ok(Some(ClauseCells {
            name,
            item_points,
            own_points: !cells.value("points").is_empty(),
            item_cell: cells.location("item"),
            item_points_cell: cells.location("item_points"),
        }))
    }
}

/// Groups the clauses (each with its index into `criteria`) into items, in
/// order of their first clause; sets each clause's item and, where it has
/// no 分值 of its own, its points to the item's.
pub(super) fn group_items(
    criteria: &mut [Indicator],
    clauses: Vec<(IndicatorIndex, ClauseCells)>,
    diagnostics: &mut Diagnostics,
) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    // Per item: its 项目分值 once given, and the clauses that gave no 分值.
    let mut points: Vec<Option<Exact>> = Vec::new();
    let mut uncapped: Vec<Vec<IndicatorIndex>> = Vec::new();
    let mut first_cells: Vec<Location> = Vec::new();
    // Names already reported as an indicator's code: reported once.
    let mut taken: Vec<String> = Vec::new();
    for (index, clause) in clauses {
        let code = normalize(&clause.name);
        if taken.contains(&code) {
            continue;
        }
        let category = criteria[index].category.clone();
        let name = &clause.name;
        let found = match items.iter().position(|item| item.code == code) {
            Some(found) if items[found].category != category => {
                let other = &items[found].category;
                diagnostics.error(
                    Some(clause.item_cell),
                    text!(
                        "考核项目“{name}”已在类别“{other}”中使用，不能再用于类别“{category}”",
                        "考核项目 (item) \"{name}\" is already used in category \"{other}\" and cannot also be in \"{category}\""
                    ),
                );
                continue;
            }
            Some(found) => found,
            None if criteria.iter().any(|indicator| indicator.code == code) => {
                taken.push(code);
                diagnostics.error(
                    Some(clause.item_cell),
                    text!(
                        "考核项目“{name}”与某个指标编号相同，请改用不同的名称",
                        "考核项目 (item) \"{name}\" equals an indicator code; give it a different name"
                    ),
                );
                continue;
            }
            None => {
                items.push(Item {
                    name: clause.name.clone(),
                    code,
                    category,
                    points: int(0),
                    clauses: Vec::new(),
                    uncapped: Vec::new(),
                    standard: String::new(),
                });
                points.push(None);
                uncapped.push(Vec::new());
                first_cells.push(clause.item_cell.clone());
                items.len() - 1
            }
        };
        items[found].clauses.push(index);
        criteria[index].item = Some(found);
        if !clause.own_points {
            uncapped[found].push(index);
        }
        match (&points[found], clause.item_points) {
            (Some(earlier), Some(given)) if *earlier != given => {
                let (earlier, given) = (format_trimmed(earlier, 6), format_trimmed(&given, 6));
                diagnostics.error(
                    Some(clause.item_points_cell),
                    text!(
                        "项目分值“{given}”与本项目前面填写的“{earlier}”不同",
                        "item points \"{given}\" differ from the \"{earlier}\" given earlier for this item"
                    ),
                );
            }
            (None, Some(given)) => points[found] = Some(given),
            _ => {}
        }
    }
    for (((item, points), uncapped), first_cell) in
        items.iter_mut().zip(points).zip(uncapped).zip(first_cells)
    {
        let Some(points) = points else {
            let name = &item.name;
            diagnostics.error(
                Some(first_cell),
                text!(
                    "考核项目“{name}”没有填写“项目分值”",
                    "考核项目 (item) \"{name}\" has no 项目分值 (item points) on any of its rows"
                ),
            );
            continue;
        };
        item.uncapped = uncapped.into_iter().filter(|&index| criteria[index].rule.carries_points()).collect();
        for &index in &item.uncapped {
            criteria[index].points = points.clone();
        }
        item.points = points;
        item.standard = joined_standards(item.clauses.iter().map(|&index| criteria[index].standard.as_str()));
    }
    items
}

/// The clauses' 评分标准 as one text: joined by `；`, each but the last
/// without its closing `。` (`……扣1分；……本项不得分。`).
fn joined_standards<'s>(standards: impl Iterator<Item = &'s str>) -> String {
    let standards: Vec<&str> = standards.filter(|standard| !standard.is_empty()).collect();
    let last = standards.len().saturating_sub(1);
    let parts: Vec<&str> = standards
        .iter()
        .enumerate()
        .map(|(index, standard)| if index < last { standard.trim_end_matches('。') } else { standard })
        .collect();
    parts.join("；")
}

#[cfg(test)]
mod tests {
    use super::joined_standards;

    #[test]
    fn standards_join_without_a_full_stop_inside() {
        let standards =
            ["年初制定计划，未制定扣1分。", "", "每月集中学习不少于1次", "未成立专班的，本项不得分。"];
        assert_eq!(
            joined_standards(standards.into_iter()),
            "年初制定计划，未制定扣1分；每月集中学习不少于1次；未成立专班的，本项不得分。"
        );
        assert_eq!(joined_standards(std::iter::empty()), "");
    }
}
