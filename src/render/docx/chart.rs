//! The bulletin's native charts (docs/输出.md): one DrawingML chart part
//! per chart a body places, its labels and values cached in the part
//! (`c:strCache`, `c:numCache`) so that Word, WPS and LibreOffice draw it
//! from the part alone, and the small workbook with the same data that
//! Word opens to edit it (编辑数据), linked by `c:externalData`. It knows
//! the chart markup and that workbook; the chart's size and paragraph are
//! [`super::layout`]'s, the part names [`super::package`]'s.

use std::fmt::Write;

use chrono::NaiveDateTime;
use rust_xlsxwriter::utility::row_col_to_cell_absolute;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

use super::context::BulletinContext;
use super::layout::{BODY, HEADING_1, LATIN_FONT, PlacedChart};
use super::markdown::ChartKind;
use super::ooxml::{self, A_NAMESPACE, C_NAMESPACE, DECLARATION, R_NAMESPACE};
use crate::number;
use crate::render::xlsx::excel_datetime;

/// The embedded workbook's one sheet, which the chart's formulas name.
const SHEET: &str = "Sheet1";
/// The chart part's relationship id of its workbook.
pub(super) const WORKBOOK_RELATIONSHIP: &str = "rId1";
/// Title in 4号 黑体, axis and value labels in 小四 仿宋_GB2312 (hundredths of a point).
const TITLE_SIZE: u32 = 1400;
const LABEL_SIZE: u32 = 1200;
/// The bars' fill and the gridlines' colour.
const BAR_COLOR: &str = "2F5597";
const GRID_COLOR: &str = "D9D9D9";
/// N_c is a score out of 100.
const FULL_SCORE: f64 = 100.0;
/// Axis ids of the category and the value axis.
const CATEGORY_AXIS: u32 = 1001;
const VALUE_AXIS: u32 = 1002;
/// At most this many gridlines on the grade chart's count axis.
const COUNT_STEPS: usize = 5;

/// One chart's data: a column of labels and a column of values.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Chart {
    title: String,
    /// Headings of the label and the value column; the value column's is
    /// the series name.
    label_heading: &'static str,
    series: &'static str,
    labels: Vec<String>,
    /// Each value as the chart caches it (`1`, `91.67`, as the bulletin's
    /// tables print it) and as the workbook holds it.
    values: Vec<(String, f64)>,
    /// The values' number format, in chart and workbook.
    format: &'static str,
    /// The value axis: its top when fixed, and its step.
    axis_max: Option<f64>,
    major_unit: f64,
}

impl Chart {
    /// The chart `placed` asks for, from the bulletin's `context`.
    pub(super) fn new(placed: &PlacedChart, context: &BulletinContext) -> Chart {
        match placed.kind {
            ChartKind::Grades => {
                let most = context.grades.iter().map(|grade| grade.count).max().unwrap_or(0);
                Chart {
                    title: placed.title.clone(),
                    label_heading: "等次",
                    series: "单位数",
                    labels: context.grades.iter().map(|grade| grade.name.clone()).collect(),
                    values: context
                        .grades
                        .iter()
                        .map(|grade| (grade.count.to_string(), grade.count as f64))
                        .collect(),
                    format: "0",
                    axis_max: None,
                    // Whole units only.
                    major_unit: most.div_ceil(COUNT_STEPS).max(1) as f64,
                }
            }
            ChartKind::Categories => {
                let values: Vec<(String, f64)> = context
                    .categories
                    .iter()
                    .map(|category| {
                        let shown = number::round(&category.average, 2);
                        (number::format_fixed(&shown, 2), number::to_f64(&shown))
                    })
                    .collect();
                let within = values.iter().all(|(_, value)| *value <= FULL_SCORE);
                Chart {
                    title: placed.title.clone(),
                    label_heading: "类别",
                    series: "平均得分",
                    labels: context.categories.iter().map(|category| category.name.clone()).collect(),
                    values,
                    format: "0.00",
                    axis_max: within.then_some(FULL_SCORE),
                    major_unit: 20.0,
                }
            }
        }
    }

    /// The chart part: a clustered column chart of one series, no legend,
    /// each bar labelled with its value.
    pub(super) fn xml(&self) -> String {
        let mut out = String::from(DECLARATION);
        let _ = write!(
            out,
            "<c:chartSpace xmlns:c=\"{C_NAMESPACE}\" xmlns:a=\"{A_NAMESPACE}\" xmlns:r=\"{R_NAMESPACE}\">\
             <c:date1904 val=\"0\"/><c:lang val=\"zh-CN\"/><c:roundedCorners val=\"0\"/><c:chart>"
        );
        out.push_str("<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>");
        character_properties(&mut out, "a:defRPr", TITLE_SIZE, HEADING_1.font);
        out.push_str("</a:pPr><a:r>");
        character_properties(&mut out, "a:rPr", TITLE_SIZE, HEADING_1.font);
        out.push_str("<a:t>");
        ooxml::escape(&mut out, &self.title);
        out.push_str("</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title>");
        out.push_str("<c:autoTitleDeleted val=\"0\"/><c:plotArea><c:layout/>");
        out.push_str(
            "<c:barChart><c:barDir val=\"col\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>",
        );
        out.push_str("<c:ser><c:idx val=\"0\"/><c:order val=\"0\"/><c:tx><c:strRef>");
        let _ = write!(out, "<c:f>{}</c:f>", reference(1, 1, 1));
        out.push_str("<c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>");
        ooxml::escape(&mut out, self.series);
        out.push_str("</c:v></c:pt></c:strCache></c:strRef></c:tx>");
        let _ = write!(out, "<c:spPr><a:solidFill><a:srgbClr val=\"{BAR_COLOR}\"/></a:solidFill></c:spPr>");
        out.push_str("<c:invertIfNegative val=\"0\"/><c:dLbls>");
        let _ = write!(out, "<c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/>", self.format);
        out.push_str("<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>");
        text_properties(&mut out);
        out.push_str(concat!(
            "<c:dLblPos val=\"outEnd\"/><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/>",
            "<c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/>",
            "<c:showBubbleSize val=\"0\"/></c:dLbls>"
        ));
        let _ = write!(out, "<c:cat><c:strRef><c:f>{}</c:f><c:strCache>", self.column_reference(0));
        let _ = write!(out, "<c:ptCount val=\"{}\"/>", self.labels.len());
        for (index, label) in self.labels.iter().enumerate() {
            let _ = write!(out, "<c:pt idx=\"{index}\"><c:v>");
            ooxml::escape(&mut out, label);
            out.push_str("</c:v></c:pt>");
        }
        out.push_str("</c:strCache></c:strRef></c:cat>");
        let _ = write!(out, "<c:val><c:numRef><c:f>{}</c:f><c:numCache>", self.column_reference(1));
        let _ = write!(
            out,
            "<c:formatCode>{}</c:formatCode><c:ptCount val=\"{}\"/>",
            self.format,
            self.values.len()
        );
        for (index, (value, _)) in self.values.iter().enumerate() {
            let _ = write!(out, "<c:pt idx=\"{index}\"><c:v>{value}</c:v></c:pt>");
        }
        out.push_str("</c:numCache></c:numRef></c:val></c:ser>");
        let _ = write!(
            out,
            "<c:gapWidth val=\"80\"/><c:axId val=\"{CATEGORY_AXIS}\"/><c:axId val=\"{VALUE_AXIS}\"/></c:barChart>"
        );
        let _ = write!(
            out,
            "<c:catAx><c:axId val=\"{CATEGORY_AXIS}\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling>\
             <c:delete val=\"0\"/><c:axPos val=\"b\"/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/>\
             <c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/>"
        );
        text_properties(&mut out);
        let _ = write!(
            out,
            "<c:crossAx val=\"{VALUE_AXIS}\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/>\
             <c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/><c:noMultiLvlLbl val=\"0\"/></c:catAx>"
        );
        let _ =
            write!(out, "<c:valAx><c:axId val=\"{VALUE_AXIS}\"/><c:scaling><c:orientation val=\"minMax\"/>");
        if let Some(max) = self.axis_max {
            let _ = write!(out, "<c:max val=\"{max}\"/>");
        }
        let _ = write!(
            out,
            "<c:min val=\"0\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"l\"/>\
             <c:majorGridlines><c:spPr><a:ln w=\"6350\"><a:solidFill><a:srgbClr val=\"{GRID_COLOR}\"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>\
             <c:numFmt formatCode=\"0\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/>\
             <c:tickLblPos val=\"nextTo\"/><c:spPr><a:ln><a:noFill/></a:ln></c:spPr>"
        );
        text_properties(&mut out);
        let _ = write!(
            out,
            "<c:crossAx val=\"{CATEGORY_AXIS}\"/><c:crosses val=\"autoZero\"/><c:crossBetween val=\"between\"/>\
             <c:majorUnit val=\"{}\"/></c:valAx></c:plotArea>",
            self.major_unit
        );
        out.push_str("<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>");
        out.push_str("<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>");
        text_properties(&mut out);
        let _ = write!(
            out,
            "<c:externalData r:id=\"{WORKBOOK_RELATIONSHIP}\"><c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>"
        );
        out
    }

    /// The chart part's relationships: its workbook at `workbook` (a path
    /// relative to the chart part).
    pub(super) fn relationships(workbook: &str) -> String {
        format!(
            "{DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"{WORKBOOK_RELATIONSHIP}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/package\" Target=\"{workbook}\"/>\
             </Relationships>"
        )
    }

    /// The workbook Word edits the chart's data in: the labels in column A,
    /// the values in column B, headed like the chart's formulas say.
    pub(super) fn workbook(&self, created: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&excel_datetime(created)?));
        let format = Format::new().set_num_format(self.format);
        let sheet = workbook.add_worksheet().set_name(SHEET)?;
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 12)?;
        sheet.write_string(0, 0, self.label_heading)?;
        sheet.write_string(0, 1, self.series)?;
        for (row, (label, (_, value))) in (1..).zip(self.labels.iter().zip(&self.values)) {
            sheet.write_string(row, 0, label)?;
            sheet.write_number_with_format(row, 1, *value, &format)?;
        }
        workbook.save_to_buffer()
    }

    /// The data rows of `column` (below the heading; at least one row).
    fn column_reference(&self, column: u16) -> String {
        reference(column, 2, self.labels.len().max(1) as u32 + 1)
    }
}

/// `Sheet1!$B$1`-style reference of rows `first..=last` (from 1) of `column`.
fn reference(column: u16, first: u32, last: u32) -> String {
    let (first, last) =
        (row_col_to_cell_absolute(first - 1, column), row_col_to_cell_absolute(last - 1, column));
    if first == last { format!("{SHEET}!{first}") } else { format!("{SHEET}!{first}:{last}") }
}

/// `<a:defRPr>` or `<a:rPr>` of `size` with `east_asian` for Chinese and
/// Times New Roman for Latin text and digits, black, not bold.
fn character_properties(out: &mut String, element: &str, size: u32, east_asian: &str) {
    let _ = write!(
        out,
        "<{element} lang=\"zh-CN\" altLang=\"en-US\" sz=\"{size}\" b=\"0\">\
         <a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill>\
         <a:latin typeface=\"{LATIN_FONT}\"/><a:ea typeface=\"{east_asian}\"/><a:cs typeface=\"{LATIN_FONT}\"/></{element}>"
    );
}

/// `<c:txPr>` of the labels: 小四 仿宋_GB2312.
fn text_properties(out: &mut String) {
    out.push_str("<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>");
    character_properties(out, "a:defRPr", LABEL_SIZE, BODY.font);
    out.push_str("</a:pPr><a:endParaRPr lang=\"zh-CN\"/></a:p></c:txPr>");
}
