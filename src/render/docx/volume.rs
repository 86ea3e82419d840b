//! The combined volume (`反馈汇编.docx`): every feedback letter in one
//! package, built by splicing the letters' bodies into the first letter's
//! package — plain zip and XML work, no second pass through docx-rs. Each
//! letter becomes a section of its own, starting on a new page with its
//! page numbers restarting at 1.

use super::package::{
    self, PackageError, number_paragraphs, package_time, parse_part, read_parts, write_parts,
};
use super::xml::{Element, Node};

const DOCUMENT: &str = "word/document.xml";

/// Splices `letters` (packages made by [`super::feedback_letters`], in
/// order) into one package. All letters share the first one's styles,
/// footers and settings, as kaohe's letters do.
pub fn volume(letters: &[Vec<u8>]) -> Result<Vec<u8>, PackageError> {
    let first = letters.first().ok_or_else(|| PackageError::Missing("letters".to_owned()))?;
    let mut parts = read_parts(first)?;
    let mut document = parse_part(&parts, DOCUMENT)?;
    let mut content: Vec<Node> = Vec::new();
    let mut last_section = None;
    for (index, letter) in letters.iter().enumerate() {
        let letter_parts = if index == 0 { parts.clone() } else { read_parts(letter)? };
        let letter_document = parse_part(&letter_parts, DOCUMENT)?;
        let body =
            letter_document.root.child("w:body").ok_or_else(|| PackageError::Missing("w:body".to_owned()))?;
        let mut children: Vec<Node> = body.children.clone();
        let section = match children.iter().rposition(|node| is_element(node, "w:sectPr")) {
            Some(at) => match children.remove(at) {
                Node::Element(section) => section,
                Node::Text(_) => unreachable!("position found an element"),
            },
            None => Element::new("w:sectPr"),
        };
        let section = restarting(section);
        if index + 1 < letters.len() {
            end_section(&mut children, section);
        } else {
            last_section = Some(section);
        }
        content.extend(children);
    }
    let body = document.root.child_mut("w:body").ok_or_else(|| PackageError::Missing("w:body".to_owned()))?;
    body.children = content;
    body.children.extend(last_section.map(Node::Element));
    number_paragraphs(&mut document.root);
    parts.insert(DOCUMENT.to_owned(), document.to_xml().into_bytes());
    write_parts(&parts, package_time(first)?)
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
    let properties = match paragraph.child_mut("w:pPr") {
        Some(properties) => properties,
        None => {
            paragraph.children.insert(0, Node::Element(Element::new("w:pPr")));
            paragraph.child_mut("w:pPr").expect("just inserted")
        }
    };
    properties.children.retain(|node| !is_element(node, "w:sectPr"));
    properties.children.push(Node::Element(section));
    package::canonicalize(properties);
}
