//! The default criteria, weights and settings that encode the requirements of docs/简介.md, as data:
//! every indicator is one row of the 指标 sheet with each cell as text,
//! exactly as an evaluator would type it. `kaohe init`, the bundled sample
//! (`examples/make_sample.rs`) and the tests read these tables; nothing here
//! parses or validates them — that is [`crate::model::validate`]'s job.

use crate::input::schema::{CRITERIA_COLUMNS, Column, SettingKey, Shape, opt};

/// The ideological-work category (意识形态工作责任制), weighted on its own.
pub const IDEOLOGICAL: &str = "意识形态工作";
/// Example category: Party building.
pub const PARTY_BUILDING: &str = "党建工作";
/// Example category: the unit's own business work.
pub const BUSINESS: &str = "业务工作";
/// Example category holding only bonus indicators (it gets no weight).
pub const BONUS: &str = "加分项";

/// How example rows start their 评分标准, so users see what to replace.
pub const EXAMPLE_MARK: &str = "（示例，请按实际修改）";

/// One row of the 指标 sheet. Every field is a cell as typed; an empty
/// string is an empty cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultIndicator {
    /// The requirement (docs/简介.md) this row encodes; `None` for an example row.
    pub requirement: Option<u8>,
    pub code: &'static str,
    pub category: &'static str,
    pub name: &'static str,
    pub points: &'static str,
    pub rule: &'static str,
    pub activity: &'static str,
    pub required: &'static str,
    pub period: &'static str,
    pub unit_points: &'static str,
    pub deadline_hours: &'static str,
    pub filter: &'static str,
    pub applies_to: &'static str,
    pub standard: &'static str,
    /// 否决方式: empty, the default 最低等次, for a veto indicator.
    pub veto_mode: &'static str,
    /// 考核项目 and 项目分值: the item this row is a clause of.
    pub item: &'static str,
    pub item_points: &'static str,
    /// 分级: the column whose value picks the points per row.
    pub graded_by: &'static str,
    /// 截止 and 迟报扣分: when each period's activities are due.
    pub due: &'static str,
    pub late_points: &'static str,
}

const BLANK: DefaultIndicator = DefaultIndicator {
    requirement: None,
    code: "",
    category: "",
    name: "",
    points: "",
    rule: "",
    activity: "",
    required: "",
    period: "",
    unit_points: "",
    deadline_hours: "",
    filter: "",
    applies_to: "",
    standard: "",
    veto_mode: "",
    item: "",
    item_points: "",
    graded_by: "",
    due: "",
    late_points: "",
};

/// Committee duties (述职, 民主生活会, 中心组专题学习) are not a branch's.
const COMMITTEES: &str = "党委；党总支";

/// The 考核项目 that joins the special studies (requirement 1) and the work
/// plan (requirement 12) under one item's points, with a 前置 gate, as
/// published tables read (docs/计分.md, section 15).
pub const RESEARCH_AND_PLANNING: &str = "研究部署";

/// The default criteria, in the order of the 指标 sheet. 意识形态工作 encodes
/// requirements 1–13 of docs/简介.md (14 and 15 are rules, not indicators),
/// with two example rows no requirement asks for — the gate YS15 of 研究部署
/// and the 不得评优 veto YS16; the other categories are examples to replace.
pub const CRITERIA: &[DefaultIndicator] = &[
    DefaultIndicator {
        requirement: Some(1),
        code: "YS01",
        category: IDEOLOGICAL,
        name: "专题研究意识形态工作",
        points: "8",
        rule: "至少",
        activity: "专题研究",
        required: "2",
        period: "年",
        unit_points: "4",
        standard: "党组织每年至少专题研究意识形态工作2次，少1次扣4分",
        item: RESEARCH_AND_PLANNING,
        item_points: "13",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(12),
        code: "YS13",
        category: IDEOLOGICAL,
        name: "意识形态工作计划",
        rule: "至少",
        activity: "工作计划",
        required: "1",
        period: "年",
        unit_points: "5",
        due: "3月31日",
        late_points: "2",
        standard: "每年3月31日前制定意识形态工作计划和宣传思想工作要点，未制定扣5分，逾期制定扣2分",
        item: RESEARCH_AND_PLANNING,
        ..BLANK
    },
    DefaultIndicator {
        code: "YS15",
        category: IDEOLOGICAL,
        name: "明确意识形态工作责任分工",
        rule: "前置",
        activity: "责任分工",
        standard: "（示例，请按实际修改）年初未明确意识形态工作责任分工（印发年度责任清单）的，本项不得分。",
        item: RESEARCH_AND_PLANNING,
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(2),
        code: "YS02",
        category: IDEOLOGICAL,
        name: "意识形态和舆情综合分析",
        points: "6",
        rule: "至少",
        activity: "综合分析",
        required: "1",
        period: "年",
        unit_points: "6",
        standard: "每年至少开展1次意识形态和舆情综合分析，未开展扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(3),
        code: "YS03",
        category: IDEOLOGICAL,
        name: "党内通报意识形态情况",
        points: "8",
        rule: "至少",
        activity: "通报",
        required: "1",
        period: "半年",
        unit_points: "4",
        standard: "每半年在党内通报1次意识形态领域情况，每缺1次扣4分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(4),
        code: "YS04",
        category: IDEOLOGICAL,
        name: "意识形态领域形势分析",
        points: "12",
        rule: "至少",
        activity: "季度分析",
        required: "1",
        period: "季度",
        unit_points: "3",
        standard: "每季度至少分析研判1次意识形态领域形势，每缺1个季度扣3分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(5),
        code: "YS05",
        category: IDEOLOGICAL,
        name: "综合检查并上报结果",
        points: "10",
        rule: "至少",
        activity: "综合检查",
        required: "1",
        period: "半年",
        unit_points: "5",
        filter: "上报=是",
        standard: "每半年开展1次意识形态工作责任制落实情况综合检查，并向上级报告检查结果；每缺1次或未上报扣5分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(6),
        code: "YS06",
        category: IDEOLOGICAL,
        name: "专题督查",
        points: "6",
        rule: "至少",
        activity: "专题督查",
        required: "1",
        period: "年",
        unit_points: "6",
        filter: "材料!=",
        standard: "每年至少开展1次意识形态工作专题督查，结果在党内通报（以通报文件为佐证）；未开展或无佐证扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(7),
        code: "YS07",
        category: IDEOLOGICAL,
        name: "向局党委专题汇报",
        points: "10",
        rule: "至少",
        activity: "专题汇报",
        required: "1",
        period: "半年",
        unit_points: "5",
        due: "期末后10天",
        late_points: "2",
        standard: "每半年结束后10日内向局党委专题汇报1次意识形态工作（书面或当面），每缺1次扣5分，逾期汇报扣2分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(8),
        code: "YS08",
        category: IDEOLOGICAL,
        name: "述职报告意识形态工作",
        points: "6",
        rule: "至少",
        activity: "述职",
        required: "1",
        period: "年",
        unit_points: "6",
        applies_to: COMMITTEES,
        standard: "书记述职时专题报告意识形态工作责任制落实情况，每年不少于1次；未报告扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(8),
        code: "YS09",
        category: IDEOLOGICAL,
        name: "民主生活会对照检查",
        points: "6",
        rule: "至少",
        activity: "民主生活会",
        required: "1",
        period: "年",
        unit_points: "6",
        applies_to: COMMITTEES,
        standard: "民主生活会对照检查意识形态工作责任制落实情况，每年不少于1次；未开展扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(9),
        code: "YS10",
        category: IDEOLOGICAL,
        name: "中心组意识形态安全专题学习",
        points: "6",
        rule: "至少",
        activity: "中心组专题学习",
        required: "1",
        period: "年",
        unit_points: "6",
        applies_to: COMMITTEES,
        standard: "理论学习中心组每年至少开展1次意识形态安全专题学习，未开展扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(10),
        code: "YS11",
        category: IDEOLOGICAL,
        name: "主题宣讲",
        points: "5",
        rule: "至少",
        activity: "主题宣讲",
        required: "1",
        period: "年",
        unit_points: "5",
        standard: "每年至少配合县委宣传部开展1次主题宣讲，未开展扣5分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(11),
        code: "YS12",
        category: IDEOLOGICAL,
        name: "舆情第一时间处置",
        points: "12",
        rule: "时效",
        unit_points: "重大:6；较大:4；一般:2",
        graded_by: "级别",
        deadline_hours: "24",
        standard: "舆情事件须第一时间发现、研判、报送、处置，每个环节不超过24小时；超时或缺少环节的，一般舆情每起扣2分，较大舆情每起扣4分，重大舆情每起扣6分。",
        ..BLANK
    },
    DefaultIndicator {
        requirement: Some(13),
        code: "YS14",
        category: IDEOLOGICAL,
        name: "严重错误倾向",
        rule: "否决",
        activity: "严重错误倾向",
        standard: "意识形态领域出现严重错误倾向、造成不良影响的，实行一票否决。",
        ..BLANK
    },
    DefaultIndicator {
        code: "YS16",
        category: IDEOLOGICAL,
        name: "被上级通报批评",
        rule: "否决",
        activity: "通报批评",
        veto_mode: "不得评优",
        standard: "（示例，请按实际修改）因意识形态工作责任制落实不力被上级通报批评的，不得评为优秀等次。",
        ..BLANK
    },
    DefaultIndicator {
        code: "DJ01",
        category: PARTY_BUILDING,
        name: "讲党课",
        points: "20",
        rule: "至少",
        activity: "党课",
        required: "1",
        period: "季度",
        unit_points: "5",
        standard: "（示例，请按实际修改）每季度至少讲1次党课，每缺1次扣5分。",
        ..BLANK
    },
    DefaultIndicator {
        code: "DJ02",
        category: PARTY_BUILDING,
        name: "组织建设",
        points: "60",
        rule: "评分",
        standard: "（示例，请按实际修改）班子建设、党员教育管理、发展党员等情况，由考核组综合评定。",
        ..BLANK
    },
    DefaultIndicator {
        code: "DJ03",
        category: PARTY_BUILDING,
        name: "党员违纪",
        points: "20",
        rule: "扣分",
        activity: "违纪",
        unit_points: "10",
        standard: "（示例，请按实际修改）党员受到党纪处分的，每人次扣10分，扣完为止。",
        ..BLANK
    },
    DefaultIndicator {
        code: "YW01",
        category: BUSINESS,
        name: "年度业务目标",
        points: "60",
        rule: "评分",
        standard: "（示例，请按实际修改）年度业务目标完成情况，由考核组对照目标责任书评定。",
        ..BLANK
    },
    DefaultIndicator {
        code: "YW02",
        category: BUSINESS,
        name: "工作信息报送",
        points: "40",
        rule: "至少",
        activity: "信息报送",
        required: "1",
        period: "季度",
        unit_points: "10",
        standard: "（示例，请按实际修改）每季度至少报送1篇工作信息，每缺1篇扣10分。",
        ..BLANK
    },
    DefaultIndicator {
        code: "JF01",
        category: BONUS,
        name: "表彰奖励",
        points: "3",
        rule: "加分",
        activity: "表彰",
        unit_points: "1",
        standard: "（示例，请按实际修改）获县级及以上表彰的，每项加1分，最多加3分。",
        ..BLANK
    },
];

impl DefaultIndicator {
    /// The cell of the 指标 column whose English key is `key`.
    pub fn cell(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            "code" => self.code,
            "category" => self.category,
            "name" => self.name,
            "points" => self.points,
            "rule" => self.rule,
            "activity" => self.activity,
            "required" => self.required,
            "period" => self.period,
            "unit_points" => self.unit_points,
            "deadline_hours" => self.deadline_hours,
            "filter" => self.filter,
            "applies_to" => self.applies_to,
            "standard" => self.standard,
            "veto_mode" => self.veto_mode,
            "item" => self.item,
            "item_points" => self.item_points,
            "graded_by" => self.graded_by,
            "due" => self.due,
            "late_points" => self.late_points,
            _ => return None,
        })
    }

    /// The row's cells in the order of [`CRITERIA_COLUMNS`].
    pub fn cells(&self) -> Vec<&'static str> {
        CRITERIA_COLUMNS
            .iter()
            .map(|column| self.cell(column.en).expect("every 指标 column has a default cell"))
            .collect()
    }
}

/// Extra 活动 columns the default criteria rely on, after the schema's: 上报
/// (results reported upward, filtered on by YS05) and 形式 (书面/当面, how a
/// 专题汇报 was given). `条件` may only name a column some ledger has (YS06's
/// `材料!=` names the schema's own 材料).
pub const ACTIVITY_ATTRIBUTES: &[Column] = &[
    opt("上报", "reported", Shape::Boolean, "综合检查的结果是否已向上级报告（YS05 只计“是”的）", "是"),
    opt("形式", "form", Shape::Text, "专题汇报的形式：书面或当面", "书面"),
];

/// The default top-level assessment system: (类别, 权重 in percent). The
/// bonus-only category 加分项 gets no weight.
pub const WEIGHTS: &[(&str, &str)] = &[(IDEOLOGICAL, "30"), (PARTY_BUILDING, "40"), (BUSINESS, "30")];

/// Settings with a default value, in the order of the 设置 sheet (after 年度).
/// 加分上限 has none (no cap) and is not listed.
pub const SETTINGS: &[(SettingKey, &str)] = &[
    (SettingKey::IdeologicalCategory, IDEOLOGICAL),
    (SettingKey::Grades, "优秀:90;良好:80;合格:60;不合格:0"),
    (SettingKey::RectificationDays, "30"),
    (SettingKey::Marking, "内部资料"),
    (SettingKey::SelfGap, "5"),
];

/// The 设置 rows for `year`: (项目, 值) with 年度 first, then [`SETTINGS`].
pub fn settings_rows(year: i32) -> Vec<(&'static str, String)> {
    std::iter::once((SettingKey::Year.zh(), year.to_string()))
        .chain(SETTINGS.iter().map(|(key, value)| (key.zh(), (*value).to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::number::{Exact, int, parse_decimal};

    /// The rule keywords of docs/输入.md (Chinese | English).
    const RULE_KEYWORDS: [&str; 14] = [
        "至少",
        "min_count",
        "扣分",
        "deduct",
        "加分",
        "bonus",
        "时效",
        "timeliness",
        "否决",
        "veto",
        "评分",
        "manual",
        "前置",
        "gate",
    ];

    fn ideological() -> impl Iterator<Item = &'static DefaultIndicator> {
        CRITERIA.iter().filter(|indicator| indicator.category == IDEOLOGICAL)
    }

    fn find(code: &str) -> &'static DefaultIndicator {
        CRITERIA.iter().find(|indicator| indicator.code == code).expect(code)
    }

    fn clauses(item: &str) -> Vec<&'static str> {
        CRITERIA.iter().filter(|indicator| indicator.item == item).map(|indicator| indicator.code).collect()
    }

    #[test]
    fn every_indicator_is_a_complete_row() {
        let codes: BTreeSet<_> = CRITERIA.iter().map(|indicator| indicator.code).collect();
        assert_eq!(codes.len(), CRITERIA.len(), "codes are unique");
        for indicator in CRITERIA {
            assert!(RULE_KEYWORDS.contains(&indicator.rule), "{}: rule {}", indicator.code, indicator.rule);
            assert_eq!(indicator.cells().len(), CRITERIA_COLUMNS.len());
            assert!(!indicator.name.is_empty() && !indicator.standard.is_empty(), "{}", indicator.code);
            // An item's standard is its clauses' joined by `；`: only its last
            // clause ends the sentence.
            let last_clause =
                CRITERIA.iter().rev().find(|row| row.item == indicator.item).map(|row| row.code);
            let ends_sentence = indicator.item.is_empty() || last_clause == Some(indicator.code);
            assert_eq!(
                indicator.standard.ends_with('。'),
                ends_sentence,
                "{}: full-width punctuation",
                indicator.code
            );
            let needs_activity = !matches!(indicator.rule, "时效" | "评分");
            assert_eq!(!indicator.activity.is_empty(), needs_activity, "{}: 活动类型", indicator.code);
            let needs_unit_points = matches!(indicator.rule, "至少" | "扣分" | "加分" | "时效");
            assert_eq!(!indicator.unit_points.is_empty(), needs_unit_points, "{}: 单项分", indicator.code);
            // A clause of an item may leave 分值 empty (no cap of its own); a
            // veto or a gate has none.
            if matches!(indicator.rule, "否决" | "前置") {
                assert_eq!(indicator.points, "", "{}", indicator.code);
            } else if indicator.item.is_empty() || !indicator.points.is_empty() {
                assert!(parse_decimal(indicator.points).expect("分值 is a number") > int(0));
            }
            if !indicator.veto_mode.is_empty() {
                assert_eq!(indicator.rule, "否决", "{}: 否决方式 is a veto's", indicator.code);
            }
            assert_eq!(indicator.late_points.is_empty(), indicator.due.is_empty(), "{}", indicator.code);
        }
    }

    #[test]
    fn ideological_category_encodes_requirements_1_to_13() {
        let covered: BTreeSet<u8> = ideological().filter_map(|indicator| indicator.requirement).collect();
        assert_eq!(covered, (1..=13).collect());
        assert_eq!(find("YS01").required, "2");
        assert_eq!((find("YS03").period, find("YS04").period), ("半年", "季度"));
        assert_eq!((find("YS05").period, find("YS05").filter), ("半年", "上报=是"));
        assert_eq!(find("YS06").filter, "材料!=", "results briefed internally: a document is required");
        assert_eq!((find("YS07").period, find("YS07").due), ("半年", "期末后10天"));
        for committee_duty in ["YS08", "YS09", "YS10"] {
            assert_eq!(find(committee_duty).applies_to, "党委；党总支");
        }
        assert_eq!((find("YS12").rule, find("YS12").deadline_hours), ("时效", "24"));
        assert_eq!((find("YS12").graded_by, find("YS12").unit_points), ("级别", "重大:6；较大:4；一般:2"));
        assert_eq!((find("YS13").due, find("YS13").late_points), ("3月31日", "2"));
        assert_eq!(
            (find("YS14").rule, find("YS14").veto_mode),
            ("否决", ""),
            "requirement 13: the lowest band"
        );
        assert_eq!((find("YS16").rule, find("YS16").veto_mode), ("否决", "不得评优"));
        // An item counts once, with its 项目分值: 研究部署 13 (YS01 8 + YS13 5)
        // and the other rows' 分值 make 100.
        let plain: Exact = ideological()
            .filter(|indicator| indicator.item.is_empty())
            .filter_map(|indicator| parse_decimal(indicator.points))
            .sum();
        let items: Exact = ideological().filter_map(|indicator| parse_decimal(indicator.item_points)).sum();
        assert_eq!(plain + items, int(100), "a committee can earn 100 in the ideological category");
    }

    #[test]
    fn the_item_joins_studies_and_plan_behind_a_gate() {
        assert_eq!(clauses(RESEARCH_AND_PLANNING), ["YS01", "YS13", "YS15"]);
        let item_points: Vec<_> =
            clauses(RESEARCH_AND_PLANNING).iter().map(|code| find(code).item_points).collect();
        assert_eq!(item_points, ["13", "", ""], "项目分值 given once");
        assert_eq!((find("YS01").points, find("YS13").points), ("8", ""), "YS01 capped at its own 分值");
        assert_eq!(find("YS15").rule, "前置");
        let adjacent =
            CRITERIA.windows(3).any(|rows| rows.iter().all(|row| row.item == RESEARCH_AND_PLANNING));
        assert!(adjacent, "the clauses stand together, as in a published table");
    }

    #[test]
    fn examples_are_marked_and_cover_manual_deduct_bonus() {
        let examples: Vec<_> =
            CRITERIA.iter().filter(|indicator| indicator.category != IDEOLOGICAL).collect();
        assert!(examples.iter().all(|indicator| indicator.requirement.is_none()));
        for indicator in CRITERIA {
            let marked = indicator.standard.starts_with(EXAMPLE_MARK);
            assert_eq!(
                marked,
                indicator.requirement.is_none(),
                "{}: a row of no requirement is an example",
                indicator.code
            );
        }
        let rules: BTreeSet<_> = examples.iter().map(|indicator| indicator.rule).collect();
        assert!(rules.is_superset(&BTreeSet::from(["评分", "扣分", "加分"])));
    }

    #[test]
    fn filters_name_ledger_columns() {
        for indicator in CRITERIA.iter().filter(|indicator| !indicator.filter.is_empty()) {
            for condition in indicator.filter.split(';') {
                let (column, _) = condition.split_once('=').expect("column=value");
                let column = column.strip_suffix('!').unwrap_or(column);
                assert!(
                    ACTIVITY_ATTRIBUTES.iter().any(|attribute| attribute.zh == column) || column == "材料",
                    "{}: {column}",
                    indicator.code
                );
            }
        }
    }

    #[test]
    fn weights_cover_scored_categories_and_sum_to_100() {
        let total: Exact = WEIGHTS.iter().map(|(_, weight)| parse_decimal(weight).expect("weight")).sum();
        assert_eq!(total, int(100));
        let weighted: BTreeSet<_> = WEIGHTS.iter().map(|(category, _)| *category).collect();
        let scored: BTreeSet<_> = CRITERIA
            .iter()
            .filter(|indicator| !matches!(indicator.rule, "加分" | "否决" | "前置"))
            .map(|indicator| indicator.category)
            .collect();
        assert_eq!(weighted, scored, "bonus-only 加分项 has no weight");
    }

    #[test]
    fn settings_start_with_the_year() {
        let rows = settings_rows(2025);
        assert_eq!(rows[0], ("年度", "2025".to_string()));
        assert!(rows.contains(&("等次", "优秀:90;良好:80;合格:60;不合格:0".to_string())));
        assert!(rows.contains(&("意识形态类别", IDEOLOGICAL.to_string())));
        assert!(rows.contains(&("自评偏差", "5".to_string())), "the default of docs/输入.md");
        let keys: Vec<_> = rows.iter().map(|(key, _)| SettingKey::from_name(key)).collect();
        assert!(keys.iter().all(Option::is_some));
    }
}
