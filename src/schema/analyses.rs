//! The keys of `analyses/*.toml` for `capakit schema`: the keys every analysis has, then each
//! kind's parameters (declared with [`crate::parameters!`] in `src/analysis/<kind>/publish.rs`)
//! followed by the tables nested in them.

use super::{table, variants, Part, Table, Variants};
use crate::analysis::{capability, compare, indicators};
use crate::plan::analyses::{Kind, Spec, COMMON_KEYS};
use crate::plan::rules;

/// The tables nested in a kind's parameters, after the kind's own.
fn nested(kind: Kind) -> Vec<Table> {
    match kind {
        Kind::Capability => vec![
            table::<capability::spec::DimensionSpec>("[[analysis.dimensions]]"),
            table::<capability::spec::IndicatorSpec>("[[analysis.dimensions.indicators]]"),
        ],
        Kind::Indicators => vec![
            table::<indicators::publish::IndicatorSpec>("[[analysis.indicators]]"),
            table::<indicators::publish::ThresholdsSpec>("status"),
        ],
        Kind::Recommendations => vec![
            table::<rules::RuleSpec>("[[analysis.rules]]"),
            table::<rules::ConditionSpec>("when, all, any"),
        ],
        _ => Vec::new(),
    }
}

/// The part of the reference on `analyses/*.toml`.
pub(crate) fn part() -> Part {
    let mut tables = vec![table::<Spec>("[[analysis]]")];
    for kind in Kind::all() {
        let mut own = crate::analysis::parameter_table(kind);
        own.keys.retain(|k| !COMMON_KEYS.contains(&k.key));
        tables.push(own);
        tables.extend(nested(kind));
    }
    Part {
        title: "`analyses/*.toml`".into(),
        intro: "One `[[analysis]]` table per analysis: the keys every analysis has, then the \
                parameters of its `kind`. A key its kind does not take is an error naming its \
                line and column."
            .into(),
        tables,
    }
}

/// The enums of the analyses files whose choices are explained.
pub(crate) fn enum_variants() -> Vec<Variants> {
    vec![
        variants::<capability::spec::Missing>(),
        variants::<capability::spec::Weighting>(),
        variants::<compare::FamilyMode>(),
        variants::<indicators::Unit>(),
        variants::<indicators::Direction>(),
        variants::<rules::Actor>(),
        variants::<rules::Priority>(),
    ]
}
