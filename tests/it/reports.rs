//! The full scored report of the bundled sample and of the small base
//! fixture (the files under `tests/fixtures` are partial inputs), each as a
//! reviewed snapshot: per unit its rank, grade and exact totals, its category
//! scores, and per indicator its score, reason and evidence cells; then
//! every incident check and every accountability finding (docs/计分.md).
//! The dump reads the public [`Report`] and names units and indicators by
//! their codes, so a snapshot changes only when a value does.

use std::fmt::Write;
use std::path::PathBuf;

use kaohe::model::{INCIDENT_STEPS, Model, Origin};
use kaohe::number::{self, Exact};
use kaohe::score::Report;

use crate::common;

/// A value exactly: a decimal when it terminates (`79.98`, `-2`), else a
/// fraction and, to read it, its value to 4 places (`980/13 ≈ 75.3846`).
fn exact(value: &Exact) -> String {
    let decimal = number::format_exact(value, 4);
    if number::parse_decimal(&decimal).as_ref() == Some(value) {
        decimal
    } else {
        format!("{value} ≈ {decimal}")
    }
}

/// Cell locations as `FILE:SHEET!A17`, comma-separated.
fn locations(origins: &[Origin]) -> String {
    origins.iter().map(Origin::to_string).collect::<Vec<_>>().join(", ")
}

/// The report as text: the units in ranking order, then the incident
/// checks, then the accountability findings.
fn dump(model: &Model, report: &Report) -> String {
    let mut out = String::new();
    let unit_id = |unit: usize| &model.units[unit].id;
    let code = |indicator: usize| &model.criteria[indicator].code;
    for result in &report.units {
        let unit = &model.units[result.unit];
        let system = match model.systems[result.system].owner {
            Some(owner) => format!("the system of {}", unit_id(owner)),
            None => "the top-level system".to_owned(),
        };
        writeln!(out, "{} {}: rank {}, {}", unit.id, unit.name, result.rank, result.grade).unwrap();
        writeln!(
            out,
            "  total {} from weighted {} + bonus {}{}, under {system}",
            exact(&result.total),
            exact(&result.weighted),
            exact(&result.bonus),
            if result.veto { ", vetoed" } else { "" },
        )
        .unwrap();
        for category in &result.categories {
            writeln!(
                out,
                "  {}: {} of {}, normalized {}, weight {}",
                category.category,
                exact(&category.score),
                exact(&category.points),
                exact(&category.normalized),
                exact(&category.weight),
            )
            .unwrap();
        }
        for indicator in &result.indicators {
            let subject = indicator.subject(model);
            write!(
                out,
                "  {}{} {}: {} of {}",
                if indicator.item.is_some() { "item " } else { "" },
                subject.code,
                subject.name,
                exact(&indicator.score),
                exact(&indicator.points)
            )
            .unwrap();
            if indicator.deduction != number::int(0) {
                write!(out, ", deduction {}", exact(&indicator.deduction)).unwrap();
            }
            writeln!(out, "{}", if indicator.vetoed { ", vetoed" } else { "" }).unwrap();
            if !indicator.reason.is_empty() {
                writeln!(out, "    reason: {}", indicator.reason).unwrap();
            }
            if !indicator.evidence.is_empty() {
                writeln!(out, "    evidence: {}", locations(&indicator.evidence)).unwrap();
            }
            for clause in &indicator.clauses {
                let definition = &model.criteria[clause.indicator];
                writeln!(
                    out,
                    "    clause {} {}: deduction {}",
                    definition.code,
                    definition.name,
                    exact(&clause.deduction)
                )
                .unwrap();
                if !clause.reason.is_empty() {
                    writeln!(out, "      reason: {}", clause.reason).unwrap();
                }
                if !clause.evidence.is_empty() {
                    writeln!(out, "      evidence: {}", locations(&clause.evidence)).unwrap();
                }
            }
        }
    }
    if !report.incidents.is_empty() {
        writeln!(out, "incident checks:").unwrap();
    }
    for check in &report.incidents {
        let incident = &model.incidents[check.incident];
        let hours: Vec<String> = INCIDENT_STEPS
            .iter()
            .zip(&check.hours)
            .map(|((step, _), hours)| match hours {
                Some(hours) => format!("{step} {}h", exact(hours)),
                None => format!("{step} -"),
            })
            .collect();
        let verdict = match check.late {
            None => "on time".to_owned(),
            Some(late) if late.missing => format!("late: {} missing", INCIDENT_STEPS[late.step].0),
            Some(late) => format!("late: {} too late", INCIDENT_STEPS[late.step].0),
        };
        writeln!(
            out,
            "  {} {} {} by {}: {}; {verdict}",
            incident.origin,
            unit_id(check.unit),
            incident.title,
            code(check.indicator),
            hours.join(", "),
        )
        .unwrap();
    }
    if !report.findings.is_empty() {
        writeln!(out, "accountability:").unwrap();
    }
    for finding in &report.findings {
        let row = &model.accountability[finding.row];
        writeln!(
            out,
            "  {} {} {} {}: {}",
            row.origin,
            row.case,
            unit_id(row.unit),
            row.person,
            finding.responsibility.zh()
        )
        .unwrap();
    }
    out
}

/// The dump of `inputs`' report; they must be valid.
fn dump_of(inputs: Vec<PathBuf>) -> String {
    let (model, _) = common::load_valid(inputs);
    dump(&model, &kaohe::score::score(&model))
}

#[test]
fn the_sample_report() {
    insta::assert_snapshot!("sample", dump_of(vec![PathBuf::from("samples/示例台账.xlsx")]));
}

#[test]
fn the_base_fixture_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_xlsx(dir.path(), "base.xlsx", &common::base_sheets());
    insta::assert_snapshot!("base", dump_of(vec![path]));
}
