//! Ranking and grading on one scale (docs/计分.md 十一、十二), shared by
//! `kaohe score` and `kaohe merge`: vetoed units after every unit not
//! vetoed, each group by total descending; ties share a rank (1, 2, 2, 4)
//! and numbering runs on through the vetoed group. The grade is the first
//! band whose threshold ≤ total (a vetoed unit gets the last band), and
//! 优秀比例 limits how many units keep the first band. How ties are listed
//! is the caller's.

use std::cmp::Ordering;

use crate::model::GradeBand;
use crate::number::{Exact, int};

/// What ranking looks at in a unit: whether it is vetoed, and its total.
pub type Standing<'a> = (bool, &'a Exact);

/// The ranking order of two units: not vetoed before vetoed, then the
/// higher total first; `Equal` for a tie.
pub fn by_standing(a: Standing, b: Standing) -> Ordering {
    a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1))
}

/// The competition rank of each of `standings`, given in ranking order:
/// ties share the rank of the first of them, and the next rank counts them
/// all (1, 2, 2, 4).
pub fn competition_ranks(standings: &[Standing]) -> Vec<u32> {
    tie_groups(standings)
        .into_iter()
        .flat_map(|(start, end)| std::iter::repeat_n(start as u32 + 1, end - start))
        .collect()
}

/// The rank and band (an index into `bands`) of every one of the assessed
/// units, whose `standings` are given in ranking order; `top_quota` is 优秀比例.
/// `barred[i]` says a 不得评优 veto bars unit i from the first band: it
/// gets the second at most, and keeps its rank and its place in the quota.
pub fn rank_and_grade(
    bands: &[GradeBand],
    top_quota: Option<&Exact>,
    standings: &[Standing],
    barred: &[bool],
) -> Vec<(u32, usize)> {
    let quota = top_quota.map(|q| (q * int(standings.len() as i64) / int(100)).floor());
    let mut graded = Vec::with_capacity(standings.len());
    for (start, end) in tie_groups(standings) {
        let over_quota = quota.as_ref().is_some_and(|quota| int(end as i64) > *quota);
        for (&standing, &barred) in standings[start..end].iter().zip(&barred[start..end]) {
            let band = band_index(bands, standing);
            let band =
                if band == 0 && (over_quota || barred) { 1.min(bands.len().saturating_sub(1)) } else { band };
            graded.push((start as u32 + 1, band));
        }
    }
    graded
}

/// The half-open ranges of standings (already in ranking order) that share a rank.
fn tie_groups(standings: &[Standing]) -> Vec<(usize, usize)> {
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (index, standing) in standings.iter().enumerate() {
        match groups.last_mut() {
            Some((start, end)) if standings[*start] == *standing => *end = index + 1,
            _ => groups.push((index, index + 1)),
        }
    }
    groups
}

/// The band a unit's total earns, before the quota: the first band whose
/// threshold ≤ total, else the last; always the last for a vetoed unit.
fn band_index(bands: &[GradeBand], (veto, total): Standing) -> usize {
    let last = bands.len().saturating_sub(1);
    if veto {
        return last;
    }
    bands.iter().position(|band| band.threshold <= *total).unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_first_rank_and_the_next_counts_them() {
        let (low, high) = (int(70), int(90));
        let standings = [(false, &high), (false, &low), (false, &low), (true, &high), (true, &high)];
        assert_eq!(competition_ranks(&standings), [1, 2, 2, 4, 4]);
        assert_eq!(by_standing(standings[0], standings[3]), Ordering::Less);
        assert_eq!(by_standing(standings[1], standings[0]), Ordering::Greater);
    }
}
