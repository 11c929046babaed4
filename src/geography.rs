//! The territories of a study as a hierarchy: levels from the top down (regions, then their
//! ambiti; one level, "territory", for a study of flat territories), each territory with its
//! official code when there is one, its parent one level up, and the spellings that mean it.
//! Built once from study.toml; a spelling found in the data is resolved by one lookup.

use serde::Serialize;

use crate::text::Spellings;

/// The level of a study whose territories name none.
pub const DEFAULT_LEVEL: &str = "territory";

/// One territory.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub name: String,
    /// Its official code (ISTAT, NUTS), when given.
    pub code: Option<String>,
    /// Its level, an index into [`Geography::levels`].
    pub level: usize,
    /// The territory it belongs to, one level up.
    pub parent: Option<usize>,
    pub aliases: Vec<String>,
}

/// The study's territories and their levels.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Geography {
    /// The levels' names, from the top down.
    pub levels: Vec<String>,
    /// The territories, in the order of study.toml.
    pub units: Vec<Unit>,
    /// Every spelling, folded, and the territory it means.
    #[serde(skip)]
    spellings: Spellings,
}

/// What a refusal points at in a territory as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Name,
    Level,
    Parent,
}

/// Why a geography cannot be built: the territory (its index in the order given), the key at
/// fault, and the message. A mistake in `[geography] levels` itself has no territory.
pub type Refusal = (Option<usize>, Key, String);

/// A territory as written: name, aliases, level, parent's name, code.
pub struct Written<'a> {
    pub name: &'a str,
    pub aliases: &'a [String],
    pub level: Option<&'a str>,
    pub parent: Option<&'a str>,
    pub code: Option<&'a str>,
}

impl Geography {
    /// Builds the hierarchy: `levels` in order from the top (else the levels in the order first
    /// written, else one level); every territory below the top names its parent one level up.
    pub fn build(levels: &[String], written: &[Written]) -> Result<Geography, Refusal> {
        for (i, l) in levels.iter().enumerate() {
            if levels[..i].contains(l) {
                return Err((None, Key::Name, format!("the level '{l}' is given twice")));
            }
        }
        let mut g = Geography {
            levels: levels.to_vec(),
            ..Geography::default()
        };
        if levels.is_empty() {
            // Without declared levels, one level: every territory at it.
            let mut named: Vec<&str> = written.iter().filter_map(|t| t.level).collect();
            named.dedup();
            if let Some(i) = written
                .iter()
                .position(|t| t.level.is_some_and(|l| Some(&l) != named.first()))
            {
                return Err((
                    Some(i),
                    Key::Level,
                    "territories at more than one level: declare the levels from the top down, [geography] levels = [\"region\", \"ambito\"]".into(),
                ));
            }
            g.levels
                .push(named.first().unwrap_or(&DEFAULT_LEVEL).to_string());
        }
        for (i, t) in written.iter().enumerate() {
            let level = match t.level {
                Some(name) => g.levels.iter().position(|l| l == name).ok_or_else(|| {
                    (
                        Some(i),
                        Key::Level,
                        format!(
                            "level = '{name}' is not one of [geography] levels ({})",
                            g.levels.join(", ")
                        ),
                    )
                })?,
                None if g.levels.len() > 1 => {
                    return Err((
                        Some(i),
                        Key::Name,
                        format!(
                            "'{}' names no level: give it level = \"…\" (one of {})",
                            t.name.trim(),
                            g.levels.join(", ")
                        ),
                    ))
                }
                None => 0,
            };
            let name = t.name.trim().to_string();
            let index = g.units.len();
            let spellings = std::iter::once(&name)
                .chain(t.aliases)
                .map(String::as_str)
                .chain(t.code);
            for spelling in spellings {
                if let Err(other) = g.spellings.add(spelling, index) {
                    return Err((
                        Some(i),
                        Key::Name,
                        format!(
                            "the spelling '{spelling}' is given for both '{}' and '{name}'",
                            g.units[other].name
                        ),
                    ));
                }
            }
            g.units.push(Unit {
                name,
                code: t.code.map(str::to_string),
                level,
                parent: None,
                aliases: t.aliases.to_vec(),
            });
        }
        // Parents, once every territory is known (a parent may be written after its children).
        for (i, t) in written.iter().enumerate() {
            let level = g.units[i].level;
            let parent = match t.parent {
                Some(p) => {
                    let found = g.resolve(p).ok_or_else(|| {
                        (
                            Some(i),
                            Key::Parent,
                            format!("parent = '{p}' is not a territory of the study"),
                        )
                    })?;
                    if level == 0 {
                        return Err((
                            Some(i),
                            Key::Parent,
                            format!(
                                "parent = '{p}': '{}' is at the top level ('{}'), which has no parent",
                                g.units[i].name, g.levels[0]
                            ),
                        ));
                    }
                    if g.units[found].level != level - 1 {
                        return Err((
                            Some(i),
                            Key::Parent,
                            format!(
                                "parent = '{p}': the parent of a territory at level '{}' is one at level '{}'",
                                g.levels[level],
                                g.levels[level - 1]
                            ),
                        ));
                    }
                    Some(found)
                }
                None if level > 0 => {
                    return Err((
                        Some(i),
                        Key::Name,
                        format!(
                            "'{}' is at level '{}': name its parent (the '{}' it belongs to) with parent = \"…\"",
                            g.units[i].name,
                            g.levels[level],
                            g.levels[level - 1]
                        ),
                    ))
                }
                None => None,
            };
            g.units[i].parent = parent;
        }
        Ok(g)
    }

    /// The territory a spelling found in the data means (`"FIRENZE "` → Firenze).
    pub fn resolve(&self, raw: &str) -> Option<usize> {
        self.spellings.get(raw)
    }

    /// Whether `raw` is the official code of a territory (a code is how exports hold a choice,
    /// not a spelling to note).
    pub fn is_code(&self, raw: &str) -> bool {
        let raw = raw.trim();
        self.units.iter().any(|u| u.code.as_deref() == Some(raw))
    }

    /// The index of the level named `name`.
    pub fn level(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|l| l == name)
    }

    /// The territory `unit` belongs to at `level` (itself at its own level); none below it.
    pub fn ancestor(&self, unit: usize, level: usize) -> Option<usize> {
        let mut u = unit;
        loop {
            let this = &self.units[u];
            if this.level == level {
                return Some(u);
            }
            if this.level < level {
                return None;
            }
            u = this.parent?;
        }
    }

    /// Whether the study has territories at more than one level.
    pub fn is_hierarchy(&self) -> bool {
        self.levels.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t<'a>(name: &'a str, level: &'a str, parent: Option<&'a str>) -> Written<'a> {
        Written {
            name,
            aliases: &[],
            level: Some(level),
            parent,
            code: None,
        }
    }

    #[test]
    fn ambiti_belong_to_their_region() {
        let g = Geography::build(
            &["region".into(), "ambito".into()],
            &[
                t("Prato", "ambito", Some("Toscana")),
                t("Toscana", "region", None),
                t("Firenze", "ambito", Some("Toscana")),
                t("Lazio", "region", None),
                t("Roma 1", "ambito", Some("Lazio")),
            ],
        )
        .unwrap();
        let prato = g.resolve(" PRATO").unwrap();
        assert_eq!(g.units[g.ancestor(prato, 0).unwrap()].name, "Toscana");
        assert_eq!(g.ancestor(prato, 1), Some(prato));
        let lazio = g.resolve("lazio").unwrap();
        assert_eq!(g.ancestor(lazio, 1), None);
    }

    #[test]
    fn a_flat_study_has_one_level() {
        let w = [Written {
            name: "Prato",
            aliases: &["PO".to_string()],
            level: None,
            parent: None,
            code: None,
        }];
        let g = Geography::build(&[], &w).unwrap();
        assert_eq!(g.levels, ["territory"]);
        assert_eq!(g.resolve("po"), Some(0));
        assert!(!g.is_hierarchy());
    }

    #[test]
    fn a_broken_hierarchy_is_refused_with_the_territory() {
        let levels = ["region".to_string(), "ambito".to_string()];
        let e = Geography::build(&levels, &[t("Prato", "ambito", None)]).unwrap_err();
        assert_eq!((e.0, e.1), (Some(0), Key::Name));
        assert!(e.2.contains("name its parent"), "{}", e.2);
        let e = Geography::build(
            &levels,
            &[
                t("Toscana", "region", None),
                t("Prato", "ambito", Some("Umbria")),
            ],
        )
        .unwrap_err();
        assert_eq!(
            e,
            (
                Some(1),
                Key::Parent,
                "parent = 'Umbria' is not a territory of the study".into()
            )
        );
        let e = Geography::build(&levels, &[t("Prato", "province", None)]).unwrap_err();
        assert_eq!(e.1, Key::Level);
        assert!(e.2.contains("is not one of [geography] levels"), "{}", e.2);
        // Levels written without being declared, and declared twice.
        let e = Geography::build(
            &[],
            &[
                t("Toscana", "region", None),
                t("Prato", "ambito", Some("Toscana")),
            ],
        )
        .unwrap_err();
        assert!(e.2.contains("declare the levels"), "{}", e.2);
        let e = Geography::build(&["region".into(), "region".into()], &[]).unwrap_err();
        assert_eq!(e.0, None);
    }

    #[test]
    fn a_territorys_own_spellings_may_repeat_and_its_code_resolves() {
        let aliases = ["PRATO".to_string(), "po".to_string(), "PO".to_string()];
        let w = [Written {
            name: "Prato",
            aliases: &aliases,
            level: None,
            parent: None,
            code: Some("100"),
        }];
        let g = Geography::build(&[], &w).unwrap();
        assert_eq!(g.resolve("100"), Some(0));
        assert_eq!(g.resolve("Po"), Some(0));
    }
}

/// The shipped list of Italy's regions and autonomous provinces (`instruments/italy-regions.csv`).
const ITALY: &str = include_str!("../instruments/italy-regions.csv");

/// The ISTAT code of an Italian region or autonomous province named `name` (its Italian or
/// English name, or a common alias, as the shipped list writes them; case and spaces ignored):
/// what places it on the tile map of Italy.
pub fn istat_code(name: &str) -> Option<&'static str> {
    let fold = |s: &str| crate::text::fold(s);
    let wanted = fold(name);
    ITALY.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split(',').collect();
        let code: &'static str = f.first()?;
        let names: [&str; 2] = [f.get(2)?, f.get(3)?];
        let aliases: Vec<&str> = f.get(6).map_or(Vec::new(), |a| a.split('|').collect());
        names
            .into_iter()
            .chain(aliases)
            .chain([code])
            .any(|n| !n.is_empty() && fold(n) == wanted)
            .then_some(code)
    })
}

#[cfg(test)]
mod istat_tests {
    #[test]
    fn regions_by_any_name() {
        assert_eq!(super::istat_code("Toscana"), Some("09"));
        assert_eq!(super::istat_code("tuscany"), Some("09"));
        assert_eq!(
            super::istat_code("Valle d'Aosta/Vallée d'Aoste"),
            Some("02")
        );
        assert_eq!(
            super::istat_code("Provincia autonoma di Trento"),
            Some("22")
        );
        assert_eq!(super::istat_code("Prato"), None);
    }
}
