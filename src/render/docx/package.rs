//! Packaging: docx-rs's output made right. A canonicalising pass over every
//! XML part puts property children in ECMA-376 schema order (the small
//! order tables below), writes on/off properties in their bare form, drops
//! the non-schema `type` of `gridCol`, marks table header rows
//! (`tblHeader`) and unsplittable rows (`cantSplit`), numbers paragraph ids
//! in document order and adds the theme part docx-rs leaves out. The result
//! is repacked with deflate and fixed entry times, so the same inputs give
//! the same bytes.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use chrono::{Datelike, NaiveDateTime, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::xml::{Element, Node, Part};

/// A package could not be read or written. Only reachable through a bug in
/// kaohe or docx-rs: the parts are generated, never user input.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("{part}: {message}")]
    Xml { part: String, message: String },
    #[error("docx-rs: {0}")]
    Pack(String),
    #[error("missing part {0}")]
    Missing(String),
}

/// Schema order (ECMA-376 Part 1, transitional) of the children of each
/// element whose order docx-rs gets wrong or kaohe edits; local names
/// without the `w:` prefix.
const CHILD_ORDER: &[(&str, &[&str])] = &[
    (
        "rPr",
        &[
            "ins",
            "del",
            "moveFrom",
            "moveTo",
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
            "rPrChange",
        ],
    ),
    (
        "pPr",
        &[
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ],
    ),
    (
        "sectPr",
        &[
            "headerReference",
            "footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
            "sectPrChange",
        ],
    ),
    (
        "tblPr",
        &[
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        ],
    ),
    (
        "trPr",
        &[
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
            "ins",
            "del",
            "trPrChange",
        ],
    ),
    (
        "tcPr",
        &[
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
            "headers",
            "cellIns",
            "cellDel",
            "cellMerge",
            "tcPrChange",
        ],
    ),
    ("tr", &["tblPrEx", "trPr"]),
    ("tc", &["tcPr"]),
    ("tbl", &["tblPr", "tblGrid"]),
    ("p", &["pPr"]),
    ("r", &["rPr"]),
    ("tblBorders", &["top", "start", "left", "bottom", "end", "right", "insideH", "insideV"]),
    (
        "tcBorders",
        &["top", "start", "left", "bottom", "end", "right", "insideH", "insideV", "tl2br", "tr2bl"],
    ),
    ("pBdr", &["top", "left", "bottom", "right", "between", "bar"]),
    ("tblCellMar", &["top", "start", "left", "bottom", "end", "right"]),
    ("tcMar", &["top", "start", "left", "bottom", "end", "right"]),
    ("docDefaults", &["rPrDefault", "pPrDefault"]),
    (
        "style",
        &[
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ],
    ),
    (
        "settings",
        &[
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "removeDateAndTime",
            "doNotDisplayPageBoundaries",
            "displayBackgroundShape",
            "printPostScriptOverText",
            "printFractionalCharacterWidth",
            "printFormsData",
            "embedTrueTypeFonts",
            "embedSystemFonts",
            "saveSubsetFonts",
            "saveFormsData",
            "mirrorMargins",
            "alignBordersAndEdges",
            "bordersDoNotSurroundHeader",
            "bordersDoNotSurroundFooter",
            "gutterAtTop",
            "hideSpellingErrors",
            "hideGrammaticalErrors",
            "activeWritingStyle",
            "proofState",
            "formsDesign",
            "attachedTemplate",
            "linkStyles",
            "stylePaneFormatFilter",
            "stylePaneSortMethod",
            "documentType",
            "mailMerge",
            "revisionView",
            "trackRevisions",
            "doNotTrackMoves",
            "doNotTrackFormatting",
            "documentProtection",
            "autoFormatOverride",
            "styleLockTheme",
            "styleLockQFSet",
            "defaultTabStop",
            "autoHyphenation",
            "consecutiveHyphenLimit",
            "hyphenationZone",
            "doNotHyphenateCaps",
            "showEnvelope",
            "summaryLength",
            "clickAndTypeStyle",
            "defaultTableStyle",
            "evenAndOddHeaders",
            "bookFoldRevPrinting",
            "bookFoldPrinting",
            "bookFoldPrintingSheets",
            "drawingGridHorizontalSpacing",
            "drawingGridVerticalSpacing",
            "displayHorizontalDrawingGridEvery",
            "displayVerticalDrawingGridEvery",
            "doNotUseMarginsForDrawingGridOrigin",
            "drawingGridHorizontalOrigin",
            "drawingGridVerticalOrigin",
            "doNotShadeFormData",
            "noPunctuationKerning",
            "characterSpacingControl",
            "printTwoOnOne",
            "strictFirstAndLastChars",
            "noLineBreaksAfter",
            "noLineBreaksBefore",
            "savePreviewPicture",
            "doNotValidateAgainstSchema",
            "saveInvalidXml",
            "ignoreMixedContent",
            "alwaysShowPlaceholderText",
            "doNotDemarcateInvalidXml",
            "saveXmlDataOnly",
            "useXSLTWhenSaving",
            "saveThroughXslt",
            "showXMLTags",
            "alwaysMergeEmptyNamespace",
            "updateFields",
            "hdrShapeDefaults",
            "footnotePr",
            "endnotePr",
            "compat",
            "docVars",
            "rsids",
            "mathPr",
            "attachedSchema",
            "themeFontLang",
            "clrSchemeMapping",
            "doNotIncludeSubdocsInStats",
            "doNotAutoCompressPictures",
            "forceUpgrade",
            "captions",
            "readModeInkLockDown",
            "smartTagType",
            "schemaLibrary",
            "shapeDefaults",
            "doNotEmbedSmartTags",
            "decimalSymbol",
            "listSeparator",
        ],
    ),
];

/// Parents whose `pPr` is the base type (CT_PPrBase), which has no `rPr`,
/// `sectPr` or `pPrChange`; docx-rs writes an `rPr` there anyway.
const BASE_PARAGRAPH_PROPERTY_PARENTS: &[&str] = &["w:style", "w:lvl", "w:pPrDefault", "w:tblStylePr"];
const NOT_IN_BASE_PARAGRAPH_PROPERTIES: &[&str] = &["w:rPr", "w:sectPr", "w:pPrChange"];

/// Attributes an element may not carry (docx-rs writes them anyway).
const DROPPED_ATTRIBUTES: &[(&str, &str)] = &[("w:gridCol", "w:type")];

const THEME_PART: &str = "word/theme/theme1.xml";
const THEME_XML: &str = include_str!("theme1.xml");
const THEME_TYPE: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const THEME_RELATIONSHIP: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";

/// The parts of a package, by name, in a fixed order.
pub(crate) type Parts = BTreeMap<String, Vec<u8>>;

/// Reads every part of a zip package (directory entries, which docx-rs
/// writes and Word never does, are not parts and are left out).
pub(crate) fn read_parts(bytes: &[u8]) -> Result<Parts, PackageError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))?;
    let mut parts = Parts::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        entry.read_to_end(&mut content)?;
        parts.insert(entry.name()?.into_owned(), content);
    }
    Ok(parts)
}

pub(crate) fn parse_part(parts: &Parts, name: &str) -> Result<Part, PackageError> {
    let bytes = parts.get(name).ok_or_else(|| PackageError::Missing(name.to_owned()))?;
    let text = String::from_utf8_lossy(bytes);
    Part::parse(&text).map_err(|message| PackageError::Xml { part: name.to_owned(), message })
}

/// docx-rs's package → kaohe's canonical, deflated package.
pub(crate) fn finish(docx: docx_rs::Docx, created: NaiveDateTime) -> Result<Vec<u8>, PackageError> {
    let mut raw = Cursor::new(Vec::new());
    docx.pack(&mut raw).map_err(|error| PackageError::Pack(error.to_string()))?;
    let mut parts = read_parts(raw.get_ref())?;
    add_theme(&mut parts)?;
    let names: Vec<String> = parts.keys().filter(|name| is_xml(name)).cloned().collect();
    for name in names {
        let mut part = parse_part(&parts, &name)?;
        canonicalize(&mut part.root);
        parts.insert(name, part.to_xml().into_bytes());
    }
    write_parts(&parts, entry_time(created))
}

fn is_xml(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// Puts children in schema order, fixes on/off values and dropped
/// attributes, marks table rows and numbers paragraph ids.
pub(crate) fn canonicalize(root: &mut Element) {
    root.walk_mut(&mut |element| {
        for (name, attribute) in DROPPED_ATTRIBUTES {
            if element.name == *name {
                element.attributes.retain(|(key, _)| key != attribute);
            }
        }
        let on_off = element.attributes.len() == 1 && element.name != "w:compatSetting";
        if on_off && element.attribute("w:val") == Some("true") {
            element.attributes.retain(|(key, _)| key != "w:val");
        }
        if element.name == "w:tbl" {
            mark_table_rows(element);
        }
        if BASE_PARAGRAPH_PROPERTY_PARENTS.contains(&element.name.as_str())
            && let Some(properties) = element.child_mut("w:pPr")
        {
            properties.children.retain(|node| {
                !matches!(node, Node::Element(child) if NOT_IN_BASE_PARAGRAPH_PROPERTIES.contains(&child.name.as_str()))
            });
        }
        order_children(element);
    });
    number_paragraphs(root, 1);
}

fn order_children(element: &mut Element) {
    let Some(local) = element.name.strip_prefix("w:") else { return };
    let Some((_, order)) = CHILD_ORDER.iter().find(|(name, _)| *name == local) else { return };
    let rank = |node: &Node| match node {
        Node::Element(child) => child
            .name
            .strip_prefix("w:")
            .and_then(|name| order.iter().position(|known| *known == name))
            .unwrap_or(order.len()),
        Node::Text(_) => order.len(),
    };
    element.children.sort_by_key(rank);
}

/// Every row `cantSplit`; the first row a repeated header (`tblHeader`).
fn mark_table_rows(table: &mut Element) {
    for (index, row) in table.elements_mut().filter(|child| child.name == "w:tr").enumerate() {
        let properties = row.ensure_child("w:trPr");
        if properties.child("w:cantSplit").is_none() {
            properties.children.push(Node::Element(Element::new("w:cantSplit")));
        }
        if index == 0 && properties.child("w:tblHeader").is_none() {
            properties.children.push(Node::Element(Element::new("w:tblHeader")));
        }
    }
}

/// Replaces docx-rs's thread-local paragraph ids with ids in document order.
/// `next` is the first id to give; returns the one after the last given.
pub(crate) fn number_paragraphs(root: &mut Element, mut next: u32) -> u32 {
    root.walk_mut(&mut |element| {
        if let Some((_, value)) = element.attributes.iter_mut().find(|(key, _)| key == "w14:paraId") {
            *value = format!("{next:08X}");
            next += 1;
        }
    });
    next
}

/// Adds the theme part, its relationship and its content type.
fn add_theme(parts: &mut Parts) -> Result<(), PackageError> {
    if parts.contains_key(THEME_PART) {
        return Ok(());
    }
    parts.insert(THEME_PART.to_owned(), THEME_XML.as_bytes().to_vec());

    let rels_name = "word/_rels/document.xml.rels";
    let mut rels = parse_part(parts, rels_name)?;
    rels.root.children.push(Node::Element(
        Element::new("Relationship")
            .with_attribute("Id", "rIdKaoheTheme1")
            .with_attribute("Type", THEME_RELATIONSHIP)
            .with_attribute("Target", "theme/theme1.xml"),
    ));
    parts.insert(rels_name.to_owned(), rels.to_xml().into_bytes());

    let types_name = "[Content_Types].xml";
    let mut types = parse_part(parts, types_name)?;
    types.root.children.push(Node::Element(
        Element::new("Override")
            .with_attribute("PartName", &format!("/{THEME_PART}"))
            .with_attribute("ContentType", THEME_TYPE),
    ));
    parts.insert(types_name.to_owned(), types.to_xml().into_bytes());
    Ok(())
}

/// The zip entry time for documents created at `created` (zip times start in 1980).
pub(crate) fn entry_time(created: NaiveDateTime) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        created.year().clamp(1980, 2107) as u16,
        created.month() as u8,
        created.day() as u8,
        created.hour() as u8,
        created.minute() as u8,
        created.second() as u8,
    )
    .unwrap_or_default()
}

/// The entry time of a package's first entry.
pub(crate) fn package_time(bytes: &[u8]) -> Result<zip::DateTime, PackageError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))?;
    Ok(archive.by_index(0)?.last_modified().unwrap_or_default())
}

/// Zips `parts` with deflate, `[Content_Types].xml` first, every entry dated `time`.
pub(crate) fn write_parts(parts: &Parts, time: zip::DateTime) -> Result<Vec<u8>, PackageError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let content_types = "[Content_Types].xml";
    let ordered = parts
        .get_key_value(content_types)
        .into_iter()
        .chain(parts.iter().filter(|(name, _)| name.as_str() != content_types));
    for (name, content) in ordered {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_run_properties_and_writes_bare_on_off() {
        let mut part = Part::parse(
            r#"<w:r><w:rPr><w:sz w:val="32"/><w:b w:val="true"/><w:rFonts w:eastAsia="黑体"/></w:rPr><w:t>x</w:t></w:r>"#,
        )
        .unwrap();
        canonicalize(&mut part.root);
        let mut out = String::new();
        part.root.write(&mut out);
        assert_eq!(
            out,
            r#"<w:r><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="32"/></w:rPr><w:t>x</w:t></w:r>"#
        );
    }

    #[test]
    fn marks_header_and_unsplittable_rows() {
        let mut part = Part::parse(
            r#"<w:tbl><w:tblGrid><w:gridCol w:w="10" w:type="dxa"/></w:tblGrid><w:tblPr/><w:tr><w:tc/></w:tr><w:tr><w:trPr/><w:tc/></w:tr></w:tbl>"#,
        )
        .unwrap();
        canonicalize(&mut part.root);
        let mut out = String::new();
        part.root.write(&mut out);
        assert_eq!(
            out,
            r#"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="10"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr><w:tc/></w:tr><w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc/></w:tr></w:tbl>"#
        );
    }
}
