//! A model of how a body's blocks fill pages, so the combined volume's
//! contents can carry the page each letter starts on before any reader
//! has laid the volume out. It follows what the layout writes: grid lines
//! of fixed pitch, table rows that never split with the header repeated on
//! each page, keep-with-next chains moved whole. Heights and widths are
//! those of LibreOffice with its substitute fonts (the official ones are
//! seldom installed). It is an estimate: the contents' fields are marked
//! for updating, so a reader shows the pages of its own layout.

use super::layout::{LINE_PITCH, TEXT_HEIGHT};

/// One 4号 line of a table cell in single spacing, in twips (20.3 pt), with the
/// substitute fonts LibreOffice finds for 仿宋_GB2312 and 黑体.
pub(super) const TABLE_LINE: i32 = 406;
/// What a table row adds to its lines: the cell borders.
pub(super) const ROW_EXTRA: i32 = 10;

/// Pages filled so far and the height used on the last one.
#[derive(Debug)]
pub(super) struct Flow {
    pages: u32,
    used: i32,
    /// Heights of the units that keep with the next one, not yet placed.
    kept: Vec<i32>,
}

impl Default for Flow {
    fn default() -> Self {
        Flow { pages: 1, used: 0, kept: Vec::new() }
    }
}

impl Flow {
    /// A unit that can't be split across pages; with `keep_next`, it goes
    /// onto the page of the next unit.
    pub(super) fn unit(&mut self, height: i32, keep_next: bool) {
        self.kept.push(height);
        if keep_next {
            return;
        }
        let chain: i32 = self.kept.iter().sum();
        if self.used > 0 && self.used + chain > TEXT_HEIGHT {
            // A chain taller than a page is broken where it overflows.
            if chain > TEXT_HEIGHT {
                for height in std::mem::take(&mut self.kept) {
                    self.place(height);
                }
                return;
            }
            self.new_page();
        }
        self.used += chain;
        self.kept.clear();
    }

    /// `lines` grid lines of a paragraph, `before` and `after` twips of
    /// space around it; with `keep_next`, it stays whole and on the page of
    /// the next unit.
    pub(super) fn paragraph(&mut self, lines: u32, before: i32, after: i32, keep_next: bool) {
        // A paragraph that keeps with the next moves whole, as
        // LibreOffice moves it; another breaks between any two lines.
        for line in 0..lines {
            let first = line == 0;
            let last = line + 1 == lines;
            let height = LINE_PITCH + if first { before } else { 0 } + if last { after } else { 0 };
            self.unit(height, keep_next);
        }
    }

    /// A table: its header row's height, then each row's height; rows
    /// keep with the next when `keep_together` (a short table on one page).
    /// On each page the table continues on, the header row is repeated.
    pub(super) fn table(&mut self, rows: &[i32], keep_together: bool) {
        let header = rows.first().copied().unwrap_or(0);
        for (index, &height) in rows.iter().enumerate() {
            let last = index + 1 == rows.len();
            // The header row keeps with the first row below it.
            let keep = (keep_together && !last) || index == 0;
            let pages = self.pages;
            self.unit(height, keep);
            if self.pages > pages && index > 0 {
                self.used += header;
            }
        }
    }

    /// A page break: what follows starts a new page.
    pub(super) fn page_break(&mut self) {
        for height in std::mem::take(&mut self.kept) {
            self.place(height);
        }
        self.new_page();
    }

    /// The pages the body takes.
    pub(super) fn pages(mut self) -> u32 {
        for height in std::mem::take(&mut self.kept) {
            self.place(height);
        }
        self.pages
    }

    fn place(&mut self, height: i32) {
        if self.used > 0 && self.used + height > TEXT_HEIGHT {
            self.new_page();
        }
        self.used += height;
    }

    fn new_page(&mut self) {
        self.pages += 1;
        self.used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_lines_fill_a_page_of_22() {
        let mut flow = Flow::default();
        flow.paragraph(22, 0, 0, false);
        assert_eq!(flow.pages(), 1);
        let mut flow = Flow::default();
        flow.paragraph(23, 0, 0, false);
        assert_eq!(flow.pages(), 2);
    }

    #[test]
    fn a_heading_goes_with_what_it_keeps_with() {
        let mut flow = Flow::default();
        flow.paragraph(21, 0, 0, false);
        flow.paragraph(1, 0, 0, true);
        flow.paragraph(3, 0, 0, false);
        assert_eq!(flow.pages, 2, "the heading moved to the second page");
        assert_eq!(flow.used, 4 * LINE_PITCH, "the heading and the paragraph's three lines");
    }

    #[test]
    fn a_long_table_repeats_its_header_on_the_next_page() {
        let mut flow = Flow::default();
        flow.paragraph(18, 0, 0, false);
        let rows = [500, 1000, 1000];
        flow.table(&rows, false);
        assert_eq!(flow.pages, 2);
        assert_eq!(flow.used, 500 + 1000, "the header again, then the row that did not fit below the first");
    }
}
