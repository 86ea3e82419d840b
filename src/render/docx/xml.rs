//! Reading package parts back for tests: each part is parsed by roxmltree,
//! a strict XML parser (it refuses any character XML forbids, even as a
//! reference), and copied into an owned tree with qualified names (`w:rPr`)
//! so tests can look at paragraphs, runs and properties.

/// One node of a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    Element(Element),
    /// Character data, unescaped.
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Element {
    /// Qualified name, e.g. `w:rPr`.
    pub name: String,
    /// (qualified name, unescaped value) in document order.
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub(super) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|child| match child {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// Character data of this element and its descendants (tests read
    /// documents back with it).
    pub(super) fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(text) => out.push_str(text),
                Node::Element(element) => element.collect_text(out),
            }
        }
    }
}

/// A parsed part: its root element.
#[derive(Clone, Debug)]
pub(super) struct Part {
    pub root: Element,
}

impl Part {
    /// The part in `text`, or roxmltree's reason it is not well-formed XML.
    pub(super) fn parse(text: &str) -> Result<Part, String> {
        let document = roxmltree::Document::parse(text).map_err(|error| error.to_string())?;
        Ok(Part { root: element(document.root_element()) })
    }
}

fn element(node: roxmltree::Node) -> Element {
    let attributes = node
        .attributes()
        .map(|attribute| {
            (qualified(node, attribute.namespace(), attribute.name()), attribute.value().to_owned())
        })
        .collect();
    let children = node
        .children()
        .filter_map(|child| {
            if child.is_element() {
                Some(Node::Element(element(child)))
            } else {
                child.is_text().then(|| Node::Text(child.text().unwrap_or_default().to_owned()))
            }
        })
        .collect();
    let name = qualified(node, node.tag_name().namespace(), node.tag_name().name());
    Element { name, attributes, children }
}

/// `prefix:local` as the part spells it, or `local` without a namespace.
fn qualified(node: roxmltree::Node, namespace: Option<&str>, local: &str) -> String {
    match namespace.and_then(|namespace| node.lookup_prefix(namespace)) {
        Some(prefix) => format!("{prefix}:{local}"),
        None => local.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_part() {
        let source = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:p xmlns:w="urn:w" a="1" w:b="x&gt;y"><w:r><w:t xml:space="preserve">A &amp; B &#x4E00;</w:t></w:r><w:br /></w:p>"#;
        let part = Part::parse(source).unwrap();
        assert_eq!(part.root.name, "w:p");
        assert_eq!(part.root.attribute("a"), Some("1"));
        assert_eq!(part.root.attribute("w:b"), Some("x>y"));
        assert_eq!(part.root.text(), "A & B 一");
        let children: Vec<&str> = part.root.elements().map(|child| child.name.as_str()).collect();
        assert_eq!(children, ["w:r", "w:br"]);
        let text = &part.root.elements().next().unwrap().children[0];
        let Node::Element(text) = text else { panic!("{text:?}") };
        assert_eq!(text.attribute("xml:space"), Some("preserve"));
    }

    #[test]
    fn refuses_characters_xml_forbids() {
        for source in ["<a>\u{B}</a>", "<a>&#11;</a>", "<a b=\"\u{1}\"/>", "<a>\u{FFFE}</a>"] {
            assert!(Part::parse(source).is_err(), "{source:?}");
        }
    }
}
