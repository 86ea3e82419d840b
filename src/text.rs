//! Text utilities shared by reading, validation, scoring and merging.
//! Normalisation for matching (docs/输入.md): trimmed, full-width ASCII
//! folded to half-width, U+3000 as white space, white space between two CJK
//! characters dropped, other runs collapsed to one space. Keywords are also
//! lower-cased. Normalised text is for matching only; outputs show what the
//! user typed. Also: natural order for ids ([`natural_cmp`]), texts held
//! once ([`SharedTexts`], [`TextCache`]), typo hints ([`nearest`]) and the
//! width text shows in a spreadsheet column ([`display_width`]).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::FxHasher;
use unicode_width::UnicodeWidthChar;

/// Normalised form of `text` for case-sensitive matching (ids, names).
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut previous: Option<char> = None;
    for c in text.chars().map(fold_width) {
        if c.is_whitespace() {
            pending_space = previous.is_some();
            continue;
        }
        if pending_space && !(previous.is_some_and(is_cjk) && is_cjk(c)) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
        previous = Some(c);
    }
    out
}

/// [`normalize`], borrowing `text` when it is normal already: it holds no
/// white space and nothing to fold, as most cells do.
pub(crate) fn normalize_cow(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| !c.is_whitespace() && fold_width(c) == c) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize(text))
    }
}

/// Texts held once however often they recur (a ledger's unit ids, types,
/// 是/否 values and column keys): each distinct text is one `Arc<str>`.
#[derive(Debug, Default)]
pub(crate) struct SharedTexts(HashSet<Arc<str>>);

impl SharedTexts {
    /// The held copy of `text`, made on first use.
    pub(crate) fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(held) = self.0.get(text) {
            return held.clone();
        }
        let held: Arc<str> = text.into();
        self.0.insert(held.clone());
        held
    }
}

/// Texts recently read, so that one repeated down a column (unit ids,
/// types, 是/否) is held once: a direct-mapped cache indexed by a fast hash
/// of the text. A text is held from its second sighting in a row at its
/// slot, so the unique texts between (titles) neither evict it nor cost
/// more than a hash; no input can make a lookup cost more than one hash
/// and one comparison. At worst a text is held more than once.
pub(crate) struct TextCache(Vec<CacheSlot>);

#[derive(Clone, Default)]
struct CacheSlot {
    held: Option<(u64, Arc<str>)>,
    /// The hash of the last text seen here that is not held.
    candidate: u64,
}

/// The cache has 2^12 slots (128 KB).
const CACHE_BITS: u32 = 12;

impl Default for TextCache {
    fn default() -> Self {
        TextCache(vec![CacheSlot::default(); 1 << CACHE_BITS])
    }
}

impl TextCache {
    /// `text` as an `Arc<str>`, the one held for it if it is in the cache.
    pub(crate) fn share(&mut self, text: &str) -> Arc<str> {
        let hash = text_hash(text);
        let slot = &mut self.0[(hash >> (64 - CACHE_BITS)) as usize];
        if let Some((held_hash, held)) = &slot.held
            && *held_hash == hash
            && **held == *text
        {
            return held.clone();
        }
        let fresh: Arc<str> = text.into();
        if slot.candidate == hash {
            slot.held = Some((hash, fresh.clone()));
        } else {
            slot.candidate = hash;
        }
        fresh
    }
}

/// A fast hash of the bytes of `text` (not for sets an input could fill
/// with collisions: a [`TextCache`] slot holds one text at most).
fn text_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// Normalised, lower-cased form for case-insensitive keywords (rules,
/// periods, roles, booleans, sheet and column names).
pub(crate) fn normalize_keyword(text: &str) -> String {
    normalize(text).to_lowercase()
}

/// Full-width ASCII (U+FF01..U+FF5E) to half-width; U+3000 to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// CJK ideographs, CJK punctuation and full-width forms that survive folding.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3001}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Natural order for ids: digit runs compare by value, so `U2` < `U10`.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let db = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let (na, nb) = (a[..da].trim_start_matches('0'), b[..db].trim_start_matches('0'));
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb)).then_with(|| da.cmp(&db));
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
        }
    }
}

/// The candidate closest to `wanted` by edit distance, if it is close
/// enough to be a plausible typo (for `hint: did you mean …`).
pub(crate) fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = wanted.chars().count();
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(wanted, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (length.max(candidate.chars().count()) / 2).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// How wide `text` shows, in characters: its widest line, East Asian wide
/// characters (CJK, full-width forms) counting 2, as does the em dash
/// (Chinese text writes it `——`, each as wide as a character).
pub(crate) fn display_width(text: &str) -> usize {
    let width = |c: char| if c == '—' { 2 } else { c.width().unwrap_or(1) };
    text.lines().map(|line| line.chars().map(width).sum()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_spec_says() {
        assert_eq!(normalize("  专题 研究 "), "专题研究");
        assert_eq!(normalize("分值（分）"), "分值(分)");
        assert_eq!(normalize("２０２５"), "2025");
        assert_eq!(normalize("a\u{3000}\u{3000}b"), "a b");
        assert_eq!(normalize("Party  Group\tA"), "Party Group A");
        assert_eq!(normalize("第一 Branch"), "第一 Branch");
        assert_eq!(normalize_keyword("Min_Count"), "min_count");
    }

    #[test]
    fn normal_text_is_borrowed_and_the_rest_normalised() {
        for text in ["专题研究", "C03-B00017", "南湖市第17党支部〔2025〕3号", "是"] {
            assert!(matches!(normalize_cow(text), Cow::Borrowed(t) if t == text), "{text}");
        }
        for text in
            ["  专题 研究 ", "分值（分）", "２０２５", "a\u{3000}b", "Party  Group\tA", "第一 Branch", " x"]
        {
            assert_eq!(normalize_cow(text), normalize(text), "{text}");
        }
    }

    #[test]
    fn a_text_seen_twice_is_held_and_unique_texts_do_not_evict_it() {
        let mut cache = TextCache::default();
        let first = cache.share("C03-B00017");
        let second = cache.share("C03-B00017");
        assert_eq!(first, second);
        assert!(Arc::ptr_eq(&second, &cache.share("C03-B00017")));
        for n in 0..(4 << CACHE_BITS) {
            assert_eq!(&*cache.share(&format!("标题{n}")), format!("标题{n}"));
        }
        assert!(Arc::ptr_eq(&second, &cache.share("C03-B00017")));
    }

    #[test]
    fn shared_texts_are_held_once() {
        let mut texts = SharedTexts::default();
        let first = texts.share("专题研究");
        assert!(Arc::ptr_eq(&first, &texts.share("专题研究")));
        assert!(!Arc::ptr_eq(&first, &texts.share("述职")));
    }

    #[test]
    fn natural_order_compares_numbers_by_value() {
        assert_eq!(natural_cmp("U2", "U10"), Ordering::Less);
        assert_eq!(natural_cmp("U10", "U9"), Ordering::Greater);
        assert_eq!(natural_cmp("A", "B"), Ordering::Less);
        assert_eq!(natural_cmp("U02", "U2"), Ordering::Greater);
    }

    #[test]
    fn nearest_suggests_typos_only() {
        let names = ["办公室党支部", "第一党支部", "机关党委"];
        assert_eq!(nearest("办公党支部", names), Some("办公室党支部"));
        assert_eq!(nearest("完全不同的名字啊", names), None);
    }

    #[test]
    fn wide_characters_and_the_em_dash_count_two_on_the_widest_line() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("办公室党支部"), 12);
        assert_eq!(display_width("（一）A"), 7);
        assert_eq!(display_width("—"), 2);
        assert_eq!(display_width("“≥”×"), 4);
        assert_eq!(display_width("短\n较长的一行"), 10);
        assert_eq!(display_width("意识形态 ab"), 11);
    }
}
