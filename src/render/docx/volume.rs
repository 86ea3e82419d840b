//! The combined volume (`反馈汇编.docx`): every feedback letter in one
//! package, built by splicing the letters' bodies into the first letter's
//! package — plain zip and XML string work, no second pass through docx-rs.
//! Letters are parsed in parallel, each written out as text at once, so
//! memory stays near the size of the result. Each letter becomes a section
//! of its own, starting on a new page with its page numbers restarting at 1.

use super::package::{
    self, PackageError, number_paragraphs, package_time, parse_part, read_parts, write_parts,
};
use rayon::prelude::*;

use super::xml::{Element, Node};

const DOCUMENT: &str = "word/document.xml";
/// Paragraph ids reserved for each letter: letter i numbers its paragraphs
/// from `i × IDS_PER_LETTER + 1`, so letters are spliced in parallel and
/// ids stay unique and below 2³¹ (up to 65,536 letters).
const IDS_PER_LETTER: u32 = 0x8000;

/// Splices `letters` (packages made by [`super::feedback_letters`], in
/// order) into one package. All letters share the first one's styles,
/// footers and settings, as kaohe's letters do. An empty list is an error.
pub fn volume(letters: &[Vec<u8>]) -> Result<Vec<u8>, PackageError> {
    let first = letters.first().ok_or_else(|| PackageError::Missing("letters".to_owned()))?;
    let bodies: Vec<String> = letters
        .par_iter()
        .enumerate()
        .map(|(index, letter)| letter_body(letter, index, index + 1 == letters.len()))
        .collect::<Result<_, _>>()?;

    let mut parts = read_parts(first)?;
    let mut document = parse_part(&parts, DOCUMENT)?;
    let placeholder = "\u{0}kaohe-body\u{0}";
    body_of(&mut document.root)?.children = vec![Node::Text(placeholder.to_owned())];
    let xml = document.to_xml().replacen(placeholder, &bodies.concat(), 1);
    parts.insert(DOCUMENT.to_owned(), xml.into_bytes());
    write_parts(&parts, package_time(first)?)
}

/// Letter `index`'s body content as XML text: a section of its own, which
/// the last letter leaves as the document's final `sectPr`.
fn letter_body(letter: &[u8], index: usize, last: bool) -> Result<String, PackageError> {
    let mut document = parse_part(&read_parts(letter)?, DOCUMENT)?;
    let body = body_of(&mut document.root)?;
    let mut children = std::mem::take(&mut body.children);
    let section = match children.iter().rposition(|node| is_element(node, "w:sectPr")) {
        Some(at) => match children.remove(at) {
            Node::Element(section) => section,
            Node::Text(_) => unreachable!("position found an element"),
        },
        None => Element::new("w:sectPr"),
    };
    let section = restarting(section);
    if last {
        children.push(Node::Element(section));
    } else {
        end_section(&mut children, section);
    }
    body.children = children;
    let first_id = u32::try_from(index).ok().and_then(|index| index.checked_mul(IDS_PER_LETTER));
    number_paragraphs(body, first_id.unwrap_or(0) + 1);
    let mut xml = String::new();
    for child in &body.children {
        if let Node::Element(element) = child {
            element.write(&mut xml);
        }
    }
    Ok(xml)
}

fn body_of(root: &mut Element) -> Result<&mut Element, PackageError> {
    root.child_mut("w:body").ok_or_else(|| PackageError::Missing("w:body".to_owned()))
}

fn is_element(node: &Node, name: &str) -> bool {
    matches!(node, Node::Element(element) if element.name == name)
}

/// The letter's section properties, starting on a new page numbered 1.
fn restarting(mut section: Element) -> Element {
    section.children.retain(|node| !is_element(node, "w:type") && !is_element(node, "w:pgNumType"));
    section.children.push(Node::Element(Element::new("w:type").with_attribute("w:val", "nextPage")));
    section.children.push(Node::Element(Element::new("w:pgNumType").with_attribute("w:start", "1")));
    package::canonicalize(&mut section);
    section
}

/// Ends a letter's section: its last paragraph carries the section
/// properties (a table at the end gets an empty paragraph after it).
fn end_section(children: &mut Vec<Node>, section: Element) {
    if !matches!(children.last(), Some(node) if is_element(node, "w:p")) {
        children.push(Node::Element(Element::new("w:p")));
    }
    let Some(Node::Element(paragraph)) = children.last_mut() else { unreachable!("a paragraph was ensured") };
    if paragraph.child("w:pPr").is_none() {
        paragraph.children.insert(0, Node::Element(Element::new("w:pPr")));
    }
    let properties = paragraph.child_mut("w:pPr").expect("ensured above");
    properties.children.retain(|node| !is_element(node, "w:sectPr"));
    properties.children.push(Node::Element(section));
    package::canonicalize(properties);
}
