//! The combined volume (`反馈汇编.docx`): every feedback letter in one
//! package, built by splicing the letters' bodies into the first letter's
//! package — plain zip and XML string work, no second pass through docx-rs.
//! One letter is parsed at a time and written out as text at once, so
//! memory stays near the size of the result. Each letter becomes a section
//! of its own, starting on a new page with its page numbers restarting at 1.

use super::package::{
    self, PackageError, number_paragraphs, package_time, parse_part, read_parts, write_parts,
};
use super::xml::{Element, Node};

const DOCUMENT: &str = "word/document.xml";

/// Splices `letters` (packages made by [`super::feedback_letters`], in
/// order) into one package. All letters share the first one's styles,
/// footers and settings, as kaohe's letters do. An empty list is an error.
pub fn volume(letters: &[Vec<u8>]) -> Result<Vec<u8>, PackageError> {
    let first = letters.first().ok_or_else(|| PackageError::Missing("letters".to_owned()))?;
    let mut parts = read_parts(first)?;
    let mut body = String::new();
    let mut next_id = 1;
    let mut last_section = Element::new("w:sectPr");
    for (index, letter) in letters.iter().enumerate() {
        let mut document = if index == 0 {
            parse_part(&parts, DOCUMENT)?
        } else {
            parse_part(&read_parts(letter)?, DOCUMENT)?
        };
        let letter_body = body_of(&mut document.root)?;
        let mut children = std::mem::take(&mut letter_body.children);
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
            last_section = section;
        }
        letter_body.children = children;
        next_id = number_paragraphs(letter_body, next_id);
        for child in &letter_body.children {
            if let Node::Element(element) = child {
                element.write(&mut body);
            }
        }
    }
    last_section.write(&mut body);

    let mut document = parse_part(&parts, DOCUMENT)?;
    let placeholder = "\u{0}kaohe-body\u{0}";
    body_of(&mut document.root)?.children = vec![Node::Text(placeholder.to_owned())];
    let xml = document.to_xml().replacen(placeholder, &body, 1);
    parts.insert(DOCUMENT.to_owned(), xml.into_bytes());
    write_parts(&parts, package_time(first)?)
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
