//! 单项分 as the rules that count rows read it (docs/计分.md “分级”): one
//! number every counted row (late incident) is worth, or a table of points
//! picked by the value of the row's 分级 column. One type for 扣分, 加分
//! and 时效, so that each adds up its rows and words its counts the same
//! way.

use num_traits::Zero;

use crate::model::Attributes;
use crate::number::{self, Exact};

/// The points of one counted row.
#[derive(Clone, Debug)]
pub enum UnitPoints {
    /// Every row is worth the same.
    Flat(Exact),
    /// A row is worth the points of its value in the 分级 column.
    Graded(GradedPoints),
}

/// A 单项分 table such as `一般:1；较大:3；重大:5`, read against the 分级
/// column.
#[derive(Clone, Debug)]
pub struct GradedPoints {
    /// The 分级 column's attribute key, as [`Attributes`] hold it.
    pub column: String,
    /// 分级 as typed, as messages name the column.
    pub header: String,
    /// The table's entries in table order, `其他` among them if given.
    pub grades: Vec<Grade>,
}

/// One `value:points` entry of a 单项分 table.
#[derive(Clone, Debug)]
pub struct Grade {
    /// The value as typed (trimmed), as reasons show it.
    pub label: String,
    /// The normalised value rows are compared with; `None` for `其他`,
    /// which covers every value not listed (an empty cell too).
    pub value: Option<String>,
    pub points: Exact,
}

/// What some counted rows are worth: their points (not yet capped) and,
/// when graded, how many fell under each grade.
pub(super) struct Tally<'p> {
    pub points: Exact,
    graded: Option<(&'p GradedPoints, Vec<usize>)>,
}

impl GradedPoints {
    /// The index in [`GradedPoints::grades`] of the grade a row whose 分级
    /// cell holds `value` (normalised; `None` when empty) falls under:
    /// its own entry, else `其他`; `None` when the table has neither.
    pub fn grade_of(&self, value: Option<&str>) -> Option<usize> {
        value
            .and_then(|value| self.grades.iter().position(|grade| grade.value.as_deref() == Some(value)))
            .or_else(|| self.grades.iter().position(|grade| grade.value.is_none()))
    }
}

impl UnitPoints {
    /// 单项分 as a rule that takes 分级 reads its checked cells
    /// ([`super::Parameters`]): the table when there is one, else the number.
    pub fn from_cells(graded: Option<GradedPoints>, flat: Option<Exact>) -> Option<Self> {
        graded.map(UnitPoints::Graded).or(flat.map(UnitPoints::Flat))
    }

    /// Adds up the rows with these attributes. A graded row whose value has
    /// no grade counts nothing: validation has rejected such rows.
    pub(super) fn tally<'r>(&self, rows: impl IntoIterator<Item = &'r Attributes>) -> Tally<'_> {
        match self {
            UnitPoints::Flat(points) => {
                let count = rows.into_iter().count();
                Tally { points: number::int(count as i64) * points, graded: None }
            }
            UnitPoints::Graded(table) => {
                let mut counts = vec![0; table.grades.len()];
                let mut points = Exact::zero();
                for row in rows {
                    if let Some(grade) = table.grade_of(row.get(&table.column)) {
                        counts[grade] += 1;
                        points += &table.grades[grade].points;
                    }
                }
                Tally { points, graded: Some((table, counts)) }
            }
        }
    }

    /// The table, when the points are graded.
    pub fn graded(&self) -> Option<&GradedPoints> {
        match self {
            UnitPoints::Flat(_) => None,
            UnitPoints::Graded(table) => Some(table),
        }
    }
}

impl From<Exact> for UnitPoints {
    fn from(points: Exact) -> Self {
        UnitPoints::Flat(points)
    }
}

impl Tally<'_> {
    /// The counts by value of graded rows, `较大2次、一般1次、其他1次`: the
    /// values with rows, by points per row highest first, ties in table
    /// order; `None` for flat points (the rule words its own count).
    pub(super) fn counts(&self) -> Option<String> {
        let (table, counts) = self.graded.as_ref()?;
        let mut counted: Vec<(&Grade, usize)> =
            table.grades.iter().zip(counts.iter().copied()).filter(|(_, count)| *count > 0).collect();
        // Stable: equal points keep table order.
        counted.sort_by(|(a, _), (b, _)| b.points.cmp(&a.points));
        let phrases: Vec<String> =
            counted.iter().map(|(grade, count)| format!("{}{count}次", grade.label)).collect();
        Some(phrases.join("、"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{d, graded};

    fn rows(values: &[&str]) -> Vec<Attributes> {
        values
            .iter()
            .map(
                |value| {
                    if value.is_empty() {
                        Attributes::new()
                    } else {
                        [("level", *value)].into_iter().collect()
                    }
                },
            )
            .collect()
    }

    #[test]
    fn a_value_finds_its_grade_else_the_catch_all() {
        let table = graded("level", "级别", &[("一般", "1"), ("其他", "2"), ("重大", "5")]);
        let UnitPoints::Graded(table) = table else { unreachable!("graded points") };
        assert_eq!(table.grade_of(Some("一般")), Some(0));
        assert_eq!(table.grade_of(Some("重大")), Some(2));
        assert_eq!(table.grade_of(Some("较大")), Some(1));
        // An empty cell falls under 其他 too.
        assert_eq!(table.grade_of(None), Some(1));
        let without_other = graded("level", "级别", &[("一般", "1")]);
        assert_eq!(without_other.graded().unwrap().grade_of(Some("较大")), None);
        assert_eq!(without_other.graded().unwrap().grade_of(None), None);
    }

    #[test]
    fn graded_rows_add_their_points_and_count_by_points_highest_first() {
        // 较大 and 重大 tie at 3 (table order: 较大 first); 一般 1, 其他 0.5.
        let table = graded("level", "级别", &[("一般", "1"), ("较大", "3"), ("重大", "3"), ("其他", "0.5")]);
        let rows = rows(&["一般", "重大", "较大", "", "特别重大", "较大"]);
        let tally = table.tally(&rows);
        // 1 + 3 + 3 + 0.5 + 0.5 + 3 = 11
        assert_eq!(tally.points, d("11"));
        assert_eq!(tally.counts().as_deref(), Some("较大2次、重大1次、一般1次、其他2次"));
    }

    #[test]
    fn flat_points_multiply_and_leave_the_wording_to_the_rule() {
        let flat = UnitPoints::from(d("1.5"));
        let tally = flat.tally(&rows(&["一般", "", "重大"]));
        assert_eq!(tally.points, d("4.5"));
        assert_eq!(tally.counts(), None);
        assert!(flat.graded().is_none());
    }
}
