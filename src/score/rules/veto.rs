//! 否决 veto: a single occurrence vetoes the unit (lowest band, ranked after
//! every unit not vetoed). Carries no points.

use super::{Outcome, RuleInput, origins};
use crate::number::int;

pub fn evaluate(input: &RuleInput) -> Outcome {
    let activities = input.activities();
    let vetoed = !activities.is_empty();
    let reason = if vetoed {
        format!("存在{}{}次，一票否决", input.activity_name(), activities.len())
    } else {
        String::new()
    };
    Outcome { vetoed, ..Outcome::new(int(0), reason, origins(&activities)) }
}

#[cfg(test)]
mod tests {
    use crate::model::RuleKind;
    use crate::score::testing::*;

    #[test]
    fn one_occurrence_vetoes_with_no_points() {
        let mut model = one_unit(vec![indicator("V1", IDEOLOGY, RuleKind::Veto, "0", "严重错误倾向")]);
        let result = first_result(&model);
        assert!(!result.vetoed);
        assert_eq!(result.reason, "");

        model.activities = vec![activity(0, "2025-08-01", "严重错误倾向", 2)];
        let result = first_result(&model);
        assert!(result.vetoed);
        assert_eq!((result.score, result.points), (d("0"), d("0")));
        assert_eq!(result.reason, "存在严重错误倾向1次，一票否决");
        assert_eq!(result.evidence, vec![origin("活动", 2)]);
    }
}
