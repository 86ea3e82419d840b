//! The input vocabulary of docs/输入.md: sheet kinds and their columns, each with
//! its Chinese and English name. One place for every name a user may type.

/// The kinds of sheet kaohe reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Units,
    Criteria,
    Weights,
    Activities,
    Incidents,
    Scores,
    /// Each unit's self-assessment (自评), optional.
    SelfAssessment,
    Accountability,
    Settings,
}

/// A column of a sheet kind: its key (the English name) and Chinese name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

const fn req(zh: &'static str, en: &'static str) -> Column {
    Column { zh, en, required: true }
}

const fn opt(zh: &'static str, en: &'static str) -> Column {
    Column { zh, en, required: false }
}

pub const UNIT_COLUMNS: &[Column] = &[
    req("编号", "id"),
    req("名称", "name"),
    opt("上级编号", "parent"),
    opt("书记", "secretary"),
    opt("类型", "kind"),
    opt("参评", "assessed"),
];

pub const CRITERIA_COLUMNS: &[Column] = &[
    req("编号", "code"),
    req("类别", "category"),
    req("名称", "name"),
    // Required as a column; the cell may be empty for a veto indicator.
    req("分值", "points"),
    req("规则", "rule"),
    opt("活动类型", "activity"),
    opt("要求次数", "required"),
    opt("周期", "period"),
    opt("单项分", "unit_points"),
    opt("时限小时", "deadline_hours"),
    opt("条件", "filter"),
    opt("适用", "applies_to"),
    opt("评分标准", "standard"),
    opt("否决方式", "veto_mode"),
    opt("考核项目", "item"),
    opt("项目分值", "item_points"),
    opt("分级", "graded_by"),
    opt("截止", "due"),
    opt("迟报扣分", "late_points"),
];

pub const WEIGHT_COLUMNS: &[Column] =
    &[opt("单位编号", "unit"), req("类别", "category"), req("权重", "weight")];

pub const ACTIVITY_COLUMNS: &[Column] = &[
    req("单位编号", "unit"),
    req("日期", "date"),
    req("类型", "type"),
    opt("标题", "title"),
    opt("材料", "evidence"),
    opt("所属期", "for_period"),
];

pub const INCIDENT_COLUMNS: &[Column] = &[
    req("单位编号", "unit"),
    opt("事件", "title"),
    opt("级别", "level"),
    req("发生时间", "occurred"),
    opt("发现时间", "discovered"),
    opt("研判时间", "assessed"),
    opt("报送时间", "reported"),
    opt("处置时间", "handled"),
];

pub const SCORE_COLUMNS: &[Column] =
    &[req("单位编号", "unit"), req("指标编号", "code"), req("得分", "score"), opt("说明", "note")];

pub const SELF_COLUMNS: &[Column] =
    &[req("单位编号", "unit"), req("指标编号", "code"), req("自评分", "score"), opt("说明", "note")];

pub const ACCOUNTABILITY_COLUMNS: &[Column] = &[
    req("案件", "case"),
    req("单位编号", "unit"),
    opt("事项", "matter"),
    req("决策方式", "decision"),
    req("姓名", "person"),
    req("角色", "role"),
    opt("意见", "stance"),
];

pub const SETTING_COLUMNS: &[Column] = &[req("项目", "key"), req("值", "value")];

impl SheetKind {
    pub const ALL: [SheetKind; 9] = [
        SheetKind::Units,
        SheetKind::Criteria,
        SheetKind::Weights,
        SheetKind::Activities,
        SheetKind::Incidents,
        SheetKind::Scores,
        SheetKind::SelfAssessment,
        SheetKind::Accountability,
        SheetKind::Settings,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            SheetKind::Units => "单位",
            SheetKind::Criteria => "指标",
            SheetKind::Weights => "权重",
            SheetKind::Activities => "活动",
            SheetKind::Incidents => "舆情",
            SheetKind::Scores => "评分",
            SheetKind::SelfAssessment => "自评",
            SheetKind::Accountability => "问责",
            SheetKind::Settings => "设置",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            SheetKind::Units => "units",
            SheetKind::Criteria => "criteria",
            SheetKind::Weights => "weights",
            SheetKind::Activities => "activities",
            SheetKind::Incidents => "incidents",
            SheetKind::Scores => "scores",
            SheetKind::SelfAssessment => "self",
            SheetKind::Accountability => "accountability",
            SheetKind::Settings => "settings",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Units => UNIT_COLUMNS,
            SheetKind::Criteria => CRITERIA_COLUMNS,
            SheetKind::Weights => WEIGHT_COLUMNS,
            SheetKind::Activities => ACTIVITY_COLUMNS,
            SheetKind::Incidents => INCIDENT_COLUMNS,
            SheetKind::Scores => SCORE_COLUMNS,
            SheetKind::SelfAssessment => SELF_COLUMNS,
            SheetKind::Accountability => ACCOUNTABILITY_COLUMNS,
            SheetKind::Settings => SETTING_COLUMNS,
        }
    }

    /// The kind a sheet (or CSV file stem) name denotes: Chinese exactly,
    /// English case-insensitively, after normalisation.
    pub fn from_name(name: &str) -> Option<SheetKind> {
        let name = crate::text::normalize_keyword(name);
        SheetKind::ALL.into_iter().find(|kind| name == kind.zh() || name == kind.en())
    }

    /// Definition sheets: rows repeated identically across files count once.
    pub fn is_definition(self) -> bool {
        matches!(self, SheetKind::Units | SheetKind::Criteria | SheetKind::Weights | SheetKind::Settings)
    }
}

/// Setting keys of the 设置 sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SettingKey {
    Year,
    Assessor,
    IdeologicalCategory,
    Grades,
    DocNumber,
    DocDate,
    TopQuota,
    RectificationDays,
    Marking,
    Cc,
    IssuedBy,
    BonusCap,
    SelfGap,
}

impl SettingKey {
    pub const ALL: [(SettingKey, &'static str, &'static str); 14] = [
        (SettingKey::Year, "年度", "year"),
        (SettingKey::Assessor, "考核单位", "assessor"),
        (SettingKey::IdeologicalCategory, "意识形态类别", "ideological_category"),
        (SettingKey::Grades, "等次", "grades"),
        (SettingKey::DocNumber, "发文字号", "doc_number"),
        (SettingKey::DocDate, "成文日期", "doc_date"),
        (SettingKey::TopQuota, "优秀比例", "top_quota"),
        (SettingKey::RectificationDays, "整改期限", "rectification_days"),
        (SettingKey::Marking, "密级", "marking"),
        (SettingKey::Cc, "抄送", "cc"),
        (SettingKey::IssuedBy, "印发机关", "issued_by"),
        (SettingKey::BonusCap, "加分上限", "bonus_cap"),
        (SettingKey::SelfGap, "自评偏差", "self_gap"),
        // English readers write "ideological category" too.
        (SettingKey::IdeologicalCategory, "意识形态类别", "ideological category"),
    ];

    pub fn from_name(name: &str) -> Option<SettingKey> {
        let name = crate::text::normalize_keyword(name);
        let name = strip_bracketed_unit(&name);
        SettingKey::ALL.iter().find(|(_, zh, en)| name == *zh || name == *en).map(|(key, _, _)| *key)
    }

    pub fn zh(self) -> &'static str {
        SettingKey::ALL.iter().find(|(key, _, _)| *key == self).map(|e| e.1).unwrap_or("")
    }
}

/// `分值(分)` → `分值`, `权重(%)` → `权重`: a trailing unit in brackets is
/// ignored when matching a header. Expects normalised text (half-width brackets).
pub fn strip_bracketed_unit(name: &str) -> &str {
    if let Some(stripped) = name.strip_suffix(')')
        && let Some(open) = stripped.rfind('(')
    {
        let head = stripped[..open].trim_end();
        if !head.is_empty() {
            return head;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_in_both_languages() {
        assert_eq!(SheetKind::from_name("活动"), Some(SheetKind::Activities));
        assert_eq!(SheetKind::from_name(" Activities "), Some(SheetKind::Activities));
        assert_eq!(SheetKind::from_name("CRITERIA"), Some(SheetKind::Criteria));
        assert_eq!(SheetKind::from_name("第一党支部"), None);
        assert_eq!(SheetKind::from_name("自评"), Some(SheetKind::SelfAssessment));
        assert_eq!(SheetKind::from_name("Self"), Some(SheetKind::SelfAssessment));
    }

    #[test]
    fn bracketed_units_are_ignored() {
        assert_eq!(strip_bracketed_unit("分值(分)"), "分值");
        assert_eq!(strip_bracketed_unit("权重 (%)"), "权重");
        assert_eq!(strip_bracketed_unit("(x)"), "(x)");
        assert_eq!(SettingKey::from_name("整改期限（天）"), Some(SettingKey::RectificationDays));
    }
}
