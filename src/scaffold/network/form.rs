//! The CO.RE. example's services and its two questionnaires, kept as code: the registry of the
//! services of two areas of a metropolitan city (`data/servizi.csv`), the professionals' survey of
//! who works with whom (`instruments/core-rete-professionisti.xlsx`, a repeat group with one row
//! per partner service) and the minors' multidimensional-needs questionnaire
//! (`instruments/core-bisogni-minori.xlsx`, filled by the professionals about the foreign minors
//! they follow). Both XLSForms are written by the INTEGRA example's writer.

use crate::scaffold::mentoring::form::{q, req, ChoiceRow, Form, Row};

/// The two areas: territory name, its code in the questionnaires, other spellings.
pub const AREAS: [(&str, &str, &str); 2] = [
    ("Municipio V", "V", "Municipio 5, Roma V"),
    ("Municipio VI", "VI", "Municipio 6, Roma VI"),
];

/// One service of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub id: &'static str,
    pub name: &'static str,
    /// The type's id, as `src/check/network.rs` knows it.
    pub kind: &'static str,
    /// Index into [`AREAS`]; `None` for a service of the whole city.
    pub area: Option<usize>,
    pub public: bool,
    /// Other names the professionals use, separated by `;`.
    pub aliases: &'static str,
}

/// The registry's type column, in Italian (the registry is the partners' own list).
pub fn type_label(kind: &str) -> &'static str {
    match kind {
        "social_services" => "servizi sociali",
        "health" => "sanità",
        "school" => "scuola o formazione",
        "justice" => "giustizia",
        "reception" => "comunità di accoglienza",
        "day_service" => "centro diurno",
        "third_sector" => "terzo settore",
        _ => "polizia",
    }
}

/// The services of one area, by type, in the registry's order: (id stem, name, type, public,
/// aliases). `{a}` in an id is the area's code in lower case.
type AreaService = (&'static str, &'static str, &'static str, bool, &'static str);

const AREA_V: &[AreaService] = &[
    (
        "ss_v_prenestino",
        "Servizio sociale municipale V – sede Prenestino",
        "social_services",
        true,
        "",
    ),
    (
        "ss_v_centocelle",
        "Servizio sociale municipale V – sede Centocelle",
        "social_services",
        true,
        "",
    ),
    (
        "ss_v_segretariato",
        "Segretariato sociale Municipio V",
        "social_services",
        true,
        "",
    ),
    (
        "ss_v_famiglie",
        "Centro per la famiglia Municipio V",
        "social_services",
        true,
        "",
    ),
    (
        "san_v_consultorio1",
        "Consultorio familiare Via dei Castani",
        "health",
        true,
        "",
    ),
    (
        "san_v_consultorio2",
        "Consultorio familiare Centocelle",
        "health",
        true,
        "",
    ),
    (
        "san_v_tsmree",
        "TSMREE Municipio V",
        "health",
        true,
        "Neuropsichiatria infantile Municipio V",
    ),
    (
        "san_v_pediatria",
        "Poliambulatorio pediatrico Municipio V",
        "health",
        true,
        "",
    ),
    ("san_v_serd", "SerD Municipio V", "health", true, ""),
    (
        "scu_v_ic1",
        "Istituto comprensivo Via dei Glicini",
        "school",
        true,
        "",
    ),
    (
        "scu_v_ic2",
        "Istituto comprensivo Piazza dei Mirti",
        "school",
        true,
        "",
    ),
    (
        "scu_v_ic3",
        "Istituto comprensivo Via Prenestina",
        "school",
        true,
        "",
    ),
    (
        "scu_v_superiore",
        "Istituto superiore Via Tor de' Schiavi",
        "school",
        true,
        "",
    ),
    (
        "scu_v_cpia",
        "CPIA – sede Municipio V",
        "school",
        true,
        "Scuola di italiano per adulti Municipio V",
    ),
    (
        "scu_v_cfp",
        "Centro di formazione professionale Municipio V",
        "school",
        true,
        "",
    ),
    (
        "giu_v_ussm",
        "USSM – équipe Municipio V",
        "justice",
        true,
        "",
    ),
    (
        "com_v_gabbiano",
        "Comunità Il Gabbiano",
        "reception",
        false,
        "",
    ),
    (
        "com_v_melograno",
        "Casa famiglia Il Melograno",
        "reception",
        false,
        "",
    ),
    ("com_v_ponte", "Comunità Il Ponte", "reception", false, ""),
    (
        "com_v_aurora",
        "Casa di accoglienza Aurora",
        "reception",
        false,
        "",
    ),
    (
        "com_v_sangiuseppe",
        "Comunità San Giuseppe",
        "reception",
        false,
        "",
    ),
    (
        "com_v_approdo",
        "Comunità per minori L'Approdo",
        "reception",
        false,
        "",
    ),
    (
        "com_v_girasole",
        "Gruppo appartamento Il Girasole",
        "reception",
        false,
        "",
    ),
    (
        "cd_v_arcobaleno",
        "Centro diurno Arcobaleno",
        "day_service",
        false,
        "CD Arcobaleno; Centro Arcobaleno",
    ),
    (
        "cd_v_tenda",
        "Centro diurno La Tenda",
        "day_service",
        false,
        "",
    ),
    (
        "cd_v_cag",
        "Centro di aggregazione giovanile Alessandrino",
        "day_service",
        false,
        "",
    ),
    (
        "ts_v_sentiero",
        "Cooperativa Il Sentiero",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_mediatori",
        "Associazione Mediatori Interculturali",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_legale",
        "Sportello legale per minori stranieri",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_sport",
        "Associazione Sport e Quartiere",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_orizzonti",
        "Cooperativa Orizzonti",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_doposcuola",
        "Associazione Doposcuola Insieme",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_tutori",
        "Associazione Tutori Volontari",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_emporio",
        "Emporio solidale Centocelle",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_antiviolenza",
        "Centro antiviolenza Prenestino",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_v_lavoro",
        "Cooperativa Lavoro Giovani",
        "third_sector",
        false,
        "",
    ),
    (
        "pol_v_locale",
        "Polizia Locale – Gruppo V",
        "police",
        true,
        "",
    ),
    (
        "pol_v_commissariato",
        "Commissariato di PS Prenestino",
        "police",
        true,
        "",
    ),
];

const AREA_VI: &[AreaService] = &[
    (
        "ss_vi_torri",
        "Servizio sociale municipale VI – sede Torre Angela",
        "social_services",
        true,
        "",
    ),
    (
        "ss_vi_tormaranci",
        "Servizio sociale municipale VI – sede Tor Bella Monaca",
        "social_services",
        true,
        "",
    ),
    (
        "ss_vi_segretariato",
        "Segretariato sociale Municipio VI",
        "social_services",
        true,
        "",
    ),
    (
        "ss_vi_famiglie",
        "Centro per la famiglia Municipio VI",
        "social_services",
        true,
        "",
    ),
    (
        "san_vi_consultorio1",
        "Consultorio familiare Torre Maura",
        "health",
        true,
        "",
    ),
    (
        "san_vi_consultorio2",
        "Consultorio familiare Lunghezza",
        "health",
        true,
        "",
    ),
    (
        "san_vi_tsmree",
        "TSMREE Municipio VI",
        "health",
        true,
        "Neuropsichiatria infantile Municipio VI",
    ),
    (
        "san_vi_pediatria",
        "Poliambulatorio pediatrico Municipio VI",
        "health",
        true,
        "",
    ),
    ("san_vi_serd", "SerD Municipio VI", "health", true, ""),
    (
        "scu_vi_ic1",
        "Istituto comprensivo Via dell'Archeologia",
        "school",
        true,
        "",
    ),
    (
        "scu_vi_ic2",
        "Istituto comprensivo Via delle Alzavole",
        "school",
        true,
        "",
    ),
    (
        "scu_vi_ic3",
        "Istituto comprensivo Borghesiana",
        "school",
        true,
        "",
    ),
    (
        "scu_vi_superiore",
        "Istituto superiore Via di Torrenova",
        "school",
        true,
        "",
    ),
    (
        "scu_vi_cpia",
        "CPIA – sede Municipio VI",
        "school",
        true,
        "Scuola di italiano per adulti Municipio VI",
    ),
    (
        "scu_vi_cfp",
        "Centro di formazione professionale Municipio VI",
        "school",
        true,
        "",
    ),
    (
        "giu_vi_ussm",
        "USSM – équipe Municipio VI",
        "justice",
        true,
        "",
    ),
    (
        "com_vi_quercia",
        "Comunità La Quercia",
        "reception",
        false,
        "",
    ),
    (
        "com_vi_faro",
        "Casa famiglia Il Faro",
        "reception",
        false,
        "",
    ),
    ("com_vi_nido", "Comunità Il Nido", "reception", false, ""),
    (
        "com_vi_stella",
        "Casa di accoglienza Stella Maris",
        "reception",
        false,
        "",
    ),
    (
        "com_vi_sanmartino",
        "Comunità San Martino",
        "reception",
        false,
        "",
    ),
    (
        "com_vi_porto",
        "Comunità per minori Porto Sicuro",
        "reception",
        false,
        "",
    ),
    (
        "com_vi_glicine",
        "Gruppo appartamento Il Glicine",
        "reception",
        false,
        "",
    ),
    (
        "cd_vi_mosaico",
        "Centro diurno Mosaico",
        "day_service",
        false,
        "",
    ),
    (
        "cd_vi_bussola",
        "Centro diurno La Bussola",
        "day_service",
        false,
        "",
    ),
    (
        "cd_vi_cag",
        "Centro di aggregazione giovanile Torre Angela",
        "day_service",
        false,
        "",
    ),
    (
        "ts_vi_radici",
        "Cooperativa Radici",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_mediazione",
        "Associazione Ponti di Mediazione",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_legale",
        "Sportello diritti Torri",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_sport",
        "Polisportiva delle Torri",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_futuro",
        "Cooperativa Futuro Prossimo",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_doposcuola",
        "Associazione Compiti Insieme",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_tutori",
        "Rete Tutori Volontari VI",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_banco",
        "Banco alimentare di quartiere",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_antiviolenza",
        "Centro antiviolenza Le Torri",
        "third_sector",
        false,
        "",
    ),
    (
        "ts_vi_lavoro",
        "Cooperativa Mestieri",
        "third_sector",
        false,
        "",
    ),
    (
        "pol_vi_locale",
        "Polizia Locale – Gruppo VI",
        "police",
        true,
        "",
    ),
    (
        "pol_vi_commissariato",
        "Commissariato di PS Casilino",
        "police",
        true,
        "",
    ),
];

/// The services of the whole city (no area).
const CITY: &[AreaService] = &[
    (
        "giu_tm",
        "Tribunale per i minorenni",
        "justice",
        true,
        "TM; Tribunale minori",
    ),
    (
        "giu_procura",
        "Procura presso il Tribunale per i minorenni",
        "justice",
        true,
        "",
    ),
    (
        "pol_questura",
        "Questura – Ufficio minori",
        "police",
        true,
        "",
    ),
];

/// The registry: both areas' services, then the city's.
pub fn services() -> Vec<Service> {
    let mut out = Vec::new();
    for (area, list) in [(Some(0), AREA_V), (Some(1), AREA_VI), (None, CITY)] {
        for &(id, name, kind, public, aliases) in list {
            out.push(Service {
                id,
                name,
                kind,
                area,
                public,
                aliases,
            });
        }
    }
    out
}

/// data/servizi.csv: id, name, type, territory, sector, aliases.
pub fn registry_csv() -> String {
    let mut out = Vec::new();
    {
        let mut csv = csv::Writer::from_writer(&mut out);
        let _ = csv.write_record(["id", "name", "type", "territory", "sector", "aliases"]);
        for s in services() {
            let _ = csv.write_record([
                s.id,
                s.name,
                type_label(s.kind),
                s.area.map_or("", |a| AREAS[a].0),
                if s.public {
                    "pubblico"
                } else {
                    "terzo settore"
                },
                s.aliases,
            ]);
        }
        let _ = csv.flush();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The professionals' roles: choice name, Italian and English label.
pub const ROLES: [ChoiceRow; 7] = [
    (
        "ruolo",
        "assistente_sociale",
        "Assistente sociale",
        "Social worker",
    ),
    ("ruolo", "educatore", "Educatore/educatrice", "Educator"),
    ("ruolo", "psicologo", "Psicologo/a", "Psychologist"),
    (
        "ruolo",
        "sanitario",
        "Medico o infermiere/a",
        "Doctor or nurse",
    ),
    (
        "ruolo",
        "insegnante",
        "Insegnante o formatore/formatrice",
        "Teacher or trainer",
    ),
    (
        "ruolo",
        "legale",
        "Operatore/operatrice legale o giudiziario",
        "Legal or court officer",
    ),
    (
        "ruolo",
        "coordinatore",
        "Coordinatore/coordinatrice",
        "Coordinator",
    ),
];

/// The survey's waves: choice name (the study's wave id), Italian and English label.
pub const WAVES: [ChoiceRow; 2] = [
    (
        "ondata",
        "t1",
        "Prima delle attività di rete",
        "Before the network activities",
    ),
    (
        "ondata",
        "t2",
        "Dopo la formazione congiunta",
        "After the joint training",
    ),
];

/// How often a professional works with a service, in order (scores 1, 2, 3).
pub const FREQUENCY: [ChoiceRow; 3] = [
    (
        "frequenza",
        "anno",
        "Qualche volta l'anno",
        "A few times a year",
    ),
    ("frequenza", "mese", "Ogni mese", "Every month"),
    ("frequenza", "settimana", "Ogni settimana", "Every week"),
];

/// The professionals' survey: their service, then one repeat per service they work with.
pub fn professionals() -> Form {
    let mut choices: Vec<ChoiceRow> = WAVES.to_vec();
    for s in services() {
        choices.push(("servizi", s.id, s.name, s.name));
    }
    for s in services() {
        choices.push(("partner", s.id, s.name, s.name));
    }
    choices.push((
        "partner",
        "altro",
        "Altro servizio (scrivi il nome)",
        "Another service (write its name)",
    ));
    choices.extend(ROLES);
    choices.extend(FREQUENCY);
    let survey = vec![
        q("start", "start", "", ""),
        q("end", "end", "", ""),
        req(q("select_one ondata", "ondata", "Rilevazione", "Survey round")),
        req(q(
            "select_one servizi",
            "servizio",
            "In quale servizio lavori?",
            "Which service do you work in?",
        )),
        q("select_one ruolo", "ruolo", "Il tuo ruolo", "Your role"),
        Row {
            constraint: ". >= 0 and . <= 45",
            ..q(
                "integer",
                "anni",
                "Da quanti anni lavori con i minorenni?",
                "For how many years have you worked with minors?",
            )
        },
        q(
            "begin_repeat",
            "collaborazioni",
            "Con quali servizi hai lavorato negli ultimi sei mesi, per un minorenne che segui (invii, consulenze, casi condivisi)?",
            "Which services have you worked with in the last six months, for a minor you follow (referrals, consultations, shared cases)?",
        ),
        req(q(
            "select_one partner",
            "servizio_partner",
            "Servizio",
            "Service",
        )),
        Row {
            relevant: "${servizio_partner} = 'altro'",
            ..q(
                "text",
                "servizio_altro",
                "Nome del servizio",
                "Name of the service",
            )
        },
        q(
            "select_one frequenza",
            "frequenza",
            "Quanto spesso?",
            "How often?",
        ),
        q("end_repeat", "", "", ""),
    ];
    Form {
        title: "CO.RE.: la rete dei servizi / the services network",
        form_id: "core_rete_professionisti",
        version: "2024030101",
        survey,
        choices,
        scales: &[],
    }
}

/// The needs questionnaire's 1–4 answers (how well a need is met).
pub const LEVEL: [ChoiceRow; 4] = [
    ("livello", "1", "Per niente", "Not at all"),
    ("livello", "2", "Poco", "A little"),
    ("livello", "3", "Abbastanza", "Mostly"),
    ("livello", "4", "Del tutto", "Fully"),
];

/// The needs questionnaire's choice lists.
pub fn needs_choices() -> Vec<ChoiceRow> {
    let mut out = vec![
        ("municipio", AREAS[0].1, AREAS[0].0, AREAS[0].0),
        ("municipio", AREAS[1].1, AREAS[1].0, AREAS[1].0),
        (
            "segnalante",
            "servizi_sociali",
            "Servizio sociale",
            "Social services",
        ),
        (
            "segnalante",
            "comunita",
            "Comunità di accoglienza",
            "Reception community",
        ),
        (
            "segnalante",
            "centro_diurno",
            "Centro diurno",
            "Day service",
        ),
        (
            "segnalante",
            "terzo_settore",
            "Terzo settore",
            "Third sector",
        ),
        ("genere", "femmina", "Femmina", "Female"),
        ("genere", "maschio", "Maschio", "Male"),
        ("sino", "si", "Sì", "Yes"),
        ("sino", "no", "No", "No"),
        ("origine", "nord_africa", "Nord Africa", "North Africa"),
        (
            "origine",
            "africa_subsahariana",
            "Africa subsahariana",
            "Sub-Saharan Africa",
        ),
        ("origine", "asia", "Asia", "Asia"),
        ("origine", "europa_est", "Europa dell'Est", "Eastern Europe"),
        (
            "origine",
            "america_latina",
            "America Latina",
            "Latin America",
        ),
        (
            "documenti",
            "permesso",
            "Permesso di soggiorno valido",
            "Valid residence permit",
        ),
        (
            "documenti",
            "in_corso",
            "Richiesta in corso",
            "Application pending",
        ),
        (
            "documenti",
            "nessuno",
            "Nessun titolo di soggiorno",
            "No residence document",
        ),
        (
            "sistemazione",
            "comunita",
            "Comunità di accoglienza",
            "Reception community",
        ),
        (
            "sistemazione",
            "affido",
            "Famiglia affidataria",
            "Foster family",
        ),
        ("sistemazione", "famiglia", "Con la famiglia", "With family"),
        (
            "sistemazione",
            "prima_accoglienza",
            "Centro di prima accoglienza",
            "First-reception centre",
        ),
        (
            "sistemazione",
            "nessuna",
            "Senza una sistemazione stabile",
            "No stable place to live",
        ),
    ];
    out.extend(LEVEL);
    out
}

/// The needs: item name, Italian and English label (each a 1–4 answer, 1 = not met).
pub const NEEDS: &[(&str, &str, &str)] = &[
    (
        "salute",
        "I suoi bisogni di salute (anche psicologica) sono seguiti da un servizio sanitario?",
        "Are their health needs (mental health too) followed by a health service?",
    ),
    (
        "lingua",
        "Capisce e parla l'italiano per la vita di ogni giorno?",
        "Do they understand and speak Italian for everyday life?",
    ),
    (
        "relazioni",
        "Ha almeno un adulto di riferimento stabile?",
        "Do they have at least one stable adult to turn to?",
    ),
    (
        "sicurezza",
        "È al sicuro da violenza, abuso e sfruttamento?",
        "Are they safe from violence, abuse and exploitation?",
    ),
];

/// The minors' multidimensional-needs questionnaire, one case per minor, filled by the
/// professional who follows them.
pub fn needs() -> Form {
    let mut survey = vec![
        req(q(
            "text",
            "codice_caso",
            "Codice del caso (assegnato dal servizio, senza nome)",
            "Case code (given by the service, no name)",
        )),
        req(q("select_one municipio", "municipio", "Municipio", "Area")),
        q(
            "select_one segnalante",
            "servizio",
            "Chi compila: il tipo di servizio",
            "Who fills this in: the type of service",
        ),
        Row {
            constraint: ". >= 0 and . <= 17",
            ..req(q("integer", "eta", "Età", "Age"))
        },
        q("select_one genere", "genere", "Genere", "Gender"),
        q(
            "select_one origine",
            "origine",
            "Area di origine",
            "Region of origin",
        ),
        q(
            "select_one sino",
            "non_accompagnato",
            "È un minorenne straniero non accompagnato?",
            "Is this an unaccompanied foreign minor?",
        ),
        q(
            "note",
            "intro",
            "Per ogni bisogno: quanto è soddisfatto oggi? 1 = per niente, 4 = del tutto.",
            "For each need: how well is it met today? 1 = not at all, 4 = fully.",
        ),
    ];
    survey.push(q(
        "select_one documenti",
        "documenti",
        "Situazione dei documenti",
        "Legal status and documents",
    ));
    survey.push(q(
        "select_one sino",
        "tutore",
        "Ha un tutore nominato (o un genitore presente)?",
        "Do they have an appointed guardian (or a parent present)?",
    ));
    survey.push(q(
        "select_one sino",
        "scuola",
        "Frequenta una scuola, un corso di italiano o di formazione?",
        "Do they attend a school, an Italian course or a training course?",
    ));
    survey.push(q(
        "select_one sistemazione",
        "sistemazione",
        "Dove vive adesso?",
        "Where do they live now?",
    ));
    for (name, it, en) in NEEDS {
        survey.push(q("select_one livello", name, it, en));
    }
    survey.push(q(
        "text",
        "osservazioni",
        "Osservazioni (senza nomi)",
        "Notes (no names)",
    ));
    Form {
        title: "CO.RE.: bisogni dei minorenni / minors' needs",
        form_id: "core_bisogni_minori",
        version: "2024030101",
        survey,
        choices: needs_choices(),
        scales: &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_has_every_type_in_both_areas_and_unique_ids_and_names() {
        let all = services();
        assert!((75..=85).contains(&all.len()), "{}", all.len());
        let mut ids: Vec<&str> = all.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        let mut names: Vec<String> = all.iter().map(|s| crate::text::fold(s.name)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for (kind, _) in crate::check::network::SERVICE_TYPES {
            for area in [Some(0), Some(1)] {
                assert!(
                    all.iter().any(|s| s.kind == *kind && s.area == area),
                    "{kind} in {area:?}"
                );
            }
            assert!(crate::check::network::service_type(type_label(kind)).is_some());
        }
    }
}
