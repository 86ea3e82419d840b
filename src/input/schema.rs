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

/// A column of a sheet kind: its key (the English name) and Chinese name,
/// and what `kaohe init`'s template tells about it (its 填写说明 row and
/// its header's note).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
    /// What the cell holds; the words a keyword column takes are the
    /// validator's own (listed by the template from there, not here).
    pub shape: Shape,
    /// What to write in it, in a sentence.
    pub about: &'static str,
    /// A value as a clerk would type it.
    pub example: &'static str,
}

/// What a column's cells hold, for the template's cell formats and
/// drop-down lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Text,
    Date,
    DateTime,
    Boolean,
    /// One of the words of a keyword vocabulary (规则, 周期, 角色, …).
    Keyword,
}

/// A required column.
pub const fn req(
    zh: &'static str,
    en: &'static str,
    shape: Shape,
    about: &'static str,
    example: &'static str,
) -> Column {
    Column { zh, en, required: true, shape, about, example }
}

/// An optional column.
pub const fn opt(
    zh: &'static str,
    en: &'static str,
    shape: Shape,
    about: &'static str,
    example: &'static str,
) -> Column {
    Column { zh, en, required: false, shape, about, example }
}

use Shape::{Boolean, Date, DateTime, Keyword, Text};

pub const UNIT_COLUMNS: &[Column] = &[
    req("编号", "id", Text, "单位的唯一编号，其他各表用它指代单位", "D01"),
    req("名称", "name", Text, "单位全称，不可重复；反馈函以此称呼单位", "第一党支部"),
    opt("上级编号", "parent", Text, "上级单位的编号；最上级（考核单位自身）留空", "JG"),
    opt("书记", "secretary", Text, "第一责任人姓名", "张三"),
    opt("类型", "kind", Text, "单位类型，如党委、党总支、党支部；指标的“适用”按它区分", "党支部"),
    opt("参评", "assessed", Boolean, "是否参加考核，留空为是；考核单位自身一般填否", "是"),
];

pub const CRITERIA_COLUMNS: &[Column] = &[
    req("编号", "code", Text, "指标的唯一编号", "YS01"),
    req("类别", "category", Text, "一级指标（类别）；权重按类别给出", "意识形态工作"),
    req("名称", "name", Text, "指标名称", "专题研究意识形态工作"),
    // Required as a column; the cell may be empty for a veto indicator.
    req("分值", "points", Text, "满分，大于0；否决、前置留空；考核项目内的条款可留空", "8"),
    req("规则", "rule", Keyword, "计分规则，见使用说明“考核细则”", "至少"),
    opt(
        "活动类型",
        "activity",
        Text,
        "计数的台账活动类型，与“活动”表的“类型”一致；至少、扣分、加分、否决、前置必填",
        "专题研究",
    ),
    opt("要求次数", "required", Text, "每个周期要求的次数，整数，默认1", "2"),
    opt("周期", "period", Keyword, "统计周期，默认年", "年"),
    opt(
        "单项分",
        "unit_points",
        Text,
        "每缺一次、每发生一次或每起超时扣（加）的分；有“分级”时写成“一般:2；较大:4”",
        "4",
    ),
    opt("时限小时", "deadline_hours", Text, "时效规则每个环节的时限（小时）", "24"),
    opt("条件", "filter", Text, "只计满足条件的台账行：列=值 或 列!=值，多个用;分隔", "上报=是"),
    opt(
        "适用",
        "applies_to",
        Text,
        "只适用于这些类型的单位，用、或；分隔；留空适用于全部单位",
        "党委；党总支",
    ),
    opt(
        "评分标准",
        "standard",
        Text,
        "评分标准原文，写进反馈函",
        "每年至少专题研究意识形态工作2次，少1次扣4分",
    ),
    opt("否决方式", "veto_mode", Keyword, "否决规则专用，留空为最低等次", "不得评优"),
    opt("考核项目", "item", Text, "本行所属的考核项目（二级指标）；同一项目的各行共用项目分值", "研究部署"),
    opt("项目分值", "item_points", Text, "考核项目的分值，在项目的任一行填写", "13"),
    opt("分级", "graded_by", Text, "按台账的哪一列分级计分，单项分随之写成分级表", "级别"),
    opt("截止", "due", Text, "至少规则专用：每期的完成期限，如“3月31日”“期末后10天”", "3月31日"),
    opt("迟报扣分", "late_points", Text, "有截止时，逾期完成每次扣的分，默认等于单项分", "2"),
];

pub const WEIGHT_COLUMNS: &[Column] = &[
    opt("单位编号", "unit", Text, "哪个单位的考核体系（用于其下级）；留空为本级的考核体系", "JG"),
    req("类别", "category", Text, "指标表中的类别；只有加分或否决指标的类别不填", "意识形态工作"),
    req("权重", "weight", Text, "百分比，同一考核体系合计100", "30"),
];

pub const ACTIVITY_COLUMNS: &[Column] = &[
    req("单位编号", "unit", Text, "开展活动的单位编号或名称", "D01"),
    req("日期", "date", Date, "活动日期", "2026-03-15"),
    req("类型", "type", Text, "活动类型，从“指标”表的活动类型中选", "专题研究"),
    opt("标题", "title", Text, "活动标题", "专题研究意识形态工作会议"),
    opt("材料", "evidence", Text, "佐证材料的文号或文件名", "机党发〔2026〕5号"),
    opt(
        "所属期",
        "for_period",
        Text,
        "事后补报以前周期时填写，如“2026年上半年”“2026年第二季度”；留空按日期所在周期",
        "2026年上半年",
    ),
];

pub const INCIDENT_COLUMNS: &[Column] = &[
    req("单位编号", "unit", Text, "发生舆情的单位编号或名称", "D01"),
    opt("事件", "title", Text, "舆情事件简述", "网络不实信息"),
    opt("级别", "level", Text, "一般、较大或重大，按指标的分级计分", "一般"),
    req("发生时间", "occurred", DateTime, "舆情发生的日期和时间", "2026-05-10 09:00"),
    opt("发现时间", "discovered", DateTime, "发现的日期和时间；留空为未发现", "2026-05-10 10:30"),
    opt("研判时间", "assessed", DateTime, "研判的日期和时间；留空为未研判", "2026-05-10 15:00"),
    opt("报送时间", "reported", DateTime, "报送的日期和时间；留空为未报送", "2026-05-11 08:00"),
    opt("处置时间", "handled", DateTime, "处置的日期和时间；留空为未处置", "2026-05-11 16:00"),
];

pub const SCORE_COLUMNS: &[Column] = &[
    req("单位编号", "unit", Text, "被评分单位的编号或名称", "D01"),
    req("指标编号", "code", Text, "“评分”规则指标的编号", "DJ02"),
    req("得分", "score", Text, "0到该指标分值之间", "55"),
    opt("说明", "note", Text, "扣分理由，写进反馈函", "发展党员程序不够规范"),
];

pub const SELF_COLUMNS: &[Column] = &[
    req("单位编号", "unit", Text, "自评单位的编号或名称", "D01"),
    req("指标编号", "code", Text, "指标编号，或考核项目名称（对整个项目自评）", "YS01"),
    req("自评分", "score", Text, "0到该指标（项目）分值之间", "8"),
    opt("说明", "note", Text, "单位自己的说明", "已按要求开展"),
];

pub const ACCOUNTABILITY_COLUMNS: &[Column] = &[
    req("案件", "case", Text, "案件编号；同一案件每名责任人一行", "2026-01"),
    req("单位编号", "unit", Text, "被问责单位的编号或名称", "D01"),
    opt("事项", "matter", Text, "问责事项", "舆情处置不及时"),
    req("决策方式", "decision", Keyword, "同一案件各行相同", "集体"),
    req("姓名", "person", Text, "责任人姓名", "李四"),
    req("角色", "role", Keyword, "责任人在决策中的角色", "主要负责人"),
    opt("意见", "stance", Keyword, "集体决策时的表态；反对者不承担责任；可留空", "赞成"),
];

pub const SETTING_COLUMNS: &[Column] = &[
    req("项目", "key", Text, "设置项的名称，每行一项", "考核单位"),
    req("值", "value", Text, "设置项的值；留空为不设置（取默认值）", "中共某某县某某局委员会"),
];

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

    /// What the sheet holds, for the template's 填写说明.
    pub fn about(self) -> &'static str {
        match self {
            SheetKind::Units => "参加考核的单位及上下级关系，每个单位一行",
            SheetKind::Criteria => "考核指标（考核细则），每条指标一行；标有“示例”的行请按实际修改",
            SheetKind::Weights => "各类别的权重（百分比），每个考核体系合计100",
            SheetKind::Activities => "台账：每开展一次活动记一行",
            SheetKind::Incidents => "舆情事件及其发现、研判、报送、处置时间，每起一行",
            SheetKind::Scores => "考核组给“评分”规则指标打的分，每个单位每条指标一行",
            SheetKind::SelfAssessment => "各单位的自评分（可选），每个单位每条指标一行",
            SheetKind::Accountability => "问责案件，每个案件每名责任人一行",
            SheetKind::Settings => "考核年度、考核单位、发文字号、成文日期等，每行一项",
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

/// Sheets that hold instructions for the person filling in the workbook
/// (docs/输入.md): never read as input, whatever their rows hold. The first
/// is the one `kaohe init` writes.
pub const INSTRUCTION_SHEETS: [&str; 3] = ["填写说明", "说明", "readme"];

/// Whether a sheet (or CSV file stem) name is one of [`INSTRUCTION_SHEETS`].
pub fn is_instructions(name: &str) -> bool {
    let name = crate::text::normalize_keyword(name);
    INSTRUCTION_SHEETS.contains(&name.as_str())
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

    /// What the setting does and its default, for the template.
    pub fn about(self) -> &'static str {
        match self {
            SettingKey::Year => "考核年度，必填（命令行的 --year 优先）",
            SettingKey::Assessor => {
                "考核单位，文书落款和通报的发文机关；不填时取“单位”表中没有上级的单位名称"
            }
            SettingKey::IdeologicalCategory => "意识形态工作责任制所在的类别，默认“意识形态工作”",
            SettingKey::Grades => "等次名称和分数线，从高到低",
            SettingKey::DocNumber => "通报的发文字号；不填时不印",
            SettingKey::DocDate => "文书的成文日期；不填时按考核年度次年1月1日，check 会提示",
            SettingKey::TopQuota => "第一等次最多占参评单位的百分比；不填为不限",
            SettingKey::RectificationDays => "反馈函给出的整改天数，默认30",
            SettingKey::Marking => "文书左上角的标注，默认“内部资料”",
            SettingKey::Cc => "通报版记的抄送机关；不填时不印抄送一行",
            SettingKey::IssuedBy => "版记的印发机关，默认为考核单位",
            SettingKey::BonusCap => "加分项合计最多加的分；不填为不限",
            SettingKey::SelfGap => "自评总分高出考核总分超过此分数的单位在通报中点名，默认5",
        }
    }

    /// A value as a clerk would type it.
    pub fn example(self) -> &'static str {
        match self {
            SettingKey::Year => "2026",
            SettingKey::Assessor => "中共某某县某某局委员会",
            SettingKey::IdeologicalCategory => "意识形态工作",
            SettingKey::Grades => "优秀:90;良好:80;合格:60;不合格:0",
            SettingKey::DocNumber => "某党发〔2027〕1号",
            SettingKey::DocDate => "2027-01-20",
            SettingKey::TopQuota => "20",
            SettingKey::RectificationDays => "30",
            SettingKey::Marking => "内部资料",
            SettingKey::Cc => "县委组织部，县委宣传部",
            SettingKey::IssuedBy => "中共某某县某某局委员会办公室",
            SettingKey::BonusCap => "5",
            SettingKey::SelfGap => "5",
        }
    }

    /// Every key once, in the order of the 设置 sheet.
    pub fn keys() -> impl Iterator<Item = SettingKey> {
        let mut seen = Vec::new();
        SettingKey::ALL.iter().map(|(key, _, _)| *key).filter(move |key| {
            let new = !seen.contains(key);
            seen.push(*key);
            new
        })
    }

    pub fn zh(self) -> &'static str {
        SettingKey::ALL.iter().find(|(key, _, _)| *key == self).map(|e| e.1).unwrap_or("")
    }

    pub fn en(self) -> &'static str {
        SettingKey::ALL.iter().find(|(key, _, _)| *key == self).map(|e| e.2).unwrap_or("")
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
        assert!(is_instructions("填写说明") && is_instructions(" README ") && is_instructions("说明"));
        assert!(!is_instructions("活动"));
    }

    #[test]
    fn bracketed_units_are_ignored() {
        assert_eq!(strip_bracketed_unit("分值(分)"), "分值");
        assert_eq!(strip_bracketed_unit("权重 (%)"), "权重");
        assert_eq!(strip_bracketed_unit("(x)"), "(x)");
        assert_eq!(SettingKey::from_name("整改期限（天）"), Some(SettingKey::RectificationDays));
    }
}
