//! Evaluator records: manual scores (评分), the units' self-assessment
//! (自评) and accountability rows (问责).

use std::collections::HashMap;

use super::cells::Cells;
use super::keywords::{DECISIONS, ROLES, STANCES};
use super::units::UnitLookup;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::Table;
use crate::model::{
    AccountabilityRow, Decision, Indicator, IndicatorIndex, Item, ManualScore, Origin, Role, SelfScore, Unit,
};
use crate::number::{Exact, format_trimmed, int};
use crate::text::{nearest, normalize};

pub(super) fn read_scores(
    tables: &[&Table],
    lookup: &UnitLookup,
    criteria: &[Indicator],
    diagnostics: &mut Diagnostics,
) -> Vec<ManualScore> {
    let mut scores = Vec::new();
    let mut given: HashMap<(usize, usize), Origin> = HashMap::new();
    let codes = code_index(criteria);
    for &table in tables {
        for row in &table.rows {
            let mut cells = Cells::new(table, row, diagnostics);
            let unit = lookup.resolve(&mut cells, "unit");
            let indicator = cells.required("code").and_then(|code| {
                let found = codes.get(&normalize(&code)).copied();
                if found.is_none() {
                    unknown_code(&mut cells, &code, criteria.iter().map(|i| i.code.as_str()));
                }
                found
            });
            let score = cells.number("score");
            let score = cells.present("score", score);
            let (Some(unit), Some(indicator), Some(score)) = (unit, indicator, score) else { continue };
            let criterion = &criteria[indicator];
            let code = &criterion.code;
            if !criterion.rule.takes_manual_score() {
                let location = cells.location("code");
                cells.diagnostics.warning(
                    Some(location),
                    text!(
                        "指标“{code}”不是评分类指标，此得分不计入",
                        "indicator \"{code}\" is not a manual indicator; this score is ignored"
                    ),
                );
                continue;
            }
            if score < int(0) || score > criterion.points {
                let (shown, points) = (format_trimmed(&score, 4), format_trimmed(&criterion.points, 4));
                cells.error(
                    "score",
                    text!(
                        "得分{shown}超出指标“{code}”的分值范围0–{points}",
                        "score {shown} is outside 0–{points}, the points of indicator \"{code}\""
                    ),
                );
                continue;
            }
            if let Some(first) = given.get(&(unit, indicator)) {
                cells.error(
                    "score",
                    text!(
                        "同一单位、同一指标“{code}”的得分重复，已在 {first} 给出",
                        "a second score for the same unit and indicator \"{code}\"; first at {first}"
                    ),
                );
                continue;
            }
            given.insert((unit, indicator), cells.origin());
            scores.push(ManualScore {
                unit,
                indicator,
                score,
                note: cells.text("note"),
                origin: cells.origin(),
            });
        }
    }
    scores
}

/// The 自评 rows (docs/输入.md “自评”): each an indicator's score as the unit
/// gives it itself. A veto indicator takes none; one that does not apply
/// to the unit is a warning and ignored.
pub(super) fn read_self_scores(
    tables: &[&Table],
    units: &[Unit],
    lookup: &UnitLookup,
    criteria: &[Indicator],
    items: &[Item],
    diagnostics: &mut Diagnostics,
) -> Vec<SelfScore> {
    let mut scores = Vec::new();
    let mut given: HashMap<(usize, usize), Origin> = HashMap::new();
    let codes = code_index(criteria);
    for &table in tables {
        for row in &table.rows {
            let mut cells = Cells::new(table, row, diagnostics);
            let unit = lookup.resolve(&mut cells, "unit");
            let claimed = self_assessed(&mut cells, &codes, criteria, items);
            let score = cells.number("score");
            let score = cells.present("score", score);
            let (Some(unit), Some(claimed), Some(score)) = (unit, claimed, score) else { continue };
            let code = claimed.code();
            if !claimed.carries_points() {
                cells.error(
                    "code",
                    text!(
                        "指标“{code}”是否决类指标，不能自评打分",
                        "indicator \"{code}\" is a veto indicator and takes no self score"
                    ),
                );
                continue;
            }
            if score < int(0) || score > *claimed.points() {
                let (shown, points) = (format_trimmed(&score, 4), format_trimmed(claimed.points(), 4));
                cells.error(
                    "score",
                    text!(
                        "自评分{shown}超出指标“{code}”的分值范围0–{points}",
                        "self score {shown} is outside 0–{points}, the points of indicator \"{code}\""
                    ),
                );
                continue;
            }
            let indicator = claimed.stands_at();
            if let Some(first) = given.get(&(unit, indicator)) {
                cells.error(
                    "code",
                    text!(
                        "同一单位、同一指标“{code}”的自评重复，已在 {first} 给出",
                        "a second self score for the same unit and indicator \"{code}\"; first at {first}"
                    ),
                );
                continue;
            }
            given.insert((unit, indicator), cells.origin());
            if !claimed.applies_to(&units[unit]) {
                let (location, name) = (cells.location("code"), &units[unit].name);
                cells.diagnostics.warning(
                    Some(location),
                    text!(
                        "指标“{code}”不适用于“{name}”，此自评分不计入",
                        "indicator \"{code}\" does not apply to \"{name}\"; this self score is ignored"
                    ),
                );
                continue;
            }
            scores.push(SelfScore {
                unit,
                indicator,
                score,
                note: cells.text("note"),
                origin: cells.origin(),
            });
        }
    }
    scores
}

/// What a self score is for: an indicator outside any item, or a whole item.
enum Claimed<'m> {
    Indicator(IndicatorIndex, &'m [Indicator]),
    Item(&'m Item, &'m [Indicator]),
}

impl Claimed<'_> {
    /// The code messages name: the indicator's, or the item's name.
    fn code(&self) -> &str {
        match self {
            Claimed::Indicator(index, criteria) => &criteria[*index].code,
            Claimed::Item(item, _) => &item.name,
        }
    }

    fn points(&self) -> &Exact {
        match self {
            Claimed::Indicator(index, criteria) => &criteria[*index].points,
            Claimed::Item(item, _) => &item.points,
        }
    }

    fn carries_points(&self) -> bool {
        match self {
            Claimed::Indicator(index, criteria) => criteria[*index].rule.carries_points(),
            Claimed::Item(..) => true,
        }
    }

    /// The indicator the result stands at: an item's first clause.
    fn stands_at(&self) -> IndicatorIndex {
        match self {
            Claimed::Indicator(index, _) => *index,
            Claimed::Item(item, _) => item.clauses[0],
        }
    }

    /// An item applies when any of its clauses does.
    fn applies_to(&self, unit: &Unit) -> bool {
        match self {
            Claimed::Indicator(index, criteria) => criteria[*index].applies_to(unit),
            Claimed::Item(item, criteria) => {
                item.clauses.iter().any(|&clause| criteria[clause].applies_to(unit))
            }
        }
    }
}

/// What a 自评 row's 指标编号 names: an indicator outside any item by its
/// code, or a 考核项目 by its name. An unknown code is an error with the
/// nearest code suggested; a clause of an item is an error naming the item.
fn self_assessed<'m>(
    cells: &mut Cells,
    codes: &HashMap<String, usize>,
    criteria: &'m [Indicator],
    items: &'m [Item],
) -> Option<Claimed<'m>> {
    let code = cells.required("code")?;
    let key = normalize(&code);
    if let Some(item) = items.iter().find(|item| item.code == key) {
        return Some(Claimed::Item(item, criteria));
    }
    let found = codes.get(&key).copied();
    match found.and_then(|index| criteria[index].item) {
        Some(item) => {
            let item = &items[item].name;
            cells.error(
                "code",
                text!(
                    "指标“{code}”是考核项目“{item}”中的一条细则，请对整个项目自评（指标编号填“{item}”）",
                    "indicator \"{code}\" is a clause of the item \"{item}\": self-assess the whole item (code \"{item}\")"
                ),
            );
            return None;
        }
        None if found.is_some() => return found.map(|index| Claimed::Indicator(index, criteria)),
        None => {}
    }
    let candidates = criteria
        .iter()
        .filter(|indicator| indicator.item.is_none())
        .map(|indicator| indicator.code.as_str())
        .chain(items.iter().map(|item| item.name.as_str()));
    unknown_code(cells, &code, candidates);
    None
}

/// Each indicator's index by its normalised code, as 评分 and 自评 rows name it.
fn code_index(criteria: &[Indicator]) -> HashMap<String, IndicatorIndex> {
    criteria.iter().enumerate().map(|(index, indicator)| (normalize(&indicator.code), index)).collect()
}

/// An unknown 指标编号: an error at its cell, the nearest of `candidates` suggested.
fn unknown_code<'c>(cells: &mut Cells, code: &str, candidates: impl Iterator<Item = &'c str>) {
    let mut error = Diagnostic::error(
        Some(cells.location("code")),
        text!("未知指标编号“{code}”", "unknown indicator code \"{code}\""),
    );
    if let Some(near) = nearest(code, candidates) {
        error = error.with_hint(text!("是否应为“{near}”？", "did you mean \"{near}\"?"));
    }
    cells.diagnostics.push(error);
}

pub(super) fn read_accountability(
    tables: &[&Table],
    lookup: &UnitLookup,
    diagnostics: &mut Diagnostics,
) -> Vec<AccountabilityRow> {
    let mut rows = Vec::new();
    // Per case: its decision and where it was first given.
    let mut decisions: HashMap<String, (Decision, Location)> = HashMap::new();
    for &table in tables {
        for row in &table.rows {
            let mut cells = Cells::new(table, row, diagnostics);
            let case = cells.id("case");
            let unit = lookup.resolve(&mut cells, "unit");
            let decision = cells.keyword("decision", DECISIONS);
            let decision = cells.present("decision", decision);
            let person = cells.required("person");
            let role = cells.keyword("role", ROLES);
            let role = cells.present("role", role);
            let stance = cells.keyword("stance", STANCES);
            let (Some(case), Some(unit), Some(decision), Some(person), Some(role), Ok(stance)) =
                (case, unit, decision, person, role, stance)
            else {
                continue;
            };
            match decisions.get(&normalize(&case)) {
                Some((first, place)) if *first != decision => {
                    cells.error(
                        "decision",
                        text!(
                            "案件“{case}”各行的决策方式不一致（见 {place}）",
                            "the rows of case \"{case}\" disagree on the decision (see {place})"
                        ),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    decisions.insert(normalize(&case), (decision, cells.location("decision")));
                }
            }
            rows.push(AccountabilityRow {
                case,
                unit,
                matter: cells.text("matter"),
                decision,
                person,
                role,
                stance,
                origin: cells.origin(),
            });
        }
    }
    let mut decisions: Vec<(String, (Decision, Location))> = decisions.into_iter().collect();
    decisions.sort_by(|a, b| a.1.1.cmp(&b.1.1));
    for (case, (decision, place)) in &decisions {
        let has_decider = rows.iter().any(|r| normalize(&r.case) == *case && r.role == Role::Decider);
        if *decision == Decision::Individual && !has_decider {
            let shown =
                rows.iter().find(|r| normalize(&r.case) == *case).map_or(case.as_str(), |r| r.case.as_str());
            diagnostics.error(
                Some(place.clone()),
                text!(
                    "个人决策的案件“{shown}”没有写明决定人",
                    "individual case \"{shown}\" names no decider"
                ),
            );
        }
    }
    rows
}
