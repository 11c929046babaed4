//! The report templates (minijinja) and their strings, from `reports/` — built in, or the study's
//! own `reports/` folder file by file. Escaping is forced: HTML for the HTML report, Markdown (and
//! inline HTML) escaping for the Markdown report, whatever a template's file name says. Number
//! filters format in the report's language: `num`, `pct`, `pval`, `int`; `tr` picks a label.

use std::collections::BTreeMap;
use std::path::PathBuf;

use minijinja::{AutoEscape, Environment, Value};

use crate::analysis::Results;
use crate::error::{Error, Result};
use crate::instrument::label_in;
use crate::study::Study;

use super::format;
use crate::publication::Figure;
use crate::words::Strings;

const BUILTIN: &[(&str, &str)] = &[
    (
        "report.html.j2",
        include_str!("../../reports/report.html.j2"),
    ),
    ("brief.html.j2", include_str!("../../reports/brief.html.j2")),
    ("brief.md.j2", include_str!("../../reports/brief.md.j2")),
    (
        "easy-read.html.j2",
        include_str!("../../reports/easy-read.html.j2"),
    ),
    (
        "easy-read.md.j2",
        include_str!("../../reports/easy-read.md.j2"),
    ),
    (
        "factsheet.html.j2",
        include_str!("../../reports/factsheet.html.j2"),
    ),
    (
        "factsheet.md.j2",
        include_str!("../../reports/factsheet.md.j2"),
    ),
    ("style.css", include_str!("../../reports/style.css")),
    ("strings.toml", include_str!("../../reports/strings.toml")),
];

/// The template files in use, and where each came from.
pub struct Templates {
    files: BTreeMap<String, (PathBuf, String)>,
}

/// Escapes text for Markdown: syntax characters get a backslash, `<` and `&` become entities,
/// line breaks become spaces (so a value cannot break a table row).
/// `replace` as templates use it, `t.x|replace("{n}", y|num)`: when the replacement is already
/// escaped (a number, a macro's output), the text around it is escaped piece by piece, so a
/// placeholder matches before its braces are escaped (minijinja's own filter escapes the whole
/// text first, and Markdown escapes `{` and `}`: the placeholder then stays in the output).
fn replace(
    state: &minijinja::State,
    value: Value,
    from: Value,
    to: Value,
) -> std::result::Result<Value, minijinja::Error> {
    let escape = |x: &Value| -> String {
        let text = x.to_string();
        if x.is_safe() {
            return text;
        }
        match state.auto_escape() {
            AutoEscape::Custom("markdown") => escape_markdown(&text),
            AutoEscape::Html => minijinja::HtmlEscape(&text).to_string(),
            _ => text,
        }
    };
    let (text, pattern) = (value.to_string(), from.to_string());
    if !value.is_safe() && !to.is_safe() {
        return Ok(Value::from(text.replace(&pattern, &to.to_string())));
    }
    let with = escape(&to);
    let pieces: Vec<String> = if value.is_safe() {
        // Already escaped (an earlier `replace` of the chain): so is its placeholder.
        let escaped = escape(&Value::from(pattern.as_str()));
        let pattern = if text.contains(&escaped) {
            escaped
        } else {
            pattern
        };
        text.split(pattern.as_str()).map(str::to_string).collect()
    } else {
        text.split(pattern.as_str())
            .map(|p| escape(&Value::from(p)))
            .collect()
    };
    Ok(Value::from_safe_string(pieces.join(&with)))
}

pub(crate) fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl Templates {
    /// The built-in templates, each replaced by the study's `reports/<name>` when it exists.
    pub fn load(study: &Study) -> Result<Templates> {
        // The reports, then each analysis kind's chapter, included by the reports by the kind's
        // name.
        let mut builtin: Vec<(String, &str)> = BUILTIN
            .iter()
            .map(|(name, text)| (name.to_string(), *text))
            .collect();
        for (kind, html) in crate::analysis::fragments() {
            builtin.push((format!("analyses/{kind}.html.j2"), html));
        }
        let mut files = BTreeMap::new();
        // A study folder may come from someone else: its templates and styles are read only
        // when they lie inside it once links are resolved (a `style.css` linking to
        // /etc/passwd would otherwise be published inside the report).
        let root = std::fs::canonicalize(&study.dir).map_err(|e| Error::io(&study.dir, e))?;
        for (name, text) in builtin {
            let own = study.dir.join("reports").join(&name);
            if std::fs::symlink_metadata(&own).is_ok() {
                let real = std::fs::canonicalize(&own).map_err(|e| Error::io(&own, e))?;
                if !real.starts_with(&root) {
                    return Err(Error::Usage(format!(
                        "{}: links to {}, outside the study folder; capakit reads templates and styles only from inside the study (remove the link, or copy the file into reports/)",
                        own.display(),
                        real.display()
                    )));
                }
            }
            if own.is_file() {
                let t = std::fs::read_to_string(&own).map_err(|e| Error::io(&own, e))?;
                files.insert(name, (own, t));
            } else {
                let path = PathBuf::from(format!("(built-in) reports/{name}"));
                files.insert(name, (path, text.to_string()));
            }
        }
        Ok(Templates { files })
    }

    fn text(&self, name: &str) -> &str {
        self.files.get(name).map_or("", |f| f.1.as_str())
    }

    /// The strings of `lang`: its table of strings.toml (English where a key is missing), or
    /// — for a language the table does not have — the study's `reports/strings-<lang>.toml`,
    /// which must translate every English key; then the study's own words filled in
    /// (`{population}`, `{population_easy}`, `{about}` from study.toml `[report]`).
    pub fn strings(&self, lang: &str, study: &Study) -> Result<Strings> {
        let (path, text) = &self.files["strings.toml"];
        let all: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        let english = all.get("en").cloned().unwrap_or_default();
        let mut map = english.clone();
        let own = study
            .dir
            .join("reports")
            .join(format!("strings-{lang}.toml"));
        if let Some(table) = all.get(lang) {
            map.extend(table.clone());
            if own.is_file() {
                map.extend(added_strings(&own, &english, text, false)?);
            }
        } else if own.is_file() {
            map.extend(added_strings(&own, &english, text, true)?);
        } else {
            return Err(Error::Usage(format!(
                "{}: the study's languages include '{lang}', but there are no strings for it: write {} (every key of reports/strings.toml [en], translated; see README, \"A language of your own\")",
                study.file.display(),
                own.display()
            )));
        }
        let mut strings = Strings::new(map);
        let words = |t: &Option<crate::study::Text>| t.as_ref().map(|t| t.get(lang).to_string());
        let population =
            words(&study.report.population).unwrap_or_else(|| strings.get("population_default"));
        let easy = words(&study.report.population_easy).unwrap_or_else(|| population.clone());
        strings.fill_all(&[("population", &population), ("population_easy", &easy)]);
        if let Some(about) = words(&study.report.about) {
            strings.fill_all(&[("about", &about)]);
        }
        Ok(strings)
    }

    fn environment<'a>(&self, lang: &str) -> Environment<'a> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md.j2") {
                AutoEscape::Custom("markdown")
            } else {
                AutoEscape::Html
            }
        });
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::Custom("markdown") {
                if value.is_none() || value.is_undefined() {
                    return Ok(());
                }
                let text = value.to_string();
                if value.is_safe() {
                    out.write_str(&text)?;
                } else {
                    out.write_str(&escape_markdown(&text))?;
                }
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_filter("replace", replace);
        type Format = fn(f64, Option<usize>, &str) -> String;
        let number_filter = |format: Format| {
            let lang = lang.to_string();
            move |v: Value, decimals: Option<usize>| -> Value {
                let text = match f64::try_from(v) {
                    Ok(x) if x.is_finite() => format(x, decimals, &lang),
                    _ => "–".to_string(),
                };
                Value::from_safe_string(text)
            }
        };
        // Numbers are markup-free, so their output is marked safe (no Markdown escaping of `.`).
        env.add_filter(
            "num",
            number_filter(|x, d, l| format::number(x, d.unwrap_or(2), l)),
        );
        env.add_filter(
            "pct",
            number_filter(|x, d, l| format::percent(x, d.unwrap_or(0), l)),
        );
        env.add_filter("pval", number_filter(|x, _, l| format::p_value(x, l)));
        env.add_filter("int", number_filter(|x, _, l| format::integer(x, l)));
        env.add_filter("slug", |s: String| crate::text::slug(&s));
        // The ISTAT code of an Italian region (its tile on the map), or "".
        env.add_filter("istat", |s: String| {
            crate::geography::istat_code(&s)
                .unwrap_or_default()
                .to_string()
        });
        let l = lang.to_string();
        env.add_filter(
            "tr",
            move |labels: Value, fallback: Option<String>| -> String {
                if let Some(s) = labels.as_str() {
                    return s.to_string();
                }
                let map: BTreeMap<String, String> = labels
                    .try_iter()
                    .map(|keys| {
                        keys.filter_map(|k| {
                            let v = labels.get_item(&k).ok()?;
                            Some((k.to_string(), v.as_str()?.to_string()))
                        })
                        .collect()
                    })
                    .unwrap_or_default();
                let fb = fallback.unwrap_or_default();
                label_in(&map, &l, "en", &fb).to_string()
            },
        );
        // `grouping(a)`: the header of an analysis's groups (Wave, Country, Role…); `group(a,
        // name)`: a group by its label, never by its code.
        env.add_function("grouping", |state: &minijinja::State, a: Value| -> String {
            grouping_name(state, &a)
        });
        env.add_function(
            "group",
            |state: &minijinja::State, a: Value, name: Value| -> String {
                group_label(state, &a, &name)
            },
        );
        env
    }

    fn context(
        &self,
        results: &Results,
        lang: &str,
        strings: &Strings,
        figures: &[Figure],
        study: &Study,
        inline_svg: bool,
    ) -> Value {
        let headlines: Vec<String> = figures
            .iter()
            .filter(|f| f.headline)
            .map(|f| f.title.clone())
            .collect();
        let figs: BTreeMap<String, Value> = figures
            .iter()
            .map(|f| {
                let mut m: BTreeMap<&str, Value> = BTreeMap::new();
                m.insert("file", Value::from(f.file.clone()));
                m.insert("title", Value::from(f.title.clone()));
                m.insert("label", Value::from(f.label.clone()));
                m.insert("subtitle", Value::from(f.subtitle.clone()));
                m.insert("desc", Value::from(f.desc.clone()));
                if inline_svg {
                    m.insert("svg", Value::from_safe_string(f.svg.clone()));
                }
                (f.id.clone(), Value::from_serialize(&m))
            })
            .collect();
        minijinja::context! {
            r => Value::from_serialize(results),
            aud => Value::from_serialize(super::audiences::build(results, lang, strings, study)),
            territory_header => territory_header(study, strings),
            wave_labels => study
                .waves
                .iter()
                .map(|w| (w.id.clone(), super::audiences::wave_label(study, &w.id, lang)))
                .collect::<BTreeMap<String, String>>(),
            lang => lang,
            t => Value::from_serialize(strings.map()),
            figures => figs,
            headlines => headlines,
            css => Value::from_safe_string(self.text("style.css").to_string()),
            title => results.title.get(lang),
            subtitle => results.subtitle.as_ref().map(|s| s.get(lang).to_string()),
            source_note => study.report.source_note.as_ref().map(|s| s.get(lang).to_string()),
            authors => study.report.authors.clone(),
            funder => study.report.funder.as_ref().map(|s| s.get(lang).to_string()),
            contact => study.report.contact.clone(),
            date => study.report.date.clone(),
        }
    }

    fn render(&self, name: &'static str, lang: &str, ctx: Value) -> Result<String> {
        let mut env = self.environment(lang);
        // An error names the file it is in: the report's template or the chapter it includes.
        let err = |path: &PathBuf| {
            let shown = path.display().to_string();
            move |e: minijinja::Error| Error::Template {
                name: {
                    let file = e
                        .name()
                        .and_then(|n| self.files.get(n))
                        .map_or_else(|| shown.clone(), |f| f.0.display().to_string());
                    match e.line() {
                        Some(line) => format!("{file}, line {line}"),
                        None => file,
                    }
                },
                message: e
                    .detail()
                    .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind())),
            }
        };
        // The chapter of each kind of analysis, which the reports include by the kind's name
        // (added after the escaping is set: it is fixed when a template is added).
        for (fragment, (path, text)) in &self.files {
            if fragment.starts_with("analyses/") {
                env.add_template_owned(fragment.to_string(), text.clone())
                    .map_err(err(path))?;
            }
        }
        let (path, text) = &self.files[name];
        let tmpl = env.template_from_named_str(name, text).map_err(err(path))?;
        tmpl.render(ctx).map_err(err(path))
    }

    /// Renders each of `names` (HTML templates with charts inline, Markdown ones with charts as
    /// files); the two contexts are built once for all of them.
    /// One region's factsheet (HTML and Markdown) per territory at the top `level` of the
    /// territories, as the first source with levels lists them.
    pub fn render_factsheets(
        &self,
        results: &Results,
        lang: &str,
        strings: &Strings,
        figures: &[Figure],
        study: &Study,
    ) -> Result<Vec<(String, String, String)>> {
        let Some(source) = results.sources.iter().find(|s| s.level.is_some()) else {
            return Ok(Vec::new());
        };
        let level = source.level.clone().unwrap_or_default();
        let html = self.context(results, lang, strings, figures, study, true);
        let md = self.context(results, lang, strings, figures, study, false);
        let with = |ctx: &Value, region: &str| {
            minijinja::context! { region => region, level => level.clone(), ..ctx.clone() }
        };
        source
            .territories
            .iter()
            .map(|g| {
                Ok((
                    g.group.clone(),
                    self.render("factsheet.html.j2", lang, with(&html, &g.group))?,
                    self.render("factsheet.md.j2", lang, with(&md, &g.group))?,
                ))
            })
            .collect()
    }

    pub fn render_reports(
        &self,
        names: &[&'static str],
        results: &Results,
        lang: &str,
        strings: &Strings,
        figures: &[Figure],
        study: &Study,
    ) -> Result<Vec<String>> {
        let html = self.context(results, lang, strings, figures, study, true);
        let md = self.context(results, lang, strings, figures, study, false);
        names
            .iter()
            .map(|name| {
                let ctx = if name.ends_with(".html.j2") {
                    &html
                } else {
                    &md
                };
                self.render(name, lang, ctx.clone())
            })
            .collect()
    }
}

/// What the study's territories are, as the header of their column: the level they are at
/// ("Paese" for `levels = ["country"]`), else "Territorio".
fn territory_header(study: &Study, strings: &Strings) -> String {
    let levels = &study.geography.levels;
    match levels.first() {
        Some(level) if level != crate::geography::DEFAULT_LEVEL => {
            let key = format!("level_one_{level}");
            let word = strings.get(&key);
            if word != key {
                word
            } else {
                let mut c = level.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        }
        _ => strings.get("territory"),
    }
}

/// A template value's map of labels by language.
fn labels_of(v: &Value) -> BTreeMap<String, String> {
    v.try_iter()
        .map(|keys| {
            keys.filter_map(|k| {
                let l = v.get_item(&k).ok()?;
                Some((k.to_string(), l.as_str()?.to_string()))
            })
            .collect()
        })
        .unwrap_or_default()
}

/// The string `key` of the report's words (`t`), if it has one.
fn word(state: &minijinja::State, key: &str) -> Option<String> {
    let t = state.lookup("t")?;
    let v = t.get_attr(key).ok()?;
    v.as_str().map(str::to_string)
}

fn lang_of(state: &minijinja::State) -> String {
    state
        .lookup("lang")
        .and_then(|l| l.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What an analysis's groups are, as a column header: the waves, a level of the territories,
/// the territories, or the grouping question's label.
fn grouping_name(state: &minijinja::State, a: &Value) -> String {
    let territory = || word(state, "territory").unwrap_or_else(|| "Territory".into());
    let Some(g) = a
        .get_attr("grouping")
        .ok()
        .filter(|g| !g.is_undefined() && !g.is_none())
    else {
        return territory();
    };
    let attr = |k: &str| {
        g.get_attr(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let by = attr("by").unwrap_or_default();
    match attr("kind").as_deref() {
        Some("wave") => word(state, "group_wave").unwrap_or(by),
        Some("level") => {
            let level = attr("level").unwrap_or_default();
            word(state, &format!("level_one_{level}")).unwrap_or_else(|| {
                let mut c = level.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or(by)
            })
        }
        Some("question") => {
            let labels = g
                .get_attr("labels")
                .map(|l| labels_of(&l))
                .unwrap_or_default();
            crate::text::label_in(&labels, &lang_of(state), "en", &by).to_string()
        }
        Some("column") => by,
        _ => territory(),
    }
}

/// A group of an analysis by its label in the report's language: from the analysis's own
/// `group_labels`, else from its grouping (wave labels, choice labels), else its name.
fn group_label(state: &minijinja::State, a: &Value, name: &Value) -> String {
    let Some(name) = name.as_str().map(str::to_string) else {
        return if name.is_none() || name.is_undefined() {
            String::new()
        } else {
            name.to_string()
        };
    };
    let lang = lang_of(state);
    let find = |names: Option<Value>, labels: Option<Value>| -> Option<String> {
        let names = names?;
        let k = names
            .try_iter()
            .ok()?
            .position(|n| n.as_str() == Some(&name))?;
        let labels = labels_of(&labels?.get_item(&Value::from(k)).ok()?);
        (!labels.is_empty()).then(|| crate::text::label_in(&labels, &lang, "en", &name).to_string())
    };
    let own = find(a.get_attr("groups").ok(), a.get_attr("group_labels").ok());
    let grouping = a.get_attr("grouping").ok();
    own.or_else(|| {
        let g = grouping?;
        find(g.get_attr("groups").ok(), g.get_attr("group_labels").ok())
    })
    .unwrap_or(name)
}

/// The strings of a language a study adds (`reports/strings-<lang>.toml`, keys at the top, as in
/// a table of strings.toml): a key English does not have, a placeholder the English string has
/// and the translation lacks, and — when `complete` — an English key it lacks, is an error
/// naming the file and its line.
fn added_strings(
    path: &std::path::Path,
    english: &BTreeMap<String, String>,
    builtin: &str,
    complete: bool,
) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let table: BTreeMap<toml::Spanned<String>, toml::Spanned<String>> =
        toml::from_str(&text).map_err(|e| Error::toml(path, &text, &e))?;
    let mut out = BTreeMap::new();
    for (key, value) in &table {
        let Some(en) = english.get(key.get_ref()) else {
            return Err(Error::toml_at(
                path,
                &text,
                key.span().start,
                format!(
                    "`{}` is not a key of capakit's strings (check the spelling against reports/strings.toml [en])",
                    key.get_ref()
                ),
            ));
        };
        if let Some(missing) = placeholders(en)
            .into_iter()
            .find(|p| !value.get_ref().contains(p.as_str()))
        {
            return Err(Error::toml_at(
                path,
                &text,
                value.span().start,
                format!(
                    "`{}` lacks the placeholder {missing} that capakit fills (English: \"{en}\")",
                    key.get_ref()
                ),
            ));
        }
        out.insert(key.get_ref().clone(), value.get_ref().clone());
    }
    if complete {
        if let Some((key, en)) = english.iter().find(|(k, _)| !out.contains_key(*k)) {
            // Where the English string is, for the translator to find it.
            let at = builtin
                .find("\n[en]")
                .and_then(|start| {
                    builtin[start..]
                        .find(&format!("\n{key} = "))
                        .map(|i| start + i + 1)
                })
                .map(|offset| crate::error::line_col(builtin, offset).0);
            let line = text.lines().count() + 1;
            return Err(Error::toml_at(
                path,
                &text,
                text.len(),
                format!(
                    "no `{key}` (line {line}, the end of the file, is where to add it): every key of reports/strings.toml [en] must be translated{}; English: \"{en}\"",
                    at.map_or(String::new(), |l| format!(" (it is on line {l} there)"))
                ),
            ));
        }
    }
    Ok(out)
}

/// The `{placeholders}` of a string.
fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(rest[open..=open + close].to_string());
        }
        rest = &rest[open + close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn render(name: &str, value: &str) -> String {
        let templates = Templates {
            files: BTreeMap::new(),
        };
        let mut env = templates.environment("it");
        env.add_template_owned(name.to_string(), "{{ v }}".to_string())
            .unwrap();
        env.get_template(name)
            .unwrap()
            .render(minijinja::context! { v => value })
            .unwrap()
    }

    /// Undoes HTML's five escapes (what a browser shows).
    fn unescape_html(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace("&amp;", "&")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever an answer holds, and whatever a template file is called, HTML output shows it
        /// as text: no tag, no attribute break, no template code run.
        #[test]
        fn html_escaping_is_forced_for_every_template_name(
            value in "(\\PC|<|>|&|\"|'|\\{\\{|\\}\\}){0,40}",
            name in prop_oneof![Just("report.html.j2"), Just("x.txt"), Just("evil"), Just("a.HTML")],
        ) {
            let out = render(name, &value);
            prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('"'));
            prop_assert_eq!(unescape_html(&out), value);
        }

        /// Markdown output has no raw HTML, no line break and no unescaped Markdown syntax.
        #[test]
        fn markdown_escaping_leaves_no_syntax(value in "(\\PC|\n|<|\\[|\\]|\\||\\*|_|`|#|!|\\{|\\}){0,40}") {
            let out = render("brief.md.j2", &value);
            prop_assert!(!out.contains('<') && !out.contains('\n'));
            let mut chars = out.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    chars.next();
                } else {
                    prop_assert!(!"`*_[]|#!{}~".contains(c), "unescaped {} in {}", c, out);
                }
            }
        }
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(escape_markdown("a|b <script>"), "a\\|b &lt;script&gt;");
        assert_eq!(escape_markdown("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(escape_markdown("two\nlines"), "two lines");
    }
}
