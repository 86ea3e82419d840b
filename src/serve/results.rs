//! The results page's content, read back from the job's summary.json (the
//! file `kaohe score` writes, docs/输出.md): the ranking, a unit's
//! indicators and accountability findings, the downloads, and the grade
//! chart's bars. summary.json names indicators by code only; their names
//! come from [`Names`], which the job keeps beside its results. Read on
//! each request, so nothing of a finished job stays in memory but its
//! state.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::jobs::GradeCount;
use crate::model::Model;

/// What the pages show of summary.json.
#[derive(Debug, Deserialize)]
pub(super) struct Summary {
    pub(super) units: Vec<Unit>,
    pub(super) accountability: Vec<Finding>,
    pub(super) outputs: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Unit {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) rank: u32,
    pub(super) total: f64,
    pub(super) weighted: f64,
    pub(super) bonus: f64,
    pub(super) grade: String,
    pub(super) veto: bool,
    /// In criteria order, as the file lists them.
    #[serde(deserialize_with = "in_order")]
    pub(super) categories: Vec<(String, f64)>,
    pub(super) indicators: Vec<Indicator>,
    /// Last year's result with `--previous`: `Some(None)` for a unit not
    /// found then, `None` without `--previous`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub(super) previous: Option<Option<Previous>>,
}

/// A unit's result last year, as summary.json gives it.
#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Previous {
    pub(super) year: i32,
    pub(super) total: f64,
    pub(super) rank: u32,
    pub(super) grade: String,
}

/// A field that is there, `null` or not: `Some(None)` for `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Indicator {
    pub(super) code: String,
    /// Whether it is a 考核项目 (its code then the item's).
    #[serde(default)]
    pub(super) item: bool,
    /// Its name, from [`Names`].
    #[serde(skip_deserializing)]
    pub(super) name: String,
    pub(super) score: f64,
    pub(super) points: f64,
    #[serde(default)]
    pub(super) deduction: f64,
    pub(super) reason: String,
    #[serde(default)]
    pub(super) clauses: Vec<Clause>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Clause {
    pub(super) code: String,
    /// Its name, from [`Names`].
    #[serde(skip_deserializing)]
    pub(super) name: String,
    pub(super) deduction: f64,
    pub(super) reason: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub(super) struct Finding {
    pub(super) case: String,
    pub(super) unit: String,
    pub(super) person: String,
    pub(super) responsibility: String,
}

/// A JSON object's entries in the order the file has them.
fn in_order<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, f64)>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<(String, f64)>;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("an object of numbers")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Entries)
}

impl Summary {
    pub(super) fn parse(text: &str) -> serde_json::Result<Summary> {
        serde_json::from_str(text)
    }

    /// Every category any unit was scored in, in first-seen order.
    pub(super) fn categories(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for (name, _) in self.units.iter().flat_map(|unit| &unit.categories) {
            if !seen.contains(&name.as_str()) {
                seen.push(name);
            }
        }
        seen
    }

    /// Whether the units are compared with last year (`--previous`).
    pub(super) fn compared(&self) -> bool {
        self.units.iter().any(|unit| unit.previous.is_some())
    }

    /// One ranking row per unit, its category scores under `categories`.
    pub(super) fn rows(&self) -> Vec<Row<'_>> {
        let categories = self.categories();
        self.units
            .iter()
            .enumerate()
            .map(|(index, unit)| Row {
                index,
                unit,
                scores: categories
                    .iter()
                    .map(|category| {
                        let score = unit.categories.iter().find(|(name, _)| name == category);
                        score.map(|(_, score)| *score)
                    })
                    .collect(),
                moved: unit
                    .previous
                    .as_ref()
                    .and_then(Option::as_ref)
                    .map(|last| i64::from(last.rank) - i64::from(unit.rank)),
            })
            .collect()
    }
}

/// The name (指标名称, 考核项目) of each indicator and item of a job's
/// criteria, by code: what the unit page shows beside the codes of
/// summary.json.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct Names {
    indicators: HashMap<String, String>,
    items: HashMap<String, String>,
}

impl Names {
    /// The names of `model`'s criteria and items.
    pub(super) fn of(model: &Model) -> Names {
        Names {
            indicators: model.criteria.iter().map(|row| (row.code.clone(), row.name.clone())).collect(),
            items: model.items.iter().map(|item| (item.code.clone(), item.name.clone())).collect(),
        }
    }

    /// Gives each indicator of `unit`, and each clause of an item, its name.
    pub(super) fn name(&self, unit: &mut Unit) {
        let find = |names: &HashMap<String, String>, code: &str| names.get(code).cloned().unwrap_or_default();
        for indicator in &mut unit.indicators {
            let names = if indicator.item { &self.items } else { &self.indicators };
            indicator.name = find(names, &indicator.code);
            for clause in &mut indicator.clauses {
                clause.name = find(&self.indicators, &clause.code);
            }
        }
    }
}

/// A ranking row.
#[derive(Debug, Serialize)]
pub(super) struct Row<'a> {
    /// The unit's place in summary.json, its page's number.
    pub(super) index: usize,
    pub(super) unit: &'a Unit,
    /// Its score in each category of [`Summary::categories`].
    pub(super) scores: Vec<Option<f64>>,
    /// Places moved up since last year (名次升降, negative = down); `None`
    /// when not compared or not found last year.
    pub(super) moved: Option<i64>,
}

/// The outputs summary.json (`text`) lists.
pub(super) fn outputs(text: &str) -> serde_json::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Outputs {
        outputs: Vec<String>,
    }
    serde_json::from_str::<Outputs>(text).map(|listed| listed.outputs)
}

/// A bar of the grade chart, in SVG user units.
#[derive(Debug, Serialize)]
pub(super) struct Bar {
    pub(super) grade: String,
    pub(super) count: usize,
    pub(super) x: u32,
    pub(super) y: u32,
    pub(super) height: u32,
    /// The middle of the bar, where its labels stand.
    pub(super) middle: u32,
}

/// The chart's size: height of the plot, width of one bar and its gap.
pub(super) const CHART_PLOT: u32 = 160;
pub(super) const BAR_WIDTH: u32 = 60;
const BAR_GAP: u32 = 30;
/// Room above the plot for the counts.
pub(super) const CHART_TOP: u32 = 20;

/// The grade chart's bars: heights in proportion to the largest count.
pub(super) fn bars(grades: &[GradeCount]) -> Vec<Bar> {
    let most = grades.iter().map(|grade| grade.count).max().unwrap_or(0).max(1);
    grades
        .iter()
        .zip(0u32..)
        .map(|(grade, place)| {
            let height = (grade.count as u64 * u64::from(CHART_PLOT) / most as u64) as u32;
            let x = BAR_GAP + place * (BAR_WIDTH + BAR_GAP);
            Bar {
                grade: grade.grade.clone(),
                count: grade.count,
                x,
                y: CHART_TOP + CHART_PLOT - height,
                height,
                middle: x + BAR_WIDTH / 2,
            }
        })
        .collect()
}

/// The chart's width for `bars` bars.
pub(super) fn chart_width(bars: usize) -> u32 {
    BAR_GAP + bars as u32 * (BAR_WIDTH + BAR_GAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        let grades = [("优秀", 3), ("良好", 6), ("一般", 0)]
            .map(|(grade, count)| GradeCount { grade: grade.to_owned(), count });
        let bars = bars(&grades);
        let heights: Vec<u32> = bars.iter().map(|bar| bar.height).collect();
        assert_eq!(heights, [80, 160, 0]);
        assert_eq!((bars[0].x, bars[1].x, bars[0].y, bars[2].y), (30, 120, 100, 180));
        assert_eq!(chart_width(3), 300);
    }

    #[test]
    fn indicators_and_clauses_are_named_by_code_items_apart() {
        let text = r#"{"year":2025,"units":[{"id":"U1","name":"甲","rank":1,"total":90,"weighted":90,"bonus":0,
            "grade":"优秀","veto":false,"categories":{},"indicators":[
            {"code":"研究部署","item":true,"score":8,"points":8,"deduction":0,"reason":"",
             "clauses":[{"code":"YS01","deduction":0,"reason":""}]},
            {"code":"YS02","score":6,"points":6,"deduction":0,"reason":""},
            {"code":"YS99","score":1,"points":1,"deduction":0,"reason":""}]}],
            "accountability":[],"warnings":[],"outputs":[]}"#;
        let mut unit = Summary::parse(text).unwrap().units.remove(0);
        let pairs =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let names = Names {
            indicators: pairs(&[("YS01", "专题研究"), ("YS02", "综合分析"), ("研究部署", "不是项目")]),
            items: pairs(&[("研究部署", "研究部署（项目）")]),
        };
        names.name(&mut unit);
        let named: Vec<&str> = unit.indicators.iter().map(|indicator| indicator.name.as_str()).collect();
        assert_eq!(named, ["研究部署（项目）", "综合分析", ""]);
        assert_eq!(unit.indicators[0].clauses[0].name, "专题研究");
    }

    #[test]
    fn categories_keep_the_file_order() {
        let text = r#"{"year":2025,"units":[{"id":"U1","name":"甲","rank":1,"total":90,"weighted":90,"bonus":0,
            "grade":"优秀","veto":false,"categories":{"意识形态工作":95,"党建工作":85},"indicators":[]}],
            "accountability":[],"warnings":[],"outputs":["summary.json"]}"#;
        let summary = Summary::parse(text).unwrap();
        assert_eq!(summary.categories(), ["意识形态工作", "党建工作"]);
        assert_eq!(summary.rows()[0].scores, [Some(95.0), Some(85.0)]);
        assert_eq!(outputs(text).unwrap(), ["summary.json"]);
    }
}
