//! The languages findings are written in, and their catalogues (`locales/<lang>/findings.ftl`,
//! Fluent syntax, embedded in the binary).

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language of the findings: `check --lang`, and each report's own language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    It,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::It];

    /// The language of a study's language code; English for any other (findings are written in
    /// English and Italian only).
    pub fn of(code: &str) -> Lang {
        match code {
            "it" => Lang::It,
            _ => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::It => "it",
        }
    }

    /// The catalogue's source text.
    pub fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en/findings.ftl"),
            Lang::It => include_str!("../locales/it/findings.ftl"),
        }
    }

    /// `999990` → `999,990` in English, `999.990` in Italian.
    pub fn thousands(self, n: usize) -> String {
        let sep = match self {
            Lang::En => ',',
            Lang::It => '.',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| Lang::ALL.map(make));
    &all[lang as usize]
}

fn make(lang: Lang) -> Bundle {
    // A syntax error leaves the entries read before it; the catalogue test reports it.
    let resource = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
    let id = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around the values: the output is plain text.
    bundle.set_use_isolating(false);
    // An entry given twice keeps its first text; the catalogue test reports it.
    let _ = bundle.add_resource(resource);
    bundle
}

/// Whether the catalogue of `lang` has the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    bundle(lang).has_message(id)
}

/// The message `id` of `lang` with `args`; English when `lang` lacks it, the id itself when
/// English lacks it too (never in a build that passed its tests).
pub fn format(lang: Lang, id: &str, args: &FluentArgs) -> String {
    for lang in [lang, Lang::En] {
        let bundle = bundle(lang);
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(args), &mut errors)
                .into_owned();
        }
    }
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Each message id of a catalogue with the variables its text uses.
    fn entries(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(lang.source())
            .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", lang.code()));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        pattern_vars(p, &mut vars);
                    }
                    let id = m.id.name.to_string();
                    assert!(
                        out.insert(id.clone(), vars).is_none(),
                        "{}: '{id}' is given twice",
                        lang.code()
                    );
                }
                ast::Entry::Junk { content } => panic!("{}: cannot read {content}", lang.code()),
                _ => {}
            }
        }
        out
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for e in &p.elements {
            if let ast::PatternElement::Placeable { expression } = e {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
            ast::Expression::Inline(i) => inline_vars(i, vars),
        }
    }

    fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            _ => {}
        }
    }

    #[test]
    fn catalogue_languages_have_the_same_ids_and_variables() {
        let en = entries(Lang::En);
        let it = entries(Lang::It);
        assert!(en.len() > 50, "{}", en.len());
        let only_en: Vec<_> = en.keys().filter(|k| !it.contains_key(*k)).collect();
        let only_it: Vec<_> = it.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "only in English: {only_en:?}");
        assert!(only_it.is_empty(), "only in Italian: {only_it:?}");
        for (id, vars) in &en {
            assert_eq!(vars, &it[id], "'{id}' uses other variables in Italian");
        }
    }

    /// Every `msg!("id"` in src/ (and every id the code names with `Message::new`).
    fn ids_in_source() -> BTreeSet<String> {
        fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .expect("src/")
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    for marker in ["msg!(\"", "msg!(\n"] {
                        for (at, _) in text.match_indices(marker) {
                            let rest = text[at + marker.len() - 1..].trim_start();
                            let rest = rest.trim_start_matches('"');
                            if let Some(end) = rest.find('"') {
                                out.insert(rest[..end].to_string());
                            }
                        }
                    }
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        // The doc comment's own example.
        out.retain(|id| id != "id");
        out
    }

    #[test]
    fn catalogue_has_every_id_the_source_uses() {
        let used = ids_in_source();
        assert!(used.len() > 50, "{}", used.len());
        for lang in Lang::ALL {
            let known = entries(lang);
            let missing: Vec<_> = used.iter().filter(|id| !known.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", lang.code());
            // And the bundle reads them (a syntax slip would drop an entry).
            assert!(used.iter().all(|id| has(lang, id)), "{}", lang.code());
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let mut args = FluentArgs::new();
        args.set("n", 1);
        args.set("count", "1");
        assert_eq!(
            format(Lang::En, "more-like-this", &args),
            "… and 1 more row like this"
        );
        assert_eq!(
            format(Lang::It, "more-like-this", &args),
            "… e un'altra riga come questa"
        );
        let mut args = FluentArgs::new();
        args.set("n", 2000);
        args.set("count", Lang::It.thousands(2000));
        assert_eq!(
            format(Lang::It, "more-like-this", &args),
            "… e altre 2.000 righe come questa"
        );
    }
}
