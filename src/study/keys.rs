//! The keys of `study.toml` for `capakit schema`: the structs that read it, in the order of the
//! file's usual layout.

use crate::schema::{table, variants, Part, Variants};

use super::{
    CheckOptions, DisclosureFile, FailOn, GeographyFile, Method, Nonresponse, ReportOptions,
    SegmentColumnsFile, SourceFile, StudyFile, TerritoryFile, UnitsFile, WaveFile,
};

/// The part of the reference on `study.toml`.
pub(crate) fn schema_part() -> Part {
    Part {
        title: "`study.toml`".into(),
        intro: "The study: its title and languages, its territories and waves, its data files \
                (`[[sources]]`), its report and how published counts are protected. A key not \
                listed here is an error naming its line and column."
            .into(),
        tables: vec![
            table::<StudyFile>("study.toml"),
            table::<TerritoryFile>("[[territories]]"),
            table::<GeographyFile>("[geography]"),
            table::<UnitsFile>("[[geography.files]]"),
            table::<WaveFile>("[[waves]]"),
            table::<SourceFile>("[[sources]]"),
            table::<SegmentColumnsFile>("[sources.columns]"),
            table::<ReportOptions>("[report]"),
            table::<DisclosureFile>("[disclosure]"),
            table::<CheckOptions>("[check]"),
        ],
    }
}

/// The enums of `study.toml` whose choices are explained.
pub(crate) fn schema_variants() -> Vec<Variants> {
    vec![
        variants::<Nonresponse>(),
        variants::<Method>(),
        variants::<FailOn>(),
    ]
}
