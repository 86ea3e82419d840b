//! Renders a hand-built report (the engine is tested elsewhere) and reads
//! the produced packages back with a zip + XML read.

use chrono::{NaiveDate, NaiveDateTime};

use super::context::RectificationKind;
use super::xml::{Element, Part};
use super::*;
use crate::model::rules::{MinCount, Veto, VetoMode};
use crate::model::*;
use crate::number::int;
use crate::score::{CategoryResult, Finding, IndicatorResult, Report, Responsibility, UnitResult};

use crate::model::testing::{
    accountability, bonus, d, described, manual, min_count, settings, system, timeliness, veto,
};

/// Where the fixture's rows say they come from.
fn origin(row: u32) -> Origin {
    crate::model::testing::origin("指标", row)
}

/// A branch of U0, with a secretary.
fn unit(id: &str, name: &str) -> Unit {
    Unit {
        name: name.into(),
        secretary: "书记".into(),
        origin: origin(1),
        ..crate::model::testing::unit(id, "党支部", Some(0))
    }
}

pub(super) const TRICKY_NAME: &str = "第|三*支部_#1";

/// Three units (the second vetoed, the third named with Markdown
/// characters), two categories, deductions and one accountability case.
pub(super) fn fixture() -> (Model, Report) {
    let settings = Settings {
        assessor: "机关党委".into(),
        grades: vec![
            GradeBand { name: "优秀".into(), threshold: int(90) },
            GradeBand { name: "合格".into(), threshold: int(60) },
            GradeBand { name: "不合格".into(), threshold: int(0) },
        ],
        doc_number: Some("机党发〔2026〕3号".into()),
        doc_date: Some(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()),
        issued_by: "机关党委办公室".into(),
        ..settings()
    };
    let units = vec![
        Unit { parent: None, assessed: false, ..unit("U0", "机关党委") },
        unit("U1", "第一党支部"),
        unit("U2", "第二党支部"),
        unit("U3", TRICKY_NAME),
    ];
    let criteria = vec![
        described("A1", "党建工作", "三会一课", "20", min_count(""), "每季度至少召开1次支委会"),
        described("B1", "意识形态工作", "专题研究", "30", min_count(""), "每年至少专题研究2次，缺1次扣5分"),
        described("B2", "意识形态工作", "舆情处置", "20", timeliness("24"), "第一时间发现、研判、报送、处置"),
        described("B3", "意识形态工作", "严重错误倾向", "0", veto(""), "出现严重错误倾向的一票否决"),
        described("C1", "加分项", "经验推广", "5", bonus(""), "经验被上级推广的每次加1分"),
    ];
    let weights = system(None, &[("党建工作", "40"), ("意识形态工作", "60")]);
    let model = Model {
        settings,
        accountability: vec![AccountabilityRow {
            origin: origin(3),
            ..accountability("Q1", 2, "舆情处置不力")
        }],
        ..crate::model::testing::model(units, criteria, vec![WeightSystem { origin: origin(4), ..weights }])
    };

    let result = |indicator: usize, points: &str, score: &str, reason: &str, vetoed: bool| IndicatorResult {
        indicator,
        score: d(score),
        points: d(points),
        deduction: if model.criteria[indicator].rule.counts_in_category() {
            d(points) - d(score)
        } else {
            int(0)
        },
        reason: reason.into(),
        evidence: Vec::new(),
        vetoed,
        item: None,
        clauses: Vec::new(),
        self_score: None,
        self_note: String::new(),
    };
    let categories = |party: &str, ideology: &str| {
        vec![
            CategoryResult {
                category: "党建工作".into(),
                score: d(party),
                points: int(20),
                normalized: d(party) * int(5),
                weight: int(40),
            },
            CategoryResult {
                category: "意识形态工作".into(),
                score: d(ideology),
                points: int(50),
                normalized: d(ideology) * int(2),
                weight: int(60),
            },
        ]
    };
    let unit_result = |unit: usize, rank: u32, total: &str, grade: &str, veto: bool, indicators| UnitResult {
        unit,
        system: 0,
        rank,
        categories: categories("20", "45"),
        weighted: d(total),
        bonus: int(0),
        total: d(total),
        grade: grade.into(),
        veto,
        barred: false,
        indicators,
        self_total: None,
        self_gap: None,
    };
    let report = Report {
        units: vec![
            UnitResult {
                bonus: int(1),
                ..unit_result(
                    1,
                    1,
                    "95",
                    "优秀",
                    false,
                    vec![
                        result(0, "20", "20", "", false),
                        result(1, "30", "25", "全年缺1次，扣5分", false),
                        result(2, "20", "20", "", false),
                        result(3, "0", "0", "", false),
                        result(4, "5", "1", "经验被推广1次，加1分", false),
                    ],
                )
            },
            unit_result(
                3,
                2,
                "80.5",
                "合格",
                false,
                vec![
                    result(0, "20", "17.5", "第三季度缺1次，扣2.5分", false),
                    result(1, "30", "25", "全年缺1次，扣5分", false),
                    result(2, "20", "18", "网帖事件：研判超时（31小时），扣2分", false),
                    result(3, "0", "0", "", false),
                ],
            ),
            UnitResult {
                categories: categories("15", "30"),
                ..unit_result(
                    2,
                    3,
                    "81.00",
                    "不合格",
                    true,
                    vec![
                        result(0, "20", "15", "上半年缺1次，扣5分", false),
                        result(1, "30", "20", "全年缺2次，扣10分", false),
                        result(2, "20", "10", "网帖事件：处置缺失，扣10分", false),
                        result(3, "0", "0", "严重错误倾向1次", true),
                    ],
                )
            },
        ],
        findings: vec![Finding { row: 0, responsibility: Responsibility::Main }],
        incidents: Vec::new(),
    };
    (model, report)
}

fn created() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 20).unwrap().and_hms_opt(8, 30, 0).unwrap()
}

fn with_scored<T>(run: impl FnOnce(&Scored) -> T) -> T {
    let (model, report) = fixture();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    run(&scored)
}

/// A .docx file's bytes.
type Package = Vec<u8>;

/// Every letter, collected in rank order, and the volume.
fn letters_and_volume(
    scored: &Scored,
    templates: &Templates,
) -> Result<(Vec<Package>, Option<Package>), DocxError> {
    let letters = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let volume = feedback_letters(scored, templates, &|index, letter| {
        letters.lock().unwrap().insert(index, letter);
        Ok::<_, DocxError>(())
    })?;
    Ok((letters.into_inner().unwrap().into_values().collect(), volume))
}

/// The parts of a package, parsed.
fn part(bytes: &[u8], name: &str) -> Element {
    let parts = package::read_parts(bytes);
    let text = String::from_utf8(parts[name].clone()).unwrap();
    Part::parse(&text).unwrap().root
}

/// Parses every part of a package with the strict reader, those of an
/// embedded workbook too.
fn assert_every_part_parses(bytes: &[u8]) {
    for (name, content) in package::read_parts(bytes) {
        if name.ends_with(".xlsx") {
            assert_every_part_parses(&content);
            continue;
        }
        let text = String::from_utf8(content).unwrap_or_else(|error| panic!("{name}: {error}"));
        if let Err(error) = Part::parse(&text) {
            panic!("{name}: {error}");
        }
    }
}

/// The names of the children of each run of `paragraph`, in order.
fn run_children(paragraph: &Element) -> Vec<&str> {
    all(paragraph, "w:r")
        .into_iter()
        .flat_map(|run| run.elements().map(|child| child.name.as_str()))
        .filter(|name| *name != "w:rPr")
        .collect()
}

fn document_text(bytes: &[u8]) -> String {
    let body = part(bytes, "word/document.xml");
    let mut lines = Vec::new();
    collect_paragraphs(&body, &mut lines);
    lines.join("\n")
}

fn collect_paragraphs(element: &Element, lines: &mut Vec<String>) {
    if element.name == "w:p" {
        lines.push(element.text());
        return;
    }
    for child in element.elements() {
        collect_paragraphs(child, lines);
    }
}

fn find_all<'a>(element: &'a Element, name: &str, found: &mut Vec<&'a Element>) {
    if element.name == name {
        found.push(element);
    }
    for child in element.elements() {
        find_all(child, name, found);
    }
}

fn all<'a>(element: &'a Element, name: &str) -> Vec<&'a Element> {
    let mut found = Vec::new();
    find_all(element, name, &mut found);
    found
}

#[test]
fn letters_show_each_unit_in_rank_order() {
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    assert_eq!(letters.len(), 3);
    let first = document_text(&letters[0]);
    assert!(first.starts_with("内部资料\n关于第一党支部2025年度考核情况的反馈\n第一党支部："), "{first}");
    assert!(first.contains("考核总分95.00分"), "{first}");
    assert!(first.contains("排名第1位，考核等次为优秀。"), "{first}");
    assert!(first.contains("全年缺1次，扣5分"), "{first}");
    assert!(first.contains("每年至少专题研究2次，缺1次扣5分"), "{first}");
    assert!(first.contains("于2026年2月14日前将整改情况书面报送机关党委"), "{first}");
    assert!(first.ends_with("机关党委\n２０２６年１月１５日"), "{first}");
    assert!(first.contains("经验推广：经验被推广1次，加1分。"), "{first}");

    let tricky = document_text(&letters[1]);
    assert!(tricky.contains(&format!("{TRICKY_NAME}：")), "{tricky}");
    assert!(tricky.contains("第三季度缺1次，扣2.5分"), "{tricky}");
    assert!(tricky.contains("网帖事件：研判超时（31小时），扣2分"), "{tricky}");

    let vetoed = document_text(&letters[2]);
    assert!(vetoed.contains("考核等次为不合格"), "{vetoed}");
    assert!(vetoed.contains("一票否决事项（严重错误倾向），考核等次确定为不合格。"), "{vetoed}");
    assert!(vetoed.contains("张三"), "{vetoed}");
    assert!(vetoed.contains("主要领导责任"), "{vetoed}");
    assert!(!first.contains("张三"), "a finding only goes to its own unit");
}

#[test]
fn the_ideological_category_comes_first_and_deductions_merge_their_category() {
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    let document = part(&letters[1], "word/document.xml");
    let tables = all(&document, "w:tbl");
    let rows: Vec<Vec<String>> = all(tables[0], "w:tr")
        .iter()
        .map(|row| all(row, "w:tc").iter().map(|cell| cell.text()).collect())
        .collect();
    assert_eq!(rows[0], ["类别", "权重（%）", "得分"]);
    assert_eq!(rows[1], ["意识形态工作", "60", "90.00"]);
    assert_eq!(rows[2], ["党建工作", "40", "100.00"]);

    let deductions = all(tables[1], "w:tr");
    let categories: Vec<String> = deductions.iter().map(|row| all(row, "w:tc")[0].text()).collect();
    assert_eq!(categories, ["类别", "意识形态工作", "", "党建工作"]);
    let merge = |row: usize| {
        all(deductions[row], "w:vMerge").first().map(|m| m.attribute("w:val").map(str::to_owned))
    };
    assert_eq!(merge(1), Some(Some("restart".into())));
    assert_eq!(merge(2), Some(Some("continue".into())));
    assert_eq!(merge(3), None);
}

#[test]
fn a_manual_deduction_shows_exactly_beside_the_note_as_written() {
    let (mut model, mut report) = fixture();
    model.criteria.push(described("D1", "党建工作", "业务工作", "10", manual(), "按年度目标评分"));
    report.units[0].indicators.push(IndicatorResult {
        indicator: model.criteria.len() - 1,
        score: d("8.998"),
        points: d("10"),
        deduction: d("1.002"),
        reason: "全面完成年度业务目标。".into(),
        evidence: Vec::new(),
        vetoed: false,
        item: None,
        clauses: Vec::new(),
        self_score: None,
        self_note: String::new(),
    });
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let (letters, _) = letters_and_volume(&scored, &Templates::bundled()).unwrap();
    let document = part(&letters[0], "word/document.xml");
    let rows: Vec<Vec<String>> = all(all(&document, "w:tbl")[1], "w:tr")
        .iter()
        .map(|row| all(row, "w:tc").iter().map(|cell| cell.text()).collect())
        .collect();
    assert_eq!(rows[0][1..4], ["指标", "扣分", "扣分原因"]);
    assert_eq!(rows[2][1..], ["业务工作", "1.002", "全面完成年度业务目标。", "按年度目标评分"]);
    let text = document_text(&letters[0]);
    assert!(
        text.contains(
            "存在问题：经考核组评定扣1.002分，评分说明：全面完成年度业务目标。整改要求：对照“按年度目标评分”查找差距、补齐短板。"
        ),
        "{text}"
    );
}

#[test]
fn pages_follow_gbt_9704() {
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    let document = part(&letters[0], "word/document.xml");
    let size = &all(&document, "w:pgSz")[0];
    assert_eq!((size.attribute("w:w"), size.attribute("w:h")), (Some("11906"), Some("16838")));
    let margin = &all(&document, "w:pgMar")[0];
    let margins: Vec<Option<&str>> =
        ["w:top", "w:bottom", "w:left", "w:right"].iter().map(|side| margin.attribute(side)).collect();
    assert_eq!(margins, [Some("2098"), Some("1984"), Some("1587"), Some("1474")]);
    let grid = &all(&document, "w:docGrid")[0];
    assert_eq!(grid.attribute("w:linePitch"), Some("579"));

    for run in all(&document, "w:r") {
        let fonts = run.child("w:rPr").and_then(|properties| properties.child("w:rFonts"));
        assert!(
            fonts.and_then(|fonts| fonts.attribute("w:eastAsia")).is_some(),
            "run without eastAsia: {run:?}"
        );
    }
    let title = all(&document, "w:p").into_iter().find(|p| p.text().starts_with("关于")).unwrap();
    let title_fonts = &all(title, "w:rFonts")[0];
    assert_eq!(title_fonts.attribute("w:eastAsia"), Some("方正小标宋简体"));
    assert_eq!(all(title, "w:sz")[0].attribute("w:val"), Some("44"));
    assert_eq!(all(title, "w:jc")[0].attribute("w:val"), Some("center"));
    let body = all(&document, "w:p").into_iter().find(|p| p.text().starts_with("根据2025年度")).unwrap();
    let indent = &all(body, "w:ind")[0];
    assert_eq!(indent.attribute("w:firstLine"), Some("640"));
    assert_eq!(all(body, "w:rFonts")[0].attribute("w:eastAsia"), Some("仿宋_GB2312"));
    assert_eq!(all(body, "w:sz")[0].attribute("w:val"), Some("32"));
    let spacing = &all(body, "w:spacing")[0];
    assert_eq!((spacing.attribute("w:line"), spacing.attribute("w:lineRule")), (Some("579"), Some("exact")));
    let heading = all(&document, "w:p").into_iter().find(|p| p.text() == "一、考核结果").unwrap();
    assert_eq!(all(heading, "w:rFonts")[0].attribute("w:eastAsia"), Some("黑体"));
    let sub = all(&document, "w:p").into_iter().find(|p| p.text() == "（一）分类得分").unwrap();
    assert_eq!(all(sub, "w:rFonts")[0].attribute("w:eastAsia"), Some("楷体_GB2312"));

    let parts = package::read_parts(&letters[0]);
    let footers: Vec<&String> = parts.keys().filter(|name| name.starts_with("word/footer")).collect();
    assert_eq!(footers.len(), 3, "odd and even footers, and the 版记's without a number");
    let footers = &footers[..2];
    let alignments: Vec<String> = footers
        .iter()
        .map(|name| {
            let footer = part(&letters[0], name);
            assert_eq!(all(&footer, "w:instrText")[0].text().trim(), "PAGE");
            assert!(footer.text().starts_with("— ") && footer.text().ends_with(" —"));
            all(&footer, "w:jc")[0].attribute("w:val").unwrap().to_owned()
        })
        .collect();
    assert_eq!(alignments, ["right", "left"]);
    let settings = part(&letters[0], "word/settings.xml");
    assert_eq!(all(&settings, "w:evenAndOddHeaders").len(), 1);
}

#[test]
fn tables_repeat_their_header_and_keep_rows_whole() {
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    let document = part(&letters[2], "word/document.xml");
    for table in all(&document, "w:tbl") {
        let rows = all(table, "w:tr");
        assert_eq!(all(rows[0], "w:tblHeader").len(), 1);
        assert!(rows.iter().all(|row| all(row, "w:cantSplit").len() == 1));
        assert!(all(table, "w:tblBorders").len() == 1);
    }
}

#[test]
fn the_bulletin_ranks_everyone_and_names_no_one() {
    let bulletin = with_scored(|scored| bulletin(scored, &Templates::bundled()).unwrap());
    let text = document_text(&bulletin);
    assert!(
        text.starts_with("内部资料\n机关党委文件\n机党发〔2026〕3号\n关于2025年度考核结果的通报"),
        "{text}"
    );
    assert!(text.contains("本次考核共有3个单位参评，平均得分85.50分"), "{text}");
    assert!(text.contains("专题研究"), "the most common deduction: {text}");
    assert!(text.contains(TRICKY_NAME), "{text}");
    assert!(text.contains("80.50"), "{text}");
    assert!(!text.contains("张三"), "no accountability names in the bulletin");
    assert!(!text.contains("Q1"), "no accountability cases in the bulletin");
    assert!(text.ends_with("是\n\n机关党委办公室2026年1月15日印发"), "no 抄送 set: {text}");
    let document = part(&bulletin, "word/document.xml");
    let ranking = all(&document, "w:tbl").pop().unwrap();
    let rows: Vec<Vec<String>> = all(ranking, "w:tr")
        .iter()
        .map(|row| all(row, "w:tc").iter().map(|cell| cell.text()).collect())
        .collect();
    assert_eq!(rows[0], ["排名", "单位名称", "总分", "等次", "否决"]);
    assert_eq!(rows[2], ["2", TRICKY_NAME, "80.50", "合格", ""]);
    assert_eq!(rows[3], ["3", "第二党支部", "81.00", "不合格", "是"]);
}

#[test]
fn a_merged_ranking_fills_the_same_bulletin() {
    let (model, _) = fixture();
    let doc = DocInfo::new(&model.settings, 2);
    let row = |rank, org: &str, name: &str, total: &str, veto| RankingRow {
        rank,
        org: org.into(),
        id: format!("X{rank}"),
        name: name.into(),
        total: d(total),
        grade: if veto { "不合格".into() } else { "优秀".into() },
        veto,
    };
    let context = BulletinContext::new(
        doc,
        vec![row(1, "甲局", "一支部", "96", false), row(2, "乙局", "二支部", "70", true)],
        Vec::new(),
        Vec::new(),
    );
    let bytes = bulletin_from(&context, &Templates::bundled(), created()).unwrap();
    let text = document_text(&bytes);
    assert!(text.contains("报送单位") && text.contains("甲局") && text.contains("乙局"), "{text}");
    assert!(text.contains("平均得分83.00分"), "{text}");
    assert!(!text.contains("主要扣分事项"), "{text}");
}

/// The volume: a cover and a contents page, unnumbered, then each letter
/// in a section of its own starting on an odd page, page numbers running
/// on from the cover (restarted once, at the first page); the contents
/// lists every unit with a `PAGEREF` field to a bookmark at its letter's
/// title, fields the reader is asked to update.
#[test]
fn the_volume_has_a_cover_and_contents_and_starts_each_letter_on_an_odd_page() {
    let (letters, volume, doc) = with_scored(|scored| {
        let (letters, volume) = letters_and_volume(scored, &Templates::bundled()).unwrap();
        (letters, volume.unwrap(), doc_info(scored))
    });
    let document = part(&volume, "word/document.xml");
    let sections = all(&document, "w:sectPr");
    assert_eq!(sections.len(), letters.len() + 2, "cover, contents, one per letter");
    let kinds: Vec<Option<&str>> = sections
        .iter()
        .map(|section| all(section, "w:type").first().and_then(|kind| kind.attribute("w:val")))
        .collect();
    assert_eq!(kinds[0], None, "the cover is the first page");
    assert!(kinds[1..].iter().all(|kind| *kind == Some("oddPage")), "{kinds:?}");
    let restarts: Vec<(usize, Option<&str>)> = sections
        .iter()
        .enumerate()
        .flat_map(|(index, section)| {
            all(section, "w:pgNumType").into_iter().map(move |n| (index, n.attribute("w:start")))
        })
        .collect();
    assert_eq!(restarts, [(0, Some("1"))], "numbered from the cover on, restarted once");
    let footers = |section: &Element| -> Vec<String> {
        all(section, "w:footerReference").iter().map(|f| f.attribute("r:id").unwrap().to_owned()).collect()
    };
    for section in &sections[..2] {
        assert_eq!(footers(section), [layout::FOOTER_BLANK, layout::FOOTER_BLANK], "no page number");
    }
    for section in &sections[2..] {
        assert_eq!(footers(section), [layout::FOOTER_ODD, layout::FOOTER_EVEN]);
    }

    let text = document_text(&volume);
    let lines: Vec<&str> = text.lines().collect();
    let title = format!("{}年度考核情况反馈汇编", doc.year);
    assert_eq!(lines[..3], [title.as_str(), doc.assessor.as_str(), doc.date.as_str()], "the cover");
    assert_eq!(lines[3], "目　录");
    let names: Vec<String> = letters
        .iter()
        .map(|letter| {
            let text = document_text(letter);
            let addressee = text.lines().find(|line| line.ends_with('：')).unwrap().to_owned();
            addressee.trim_end_matches('：').to_owned()
        })
        .collect();
    let body = document.child("w:body").unwrap();
    let paragraphs: Vec<&Element> = body.elements().filter(|child| child.name == "w:p").collect();
    let mut pages = Vec::new();
    for (number, name) in (1..).zip(&names) {
        let line = paragraphs[3 + number];
        let bookmark = format!("_Letter{number}");
        let instruction: String = all(line, "w:instrText").iter().map(|i| i.text()).collect();
        assert_eq!(instruction, format!(" PAGEREF {bookmark} \\h "));
        assert_eq!(all(line, "w:fldChar")[0].attribute("w:dirty"), Some("true"));
        let shown: String = all(line, "w:t").iter().map(|t| t.text()).collect();
        let page: u32 = shown.strip_prefix(name.as_str()).unwrap().parse().unwrap();
        pages.push(page);
        let marked: Vec<&&Element> = paragraphs
            .iter()
            .filter(|p| all(p, "w:bookmarkStart").iter().any(|b| b.attribute("w:name") == Some(&bookmark)))
            .collect();
        assert_eq!(marked.len(), 1, "{bookmark}");
        assert!(
            marked[0].text().starts_with(&format!("关于{name}")),
            "{bookmark} at the title: {}",
            marked[0].text()
        );
    }
    assert_eq!(pages[0], 5, "cover and its back, contents and its back: {pages:?}");
    assert!(
        pages.windows(2).all(|pair| pair[0] < pair[1]) && pages.iter().all(|page| page % 2 == 1),
        "{pages:?}"
    );

    let settings = part(&volume, "word/settings.xml");
    assert_eq!(all(&settings, "w:updateFields")[0].attribute("w:val"), Some("true"));
    assert!(
        all(&part(&letters[0], "word/settings.xml"), "w:updateFields").is_empty(),
        "letters have no fields to update"
    );
    let letter_texts: Vec<String> = letters.iter().map(|letter| document_text(letter)).collect();
    let after_contents = lines[4 + letters.len()..].join("\n");
    assert_eq!(after_contents, letter_texts.join("\n"), "then the letters, in order, nothing else");
}

#[test]
fn same_inputs_give_the_same_bytes_and_small_letters() {
    let render = || {
        with_scored(|scored| {
            let templates = Templates::bundled();
            let (letters, volume) = letters_and_volume(scored, &templates).unwrap();
            (letters, bulletin(scored, &templates).unwrap(), volume)
        })
    };
    let first = render();
    assert!(first == render());
    for letter in &first.0 {
        assert!(letter.len() < 30 * 1024, "a letter is {} bytes", letter.len());
    }
    let core = part(&first.0[0], "docProps/core.xml");
    assert_eq!(all(&core, "dcterms:created")[0].text(), "2026-01-20T08:30:00Z");
}

#[test]
fn line_breaks_in_values_are_w_br_in_every_document() {
    let (mut model, mut report) = fixture();
    model.units[1].name = "第一\n党支部".into();
    model.settings.assessor = "机关\n党委".into();
    model.criteria[1].standard = "每年至少专题研究2次，\n缺1次扣5分".into();
    report.units[0].indicators[1].reason = "全年缺1次，\r\n扣5分".into();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let templates = Templates::bundled();
    let (letters, volume) = letters_and_volume(&scored, &templates).unwrap();
    let bulletin = bulletin(&scored, &templates).unwrap();
    for package in letters.iter().chain([volume.as_ref().unwrap(), &bulletin]) {
        assert_every_part_parses(package);
    }

    let document = part(&letters[0], "word/document.xml");
    let paragraph = |text: &str| all(&document, "w:p").into_iter().find(|p| p.text() == text).unwrap();
    assert_eq!(run_children(paragraph("第一党支部：")), ["w:t", "w:br", "w:t"]);
    assert_eq!(run_children(paragraph("机关党委")), ["w:t", "w:br", "w:t"], "the signature");
    let deductions = all(&document, "w:tbl")[1];
    let cells: Vec<&Element> = all(deductions, "w:tc");
    let reason = cells.iter().find(|cell| cell.text() == "全年缺1次，扣5分").unwrap();
    let standard = cells.iter().find(|cell| cell.text() == "每年至少专题研究2次，缺1次扣5分").unwrap();
    assert_eq!(all(reason, "w:br").len(), 1);
    assert_eq!(all(standard, "w:br").len(), 1);
    let ranking = document_text(&bulletin);
    assert!(ranking.contains("第一党支部"), "{ranking}");
}

#[test]
fn a_template_character_xml_forbids_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let template = "# 关于\u{B}反馈\u{1}\n\n<addressee/>{{ unit.name }}\u{C}：\n";
    std::fs::write(dir.path().join(templates::FEEDBACK), template).unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &templates).unwrap());
    assert_every_part_parses(&letters[0]);
    assert_eq!(document_text(&letters[0]), "关于反馈\n第一党支部：");
}

#[test]
fn a_template_typo_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(templates::FEEDBACK), "# 反馈\n\n<addressee/>{{ unit.nmae }}：\n")
        .unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let error = with_scored(|scored| letters_and_volume(scored, &templates).unwrap_err());
    let DocxError::Template(error) = error else { panic!("{error:?}") };
    assert_eq!(error.line, Some(3));
    assert!(error.file.ends_with("feedback.md"));
    assert!(error.message.zh.contains("unit.nmae"));
}

/// Writes the fixture's documents to `$KAOHE_DOCX_OUT` for the validator
/// and LibreOffice (not part of the normal run).
#[test]
#[ignore]
fn write_samples() {
    let out = std::path::PathBuf::from(std::env::var("KAOHE_DOCX_OUT").unwrap_or("/tmp/kaohe-docx".into()));
    std::fs::create_dir_all(&out).unwrap();
    with_scored(|scored| {
        let templates = Templates::bundled();
        let (letters, volume) = letters_and_volume(scored, &templates).unwrap();
        for (index, letter) in letters.iter().enumerate() {
            std::fs::write(out.join(format!("letter{}.docx", index + 1)), letter).unwrap();
        }
        std::fs::write(out.join("volume.docx"), volume.unwrap()).unwrap();
        std::fs::write(out.join("bulletin.docx"), bulletin(scored, &templates).unwrap()).unwrap();
    });
}

/// Every context field is documented in `templates/README.md`: object
/// fields by their full path (`unit.total`), list items' fields by name.
#[test]
fn the_readme_documents_every_variable() {
    fn paths(value: &serde_json::Value, prefix: &str, in_list: bool, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let path =
                        if in_list || prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    out.push(path.clone());
                    paths(child, &path, in_list, out);
                }
            }
            serde_json::Value::Array(items) => {
                if let Some(first) = items.first() {
                    paths(first, prefix, true, out);
                }
            }
            _ => {}
        }
    }
    let readme = include_str!("../../../templates/README.md");
    let (feedback, bulletin) = with_scored(|scored| {
        let doc = doc_info(scored);
        let feedback = FeedbackContext::new(scored, &doc, &scored.report.units[2]);
        (
            serde_json::to_value(feedback).unwrap(),
            serde_json::to_value(BulletinContext::from_scored(scored, doc)).unwrap(),
        )
    });
    let mut found = Vec::new();
    paths(&feedback, "", false, &mut found);
    paths(&bulletin, "", false, &mut found);
    let missing: Vec<&String> = found.iter().filter(|path| !readme.contains(&format!("`{path}`"))).collect();
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}

#[test]
fn without_a_doc_date_the_first_day_after_the_year_is_used() {
    let (mut model, _) = fixture();
    model.settings.doc_date = None;
    model.settings.rectification_days = 45;
    // Whatever time the files record (created(), SOURCE_DATE_EPOCH), the
    // documents are dated 1 January after the assessment year.
    let doc = DocInfo::new(&model.settings, 3);
    assert_eq!(model.settings.year, 2025);
    assert_eq!(doc.date, "2026年1月1日");
    assert_eq!(doc.deadline, "2026年2月15日");
    assert_eq!(context::chinese_date(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()), "2026年10月5日");
}

#[test]
fn the_merged_bulletin_is_issued_by_the_merging_organisation_with_the_defaults() {
    let created = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let unit = MergedUnit {
        submission: 0,
        id: "U1".into(),
        name: "甲党支部".into(),
        weighted: d("84"),
        bonus: d("2"),
        total: d("86"),
        grade: "良好".into(),
        veto: false,
        barred: false,
        rank: 1,
        categories: Vec::new(),
    };
    let ranking = MergedRanking {
        year: 2025,
        ideological_weight: None,
        submissions: Vec::new(),
        units: vec![unit],
        grades: vec!["优秀".into(), "良好".into()],
        created,
    };
    let doc = DocInfo::merged(&ranking, &signed_by("县委"));
    assert_eq!((doc.year, doc.assessor.as_str(), doc.unit_count), (2025, "县委", 1));
    assert_eq!((doc.date.as_str(), doc.deadline.as_str()), ("2026年1月20日", "2026年2月19日"));
    assert_eq!((doc.marking.as_str(), doc.doc_number.as_str()), ("内部资料", ""));
    assert_eq!((doc.cc.as_str(), doc.issued_by.as_str()), ("", "县委"));
    assert_eq!((doc.ideological_category.as_str(), doc.rectification_days), ("意识形态工作", 30));
    assert_eq!(doc.grades, ["优秀", "良好"]);
}

/// The fixture with self scores: 第一党支部 claims more than it got on B1
/// and C1 and the same on A1 (self total 101, gap 6 > 自评偏差 5);
/// the third unit's gap is 5, the second's 2.5: neither exceeds it.
fn self_assessed() -> (Model, Report) {
    let (mut model, mut report) = fixture();
    model.self_assessed = true;
    let first = &mut report.units[0];
    (first.self_total, first.self_gap) = (Some(d("101")), Some(d("6")));
    for (indicator, claimed) in [(0, "20"), (1, "30"), (4, "3")] {
        first.indicators[indicator].self_score = Some(d(claimed));
        first.indicators[indicator].self_note = "已按要求开展".into();
    }
    (report.units[1].self_total, report.units[1].self_gap) = (Some(d("83")), Some(d("2.5")));
    report.units[1].indicators[0].self_score = Some(d("15"));
    (report.units[2].self_total, report.units[2].self_gap) = (Some(d("86")), Some(d("5")));
    (model, report)
}

#[test]
fn a_letter_lists_each_indicator_scored_below_the_units_own_score() {
    let (model, report) = self_assessed();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let (letters, _) = letters_and_volume(&scored, &Templates::bundled()).unwrap();
    let paragraphs: Vec<String> = document_text(&letters[0]).lines().map(str::to_owned).collect();
    let at =
        paragraphs.iter().position(|p| p.starts_with("你单位自评总分")).expect("a self-assessment section");
    assert!(paragraphs[at - 1].ends_with("自评对照"), "{:?}", paragraphs[at - 1]);
    assert_eq!(
        paragraphs[at..at + 3],
        [
            "你单位自评总分101.00分，考核总分95.00分。以下指标的自评分高于考核得分：",
            "专题研究：自评30分，考核得分25分，原因：全年缺1次，扣5分。",
            "经验推广：自评3分，考核得分1分，原因：经验被推广1次，加1分。",
        ]
    );
    // A1 was claimed at what it got; the second unit claimed nothing above its scores.
    assert!(!paragraphs.iter().any(|p| p.starts_with("三会一课：自评")));
    assert!(!document_text(&letters[1]).contains("自评"));
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    assert!(letters.iter().all(|letter| !document_text(letter).contains("自评")));
}

#[test]
fn the_bulletin_names_the_units_whose_self_gap_exceeds_the_setting() {
    let (model, report) = self_assessed();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let bytes = bulletin(&scored, &Templates::bundled()).unwrap();
    let text = document_text(&bytes);
    assert!(
        text.contains("以下单位自评总分高于考核总分，且相差超过5分，请认真对照考核标准查找差距："),
        "{text}"
    );
    let document = part(&bytes, "word/document.xml");
    let rows: Vec<Vec<Vec<String>>> = all(&document, "w:tbl")
        .iter()
        .map(|table| {
            all(table, "w:tr").iter().map(|row| all(row, "w:tc").iter().map(|c| c.text()).collect()).collect()
        })
        .collect();
    let gaps = rows.iter().find(|table| table[0][0] == "单位名称").expect("the self gap table");
    assert_eq!(
        gaps,
        &[vec!["单位名称", "自评总分", "考核总分", "相差"], vec!["第一党支部", "101.00", "95.00", "6.00"]]
    );

    let plain = with_scored(|scored| bulletin(scored, &Templates::bundled()).unwrap());
    assert!(!document_text(&plain).contains("自评"));
}

/// The bulletin of the fixture with `change` made to its settings.
fn bulletin_with(change: impl FnOnce(&mut Settings)) -> Package {
    let (mut model, report) = fixture();
    change(&mut model.settings);
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    bulletin(&scored, &Templates::bundled()).unwrap()
}

/// The top-level paragraph whose text is `text`.
fn paragraph<'a>(document: &'a Element, text: &str) -> &'a Element {
    let body = document.child("w:body").unwrap();
    body.elements()
        .find(|p| p.name == "w:p" && p.text() == text)
        .unwrap_or_else(|| panic!("no paragraph {text}"))
}

/// A paragraph's left indent and alignment.
fn indent_and_alignment(paragraph: &Element) -> (Option<&str>, Option<&str>) {
    let properties = paragraph.child("w:pPr").unwrap();
    (
        properties.child("w:ind").and_then(|ind| ind.attribute("w:left")),
        properties.child("w:jc").and_then(|jc| jc.attribute("w:val")),
    )
}

#[test]
fn the_date_starts_two_characters_right_of_the_signature() {
    // Every character is one 3号 character at the body pitch, 315 twips; the
    // text area is 8845 twips wide. The date is written in full-width digits:
    // ２０２６年１月１５日 is 10 characters.
    let cases = [
        // 13 characters: the signature ends two characters from the right,
        // 8845 − 2 × 315 − 13 × 315 = 4120; the date starts 2 × 315 further.
        ("中共某某县某某局机关委员会", 4120, 4750),
        // 10 characters, × counted as one each: the date (10) is longer than
        // 10 − 2, so it stands two from the right, 8845 − 630 − 3150 = 5065,
        // and the signature starts two characters before it.
        ("中共××县××局委员会", 4435, 5065),
        // 4 characters: the same, the date decides.
        ("机关党委", 4435, 5065),
    ];
    for (assessor, signature, date) in cases {
        let bulletin = bulletin_with(|settings| settings.assessor = assessor.into());
        let document = part(&bulletin, "word/document.xml");
        let signature_paragraph = paragraph(&document, assessor);
        let signature_text = signature.to_string();
        assert_eq!(indent_and_alignment(signature_paragraph), (Some(signature_text.as_str()), Some("left")));
        let date_paragraph = paragraph(&document, "２０２６年１月１５日");
        let date_text = date.to_string();
        assert_eq!(indent_and_alignment(date_paragraph), (Some(date_text.as_str()), Some("left")));
        assert_eq!(date - signature, 630, "two characters");
        // A × is widened from its 180 twips in Times New Roman (named for
        // East-Asian text too) to a full character.
        let spacings: Vec<(String, Option<&str>)> = all(signature_paragraph, "w:r")
            .into_iter()
            .map(|run| {
                let spacing = all(run, "w:spacing").first().and_then(|spacing| spacing.attribute("w:val"));
                let font = all(run, "w:rFonts")[0].attribute("w:eastAsia").unwrap();
                assert_eq!(font, if run.text().contains('×') { "Times New Roman" } else { "仿宋_GB2312" });
                (run.text(), spacing)
            })
            .collect();
        if assessor.contains('×') {
            assert_eq!(
                spacings,
                [
                    ("中共".to_owned(), Some("-5")),
                    ("××".to_owned(), Some("135")),
                    ("县".to_owned(), Some("-5")),
                    ("××".to_owned(), Some("135")),
                    ("局委员会".to_owned(), Some("-5")),
                ]
            );
        } else {
            assert_eq!(spacings, [(assessor.to_owned(), Some("-5"))]);
        }
    }
    // The letters sign the same way.
    let (letters, _) = with_scored(|scored| letters_and_volume(scored, &Templates::bundled()).unwrap());
    let document = part(&letters[0], "word/document.xml");
    assert_eq!(indent_and_alignment(paragraph(&document, "机关党委")), (Some("4435"), Some("left")));
    assert_eq!(
        indent_and_alignment(paragraph(&document, "２０２６年１月１５日")),
        (Some("5065"), Some("left"))
    );
}

#[test]
fn the_imprint_is_a_section_of_its_own_at_the_foot_of_an_even_page_without_a_page_number() {
    let bulletin = bulletin_with(|settings| settings.cc = Some("各参评单位，局机关各部门".into()));
    assert_every_part_parses(&bulletin);
    let document = part(&bulletin, "word/document.xml");
    let body = document.child("w:body").unwrap();
    let children: Vec<&Element> = body.elements().collect();
    // The text's section ends in the paragraph after the ranking table.
    let text_end = children.iter().position(|child| !all(child, "w:sectPr").is_empty()).unwrap();
    assert_eq!(children[text_end - 1].name, "w:tbl");
    let text_section = &all(children[text_end], "w:sectPr")[0];
    let final_section = children.last().unwrap();
    assert_eq!(final_section.name, "w:sectPr");
    let names = |section: &Element| section.elements().map(|child| child.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(text_section),
        ["w:footerReference", "w:footerReference", "w:pgSz", "w:pgMar", "w:cols", "w:docGrid"]
    );
    assert_eq!(
        names(final_section),
        [
            "w:footerReference",
            "w:footerReference",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:cols",
            "w:vAlign",
            "w:docGrid"
        ]
    );
    assert_eq!(final_section.child("w:type").unwrap().attribute("w:val"), Some("evenPage"));
    assert_eq!(final_section.child("w:vAlign").unwrap().attribute("w:val"), Some("bottom"));
    let footers = |section: &Element| {
        all(section, "w:footerReference")
            .iter()
            .map(|reference| {
                (
                    reference.attribute("w:type").unwrap().to_owned(),
                    reference.attribute("r:id").unwrap().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        footers(text_section),
        [("default".to_owned(), "rIdFooterOdd".to_owned()), ("even".to_owned(), "rIdFooterEven".to_owned())]
    );
    assert_eq!(
        footers(final_section),
        [
            ("default".to_owned(), "rIdFooterBlank".to_owned()),
            ("even".to_owned(), "rIdFooterBlank".to_owned())
        ]
    );
    let relationships = part(&bulletin, "word/_rels/document.xml.rels");
    let blank = all(&relationships, "Relationship")
        .into_iter()
        .find(|relationship| relationship.attribute("Id") == Some("rIdFooterBlank"))
        .unwrap();
    assert_eq!(blank.attribute("Target"), Some("footer3.xml"));
    let footer = part(&bulletin, "word/footer3.xml");
    assert!(all(&footer, "w:instrText").is_empty() && all(&footer, "w:fldChar").is_empty(), "no PAGE field");
    assert_eq!(footer.text(), "");

    // Two 版记 lines after the section break, full width (no indent: the
    // rules span the 8845 twips), the parts placed by tab stops one 4号
    // character (280 twips) from each side; 1 pt (0.35 mm) rules outside,
    // ¾ pt (0.25 mm) between.
    let imprint = &children[text_end + 1..children.len() - 1];
    let texts: Vec<String> = imprint.iter().map(|p| p.text()).collect();
    assert_eq!(texts, ["抄送：各参评单位，局机关各部门。", "机关党委办公室2026年1月15日印发"]);
    let border = |p: &Element, side: &str| {
        all(p, "w:pBdr")
            .first()
            .and_then(|borders| borders.child(side))
            .and_then(|b| b.attribute("w:sz"))
            .map(str::to_owned)
    };
    assert_eq!(
        imprint.iter().map(|p| (border(p, "w:top"), border(p, "w:bottom"))).collect::<Vec<_>>(),
        [(Some("8".to_owned()), Some("6".to_owned())), (None, Some("8".to_owned()))]
    );
    for line in imprint {
        assert!(all(line, "w:ind").is_empty(), "an indent would shorten the rules");
        let tabs: Vec<(Option<&str>, Option<&str>)> = all(line, "w:tab")
            .iter()
            .filter(|tab| tab.attribute("w:val").is_some())
            .map(|tab| (tab.attribute("w:val"), tab.attribute("w:pos")))
            .collect();
        assert_eq!(tabs, [(Some("left"), Some("280")), (Some("right"), Some("8565"))]);
    }
    // The space above puts the last line on the last of the text area:
    // 12756 − 2 lines × 579 − rules (40 + 35 + 40) − 200 of room = 11283.
    let spacing = &all(imprint[0], "w:spacing")[0];
    assert_eq!(spacing.attribute("w:before"), Some("11283"));
    assert!(all(imprint[1], "w:spacing")[0].attribute("w:before").is_none());
}

#[test]
fn the_cc_line_is_left_out_when_not_set() {
    let bulletin = bulletin_with(|settings| settings.cc = None);
    let text = document_text(&bulletin);
    assert!(!text.contains("抄送"), "{text}");
    let document = part(&bulletin, "word/document.xml");
    let line = paragraph(&document, "机关党委办公室2026年1月15日印发");
    let borders = &all(line, "w:pBdr")[0];
    let size = |side: &str| borders.child(side).and_then(|border| border.attribute("w:sz"));
    assert_eq!((size("w:top"), size("w:bottom")), (Some("8"), Some("8")));
    // One line: 12756 − 579 − (40 + 40) − 200 = 11897.
    assert_eq!(all(line, "w:spacing")[0].attribute("w:before"), Some("11897"));
}

#[test]
fn the_annex_note_and_the_annex_title_stand_where_gbt_9704_puts_them() {
    let bulletin = bulletin_with(|_| {});
    let document = part(&bulletin, "word/document.xml");
    // One blank line (579 twips) before 附件说明 (§7.3.4).
    let note = paragraph(&document, "附件：2025年度考核排名表");
    assert_eq!(all(note, "w:spacing")[0].attribute("w:before"), Some("579"));
    // The 附件 label on the first line of its page, a blank line below it:
    // the annex title on the third line (§7.3.7).
    let label = paragraph(&document, "附件");
    assert_eq!(all(label, "w:pageBreakBefore").len(), 1);
    assert_eq!(all(label, "w:spacing")[0].attribute("w:after"), Some("579"));
    // The 密级 first, then the red mark with its top 35 mm (1984 twips)
    // below the text area's top: 1984 − the 密级's line 579 = 1405 above it,
    // its line exactly as high as its characters (36 pt, 720 twips).
    let body = document.child("w:body").unwrap();
    let first: Vec<String> = body.elements().take(2).map(Element::text).collect();
    assert_eq!(first, ["内部资料", "机关党委文件"]);
    let red_head = paragraph(&document, "机关党委文件");
    let spacing = &all(red_head, "w:spacing")[0];
    assert_eq!(
        (spacing.attribute("w:before"), spacing.attribute("w:line"), spacing.attribute("w:lineRule")),
        (Some("1405"), Some("720"), Some("exact"))
    );
}

/// One unit scored by the engine on an indicator of every rectification
/// kind: the reasons are the rules' own.
fn every_kind() -> (Model, Report) {
    use crate::model::rules::{Deduct, Gate};
    use crate::model::testing::{
        activity, condition, graded, incident, manual_score, one_unit, reporting, with_attribute, with_item,
    };
    const IDEOLOGY: &str = crate::model::testing::IDEOLOGY;
    let deduct =
        |activity: &str, points: &str| Deduct { activity: activity.into(), unit_points: d(points).into() };
    let mut model = one_unit(vec![
        described("V1", IDEOLOGY, "严重错误倾向", "0", veto("严重错误倾向"), ""),
        described(
            "A1",
            IDEOLOGY,
            "专题研究",
            "10",
            MinCount { required: 2, unit_points: d("2"), ..min_count("专题研究") },
            "每年至少专题研究2次",
        ),
        described(
            "A2",
            IDEOLOGY,
            "半年总结",
            "5",
            MinCount {
                period: Period::Half,
                due: Some(crate::model::rules::Due::AfterEnd { days: 15 }),
                ..min_count("半年总结")
            },
            "",
        ),
        described("A3", IDEOLOGY, "综合检查", "5", min_count("综合检查"), ""),
        described("D1", IDEOLOGY, "违纪", "10", deduct("违纪", "3"), ""),
        described(
            "D2",
            IDEOLOGY,
            "违规",
            "10",
            Deduct {
                activity: "违规".into(),
                unit_points: graded("severity", "严重程度", &[("较大", "3"), ("一般", "1")]),
            },
            "",
        ),
        described("T1", IDEOLOGY, "舆情处置", "5", timeliness("24"), ""),
        described("M1", IDEOLOGY, "台账管理", "10", manual(), "每季度报送工作台账。"),
        described("G1", IDEOLOGY, "工作专班", "0", Gate { activity: "工作专班".into() }, ""),
        described("G2", IDEOLOGY, "阵地违规", "0", deduct("阵地违规", "1"), ""),
        described("N1", IDEOLOGY, "违规发帖", "0", deduct("违规发帖", "1"), "发现违规发帖的每次扣1分。"),
        described("N2", IDEOLOGY, "巡查", "0", min_count("巡查"), ""),
    ]);
    model.criteria[3].filter = vec![condition("上报", Expected::Bool(true))];
    model.criteria[3].filter_text = "上报=是".into();
    with_item(&mut model, "阵地建设", "6", &[8, 9], &[9]);
    with_item(&mut model, "网络管理", "4", &[10, 11], &[10, 11]);
    model.activities = vec![
        activity(0, "2025-03-01", "严重错误倾向", 2),
        activity(0, "2025-04-01", "专题研究", 3),
        reporting(activity(0, "2025-07-20", "半年总结", 4), "2025H1"),
        activity(0, "2025-12-20", "半年总结", 5),
        activity(0, "2025-05-01", "综合检查", 6),
        activity(0, "2025-06-01", "违纪", 7),
        with_attribute(activity(0, "2025-06-02", "违规", 8), "severity", "较大"),
        with_attribute(activity(0, "2025-06-03", "违规", 9), "severity", "一般"),
        activity(0, "2025-02-01", "违规发帖", 10),
    ];
    model.incidents = vec![incident(
        0,
        "网帖事件",
        "2025-03-01 08:00",
        ["2025-03-01 09:00", "2025-03-02 16:00", "2025-03-02 17:00", "2025-03-02 18:00"],
        2,
    )];
    model.manual_scores = vec![manual_score(0, 7, "8", "材料不全")];
    let report = crate::score::score(&model);
    (model, report)
}

/// The paragraphs of the letter's 整改要求 after each heading, keyed by the heading.
fn rectification_paragraphs(text: &str) -> Vec<(String, String)> {
    let start = text.find("三、整改要求").or_else(|| text.find("整改要求\n")).expect("a 整改要求 section");
    let lines: Vec<&str> = text[start..].lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[0].starts_with('（') && pair[1].starts_with("存在问题："))
        .map(|pair| (pair[0].split_once('）').unwrap().1.to_owned(), pair[1].to_owned()))
        .collect()
}

#[test]
fn each_rule_kind_has_its_own_rectification_sentence() {
    let (model, report) = every_kind();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let doc = doc_info(&scored);
    let context = FeedbackContext::new(&scored, &doc, &report.units[0]);
    let kinds: Vec<(&str, RectificationKind)> =
        context.unit.rectifications.iter().map(|r| (r.code.as_str(), r.kind)).collect();
    use RectificationKind::*;
    assert_eq!(
        kinds,
        [
            ("V1", Veto),
            ("A1", Shortfall),
            ("A2", Late),
            ("A3", Evidence),
            ("D1", Deduct),
            ("D2", Graded),
            ("T1", Incident),
            ("M1", Manual),
            ("阵地建设", Gate),
            ("N1", Clause),
            ("N2", Clause),
        ]
    );
    let (letters, _) = letters_and_volume(&scored, &Templates::bundled()).unwrap();
    let text = document_text(&letters[0]);
    // Found by the rules: A1 1 of 2 → 2 points; A2's first-half report on 7月20日
    // after its due 6月30日 + 15 days; A3's only row lacks 上报=是; D2 较大 3 + 一般 1;
    // T1 研判 31 h after 发现 (09:00 → next day 16:00); M1 10 − 8; the item 阵地建设
    // lacks its 工作专班; 网络管理 loses 1 on each clause.
    let expected = [
        (
            "严重错误倾向",
            "存在问题：发生严重错误倾向1次，按规定一票否决。整改要求：深入剖析严重错误倾向问题产生的原因，严肃追究相关人员责任，举一反三堵塞漏洞，坚决杜绝此类问题再次发生。",
        ),
        (
            "专题研究",
            "存在问题：专题研究全年缺1次，未达到全年至少2次的要求，扣2分。整改要求：对照全年至少2次的要求补齐专题研究，今后按期完成并及时归档相关材料。",
        ),
        (
            "半年总结",
            "存在问题：半年总结上半年迟报1次（7月20日，截止7月15日），扣1分。整改要求：严格按照截止时间（期末后15天）报送半年总结，建立报送提醒机制，杜绝迟报。",
        ),
        (
            "综合检查",
            "存在问题：综合检查全年缺1次，另有1条记录不符合“上报=是”的要求，未计入考核，扣1分。整改要求：对未计入的1条记录逐条补齐“上报=是”所要求的内容，今后按要求规范填报台账。",
        ),
        (
            "违纪",
            "存在问题：发生违纪1次，扣3分。整改要求：逐项查明违纪问题的原因，落实整改措施，防止问题反复发生。",
        ),
        (
            "违规",
            "存在问题：发生违规较大1次、一般1次（按严重程度分级扣分），扣4分。整改要求：按问题等级逐项整改，等级较高的问题要专题研究、限期销号，防止问题反复发生。",
        ),
        (
            "舆情处置",
            "存在问题：网帖事件：研判超时（31小时）；1起舆情处置环节超过24小时时限，扣1分。整改要求：严格落实舆情发现、研判、报送、处置各环节24小时时限要求，完善舆情处置台账，做到每个环节有记录、可追溯。",
        ),
        (
            "台账管理",
            "存在问题：经考核组评定扣2分，评分说明：材料不全。整改要求：对照“每季度报送工作台账”查找差距、补齐短板。",
        ),
        (
            "阵地建设",
            "存在问题：未开展“工作专班”，“阵地建设”一项不得分。整改要求：尽快开展工作专班，夯实本项工作的前提和基础。",
        ),
        (
            "网络管理：违规发帖",
            "存在问题：违规发帖1次，扣1分。整改要求：对照“发现违规发帖的每次扣1分”逐项整改。",
        ),
        ("网络管理：巡查", "存在问题：全年缺1次，扣1分。整改要求：按指标要求逐项整改。"),
    ];
    let found = rectification_paragraphs(&text);
    let found: Vec<(&str, &str)> = found.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(found, expected, "{text}");
    // The veto is named once, with its type and count.
    assert!(text.contains("你单位存在一票否决事项（严重错误倾向1次），考核等次确定为不合格。"), "{text}");
    assert!(!text.contains("严重错误倾向：存在严重错误倾向"), "{text}");
}

#[test]
fn a_veto_named_apart_from_its_type_keeps_both_and_a_top_band_bar_says_so() {
    let (mut model, _) = every_kind();
    model.criteria[0].name = "意识形态底线".into();
    model.criteria[0].rule = Veto { activity: "严重错误倾向".into(), mode: VetoMode::NoTopBand }.into();
    let report = crate::score::score(&model);
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let doc = doc_info(&scored);
    let unit = FeedbackContext::new(&scored, &doc, &report.units[0]).unit;
    assert_eq!(unit.veto_reasons, ["意识形态底线（严重错误倾向1次）"]);
    let veto = &unit.rectifications[0];
    assert_eq!((veto.kind, veto.consequence.as_str(), veto.count), (RectificationKind::Veto, "不得评优", 1));
}

#[test]
fn accountability_rows_merge_their_case_and_order_persons_by_responsibility() {
    let (mut model, mut report) = fixture();
    let person = |case: &str, matter: &str, name: &str, row: u32| AccountabilityRow {
        person: name.into(),
        origin: origin(row),
        ..accountability(case, 2, matter)
    };
    model.accountability = vec![
        person("Q2025-0012", "舆情处置不力", "李四", 3),
        person("Q2025-0012", "舆情处置不力", "张三", 4),
        person("Q2025-0013", "台账造假", "王五", 5),
        person("Q2025-0012", "舆情处置不力", "赵六", 6),
    ];
    report.findings = vec![
        Finding { row: 0, responsibility: Responsibility::None },
        Finding { row: 1, responsibility: Responsibility::Main },
        Finding { row: 2, responsibility: Responsibility::Individual },
        Finding { row: 3, responsibility: Responsibility::Important },
    ];
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let (letters, _) = letters_and_volume(&scored, &Templates::bundled()).unwrap();
    let document = part(&letters[2], "word/document.xml");
    let table = all(&document, "w:tbl").pop().unwrap();
    let rows = all(table, "w:tr");
    let cells = |row: &Element| all(row, "w:tc").iter().map(|cell| cell.text()).collect::<Vec<_>>();
    // Case Q2025-0012 first (its first row comes first): 张三 主要, 赵六 重要, 李四 不承担.
    let names: Vec<String> = rows[1..].iter().map(|row| cells(row)[3].clone()).collect();
    assert_eq!(names, ["张三", "赵六", "李四", "王五"]);
    let firsts: Vec<[String; 2]> =
        rows[1..].iter().map(|row| [cells(row)[0].clone(), cells(row)[1].clone()]).collect();
    let blank = || [String::new(), String::new()];
    assert_eq!(
        firsts,
        [
            ["Q2025-0012".into(), "舆情处置不力".into()],
            blank(),
            blank(),
            ["Q2025-0013".into(), "台账造假".into()]
        ]
    );
    let merge = |row: &Element, column: usize| {
        all(all(row, "w:tc")[column], "w:vMerge")
            .first()
            .and_then(|m| m.attribute("w:val").map(str::to_owned))
    };
    let merges: Vec<[Option<String>; 2]> =
        rows[1..].iter().map(|row| [merge(row, 0), merge(row, 1)]).collect();
    let (restart, cont) = (Some("restart".to_owned()), Some("continue".to_owned()));
    assert_eq!(
        merges,
        [[restart.clone(), restart], [cont.clone(), cont.clone()], [cont.clone(), cont], [None, None]]
    );
    // The case number fits its column unbroken: 10 Latin characters, a
    // capital ¾ and the rest ½ of a 4号 character (0.75 + 9 × 0.5 = 5.25,
    // rounded up to 6), 7 with the character of padding.
    let grid: Vec<i32> = all(table, "w:gridCol")
        .iter()
        .map(|column| column.attribute("w:w").unwrap().parse().unwrap())
        .collect();
    assert!(grid[0] >= 7 * 280, "{grid:?}");
}

#[test]
fn the_bulletin_prints_shares_one_way_and_ranks_rule_deductions_first_by_category() {
    let (mut model, mut report) = fixture();
    // A 评分 indicator every unit lost a point on: it would top a table
    // counted by units alone.
    model.criteria.push(described("D1", "党建工作", "组织建设", "10", manual(), "综合评定"));
    for unit in &mut report.units {
        unit.indicators.push(IndicatorResult {
            indicator: model.criteria.len() - 1,
            score: d("9"),
            points: d("10"),
            deduction: d("1"),
            reason: "班子团结".into(),
            evidence: Vec::new(),
            vetoed: false,
            item: None,
            clauses: Vec::new(),
            self_score: None,
            self_note: String::new(),
        });
    }
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let context = BulletinContext::from_scored(&scored, doc_info(&scored));
    // 1 of 3 units in each grade: 33.333…% → 33.3%.
    let shares: Vec<&str> = context.grades.iter().map(|grade| grade.share.as_str()).collect();
    assert_eq!(shares, ["33.3%", "33.3%", "33.3%"]);
    // B1 cost 3 units (5 + 5 + 10), B2 2 units 12 points, A1 2 units 7.5, then the 评分 D1 (3 units).
    let ranked: Vec<(&str, usize, &str)> = context
        .common_deductions
        .iter()
        .map(|row| (row.code.as_str(), row.units, row.points.as_str()))
        .collect();
    assert_eq!(ranked, [("B1", 3, "20"), ("B2", 2, "12"), ("A1", 2, "7.5"), ("D1", 3, "3")]);

    let bulletin = bulletin(&scored, &Templates::bundled()).unwrap();
    let document = part(&bulletin, "word/document.xml");
    let tables = all(&document, "w:tbl");
    let cells = |row: &&Element| all(row, "w:tc").iter().map(|cell| cell.text()).collect::<Vec<_>>();
    let grades: Vec<Vec<String>> = all(tables[0], "w:tr").iter().map(cells).collect();
    assert_eq!(grades[0], ["等次", "单位数", "占比"]);
    assert_eq!(grades[1], ["优秀", "1", "33.3%"]);
    // The grade table keeps together, but not with the chart below it: every row but the last
    // keeps with the next.
    let rows = all(tables[0], "w:tr");
    let kept: Vec<bool> = rows.iter().map(|row| !all(row, "w:keepNext").is_empty()).collect();
    assert_eq!(kept, [true, true, true, false]);

    let deductions = all(tables[2], "w:tr");
    let rows: Vec<Vec<String>> = deductions.iter().map(cells).collect();
    assert_eq!(
        rows[1..],
        [
            vec!["意识形态工作", "专题研究", "3", "20"],
            vec!["", "舆情处置", "2", "12"],
            vec!["党建工作", "三会一课", "2", "7.5"],
            vec!["", "组织建设", "3", "3"],
        ]
    );
    let merges: Vec<Option<String>> = deductions[1..]
        .iter()
        .map(|row| {
            all(all(row, "w:tc")[0], "w:vMerge").first().and_then(|m| m.attribute("w:val").map(str::to_owned))
        })
        .collect();
    let (restart, cont) = (Some("restart".to_owned()), Some("continue".to_owned()));
    assert_eq!(merges, [restart.clone(), cont.clone(), restart, cont]);
}

#[test]
fn letter_columns_are_sized_by_content() {
    let (mut model, report) = fixture();
    model.criteria[1].standard =
        "每年至少专题研究2次，研究意识形态领域形势、部署重点任务，每缺1次扣5分，扣完为止。".into();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let (letters, _) = letters_and_volume(&scored, &Templates::bundled()).unwrap();
    let document = part(&letters[2], "word/document.xml");
    let table = all(&document, "w:tbl")[1];
    assert_eq!(
        all(all(table, "w:tr")[0], "w:tc").iter().map(|c| c.text()).collect::<Vec<_>>()[4],
        "评分标准"
    );
    let grid: Vec<i32> = all(table, "w:gridCol")
        .iter()
        .map(|column| column.attribute("w:w").unwrap().parse().unwrap())
        .collect();
    let (category, indicator, points, reason, standard) = (grid[0], grid[1], grid[2], grid[3], grid[4]);
    // 扣分 holds `10` and its two-character header: 3 characters of 280 twips.
    assert_eq!(points, 3 * 280, "{grid:?}");
    assert!(reason > 2 * points && standard > 2 * points, "{grid:?}");
    assert!(standard > reason && standard > category && standard > indicator, "{grid:?}");
    assert_eq!(grid.iter().sum::<i32>(), layout::TEXT_WIDTH);
    // The longest standard (41 characters) wraps to at most 4 lines: at
    // least 11 characters of room, 12 with padding (the old sizing gave it
    // 8 characters of room: 6 lines).
    assert!(standard >= 12 * 280, "{grid:?}");
}

/// The element a relationship of `part`'s relationships part names: its
/// target, resolved against `folder` (the part's folder).
fn relationship_target(bytes: &[u8], relationships: &str, id: &str, folder: &str) -> String {
    let rels = part(bytes, relationships);
    let relationship = rels.elements().find(|rel| rel.attribute("Id") == Some(id)).unwrap();
    let mut path: Vec<&str> = folder.split('/').filter(|step| !step.is_empty()).collect();
    for step in relationship.attribute("Target").unwrap().split('/') {
        match step {
            ".." => {
                path.pop();
            }
            step => path.push(step),
        }
    }
    path.join("/")
}

/// A chart part's title, series name, cached labels and cached values,
/// and the formulas they come from.
struct ChartCache {
    title: String,
    series: String,
    labels: Vec<String>,
    values: Vec<String>,
    formulas: Vec<String>,
}

fn chart_cache(chart: &Element) -> ChartCache {
    let points =
        |element: &Element| all(element, "c:pt").iter().map(|point| point.text()).collect::<Vec<_>>();
    ChartCache {
        title: all(chart, "c:title")[0].text(),
        series: all(all(chart, "c:tx")[1], "c:v")[0].text(),
        labels: points(all(chart, "c:strCache")[1]),
        values: points(all(chart, "c:numCache")[0]),
        formulas: all(chart, "c:f").iter().map(|formula| formula.text()).collect(),
    }
}

/// The cells of an embedded workbook's one sheet, as text.
fn workbook_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("Sheet1").unwrap();
    range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

/// The charts of `bulletin` in document order: each drawing's chart part
/// (through the document's relationships), checked to be declared in
/// `[Content_Types].xml`, with its cache and its embedded workbook's cells
/// (through the chart's relationships).
fn charts(bulletin: &[u8]) -> Vec<(String, ChartCache, Vec<Vec<String>>)> {
    let parts = package::read_parts(bulletin);
    let types = part(bulletin, "[Content_Types].xml");
    let declared = |name: &str| {
        types.elements().any(|entry| {
            entry.attribute("PartName") == Some(&format!("/{name}"))
                && entry.attribute("ContentType")
                    == Some("application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
        })
    };
    let xlsx_declared = types.elements().any(|entry| {
        entry.attribute("Extension") == Some("xlsx")
            && entry.attribute("ContentType")
                == Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    });
    let document = part(bulletin, "word/document.xml");
    all(&document, "c:chart")
        .into_iter()
        .map(|reference| {
            let id = reference.attribute("r:id").unwrap();
            let name = relationship_target(bulletin, "word/_rels/document.xml.rels", id, "word");
            assert!(declared(&name), "{name} has no content type");
            let chart = part(bulletin, &name);
            let external = all(&chart, "c:externalData")[0].attribute("r:id").unwrap().to_owned();
            let file = name.rsplit('/').next().unwrap();
            let relationships = format!("word/charts/_rels/{file}.rels");
            let workbook = relationship_target(bulletin, &relationships, &external, "word/charts");
            assert!(xlsx_declared && workbook.ends_with(".xlsx"), "{workbook}");
            (name, chart_cache(&chart), workbook_cells(&parts[&workbook]))
        })
        .collect()
}

#[test]
fn the_bulletin_charts_units_per_grade_and_the_average_category_score() {
    let (model, mut report) = fixture();
    // 第一党支部 and the unit ranked second both 优秀, no 合格, one 不合格.
    report.units[1].grade = "优秀".into();
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let bulletin = bulletin(&scored, &Templates::bundled()).unwrap();
    assert_every_part_parses(&bulletin);

    let charts = charts(&bulletin);
    assert_eq!(charts.len(), 2);
    let (name, grades, workbook) = &charts[0];
    assert_eq!(name, "word/charts/chart1.xml");
    assert_eq!((grades.title.as_str(), grades.series.as_str()), ("各等次单位数", "单位数"));
    assert_eq!(grades.labels, ["优秀", "合格", "不合格"]);
    assert_eq!(grades.values, ["2", "0", "1"]);
    assert_eq!(grades.formulas, ["Sheet1!$B$1", "Sheet1!$A$2:$A$4", "Sheet1!$B$2:$B$4"]);
    assert_eq!(workbook, &[["等次", "单位数"], ["优秀", "2"], ["合格", "0"], ["不合格", "1"]]);

    // N_c: 100, 100, 75 in 党建工作; 90, 90, 60 in 意识形态工作, which comes first.
    let (name, categories, workbook) = &charts[1];
    assert_eq!(name, "word/charts/chart2.xml");
    assert_eq!((categories.title.as_str(), categories.series.as_str()), ("各类别平均得分", "平均得分"));
    assert_eq!(categories.labels, ["意识形态工作", "党建工作"]);
    assert_eq!(categories.values, ["80.00", "91.67"]);
    assert_eq!(workbook, &[["类别", "平均得分"], ["意识形态工作", "80"], ["党建工作", "91.67"]]);

    // The workbook is dated with the run, as every part is (same input, same bytes).
    let embedded = &package::read_parts(&bulletin)["word/embeddings/Microsoft_Excel_Worksheet2.xlsx"];
    let core = part(embedded, "docProps/core.xml");
    assert_eq!(all(&core, "dcterms:created")[0].text(), "2026-01-20T08:30:00Z");

    let chart = part(&bulletin, "word/charts/chart2.xml");
    let east_asian = |element: &str| {
        all(all(&chart, element)[0], "a:ea")
            .iter()
            .map(|ea| ea.attribute("typeface").unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(east_asian("c:title"), ["黑体", "黑体"]);
    assert_eq!(east_asian("c:catAx"), ["仿宋_GB2312"]);
    let sizes: Vec<&str> =
        all(&chart, "a:defRPr").iter().map(|properties| properties.attribute("sz").unwrap()).collect();
    assert_eq!(sizes, ["1400", "1200", "1200", "1200", "1200"]);
    let scaling = all(&chart, "c:scaling")[1];
    assert_eq!(scaling.child("c:max").unwrap().attribute("val"), Some("100"));

    // Each chart as wide as the text (156 mm) and 7.15 cm high, below its table.
    let document = part(&bulletin, "word/document.xml");
    for extent in all(&document, "wp:extent") {
        assert_eq!((extent.attribute("cx"), extent.attribute("cy")), (Some("5616575"), Some("2573655")));
    }
    let ids: Vec<&str> = all(&document, "wp:docPr").iter().map(|pr| pr.attribute("id").unwrap()).collect();
    assert_eq!(ids, ["1", "2"]);
    let body = document.child("w:body").unwrap();
    let blocks: Vec<&Element> = body.elements().collect();
    let after_table = |table: usize| {
        let at = blocks.iter().enumerate().filter(|(_, block)| block.name == "w:tbl").nth(table).unwrap().0;
        all(blocks[at + 1], "c:chart").first().and_then(|chart| chart.attribute("r:id")).map(str::to_owned)
    };
    assert_eq!(after_table(0).as_deref(), Some("rIdChart1"));
    assert_eq!(after_table(1).as_deref(), Some("rIdChart2"));
    let overview = all(blocks[blocks.iter().position(|b| b.name == "w:tbl").unwrap() + 2], "w:t");
    assert_eq!(overview.iter().map(|t| t.text()).collect::<String>(), "三、分类得分情况");
    // The heading, the sentence leading into the table, the table and the chart stay on one page.
    let lead = paragraph(&document, "各类别平均得分（百分制）如下：");
    assert_eq!(all(lead, "w:keepNext").len(), 1);
}

#[test]
fn a_template_places_the_charts_it_names_and_letters_hold_none() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(templates::BULLETIN), "# 通报\n\n<categorychart/>\n").unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let one_chart = with_scored(|scored| bulletin(scored, &templates).unwrap());
    assert_every_part_parses(&one_chart);
    let charts = charts(&one_chart);
    assert_eq!(charts.len(), 1);
    assert_eq!(charts[0].0, "word/charts/chart1.xml");
    assert_eq!(charts[0].1.title, "各类别平均得分", "the default title");
    assert_eq!(charts[0].1.values, ["80.00", "91.67"]);
    let parts = package::read_parts(&one_chart);
    assert!(!parts.contains_key("word/charts/chart2.xml"));

    std::fs::write(dir.path().join(templates::BULLETIN), "# 通报\n\n正文。\n").unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let plain = with_scored(|scored| bulletin(scored, &templates).unwrap());
    let parts = package::read_parts(&plain);
    assert!(parts.keys().all(|name| !name.contains("chart") && !name.ends_with(".xlsx")), "{parts:?}");
    let types = String::from_utf8(parts["[Content_Types].xml"].clone()).unwrap();
    assert!(!types.contains("chart") && !types.contains("xlsx"), "{types}");

    std::fs::write(dir.path().join(templates::FEEDBACK), "# 反馈\n\n<gradechart/>等次\n").unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let error = with_scored(|scored| letters_and_volume(scored, &templates).unwrap_err());
    let DocxError::Template(error) = error else { panic!("{error:?}") };
    assert_eq!(error.file, dir.path().join(templates::FEEDBACK).display().to_string());
    assert!(error.message.zh.contains("只能用在通报中"), "{:?}", error.message);
}

#[test]
fn the_merged_bulletin_averages_each_category_over_the_units_scored_in_it() {
    let created = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let submission = |assessor: &str| Submission {
        file: format!("{assessor}.xlsx").into(),
        sha256: String::new(),
        assessor: assessor.into(),
        grades: vec!["优秀".into(), "良好".into()],
        created: None,
    };
    let unit = |submission, rank, id: &str, grade: &str, categories: &[(&str, &str)]| MergedUnit {
        submission,
        id: id.into(),
        name: format!("{id}支部"),
        weighted: d("80"),
        bonus: int(0),
        total: d("80"),
        grade: grade.into(),
        veto: false,
        barred: false,
        rank,
        categories: categories.iter().map(|(name, score)| ((*name).to_owned(), d(score))).collect(),
    };
    // The second system has no 党建工作 but a 业务工作 of its own.
    let ranking = MergedRanking {
        year: 2025,
        ideological_weight: None,
        submissions: vec![submission("甲局"), submission("乙局")],
        units: vec![
            unit(1, 1, "B1", "优秀", &[("意识形态工作", "70"), ("业务工作", "60")]),
            unit(0, 2, "A1", "良好", &[("意识形态工作", "90"), ("党建工作", "80")]),
            unit(0, 3, "A2", "良好", &[("意识形态工作", "95.5"), ("党建工作", "85")]),
        ],
        grades: vec!["优秀".into(), "良好".into()],
        created,
    };
    let bulletin = merged_bulletin(&ranking, &signed_by("县委"), &Templates::bundled()).unwrap();
    assert_every_part_parses(&bulletin);
    let charts = charts(&bulletin);
    assert_eq!(charts[0].1.labels, ["优秀", "良好"]);
    assert_eq!(charts[0].1.values, ["1", "2"]);
    assert_eq!(charts[1].1.labels, ["意识形态工作", "党建工作", "业务工作"]);
    assert_eq!(charts[1].1.values, ["85.17", "82.50", "60.00"]);
    let text = document_text(&bulletin);
    assert!(text.contains("意识形态工作\n3\n85.17\n党建工作\n2\n82.50\n业务工作\n1\n60.00"), "{text}");
}

#[test]
fn the_bulletin_counts_grade_moves_and_lists_the_largest_rises_with_ties_at_the_fifth() {
    use crate::model::previous::{PreviousUnit, PreviousYear};
    use crate::model::testing::{IDEOLOGY, indicator, manual_score, model};
    // Seven units marked 90, 85 … 60 on one manual indicator: totals as marked.
    let units = (1..=7).map(|n| crate::model::testing::unit(&format!("U{n}"), "党支部", None)).collect();
    let mut model = model(
        units,
        vec![indicator("A1", IDEOLOGY, manual(), "100")],
        vec![system(None, &[(IDEOLOGY, "100")])],
    );
    let now = ["90", "85", "80", "75", "70", "65", "60"];
    model.manual_scores =
        now.iter().enumerate().map(|(unit, score)| manual_score(unit, 0, score, "")).collect();
    // Last year: rises of 2, 5, 4, 3, 2, 2 and a fall of 1; U1 and U3 rose
    // a band, U7 fell one, U6's grade is none of this year's bands.
    let last = [
        ("88", "良好"),
        ("80", "良好"),
        ("76", "合格"),
        ("72", "合格"),
        ("68", "合格"),
        ("63", "中等"),
        ("61", "良好"),
    ];
    let previous: Vec<PreviousUnit> = last
        .iter()
        .enumerate()
        .map(|(index, (total, grade))| PreviousUnit {
            id: format!("U{}", index + 1),
            name: String::new(),
            total: d(total),
            rank: index as u32 + 1,
            grade: (*grade).into(),
            submitter: None,
            location: crate::diagnostic::Location::file("2024.xlsx".into()),
        })
        .collect();
    model.previous = Some(PreviousYear { year: 2024, units: previous, matched: (0..7).map(Some).collect() });
    let report = crate::score::score(&model);
    let scored = Scored { model: &model, report: &report, warnings: &[], created: created() };
    let summary = BulletinContext::from_scored(&scored, doc_info(&scored)).previous.unwrap();
    assert_eq!((summary.year, summary.rose, summary.fell), (2024, 2, 1));
    let risers: Vec<(&str, &str)> =
        summary.risers.iter().map(|row| (row.id.as_str(), row.change.as_str())).collect();
    // The fifth largest rise is 2: all three units that rose 2 are listed, U7 (a fall) is not.
    assert_eq!(risers, [("U2", "5"), ("U3", "4"), ("U4", "3"), ("U1", "2"), ("U5", "2"), ("U6", "2")]);
    let text = part(&bulletin(&scored, &Templates::bundled()).unwrap(), "word/document.xml").text();
    assert!(
        text.contains("与2024年度相比，2个单位等次上升，1个单位等次下降。总分提高最多的单位："),
        "{text}"
    );
}

/// A merged bulletin issued by `assessor`, without a 发文字号 or 成文日期.
fn signed_by(assessor: &str) -> crate::render::MergedIssue<'_> {
    crate::render::MergedIssue { assessor, doc_number: None, doc_date: None }
}

/// A heading or paragraph leading into a short table keeps with it; one
/// leading into a long table does not, so it never leaves a page holding
/// only itself — the one rule for short tables, that also keeps their rows
/// together.
#[test]
fn what_leads_into_a_table_keeps_with_it_only_when_the_table_is_short() {
    let table = |rows: usize| {
        let mut text = String::from("| 类别 | 指标 |\n|---|---|\n");
        for row in 0..rows {
            text.push_str(&format!("| 党建工作 | 指标{row} |\n"));
        }
        text
    };
    let text = format!("## 短表\n\n{}\n## 长表\n\n引导语：\n\n{}", table(3), table(20));
    let body = layout::body(&markdown::parse(&text));
    let keeps = |text: &str| {
        let at = body.xml.find(text).unwrap();
        let start = body.xml[..at].rfind("<w:p>").unwrap();
        body.xml[start..at].contains("<w:keepNext/>")
    };
    assert!(keeps("短表"), "a heading keeps with a short table");
    assert!(keeps("长表"), "a heading keeps with the paragraph after it");
    assert!(!keeps("引导语："), "a paragraph does not keep with a long table");
    assert!(keeps("指标0"), "a short table's rows keep together");
    assert!(!keeps("指标10"), "a long table's rows do not");
}
