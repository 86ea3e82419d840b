//! The 设置 sheet: one value per key across every input (`--year` wins for
//! the year), parsed into [`Settings`] with the defaults of docs/输入.md (设置).

use std::collections::HashMap;

use super::cells::Cells;
use super::coverage::Coverage;
use super::definitions::distinct_rows;
use crate::diagnostic::{Diagnostics, Location};
use crate::input::Table;
use crate::input::schema::{SettingKey, SheetKind};
use crate::input::value::{self, Value};
use crate::model::{GradeBand, Settings, Unit};
use crate::number::{int, parse_decimal};
use crate::text::normalize;

pub const DEFAULT_IDEOLOGICAL_CATEGORY: &str = "意识形态工作";
pub const DEFAULT_GRADES: &str = "优秀:90;良好:80;合格:60;不合格:0";
pub const DEFAULT_RECTIFICATION_DAYS: u32 = 30;
pub const DEFAULT_MARKING: &str = "内部资料";
/// 自评偏差 when not set, in points.
pub const DEFAULT_SELF_GAP: i64 = 5;

/// Setting values as given, before parsing.
pub(super) struct RawSettings {
    values: HashMap<SettingKey, (Value, Location)>,
}

pub(super) fn read_settings(tables: &[&Table], diagnostics: &mut Diagnostics) -> RawSettings {
    // A key left without a value is not set: it neither clashes with
    // another input's value (the template a branch sends back) nor replaces it.
    let key_of = |table: &Table, row: &crate::input::Row| {
        let key = SettingKey::from_name(&table.get(row, "key").display());
        key.filter(|_| !table.get(row, "value").is_empty()).map(|key| format!("{key:?}"))
    };
    let mut values = HashMap::new();
    for (table, row) in distinct_rows(tables, "value", key_of, diagnostics) {
        let mut cells = Cells::new(table, row, diagnostics);
        let Some(name) = cells.required("key") else { continue };
        match SettingKey::from_name(&name) {
            Some(_) if cells.value("value").is_empty() => {}
            Some(key) => {
                values.insert(key, (cells.value("value").clone(), cells.location("value")));
            }
            None => {
                let location = cells.location("key");
                cells.diagnostics.warning(
                    Some(location),
                    text!("未知的设置项“{name}”，已忽略", "unknown setting \"{name}\" ignored"),
                );
            }
        }
    }
    RawSettings { values }
}

impl RawSettings {
    fn get(&self, key: SettingKey) -> Option<&(Value, Location)> {
        self.values.get(&key).filter(|(value, _)| !value.is_empty())
    }

    fn text(&self, key: SettingKey) -> Option<String> {
        self.get(key).map(|(value, _)| value.display())
    }

    /// Parses every setting. `categories` are the criteria's categories, which
    /// the ideological category must be one of (unless `coverage` can't
    /// tell, nor whether the year is missing).
    pub(super) fn resolve(
        &self,
        year_override: Option<i32>,
        units: &[Unit],
        categories: &[String],
        coverage: &mut Coverage,
        diagnostics: &mut Diagnostics,
    ) -> Option<Settings> {
        let errors_before = diagnostics.errors().count();
        let invalid = |location: &Location, shown: String, zh: &str, en: &str, d: &mut Diagnostics| {
            d.error(
                Some(location.clone()),
                text!("“{shown}” 不是有效{zh}", "\"{shown}\" is not a valid {en}"),
            );
        };
        let year = match (year_override, self.get(SettingKey::Year)) {
            (Some(year), _) => Some(year),
            (None, Some((value, location))) => {
                let year = value::parse_year(value);
                if year.is_none() {
                    invalid(location, value.display(), "年度", "year", diagnostics);
                }
                year
            }
            (None, None) => {
                if coverage.allows(text!("考核年度", "the assessment year"), &[SheetKind::Settings]) {
                    diagnostics.error(
                        None,
                        text!(
                            "缺少考核年度：请在“设置”表填写“年度”，或使用 --year",
                            "no assessment year: give 年度 (year) in the settings sheet, or --year"
                        ),
                    );
                }
                None
            }
        };
        let ideological_category = self
            .text(SettingKey::IdeologicalCategory)
            .unwrap_or_else(|| DEFAULT_IDEOLOGICAL_CATEGORY.to_owned());
        let known = categories.iter().find(|c| normalize(c) == normalize(&ideological_category)).cloned();
        let ideological_category = match known {
            Some(category) => category,
            None => {
                if coverage.allows(text!("意识形态类别", "the ideological category"), &[SheetKind::Criteria])
                {
                    let location = self.get(SettingKey::IdeologicalCategory).map(|(_, l)| l.clone());
                    diagnostics.error(
                        location,
                        text!(
                            "意识形态类别“{ideological_category}”在指标表中没有任何指标",
                            "the ideological category \"{ideological_category}\" has no indicator in the criteria"
                        ),
                    );
                }
                ideological_category
            }
        };
        let grades_text = self.text(SettingKey::Grades).unwrap_or_else(|| DEFAULT_GRADES.to_owned());
        let grades = match parse_grades(&grades_text) {
            Ok(grades) => grades,
            Err(problem) => {
                let location = self.get(SettingKey::Grades).map(|(_, l)| l.clone());
                diagnostics.error(location, problem);
                Vec::new()
            }
        };
        let doc_date = self.get(SettingKey::DocDate).and_then(|(value, location)| {
            let date = value::parse_date_time(value).map(|d| d.date());
            if date.is_none() {
                invalid(location, value.display(), "日期", "date", diagnostics);
            }
            date
        });
        let top_quota = self.get(SettingKey::TopQuota).and_then(|(value, location)| {
            let quota = value::parse_weight(value).map(|(v, _)| v).filter(|v| *v >= int(0) && *v <= int(100));
            if quota.is_none() {
                invalid(location, value.display(), "比例（0–100）", "percentage (0–100)", diagnostics);
            }
            quota
        });
        let bonus_cap = self.get(SettingKey::BonusCap).and_then(|(value, location)| {
            let cap = value::parse_number(value).filter(|cap| *cap >= int(0));
            if cap.is_none() {
                invalid(
                    location,
                    value.display(),
                    "加分上限（不小于0的数）",
                    "bonus cap (a number ≥ 0)",
                    diagnostics,
                );
            }
            cap
        });
        let self_gap = match self.get(SettingKey::SelfGap) {
            None => int(DEFAULT_SELF_GAP),
            Some((value, location)) => match value::parse_number(value).filter(|gap| *gap >= int(0)) {
                Some(gap) => gap,
                None => {
                    invalid(
                        location,
                        value.display(),
                        "自评偏差（不小于0的分数）",
                        "self gap (points ≥ 0)",
                        diagnostics,
                    );
                    int(DEFAULT_SELF_GAP)
                }
            },
        };
        let rectification_days = match self.get(SettingKey::RectificationDays) {
            None => DEFAULT_RECTIFICATION_DAYS,
            Some((value, location)) => {
                let days =
                    value::parse_number(value).filter(|d| d.is_integer() && *d >= int(0) && *d <= int(3650));
                match days.and_then(|d| d.to_integer().try_into().ok()) {
                    Some(days) => days,
                    None => {
                        invalid(location, value.display(), "天数", "number of days", diagnostics);
                        DEFAULT_RECTIFICATION_DAYS
                    }
                }
            }
        };
        let assessor = self
            .text(SettingKey::Assessor)
            .or_else(|| units.iter().find(|u| u.parent.is_none()).map(|u| u.name.clone()))
            .unwrap_or_default();
        let year = year?;
        if doc_date.is_none() && self.get(SettingKey::DocDate).is_none() {
            let shown = Settings::default_doc_date(year).format("%Y-%m-%d");
            diagnostics.note(
                None,
                text!(
                    "未设置成文日期：文书落款日期和整改期限按 {shown} 计；请在“设置”表填写“成文日期”",
                    "成文日期 (doc_date) is not set: the documents are dated {shown} and the rectification deadline counts from it; set it in the settings sheet"
                ),
            );
        }
        let settings = Settings {
            year,
            assessor: assessor.clone(),
            ideological_category,
            grades,
            doc_number: self.text(SettingKey::DocNumber),
            doc_date,
            top_quota,
            rectification_days,
            marking: self.text(SettingKey::Marking).unwrap_or_else(|| DEFAULT_MARKING.to_owned()),
            cc: self
                .text(SettingKey::Cc)
                .map(|cc| cc.trim().trim_end_matches(['。', '.']).to_owned())
                .filter(|cc| !cc.is_empty()),
            issued_by: self.text(SettingKey::IssuedBy).unwrap_or_else(|| assessor.clone()),
            bonus_cap,
            self_gap,
        };
        (diagnostics.errors().count() == errors_before).then_some(settings)
    }
}

/// `优秀:90;良好:80;合格:60;不合格:0` — thresholds strictly decreasing.
pub fn parse_grades(text: &str) -> Result<Vec<GradeBand>, crate::diagnostic::Text> {
    let normalized = normalize(text).replace('；', ";");
    let mut bands: Vec<GradeBand> = Vec::new();
    for part in normalized.split([';', ',', '，', '、']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, threshold)) = part.rsplit_once(':') else {
            return Err(text!(
                "等次“{part}”应写作“名称:分数线”",
                "grade band \"{part}\" should be written name:threshold"
            ));
        };
        let Some(threshold) = parse_decimal(threshold) else {
            return Err(text!(
                "等次“{part}”的分数线不是数值",
                "grade band \"{part}\" has no numeric threshold"
            ));
        };
        if let Some(previous) = bands.last()
            && threshold >= previous.threshold
        {
            let previous = &previous.name;
            return Err(text!(
                "等次分数线必须严格递减：“{part}”不低于“{previous}”",
                "grade thresholds must strictly decrease: \"{part}\" is not below \"{previous}\""
            ));
        }
        bands.push(GradeBand { name: name.trim().to_owned(), threshold });
    }
    if bands.is_empty() {
        return Err(text!("等次设置为空", "no grade bands given"));
    }
    Ok(bands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_parse_and_must_decrease() {
        let bands = parse_grades("优秀:90；良好：80;合格:60;不合格:0").unwrap();
        assert_eq!(bands.len(), 4);
        assert_eq!(bands[1].name, "良好");
        assert_eq!(bands[1].threshold, int(80));
        assert!(parse_grades("优秀:90;良好:95").is_err());
        assert!(parse_grades("优秀:90;良好:90").is_err());
        assert!(parse_grades("优秀").is_err());
    }
}
