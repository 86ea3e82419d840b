//! Accountability findings (docs/计分.md 十三; requirement 15 of docs/简介.md). A collective decision
//! gives main leadership responsibility to the principal and the member in
//! charge, important leadership responsibility to the other members (a
//! decider counts as a member), and none to whoever stood against it. An
//! individual decision gives personal responsibility to its decider — even
//! one who stood against — and none to the rest. Findings don't change scores.

use super::{Finding, Responsibility};
use crate::model::{Decision, Model, Role, Stance};

/// One finding per accountability row, in input row order.
pub(super) fn findings(model: &Model) -> Vec<Finding> {
    model
        .accountability
        .iter()
        .enumerate()
        .map(|(row, entry)| Finding {
            row,
            responsibility: responsibility(entry.decision, entry.role, entry.stance),
        })
        .collect()
}

/// The responsibility a person with `role` and `stance` bears for a decision.
pub(super) fn responsibility(decision: Decision, role: Role, stance: Option<Stance>) -> Responsibility {
    match (decision, role, stance) {
        (Decision::Individual, Role::Decider, _) => Responsibility::Individual,
        (Decision::Individual, _, _) => Responsibility::None,
        (Decision::Collective, _, Some(Stance::Against)) => Responsibility::None,
        (Decision::Collective, Role::Principal | Role::InCharge, _) => Responsibility::Main,
        (Decision::Collective, Role::Member | Role::Decider, _) => Responsibility::Important,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Responsibility as R;

    #[test]
    fn collective_decisions_split_main_and_important() {
        let collective = |role, stance| responsibility(Decision::Collective, role, stance);
        for stance in [None, Some(Stance::For)] {
            assert_eq!(collective(Role::Principal, stance), R::Main);
            assert_eq!(collective(Role::InCharge, stance), R::Main);
            assert_eq!(collective(Role::Member, stance), R::Important);
            assert_eq!(collective(Role::Decider, stance), R::Important);
        }
        for role in [Role::Principal, Role::InCharge, Role::Member, Role::Decider] {
            assert_eq!(collective(role, Some(Stance::Against)), R::None);
        }
    }

    #[test]
    fn individual_decisions_charge_only_the_decider() {
        let individual = |role, stance| responsibility(Decision::Individual, role, stance);
        for stance in [None, Some(Stance::For), Some(Stance::Against)] {
            assert_eq!(individual(Role::Decider, stance), R::Individual);
            assert_eq!(individual(Role::Principal, stance), R::None);
            assert_eq!(individual(Role::InCharge, stance), R::None);
            assert_eq!(individual(Role::Member, stance), R::None);
        }
    }
}
