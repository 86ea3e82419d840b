//! A minimal XML reader for tests: the package parts kaohe writes, read
//! back into a tree so tests can look at paragraphs, runs and properties.
//! Attribute values are kept escaped as read. Not a general XML parser: no
//! DTDs, no CDATA, no comments beyond skipping them.

/// One node of a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    /// Character data, still escaped.
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// Qualified name, e.g. `w:rPr`.
    pub name: String,
    /// (qualified name, escaped value) in document order.
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(name: &str) -> Self {
        Element { name: name.to_owned(), attributes: Vec::new(), children: Vec::new() }
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|child| match child {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// Unescaped character data of this element and its descendants (tests
    /// read documents back with it).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(text) => out.push_str(&unescape(text)),
                Node::Element(element) => element.collect_text(out),
            }
        }
    }
}

/// A parsed part: its root element (the XML declaration is implied).
#[derive(Clone, Debug)]
pub struct Part {
    pub root: Element,
}

impl Part {
    pub fn parse(text: &str) -> Result<Part, String> {
        let mut parser = Parser { text, at: 0 };
        parser.skip_prolog();
        let root = parser.element()?;
        Ok(Part { root })
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn skip_prolog(&mut self) {
        loop {
            let rest = self.text[self.at..].trim_start();
            self.at = self.text.len() - rest.len();
            let skip_to = if rest.starts_with("<?") {
                "?>"
            } else if rest.starts_with("<!--") {
                "-->"
            } else {
                return;
            };
            match rest.find(skip_to) {
                Some(end) => self.at += end + skip_to.len(),
                None => return,
            }
        }
    }

    fn element(&mut self) -> Result<Element, String> {
        let text = self.text;
        let rest = &text[self.at..];
        let close = tag_end(rest).ok_or("unterminated tag")?;
        let tag = &rest[1..close];
        self.at += close + 1;
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(tag) => (tag, true),
            None => (tag, false),
        };
        let mut element = parse_tag(tag)?;
        if empty {
            return Ok(element);
        }
        loop {
            let rest = &text[self.at..];
            if rest.is_empty() {
                return Err(format!("unclosed <{}>", element.name));
            }
            if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').ok_or("unterminated end tag")?;
                self.at += 2 + end + 1;
                return Ok(element);
            }
            if rest.starts_with("<!--") || rest.starts_with("<?") {
                self.skip_prolog();
                continue;
            }
            if rest.starts_with('<') {
                element.children.push(Node::Element(self.element()?));
                continue;
            }
            let end = rest.find('<').unwrap_or(rest.len());
            element.children.push(Node::Text(rest[..end].to_owned()));
            self.at += end;
        }
    }
}

/// The index of the `>` closing the tag at the start of `text`, skipping
/// quoted attribute values (they may hold a `>`).
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, '>') => return Some(index),
            _ => {}
        }
    }
    None
}

fn parse_tag(tag: &str) -> Result<Element, String> {
    let tag = tag.trim();
    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let mut element = Element::new(&tag[..name_end]);
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let equals = rest.find('=').ok_or_else(|| format!("attribute without value in <{tag}>"))?;
        let name = rest[..equals].trim();
        let after = rest[equals + 1..].trim_start();
        let quote = after.chars().next().ok_or("missing attribute value")?;
        let body = &after[1..];
        let end = body.find(quote).ok_or("unterminated attribute value")?;
        element.attributes.push((name.to_owned(), body[..end].to_owned()));
        rest = body[end + 1..].trim_start();
    }
    Ok(element)
}

/// Undoes the five predefined entities and numeric character references.
pub fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let entity = &after[..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..at + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_part() {
        let source = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:p a="1" b="x>y"><w:r><w:t xml:space="preserve">A &amp; B</w:t></w:r><w:br /></w:p>"#;
        let part = Part::parse(source).unwrap();
        assert_eq!(part.root.name, "w:p");
        assert_eq!(part.root.attribute("a"), Some("1"));
        assert_eq!(part.root.text(), "A & B");
        assert_eq!(part.root.attribute("b"), Some("x>y"));
        let children: Vec<&str> = part.root.elements().map(|child| child.name.as_str()).collect();
        assert_eq!(children, ["w:r", "w:br"]);
    }

    #[test]
    fn unescapes_references() {
        assert_eq!(unescape("&lt;&#x4E00;&#20108;&amp;x"), "<一二&x");
    }
}
