//! `kaohe merge` (docs/命令.md): combine the score workbooks submitted by
//! lower-level organisations. Each is read ([`crate::input::submission`])
//! and verified ([`crate::model::validate::submissions`]) on every core, then all
//! their units are ranked on one scale; [`crate::render::xlsx::merged_workbook`]
//! and [`crate::render::docx::merged_bulletin`] render the result.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDateTime;
use rayon::prelude::*;

use crate::diagnostic::Diagnostics;
use crate::input::submission::read_submission_named;
use crate::model::MergedRanking;
use crate::model::validate::submissions::validate_submissions;
use crate::number::Exact;

/// Reads, verifies and ranks the workbooks at `paths`, each named by its
/// path as given; P is `ideological_weight`, `source_date` the creation
/// time to record when set. Any error means no ranking.
pub fn merge(
    paths: &[PathBuf],
    ideological_weight: Option<Exact>,
    source_date: Option<NaiveDateTime>,
) -> (Option<MergedRanking>, Diagnostics) {
    // Every submission is called 考核得分表.xlsx: name it by its path as given.
    let named: Vec<(&Path, Arc<str>)> =
        paths.iter().map(|path| (path.as_path(), path.display().to_string().into())).collect();
    merge_named(&named, ideological_weight, source_date)
}

/// [`merge`] of workbooks each shown (in messages and 说明) by the name
/// beside its path: the page's logical names (`kaohe serve`).
pub fn merge_named(
    workbooks: &[(&Path, Arc<str>)],
    ideological_weight: Option<Exact>,
    source_date: Option<NaiveDateTime>,
) -> (Option<MergedRanking>, Diagnostics) {
    let read = workbooks.par_iter().map(|(path, name)| read_submission_named(path, name.clone()));
    validate_submissions(read, ideological_weight, source_date)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::path::Path;

    use calamine::{Data, DataType, Reader, Xlsx};

    use super::*;
    use crate::diagnostic::Lang;
    use crate::input::submission::cell_text;
    use crate::number::{format_fixed, format_trimmed};
    use crate::render::docx::BulletinContext;
    use crate::render::xlsx::fixture::{self, COUNTY, TOWN, Variant, d};
    use crate::render::xlsx::{merged_workbook, workbook};
    use crate::render::{MergedIssue, Scored};

    fn submit(dir: &Path, name: &str, variant: &Variant) -> PathBuf {
        submit_model(dir, name, fixture::model(variant))
    }

    fn submit_model(dir: &Path, name: &str, model: crate::model::Model) -> PathBuf {
        let report = fixture::report(&model);
        let scored = Scored { model: &model, report: &report, warnings: &[], created: fixture::created() };
        let path = dir.join(name);
        std::fs::write(&path, workbook(&scored).unwrap()).unwrap();
        path
    }

    /// Headlines with the submissions' folder left out (files are named by
    /// their path as given).
    fn headlines(dir: &Path, diagnostics: Diagnostics) -> Vec<String> {
        let folder = format!("{}/", dir.display());
        diagnostics.iter().map(|diagnostic| diagnostic.headline(Lang::Zh).replace(&folder, "")).collect()
    }

    #[test]
    fn ranks_the_units_of_every_submission_on_one_scale() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let ranking = merge(&paths, Some(d("40")), None).0.unwrap();
        assert_eq!(ranking.year, 2025);
        let rows: Vec<(u32, &str, &str, String, &str, bool)> = ranking
            .units
            .iter()
            .map(|unit| {
                let assessor = ranking.submissions[unit.submission].assessor.as_str();
                (
                    unit.rank,
                    assessor,
                    unit.id.as_str(),
                    format_trimmed(&unit.total, 2),
                    unit.grade.as_str(),
                    unit.veto,
                )
            })
            .collect();
        let expected = [
            (1, "乡镇党委", "U1", "86.5", "良好", false),
            (2, "县局党委", "U1", "86", "良好", false),
            (3, "县局党委", "U10", "79.17", "合格", false),
            (3, "乡镇党委", "U10", "79.17", "合格", false),
            (5, "县局党委", "U2", "93.33", "不合格", true),
            (5, "乡镇党委", "U2", "93.33", "不合格", true),
        ]
        .map(|(rank, assessor, id, total, grade, veto)| (rank, assessor, id, total.to_owned(), grade, veto));
        assert_eq!(rows, expected);
        let sha = crate::digest::sha256(&std::fs::read(&paths[0]).unwrap());
        assert_eq!(ranking.submissions[0].sha256, sha);
        assert_eq!(ranking.created, fixture::created());

        let issue = MergedIssue { assessor: "市委", doc_number: None, doc_date: None };
        let bytes = merged_workbook(&ranking, &issue).unwrap();
        assert!(bytes == merged_workbook(&ranking, &issue).unwrap(), "same inputs, same bytes");
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["汇总", "图表", "说明"]);
        let summary = book.worksheet_range("汇总").unwrap();
        let row = |row: u32| -> Vec<String> { (0..9).map(|col| cell_text(&summary, row, col)).collect() };
        // The submitting organisation's column is named as in the bulletin's ranking.
        assert_eq!(
            row(1),
            ["排名", "报送单位", "单位编号", "单位名称", "加权得分", "加分", "总分", "等次", "否决"]
        );
        assert_eq!(cell_text(&summary, 9, 0), "填表单位：市委");
        assert_eq!(row(2), ["1", "乡镇党委", "U1", "甲村党支部", "84.5", "2", "86.5", "良好", ""]);
        // The submitted W as read (15 significant digits), shown with 2 decimals.
        assert_eq!(
            row(6),
            ["5", "县局党委", "U2", "=SUM(A1)", "93.3333333333333", "0", "93.33", "不合格", "是"]
        );
        let about = book.worksheet_range("说明").unwrap();
        let last = about.end().unwrap().0;
        assert_eq!(cell_text(&about, last, 0), dir.path().join("b.xlsx").display().to_string());
        assert_eq!(cell_text(&about, last - 1, 2), sha);
        let value = |key: &str| {
            let row = (0..last).find(|&row| cell_text(&about, row, 0) == key).expect(key);
            about.get_value((row, 1)).cloned()
        };
        assert_eq!(value("考核单位"), Some(Data::String("市委".into())));
        // Counts and the weight are numbers, not text.
        assert_eq!(value("本级意识形态工作权重（%）"), Some(Data::Float(40.0)));
        assert_eq!(value("报送单位数"), Some(Data::Float(2.0)));
        assert_eq!(value("参评单位数"), Some(Data::Float(6.0)));
        // Without --doc-date, the date the submissions fix.
        let date = value("成文日期").and_then(|cell| cell.as_datetime());
        assert_eq!(date, Some(fixture::created()));
    }

    #[test]
    fn the_merged_chart_labels_every_unit_and_tells_the_same_names_apart() {
        let dir = tempfile::tempdir().unwrap();
        // 乡镇党委's U1 has the name of 县局党委's U1.
        let town = Variant { names: ["办公室党支部", "乙村党支部", "丙村党支部"], ..TOWN };
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &town)];
        let ranking = merge(&paths, None, None).0.unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 2, 1);
        let issue =
            MergedIssue { assessor: "市委", doc_number: Some("市委发〔2026〕2号"), doc_date: date };
        let bytes = merged_workbook(&ranking, &issue).unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let chart = book.worksheet_range("图表").unwrap();
        let rows: Vec<Vec<String>> =
            (0..7).map(|row| (0..3).map(|col| cell_text(&chart, row, col)).collect()).collect();
        let expected = [
            ["排名", "单位", "总分"],
            ["1", "办公室党支部（乡镇党委）", "86.5"],
            ["2", "办公室党支部（县局党委）", "86"],
            ["3", "第三党支部", "79.17"],
            ["3", "丙村党支部", "79.17"],
            ["5", "=SUM(A1)", "93.33"],
            ["5", "乙村党支部", "93.33"],
        ];
        assert_eq!(rows, expected.map(|row| row.map(str::to_owned)));
        let chart_xml = fixture::part(&bytes, "xl/charts/chart1.xml");
        assert!(chart_xml.contains("<c:f>图表!$B$2:$B$7</c:f>"), "{chart_xml}");
        // Every unit labelled: a 9 pt label on each bar 20 pixels high (the
        // chart 110 + 6 × 20 = 230 pixels high: 12 rows of 19 pixels and 2
        // more), so no label need be skipped.
        assert!(chart_xml.contains("<a:defRPr sz=\"900\"/>"), "{chart_xml}");
        let drawing = fixture::part(&bytes, "xl/drawings/drawing1.xml");
        let bottom = "<xdr:to><xdr:col>12</xdr:col><xdr:colOff>76200</xdr:colOff><xdr:row>12</xdr:row><xdr:rowOff>19050</xdr:rowOff></xdr:to>";
        assert!(drawing.contains(bottom), "{drawing}");
        let about = book.worksheet_range("说明").unwrap();
        let row = (0..20).find(|&row| cell_text(&about, row, 0) == "成文日期").unwrap();
        let date = about.get_value((row, 1)).and_then(Data::as_datetime);
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2026, 2, 1).and_then(|d| d.and_hms_opt(0, 0, 0)));

        // The bulletin carries the 发文字号 and the 成文日期.
        let context = BulletinContext::from_merged(&ranking, &issue);
        assert_eq!(
            (context.doc.doc_number.as_str(), context.doc.date.as_str()),
            ("市委发〔2026〕2号", "2026年2月1日")
        );
        assert_eq!(context.doc.assessor, "市委");
    }

    #[test]
    fn each_unit_brings_its_category_scores_and_the_merged_bulletin_averages_them() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let ranking = merge(&paths, None, None).0.unwrap();
        // Each unit's N_c as its own workbook was scored, to the 15 digits the workbook keeps.
        let mut expected: Vec<(String, String)> = Vec::new();
        for (submission, variant) in [&COUNTY, &TOWN].into_iter().enumerate() {
            let model = fixture::model(variant);
            let report = fixture::report(&model);
            for result in &report.units {
                let id = &model.units[result.unit].id;
                let unit = ranking.units.iter().find(|u| u.submission == submission && u.id == *id).unwrap();
                let shown = |scores: Vec<(&str, &Exact)>| -> Vec<String> {
                    scores.iter().map(|(name, score)| format!("{name} {}", format_fixed(score, 10))).collect()
                };
                let submitted =
                    shown(unit.categories.iter().map(|(name, score)| (name.as_str(), score)).collect());
                let scored =
                    shown(result.categories.iter().map(|c| (c.category.as_str(), &c.normalized)).collect());
                assert_eq!(submitted, scored, "{id}");
                expected.extend(
                    result.categories.iter().map(|c| (c.category.clone(), format_fixed(&c.normalized, 10))),
                );
            }
        }

        let context = BulletinContext::from_merged(
            &ranking,
            &MergedIssue { assessor: "市委", doc_number: None, doc_date: None },
        );
        let averages: Vec<(String, usize, String)> = context
            .categories
            .iter()
            .map(|category| (category.name.clone(), category.units, format_fixed(&category.average, 2)))
            .collect();
        // 党建工作 is scored in four of the six units only: the others' systems leave it out.
        let in_category = |name: &str| expected.iter().filter(|(category, _)| category == name).count();
        assert_eq!((in_category("意识形态工作"), in_category("党建工作")), (6, 4));
        let averages: Vec<(&str, usize, &str)> =
            averages.iter().map(|(name, units, average)| (name.as_str(), *units, average.as_str())).collect();
        assert_eq!(averages, [("意识形态工作", 6, "88.89"), ("党建工作", 4, "77.50")]);
        assert_eq!(context.ranking.len(), 6);
    }

    #[test]
    fn submissions_of_different_years_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let earlier = Variant { year: 2024, ..TOWN };
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &earlier)];
        let errors = headlines(dir.path(), merge(&paths, None, None).1);
        assert_eq!(errors, ["b.xlsx:说明!B3: 年度 2024 与 a.xlsx 的年度 2025 不一致"]);
    }

    #[test]
    fn an_ideological_weight_below_this_level_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let errors = headlines(dir.path(), merge(&paths, Some(d("42")), None).1);
        assert_eq!(errors, ["a.xlsx:权重!C2: 县局党委的“顶层体系”中“意识形态工作”权重 40% 低于本级权重 42%"]);
    }

    #[test]
    fn foreign_and_repeated_workbooks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("x.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "排名").unwrap();
        book.save(&foreign).unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let copy = dir.path().join("a2.xlsx");
        std::fs::copy(&county, &copy).unwrap();
        let errors = headlines(dir.path(), merge(&[foreign, county, copy], None, None).1);
        assert_eq!(
            errors,
            [
                "x.xlsx: 不是 kaohe 生成的考核得分表：没有“说明”工作表",
                "a2.xlsx: 与 a.xlsx 内容相同，重复报送"
            ]
        );
    }

    #[test]
    fn the_command_writes_the_merged_workbook_once() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let out = dir.path().join("out");
        let args = |extra: &[&str]| {
            let mut args: Vec<std::ffi::OsString> = vec!["kaohe".into(), "merge".into()];
            args.extend(paths.iter().map(|p| p.clone().into_os_string()));
            args.extend(["-o".into(), out.clone().into_os_string()]);
            args.extend(extra.iter().map(|&a| a.into()));
            args
        };
        assert_eq!(
            crate::main_with_args(args(&["--ideological-weight", "40"])),
            std::process::ExitCode::SUCCESS
        );
        let written = std::fs::read(out.join("考核得分表.xlsx")).unwrap();
        assert!(Xlsx::new(Cursor::new(written.clone())).is_ok());
        // A non-empty folder is left alone without --force.
        assert_eq!(crate::main_with_args(args(&[])), std::process::ExitCode::from(crate::EXIT_INVALID_INPUT));
        let forced = crate::main_with_args(args(&["--force", "--ideological-weight", "40"]));
        assert_eq!(forced, std::process::ExitCode::SUCCESS);
        assert!(std::fs::read(out.join("考核得分表.xlsx")).unwrap() == written, "same inputs, same bytes");
        let below = crate::main_with_args(args(&["--force", "--ideological-weight", "50"]));
        assert_eq!(below, std::process::ExitCode::from(crate::EXIT_INVALID_INPUT));
        // A malformed --doc-date is a usage error, before anything is read or written.
        for date in ["2026-13-01", "明年", "2026-01-15 10:00"] {
            let malformed = crate::main_with_args(args(&["--force", "--doc-date", date]));
            assert_eq!(malformed, std::process::ExitCode::from(crate::EXIT_USAGE), "{date}");
        }
        assert!(std::fs::read(out.join("考核得分表.xlsx")).unwrap() == written, "left alone");
        let dated = crate::main_with_args(args(&[
            "--force",
            "--doc-date",
            "2026年2月1日",
            "--doc-number",
            "市委发〔2026〕2号",
        ]));
        assert_eq!(dated, std::process::ExitCode::SUCCESS);
        let mut book = Xlsx::new(std::fs::File::open(out.join("考核得分表.xlsx")).unwrap()).unwrap();
        let about = book.worksheet_range("说明").unwrap();
        assert_eq!(cell_text(&about, 4, 0), "成文日期");
        let date = about.get_value((4, 1)).and_then(Data::as_datetime);
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2026, 2, 1).and_then(|d| d.and_hms_opt(0, 0, 0)));
    }

    #[test]
    fn a_doc_date_is_read_as_the_settings_read_it() {
        let date = |given| crate::doc_date(Some(given)).ok().flatten();
        let first = chrono::NaiveDate::from_ymd_opt(2026, 2, 1);
        assert_eq!((date("2026-02-01"), date("2026/2/1"), date("2026年2月1日")), (first, first, first));
        assert_eq!((date("2026-02-30"), date("2026-02-01 09:30")), (None, None));
        assert!(matches!(crate::doc_date(None), Ok(None)));
    }

    // The fixture's 汇总 (sheet1): columns A 排名, B 单位编号, C 单位名称,
    // D 意识形态工作, E 党建工作, F 加权得分, G 加分, H 总分, I 等次, J 否决,
    // K 考核体系; U1 on row 3 (W 84 + 2 = 86 良好, system 顶层体系), U10 on
    // row 4 (W 79.17 合格, system 办公室党支部), U2 on row 5 (93.33, vetoed,
    // 不合格). Its 说明 (sheet8, after 图表) holds 优秀比例 on row 8, 加分上限 on row 9
    // and 参评单位数 on row 10.
    const SUMMARY_XML: &str = "xl/worksheets/sheet1.xml";
    const ABOUT_XML: &str = "xl/worksheets/sheet8.xml";

    type Edit<'a> = (&'a str, &'a dyn Fn(String) -> String);

    /// A copy of the workbook at `path`, saved beside it as `name`, with each
    /// edit (a package part and a change to its XML) applied, as a user
    /// editing the workbook by hand would leave it.
    fn edited(path: &Path, name: &str, edits: &[Edit]) -> PathBuf {
        use std::io::{Read, Write};
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let copy = path.with_file_name(name);
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&copy).unwrap());
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let part = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if let Some((_, edit)) = edits.iter().find(|(name, _)| *name == part) {
                bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
            }
            writer.start_file(part, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(&bytes).unwrap();
        }
        writer.finish().unwrap();
        copy
    }

    /// `xml` with the cell at `reference` (`H3`) replaced by what `edit` makes of it.
    fn with_cell(xml: String, reference: &str, edit: impl Fn(&str) -> String) -> String {
        let start = xml.find(&format!("<c r=\"{reference}\"")).expect("the cell is in the sheet");
        let tag_end = start + xml[start..].find('>').unwrap() + 1;
        let end = if xml[..tag_end].ends_with("/>") {
            tag_end
        } else {
            start + xml[start..].find("</c>").unwrap() + 4
        };
        format!("{}{}{}", &xml[..start], edit(&xml[start..end]), &xml[end..])
    }

    /// A cell holding `text` in place of the cell at `reference`.
    fn text_cell(reference: &str, text: &str) -> impl Fn(&str) -> String {
        move |_| format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
    }

    /// The cell with its stored value (a formula's cached result) replaced by `value`.
    fn cached(value: &str) -> impl Fn(&str) -> String {
        move |cell| {
            let (start, end) = (cell.find("<v>").unwrap() + 3, cell.find("</v>").unwrap());
            format!("{}{value}{}", &cell[..start], &cell[end..])
        }
    }

    fn removed(_: &str) -> String {
        String::new()
    }

    /// `xml` with every row from `first` on moved one down, so row `first` is empty.
    fn blank_row_at(xml: String, first: u32) -> String {
        let (mut out, mut rest) = (String::new(), xml.as_str());
        while let Some(at) = rest.find(" r=\"") {
            let (head, tail) = rest.split_at(at + 4);
            out.push_str(head);
            let reference = &tail[..tail.find('"').unwrap()];
            let digits = reference.trim_start_matches(|c: char| c.is_ascii_uppercase());
            let letters = &reference[..reference.len() - digits.len()];
            match digits.parse::<u32>() {
                Ok(row) if row >= first => out.push_str(&format!("{letters}{}", row + 1)),
                _ => out.push_str(reference),
            }
            rest = &tail[reference.len()..];
        }
        out + rest
    }

    /// `xml` without its row `row`.
    fn without_row(xml: String, row: u32) -> String {
        let start = xml.find(&format!("<row r=\"{row}\"")).unwrap();
        let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    }

    /// The ids and totals merged, in ranking order.
    fn merged(dir: &Path, paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<String>) {
        let (ranking, diagnostics) = merge(paths, None, None);
        let units = ranking
            .map(|ranking| {
                ranking.units.iter().map(|u| (u.id.clone(), format_trimmed(&u.total, 2))).collect()
            })
            .unwrap_or_default();
        (units, headlines(dir, diagnostics))
    }

    fn errors(dir: &Path, paths: &[PathBuf]) -> Vec<String> {
        let (units, errors) = merged(dir, paths);
        assert!(units.is_empty(), "refused");
        errors
    }

    fn ids(units: &[(String, String)]) -> Vec<&str> {
        units.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn a_blank_row_inside_the_summary_is_skipped_and_the_rows_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let blank = edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| blank_row_at(xml, 4))]);
        let summary =
            Xlsx::new(std::fs::File::open(&blank).unwrap()).unwrap().worksheet_range("汇总").unwrap();
        let column_b: Vec<String> = (2..6).map(|row| cell_text(&summary, row, 1)).collect();
        assert_eq!(column_b, ["U1", "", "U10", "U2"]);
        let (units, messages) = merged(dir.path(), &[blank]);
        assert_eq!(ids(&units), ["U1", "U10", "U2"]);
        assert!(messages.is_empty(), "{messages:?}");

        let short = edited(&county, "c.xlsx", &[(SUMMARY_XML, &|xml| without_row(xml, 4))]);
        assert_eq!(
            errors(dir.path(), &[short]),
            ["c.xlsx:说明!B10: “参评单位数”为 3，但“汇总”有 2 个单位行"]
        );
    }

    #[test]
    fn a_hand_typed_total_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let typed = edited(
            &county,
            "b.xlsx",
            &[(SUMMARY_XML, &|xml| with_cell(xml, "H3", |_| "<c r=\"H3\"><v>88</v></c>".into()))],
        );
        assert_eq!(
            errors(dir.path(), &[typed]),
            ["b.xlsx:汇总!H3: “总分” 88 与 ROUND(加权得分 + 加分, 2) = 86 不符"]
        );
    }

    #[test]
    fn a_weighted_score_that_disagrees_with_the_category_scores_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        // The cached W and T of U1 raised together, their formulas kept.
        let edit = |xml| with_cell(with_cell(xml, "F3", cached("85")), "H3", cached("87"));
        let raised = edited(&county, "b.xlsx", &[(SUMMARY_XML, &edit)]);
        assert_eq!(
            errors(dir.path(), &[raised]),
            ["b.xlsx:汇总!F3: “加权得分” 85 与按“顶层体系”权重由各类得分算出的 84 不符"]
        );
    }

    #[test]
    fn a_cleared_veto_and_an_edited_grade_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let cleared = edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "J5", removed))]);
        assert_eq!(
            errors(dir.path(), &[cleared]),
            ["b.xlsx:汇总!I5: “等次”应为“优秀”（总分 93.33，按“说明”的等次和优秀比例），而不是“不合格”"]
        );
        let graded =
            edited(&county, "c.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "I3", text_cell("I3", "优秀")))]);
        assert_eq!(
            errors(dir.path(), &[graded]),
            ["c.xlsx:汇总!I3: “等次”应为“良好”（总分 86，按“说明”的等次和优秀比例），而不是“优秀”"]
        );
        let vetoed =
            edited(&county, "d.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "I5", text_cell("I5", "优秀")))]);
        assert_eq!(
            errors(dir.path(), &[vetoed]),
            [
                "d.xlsx:汇总!I5: “等次”应为“不合格”（总分 93.33，一票否决，按“说明”的等次和优秀比例），而不是“优秀”"
            ]
        );
    }

    #[test]
    fn a_repeated_unit_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let repeated =
            edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "B4", text_cell("B4", "U1")))]);
        assert_eq!(
            errors(dir.path(), &[repeated]),
            ["b.xlsx:汇总!B4: 单位编号“U1”重复，已在 b.xlsx:汇总!B3 出现"]
        );
    }

    #[test]
    fn grades_follow_the_recorded_top_quota() {
        let dir = tempfile::tempdir().unwrap();
        // U2 not vetoed and 优秀: right without a quota, one too many with
        // 20 % of 3 units (none may keep 优秀).
        let unvetoed = |xml| with_cell(with_cell(xml, "J5", removed), "I5", text_cell("I5", "优秀"));
        let free = submit(dir.path(), "a.xlsx", &COUNTY);
        let free = edited(&free, "b.xlsx", &[(SUMMARY_XML, &unvetoed)]);
        let (units, messages) = merged(dir.path(), &[free]);
        assert_eq!(units[0], ("U2".to_owned(), "93.33".to_owned()));
        assert!(messages.is_empty(), "{messages:?}");

        let mut model = fixture::model(&COUNTY);
        model.settings.top_quota = Some(d("20"));
        let quota = submit_model(dir.path(), "c.xlsx", model);
        let quota = edited(&quota, "d.xlsx", &[(SUMMARY_XML, &unvetoed)]);
        assert_eq!(
            errors(dir.path(), &[quota]),
            ["d.xlsx:汇总!I5: “等次”应为“良好”（总分 93.33，按“说明”的等次和优秀比例），而不是“优秀”"]
        );
    }

    #[test]
    fn a_bonus_above_the_recorded_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let capped =
            edited(&county, "b.xlsx", &[(ABOUT_XML, &|xml| with_cell(xml, "B9", text_cell("B9", "1")))]);
        assert_eq!(errors(dir.path(), &[capped]), ["b.xlsx:汇总!G3: “加分” 2 超过“加分上限” 1"]);
        let unreadable =
            edited(&county, "c.xlsx", &[(ABOUT_XML, &|xml| with_cell(xml, "B8", text_cell("B8", "两成")))]);
        assert_eq!(
            errors(dir.path(), &[unreadable]),
            ["c.xlsx:说明!B8: “优秀比例”应为数字或“无”，而不是“两成”"]
        );
    }

    #[test]
    fn cached_numbers_are_read_as_excel_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        // U10 at W = (84.95 + 75) / 2 = 79.975, its cached W one binary step
        // below as a recalculation may leave it: T = 79.98, not 79.97.
        let edit = |xml| {
            let xml = with_cell(xml, "D4", cached("84.95"));
            with_cell(with_cell(xml, "F4", cached("79.97499999999998")), "H4", cached("79.98"))
        };
        let recalculated = edited(&county, "b.xlsx", &[(SUMMARY_XML, &edit)]);
        let (ranking, diagnostics) = merge(&[recalculated], None, None);
        assert!(diagnostics.is_empty(), "{:?}", headlines(dir.path(), diagnostics));
        let ranking = ranking.unwrap();
        let u10 = ranking.units.iter().find(|unit| unit.id == "U10").unwrap();
        assert_eq!((&u10.weighted, &u10.total), (&d("79.975"), &d("79.98")));
    }

    #[test]
    fn two_workbooks_of_one_organisation_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let original = submit(dir.path(), "a.xlsx", &COUNTY);
        let corrected =
            Variant { names: ["办公室党支部", "综合科党支部", "第三党支部"], ..COUNTY };
        let corrected = submit(dir.path(), "b.xlsx", &corrected);
        let town = submit(dir.path(), "c.xlsx", &TOWN);
        assert_eq!(
            errors(dir.path(), &[original, town, corrected]),
            [
                "b.xlsx: 与 a.xlsx 同为“县局党委”的得分表，且都有单位 U1、U10、U2：同一组织只能报送一份，请只保留其中一份（如原件或更正件）"
            ]
        );
    }

    #[test]
    fn formulas_without_their_values_get_one_message() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let strip = |xml: String| {
            let mut xml = xml;
            while let Some(at) = xml.find("</f><v>") {
                let end = at + xml[at..].find("</v>").unwrap() + "</v>".len();
                xml.replace_range(at + "</f>".len()..end, "");
            }
            xml
        };
        let resaved = edited(&county, "b.xlsx", &[(SUMMARY_XML, &strip)]);
        assert_eq!(
            errors(dir.path(), &[resaved]),
            [
                "b.xlsx:汇总: 公式没有保存计算结果（该文件被不保存计算结果的软件另存过），无法核验：请用 Excel 或 WPS 打开并保存后重新报送，或重新运行 kaohe score"
            ]
        );
    }

    #[test]
    fn a_workbook_from_before_the_verification_keys_is_verified_on_its_totals() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let old_about = |xml| without_row(without_row(xml, 8), 9);
        let old_summary =
            |xml| ["K2", "K3", "K4", "K5"].iter().fold(xml, |xml, cell| with_cell(xml, cell, removed));
        // Its grades aren't verified: an edited one passes, with the note.
        let old_grade = |xml| with_cell(old_summary(xml), "I3", text_cell("I3", "优秀"));
        let old = edited(&county, "b.xlsx", &[(ABOUT_XML, &old_about), (SUMMARY_XML, &old_grade)]);
        let note = "b.xlsx:说明: 该得分表由较早版本的 kaohe 生成，未记录“优秀比例”等核验项目：只核验了总分，未核验加权得分和等次";
        let (units, messages) = merged(dir.path(), &[old]);
        assert_eq!(ids(&units), ["U1", "U10", "U2"]);
        assert_eq!(messages, [note]);
        // Its totals are.
        let old_total = |xml| with_cell(old_summary(xml), "H3", cached("88"));
        let old = edited(&county, "c.xlsx", &[(ABOUT_XML, &old_about), (SUMMARY_XML, &old_total)]);
        assert_eq!(
            errors(dir.path(), &[old]),
            [
                note.replace("b.xlsx", "c.xlsx").as_str(),
                "c.xlsx:汇总!H3: “总分” 88 与 ROUND(加权得分 + 加分, 2) = 86 不符"
            ]
        );
    }

    #[test]
    fn a_csv_file_or_a_folder_is_not_a_score_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("台账.csv");
        std::fs::write(&csv, "单位编号,总分\nU1,86\n").unwrap();
        let folder = dir.path().join("县局");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(
            errors(dir.path(), &[csv, folder]),
            [
                "台账.csv: 是 CSV 文件；这里只读取 kaohe score 生成的考核得分表（.xlsx）",
                "县局: 是文件夹；这里只读取 kaohe score 生成的考核得分表（.xlsx）",
            ]
        );
    }
}
