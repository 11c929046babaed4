//! The territories of a study as a hierarchy: levels from the top down (regions, then their
//! ambiti; one level, "territory", for a study of flat territories), each territory with its
//! official code when there is one, its parent one level up, and the spellings that mean it.
//! Built once from study.toml; a spelling found in the data is resolved by one lookup.

use std::collections::HashMap;

use serde::Serialize;

use crate::text::fold;

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
    spellings: HashMap<String, usize>,
}

/// Why a geography cannot be built: the territory (its index in the order given) and the message.
pub type Refusal = (usize, String);

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
        let mut g = Geography {
            levels: levels.to_vec(),
            ..Geography::default()
        };
        let declared = !levels.is_empty();
        for (i, t) in written.iter().enumerate() {
            let level_name = t.level.unwrap_or(DEFAULT_LEVEL);
            let level = match g.levels.iter().position(|l| l == level_name) {
                Some(l) => l,
                None if declared => {
                    return Err((
                        i,
                        format!(
                            "level = '{level_name}' is not one of [geography] levels ({})",
                            g.levels.join(", ")
                        ),
                    ))
                }
                None => {
                    g.levels.push(level_name.to_string());
                    g.levels.len() - 1
                }
            };
            let name = t.name.trim().to_string();
            for spelling in std::iter::once(&name).chain(t.aliases) {
                if let Some(&other) = g.spellings.get(&fold(spelling)) {
                    return Err((
                        i,
                        format!(
                            "the spelling '{spelling}' is given for both '{}' and '{name}'",
                            g.units[other].name
                        ),
                    ));
                }
                g.spellings.insert(fold(spelling), g.units.len());
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
                    let found = g
                        .units
                        .iter()
                        .position(|u| fold(&u.name) == fold(p))
                        .ok_or_else(|| (i, format!("parent = '{p}' is not a territory of the study")))?;
                    if level == 0 || g.units[found].level != level - 1 {
                        return Err((
                            i,
                            format!(
                                "parent = '{p}': the parent of a territory at level '{}' is a territory one level up{}",
                                g.levels[level],
                                if level == 0 { " (this is the top level)".to_string() } else { format!(" (level '{}')", g.levels[level - 1]) }
                            ),
                        ));
                    }
                    Some(found)
                }
                None if level > 0 => {
                    return Err((
                        i,
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
        self.spellings.get(&fold(raw)).copied()
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
        assert_eq!(e.0, 0);
        assert!(e.1.contains("name its parent"), "{}", e.1);
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
                1,
                "parent = 'Umbria' is not a territory of the study".into()
            )
        );
        let e = Geography::build(&levels, &[t("Prato", "province", None)]).unwrap_err();
        assert!(e.1.contains("is not one of [geography] levels"), "{}", e.1);
    }
}
