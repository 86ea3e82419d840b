//! The JSON summary of docs/输出.md 四 (`--json`, `summary.json`): units in ranking
//! order with their categories and indicators in criteria order, the
//! accountability findings, the warnings and the files written. Numbers are
//! rounded to 2 decimals; keys keep the order docs/输出.md gives, so the text is
//! deterministic.

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::Scored;
use crate::number::{self, Exact};
use crate::score::UnitResult;

/// The pretty-printed summary (no trailing newline). `outputs` are the
/// written files' paths relative to the output folder.
pub fn summary(scored: &Scored, outputs: &[String]) -> String {
    let model = scored.model;
    let summary = Summary {
        year: model.settings.year,
        // A city's 60,000 indicators, three rounded figures each: on every core.
        units: scored.report.units.par_iter().map(|unit| unit_summary(scored, unit)).collect(),
        accountability: scored
            .report
            .findings
            .iter()
            .map(|finding| {
                let row = &model.accountability[finding.row];
                FindingSummary {
                    case: &row.case,
                    unit: &model.units[row.unit].id,
                    person: &row.person,
                    responsibility: finding.responsibility.key(),
                }
            })
            .collect(),
        warnings: scored.warnings,
        outputs,
    };
    serde_json::to_string_pretty(&summary).expect("the summary holds only strings, numbers and booleans")
}

#[derive(Serialize)]
struct Summary<'a> {
    year: i32,
    units: Vec<UnitSummary<'a>>,
    accountability: Vec<FindingSummary<'a>>,
    warnings: &'a [String],
    outputs: &'a [String],
}

#[derive(Serialize)]
struct UnitSummary<'a> {
    id: &'a str,
    name: &'a str,
    rank: u32,
    total: f64,
    weighted: f64,
    bonus: f64,
    grade: &'a str,
    veto: bool,
    /// 自评总分 and 自评差 (`null` without a self score); only with a 自评 sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    self_total: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    self_gap: Option<Option<f64>>,
    categories: Categories<'a>,
    indicators: Vec<IndicatorSummary<'a>>,
    /// Last year's result (`null` for a unit not found); only with `--previous`.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<Option<PreviousSummary<'a>>>,
}

/// A unit's result in last year's workbook, as it records it.
#[derive(Serialize)]
struct PreviousSummary<'a> {
    year: i32,
    total: f64,
    rank: u32,
    grade: &'a str,
}

/// Category name → N_c, as a JSON object in criteria order.
struct Categories<'a>(Vec<(&'a str, f64)>);

impl Serialize for Categories<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (category, score) in &self.0 {
            map.serialize_entry(category, score)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct IndicatorSummary<'a> {
    /// The indicator's code, or an item's normalised name.
    code: &'a str,
    /// `true` for a 考核项目; absent for a plain indicator.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    item: bool,
    score: f64,
    points: f64,
    /// `points − score`; 0 for bonus and veto indicators.
    deduction: f64,
    reason: &'a str,
    /// The unit's self score (`null` where none); only with a 自评 sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    self_score: Option<Option<f64>>,
    /// An item's clauses that apply to the unit; absent for a plain indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    clauses: Option<Vec<ClauseSummary<'a>>>,
}

#[derive(Serialize)]
struct ClauseSummary<'a> {
    code: &'a str,
    deduction: f64,
    reason: &'a str,
}

#[derive(Serialize)]
struct FindingSummary<'a> {
    case: &'a str,
    unit: &'a str,
    person: &'a str,
    responsibility: &'static str,
}

fn unit_summary<'a>(scored: &Scored<'a>, result: &'a UnitResult) -> UnitSummary<'a> {
    let model = scored.model;
    let unit = &model.units[result.unit];
    // The 自评 fields are there whenever a 自评 sheet is (docs/输出.md 四).
    let self_field = |value: &Option<Exact>| model.self_assessed.then(|| value.as_ref().map(rounded));
    UnitSummary {
        id: &unit.id,
        name: &unit.name,
        rank: result.rank,
        total: rounded(&result.total),
        weighted: rounded(&result.weighted),
        bonus: rounded(&result.bonus),
        grade: &result.grade,
        veto: result.veto,
        self_total: self_field(&result.self_total),
        self_gap: self_field(&result.self_gap),
        categories: Categories(
            result
                .categories
                .iter()
                .map(|category| (category.category.as_str(), rounded(&category.normalized)))
                .collect(),
        ),
        indicators: result
            .indicators
            .iter()
            .map(|indicator| IndicatorSummary {
                code: indicator.subject(model).code,
                item: indicator.item.is_some(),
                score: rounded(&indicator.score),
                points: rounded(&indicator.points),
                deduction: rounded(&indicator.deduction),
                reason: &indicator.reason,
                self_score: self_field(&indicator.self_score),
                clauses: indicator.item.map(|_| {
                    indicator
                        .clauses
                        .iter()
                        .map(|clause| ClauseSummary {
                            code: &model.criteria[clause.indicator].code,
                            deduction: rounded(&clause.deduction),
                            reason: &clause.reason,
                        })
                        .collect()
                }),
            })
            .collect(),
        previous: model.previous.as_ref().map(|previous| {
            previous.of(result.unit).map(|last| PreviousSummary {
                year: previous.year,
                total: rounded(&last.total),
                rank: last.rank,
                grade: &last.grade,
            })
        }),
    }
}

fn rounded(value: &Exact) -> f64 {
    number::rounded_f64(value, 2)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::{Value, json};

    use super::*;
    use crate::model::rules::Bonus;
    use crate::model::testing::*;
    use crate::model::{AccountabilityRow, Decision, Model, Role};
    use crate::score::{Report, score};

    fn assessment() -> Model {
        let criteria = vec![
            indicator("A1", IDEOLOGY, manual(), "100"),
            indicator("B1", PARTY, manual(), "100"),
            indicator("X1", PARTY, Bonus { activity: "表彰".into(), unit_points: d("0.5").into() }, "2"),
            indicator("V1", IDEOLOGY, veto("严重错误倾向"), "0"),
        ];
        let mut model = model(
            vec![unit("U10", "党支部", None), unit("U2", "党支部", None), unit("U3", "党支部", None)],
            criteria,
            vec![system(None, &[(IDEOLOGY, "15"), (PARTY, "85")])],
        );
        model.manual_scores = vec![
            manual_score(0, 0, "94", ""),
            manual_score(0, 1, "77.5", "会议记录不全"),
            manual_score(1, 0, "94", ""),
            manual_score(1, 1, "77.5", ""),
            manual_score(2, 0, "100", ""),
            manual_score(2, 1, "100", ""),
        ];
        model.activities =
            vec![activity(0, "2025-05-01", "表彰", 2), activity(2, "2025-06-01", "严重错误倾向", 3)];
        model.accountability = vec![AccountabilityRow {
            case: "2025-01".into(),
            unit: 2,
            matter: "转发错误言论".into(),
            decision: Decision::Individual,
            person: "赵六".into(),
            role: Role::Decider,
            stance: None,
            origin: origin("问责", 2),
        }];
        model
    }

    fn render(model: &Model, report: &Report) -> String {
        let warnings = vec!["test.xlsx:评分!A9: 缺少评分".to_owned()];
        let created = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let scored = Scored { model, report, warnings: &warnings, created };
        summary(&scored, &["考核得分表.xlsx".to_owned(), "反馈/001-U2党支部.docx".to_owned()])
    }

    #[test]
    fn summary_has_the_documented_shape_and_values() {
        let model = assessment();
        let report = score(&model);
        let text = render(&model, &report);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["year"], 2025);
        let units = parsed["units"].as_array().unwrap();
        let ids: Vec<&str> = units.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["U10", "U2", "U3"]);
        assert_eq!(
            units[0],
            json!({
                "id": "U10", "name": "U10党支部", "rank": 1, "total": 80.48, "weighted": 79.98,
                "bonus": 0.5, "grade": "良好", "veto": false,
                "categories": {"意识形态工作": 94.0, "党建工作": 77.5},
                "indicators": [
                    {"code": "A1", "score": 94.0, "points": 100.0, "deduction": 6.0, "reason": "扣6分"},
                    {"code": "B1", "score": 77.5, "points": 100.0, "deduction": 22.5, "reason": "会议记录不全"},
                    {"code": "X1", "score": 0.5, "points": 2.0, "deduction": 0.0, "reason": "表彰1次，加0.5分"},
                    {"code": "V1", "score": 0.0, "points": 0.0, "deduction": 0.0, "reason": ""},
                ],
            })
        );
        assert_eq!((units[1]["rank"].clone(), units[1]["total"].clone()), (json!(2), json!(79.98)));
        assert_eq!(units[2]["veto"], true);
        assert_eq!(units[2]["rank"], 3);
        assert_eq!(units[2]["total"], 100.0);
        assert_eq!(units[2]["grade"], "不合格");
        assert_eq!(units[2]["indicators"][3]["reason"], "存在严重错误倾向1次，一票否决");
        assert_eq!(
            parsed["accountability"],
            json!([{"case": "2025-01", "unit": "U3", "person": "赵六", "responsibility": "individual"}])
        );
        assert_eq!(parsed["warnings"], json!(["test.xlsx:评分!A9: 缺少评分"]));
        assert_eq!(parsed["outputs"], json!(["考核得分表.xlsx", "反馈/001-U2党支部.docx"]));
    }

    #[test]
    fn self_assessment_fields_appear_only_with_a_self_sheet() {
        let mut model = assessment();
        let report = score(&model);
        let parsed: Value = serde_json::from_str(&render(&model, &report)).unwrap();
        assert!(!parsed["units"][0].as_object().unwrap().contains_key("self_total"));
        assert!(!parsed["units"][0].as_object().unwrap().contains_key("self_gap"));
        assert!(!parsed["units"][0]["indicators"][0].as_object().unwrap().contains_key("self_score"));

        model.self_assessed = true;
        model.self_scores = vec![self_score(0, 0, "100", "")];
        let report = score(&model);
        let text = render(&model, &report);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        // U10: A1 100 instead of 94: (15 × 100 + 85 × 77.5) / 100 + 0.5 = 81.375 → 81.38;
        // T = 80.48, gap 0.9.
        let u10 = &parsed["units"][0];
        assert_eq!((u10["self_total"].clone(), u10["self_gap"].clone()), (json!(81.38), json!(0.9)));
        let claimed: Vec<Value> =
            u10["indicators"].as_array().unwrap().iter().map(|i| i["self_score"].clone()).collect();
        assert_eq!(claimed, [json!(100.0), Value::Null, Value::Null, Value::Null]);
        assert_eq!(
            (parsed["units"][1]["self_total"].clone(), parsed["units"][1]["self_gap"].clone()),
            (Value::Null, Value::Null)
        );
        let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
        assert!(
            position("\"veto\"") < position("\"self_total\"")
                && position("\"self_gap\"") < position("\"categories\"")
        );
        assert!(position("\"reason\"") < position("\"self_score\""));
    }

    #[test]
    fn keys_keep_the_documented_order_and_output_is_deterministic() {
        let model = assessment();
        let report = score(&model);
        let text = render(&model, &report);
        let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
        let keys = ["\"year\"", "\"units\"", "\"accountability\"", "\"warnings\"", "\"outputs\""];
        assert!(keys.windows(2).all(|pair| position(pair[0]) < position(pair[1])));
        let unit_keys = [
            "\"id\"",
            "\"name\"",
            "\"rank\"",
            "\"total\"",
            "\"weighted\"",
            "\"bonus\"",
            "\"grade\"",
            "\"veto\"",
        ];
        assert!(unit_keys.windows(2).all(|pair| position(pair[0]) < position(pair[1])));
        let indicator_keys = ["\"code\"", "\"score\"", "\"points\"", "\"deduction\"", "\"reason\""];
        assert!(indicator_keys.windows(2).all(|pair| position(pair[0]) < position(pair[1])));
        assert!(position("\"意识形态工作\": 94.0") < position("\"党建工作\": 77.5"));
        assert!(text.starts_with("{\n  \"year\": 2025,"));
        assert_eq!(text, render(&model, &score(&model)));
    }
}
