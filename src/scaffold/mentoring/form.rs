//! The two questionnaires of the INTEGRA mentoring example, kept as code: the young people's
//! assessment (`instruments/integra-assessment.xlsx`, asked when they join and at the end of the
//! programme) and the participants' feedback (`instruments/integra-feedback.xlsx`). Both are
//! XLSForms in Italian and English with capakit's `scale`, `reverse` and `dimension` columns and a
//! `scales` sheet, written as `super::super::instrument` writes the shipped questionnaire.

use rust_xlsxwriter::{Format, XlsxError};

/// One row of a survey sheet.
#[derive(Clone, Copy)]
pub struct Row {
    pub kind: &'static str,
    pub name: &'static str,
    pub it: &'static str,
    pub en: &'static str,
    pub required: bool,
    pub relevant: &'static str,
    pub constraint: &'static str,
    pub scale: &'static str,
    pub reverse: bool,
}

pub const fn q(kind: &'static str, name: &'static str, it: &'static str, en: &'static str) -> Row {
    Row {
        kind,
        name,
        it,
        en,
        required: false,
        relevant: "",
        constraint: "",
        scale: "",
        reverse: false,
    }
}

pub const fn req(mut x: Row) -> Row {
    x.required = true;
    x
}

const fn likert(
    scale: &'static str,
    name: &'static str,
    it: &'static str,
    en: &'static str,
) -> Row {
    let mut x = q("select_one accordo5", name, it, en);
    x.scale = scale;
    x
}

pub const fn end() -> Row {
    q("end_group", "", "", "")
}

/// A scale: name, Italian and English label, dimension.
pub type ScaleRow = (&'static str, &'static str, &'static str, &'static str);

/// A choice: list name, choice name, Italian and English label.
pub type ChoiceRow = (&'static str, &'static str, &'static str, &'static str);

/// A questionnaire: its survey rows, choices, scales and settings.
pub struct Form {
    pub title: &'static str,
    pub form_id: &'static str,
    /// The settings sheet's version (a KoboToolbox deployment's yyyymmddnn).
    pub version: &'static str,
    pub survey: Vec<Row>,
    pub choices: Vec<ChoiceRow>,
    pub scales: &'static [ScaleRow],
}

/// The assessment's scales, each with its items in form order (name, reverse-keyed).
pub const ASSESSMENT_SCALES: &[(&str, &[(&str, bool)])] = &[
    (
        "autonomia",
        &[
            ("aut_1", false),
            ("aut_2", false),
            ("aut_3", false),
            ("aut_4", false),
        ],
    ),
    (
        "rete",
        &[("rete_1", false), ("rete_2", false), ("rete_3", true)],
    ),
    (
        "progetti",
        &[("prog_1", false), ("prog_2", false), ("prog_3", false)],
    ),
    (
        "benessere",
        &[("ben_1", false), ("ben_2", false), ("ben_3", false)],
    ),
];

/// The feedback's scales, one per instrument of the programme, each with its two items
/// (effectiveness, usefulness).
pub const FEEDBACK_SCALES: &[(&str, [&str; 2])] = &[
    ("mip", ["mip_efficacia", "mip_utilita"]),
    (
        "piattaforma",
        ["piattaforma_efficacia", "piattaforma_utilita"],
    ),
    ("formazione", ["formazione_efficacia", "formazione_utilita"]),
];

/// The partner countries: code (the questionnaire's choice), Italian name (the territory), English
/// name, aliases.
pub const COUNTRIES: [(&str, &str, &str, &str); 3] = [
    ("IT", "Italia", "Italy", "ITA"),
    ("GR", "Grecia", "Greece", "Ελλάδα|GRC"),
    ("ES", "Spagna", "Spain", "España|ESP"),
];

const AGREE: [ChoiceRow; 5] = [
    ("accordo5", "1", "Per niente d'accordo", "Strongly disagree"),
    ("accordo5", "2", "Poco d'accordo", "Disagree"),
    (
        "accordo5",
        "3",
        "Né d'accordo né in disaccordo",
        "Neither agree nor disagree",
    ),
    ("accordo5", "4", "Abbastanza d'accordo", "Agree"),
    ("accordo5", "5", "Molto d'accordo", "Strongly agree"),
];

const COUNTRY_CHOICES: [ChoiceRow; 3] = [
    ("paese", "IT", "Italia", "Italy"),
    ("paese", "GR", "Grecia", "Greece"),
    ("paese", "ES", "Spagna", "Spain"),
];

/// The assessment's choice lists.
pub const ASSESSMENT_CHOICES: &[ChoiceRow] = &[
    (
        "rilevazione",
        "baseline",
        "Ingresso nel programma",
        "Programme entry",
    ),
    (
        "rilevazione",
        "follow_up",
        "Fine programma",
        "End of programme",
    ),
    COUNTRY_CHOICES[0],
    COUNTRY_CHOICES[1],
    COUNTRY_CHOICES[2],
    ("genere", "femmina", "Femmina", "Female"),
    ("genere", "maschio", "Maschio", "Male"),
    (
        "genere",
        "altro",
        "Altro / non binario",
        "Other / non-binary",
    ),
    ("sino", "si", "Sì", "Yes"),
    ("sino", "no", "No", "No"),
    ("corso", "scuola", "Scuola secondaria", "Secondary school"),
    (
        "corso",
        "formazione",
        "Formazione professionale",
        "Vocational training",
    ),
    ("corso", "lingua", "Corso di lingua", "Language course"),
    ("corso", "universita", "Università", "University"),
    (
        "abitazione",
        "comunita",
        "In comunità",
        "In a residential community",
    ),
    (
        "abitazione",
        "appartamento",
        "In un appartamento condiviso",
        "In a shared flat",
    ),
    (
        "abitazione",
        "casa_propria",
        "In una casa mia",
        "In my own home",
    ),
    ("sostegno", "mentor", "Il mio mentor", "My mentor"),
    ("sostegno", "educatore", "Educatore/educatrice", "Educator"),
    ("sostegno", "amici", "Amici", "Friends"),
    ("sostegno", "famiglia", "Famiglia", "Family"),
    (
        "sostegno",
        "assistente_sociale",
        "Assistente sociale",
        "Social worker",
    ),
    ("sostegno", "nessuno", "Nessuno", "Nobody"),
    AGREE[0],
    AGREE[1],
    AGREE[2],
    AGREE[3],
    AGREE[4],
];

/// The assessment's scales sheet.
pub const ASSESSMENT_SCALE_LABELS: &[ScaleRow] = &[
    (
        "autonomia",
        "Autonomia nella vita di ogni giorno",
        "Everyday autonomy",
        "autonomy",
    ),
    (
        "rete",
        "Rete di relazioni",
        "Social network",
        "social_relations",
    ),
    (
        "progetti",
        "Progetti di studio e lavoro",
        "Work and education plans",
        "work",
    ),
    ("benessere", "Benessere", "Wellbeing", "health"),
];

/// The young people's assessment, asked at entry and at the end of the programme.
pub fn assessment() -> Form {
    let survey = vec![
        q("begin_group", "profilo", "Chi sei", "About you"),
        req(q(
            "text",
            "person_id",
            "Codice partecipante (assegnato dal programma)",
            "Participant code (given by the programme)",
        )),
        req(q(
            "select_one rilevazione",
            "wave",
            "Rilevazione",
            "Assessment round",
        )),
        req(q("select_one paese", "country", "Paese", "Country")),
        Row {
            constraint: ". >= 15 and . <= 25",
            ..req(q("integer", "age", "Quanti anni hai?", "How old are you?"))
        },
        q("select_one genere", "gender", "Genere", "Gender"),
        q(
            "select_one sino",
            "in_school",
            "Frequenti adesso una scuola o un corso?",
            "Are you attending a school or a course at the moment?",
        ),
        Row {
            relevant: "${in_school} = 'si'",
            ..q(
                "select_one corso",
                "course",
                "Quale scuola o corso frequenti?",
                "Which school or course are you attending?",
            )
        },
        q(
            "select_one sino",
            "lavoro_formazione",
            "Hai un lavoro, un tirocinio o un posto in un corso di formazione professionale?",
            "Do you have a job, a traineeship or a place on a vocational training course?",
        ),
        q(
            "select_one abitazione",
            "abitazione",
            "Dove vivi adesso?",
            "Where do you live now?",
        ),
        q(
            "select_multiple sostegno",
            "support",
            "Chi ti sostiene? (più risposte)",
            "Who supports you? (several answers)",
        ),
        end(),
        q(
            "begin_group",
            "valutazione",
            "Come stai adesso",
            "How you are doing now",
        ),
        q(
            "note",
            "intro",
            "Quanto sei d'accordo con queste frasi? 1 = per niente, 5 = molto.",
            "How much do you agree with these sentences? 1 = not at all, 5 = very much.",
        ),
        likert(
            "autonomia",
            "aut_1",
            "So gestire i miei documenti (permesso di soggiorno, residenza, tessera sanitaria).",
            "I can handle my documents (residence permit, registration, health card).",
        ),
        likert(
            "autonomia",
            "aut_2",
            "So organizzare la mia giornata e i miei impegni.",
            "I can organise my day and my commitments.",
        ),
        likert(
            "autonomia",
            "aut_3",
            "So gestire i miei soldi e fare la spesa.",
            "I can manage my money and do the shopping.",
        ),
        likert(
            "autonomia",
            "aut_4",
            "So muovermi da solo/a in città e usare i servizi.",
            "I can get around the city on my own and use services.",
        ),
        likert(
            "rete",
            "rete_1",
            "C'è almeno una persona adulta su cui posso contare.",
            "There is at least one adult I can count on.",
        ),
        likert(
            "rete",
            "rete_2",
            "Ho amici con cui passare il tempo libero.",
            "I have friends to spend my free time with.",
        ),
        Row {
            reverse: true,
            ..likert("rete", "rete_3", "Mi sento solo/a.", "I feel lonely.")
        },
        likert(
            "progetti",
            "prog_1",
            "Ho un progetto chiaro per lo studio o il lavoro.",
            "I have a clear plan for my studies or work.",
        ),
        likert(
            "progetti",
            "prog_2",
            "So quali passi fare per raggiungere i miei obiettivi.",
            "I know which steps to take to reach my goals.",
        ),
        likert(
            "progetti",
            "prog_3",
            "Penso di poter trovare un lavoro che mi piace.",
            "I think I can find a job I like.",
        ),
        likert(
            "benessere",
            "ben_1",
            "Mi sento bene la maggior parte dei giorni.",
            "I feel well on most days.",
        ),
        likert("benessere", "ben_2", "Dormo bene.", "I sleep well."),
        likert(
            "benessere",
            "ben_3",
            "Mi sento sereno/a quando penso al futuro.",
            "I feel calm when I think about the future.",
        ),
        end(),
        q(
            "text",
            "commenti",
            "Vuoi dirci qualcos'altro?",
            "Is there anything else you want to tell us?",
        ),
    ];
    Form {
        title: "INTEGRA: valutazione dei giovani / young people's assessment",
        form_id: "integra_assessment",
        version: "2024010801",
        survey,
        choices: ASSESSMENT_CHOICES.to_vec(),
        scales: ASSESSMENT_SCALE_LABELS,
    }
}

/// The roles of those who give feedback: choice name, Italian and English label.
pub const ROLES: [ChoiceRow; 5] = [
    (
        "ruolo",
        "giovane",
        "Giovane del programma",
        "Young person in the programme",
    ),
    ("ruolo", "mentor", "Mentor", "Mentor"),
    ("ruolo", "educatore", "Educatore/educatrice", "Educator"),
    ("ruolo", "tutore", "Tutore volontario", "Guardian"),
    (
        "ruolo",
        "assistente_sociale",
        "Assistente sociale",
        "Social worker",
    ),
];

/// The feedback form's choice lists.
pub const FEEDBACK_CHOICES: &[ChoiceRow] = &[
    ROLES[0],
    ROLES[1],
    ROLES[2],
    ROLES[3],
    ROLES[4],
    COUNTRY_CHOICES[0],
    COUNTRY_CHOICES[1],
    COUNTRY_CHOICES[2],
    AGREE[0],
    AGREE[1],
    AGREE[2],
    AGREE[3],
    AGREE[4],
];

/// The feedback form's scales sheet.
pub const FEEDBACK_SCALE_LABELS: &[ScaleRow] = &[
    (
        "mip",
        "Mentoring Integration Program",
        "Mentoring Integration Program",
        "",
    ),
    (
        "piattaforma",
        "Piattaforma di cooperazione",
        "Platform for Cooperation",
        "",
    ),
    ("formazione", "Formazione", "Training", ""),
];

/// The participants' feedback on the programme's instruments.
pub fn feedback() -> Form {
    let survey = vec![
        q("begin_group", "chi", "Chi risponde", "Who is answering"),
        req(q(
            "select_one ruolo",
            "role",
            "Qual è il tuo ruolo nel programma?",
            "What is your role in the programme?",
        )),
        req(q("select_one paese", "country", "Paese", "Country")),
        end(),
        q("begin_group", "parere", "Il tuo parere", "Your view"),
        q(
            "note",
            "intro",
            "Quanto sei d'accordo con queste frasi? 1 = per niente, 5 = molto.",
            "How much do you agree with these sentences? 1 = not at all, 5 = very much.",
        ),
        likert(
            "mip",
            "mip_efficacia",
            "Il Mentoring Integration Program ha aiutato i giovani a diventare più autonomi.",
            "The Mentoring Integration Program helped the young people become more independent.",
        ),
        likert(
            "mip",
            "mip_utilita",
            "Gli strumenti del Mentoring Integration Program sono utili nel lavoro di ogni giorno.",
            "The Mentoring Integration Program's tools are useful in everyday work.",
        ),
        likert(
            "piattaforma",
            "piattaforma_efficacia",
            "La Piattaforma di cooperazione ha migliorato il lavoro comune tra servizi.",
            "The Platform for Cooperation improved joint work between services.",
        ),
        likert(
            "piattaforma",
            "piattaforma_utilita",
            "La Piattaforma di cooperazione è facile e utile da usare.",
            "The Platform for Cooperation is easy and useful to use.",
        ),
        likert(
            "formazione",
            "formazione_efficacia",
            "La formazione mi ha preparato/a al mio ruolo nel programma.",
            "The training prepared me for my role in the programme.",
        ),
        likert(
            "formazione",
            "formazione_utilita",
            "Uso nel mio ruolo quello che ho imparato nella formazione.",
            "I use what I learnt in the training in my role.",
        ),
        end(),
        q(
            "text",
            "commento",
            "Che cosa cambieresti nel programma?",
            "What would you change in the programme?",
        ),
    ];
    Form {
        title: "INTEGRA: parere dei partecipanti / participants' feedback",
        form_id: "integra_feedback",
        version: "2024010801",
        survey,
        choices: FEEDBACK_CHOICES.to_vec(),
        scales: FEEDBACK_SCALE_LABELS,
    }
}

/// The form as .xlsx bytes. Deterministic: a fixed creation date, so two calls give the same file.
pub fn xlsx(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let mut book = crate::report::workbook::new_book(&format!("{} (capakit)", form.title))?;
    let bold = Format::new().set_bold();
    let survey_headers = [
        "type",
        "name",
        "label::Italiano (it)",
        "label::English (en)",
        "required",
        "relevant",
        "constraint",
        "scale",
        "reverse",
        "dimension",
    ];
    let sheet = book.add_worksheet().set_name("survey")?;
    for (j, h) in survey_headers.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    let dimension_of = |scale: &str| {
        form.scales
            .iter()
            .find(|s| s.0 == scale)
            .map_or("", |s| s.3)
    };
    for (i, r) in form.survey.iter().enumerate() {
        let cells = [
            r.kind,
            r.name,
            r.it,
            r.en,
            if r.required { "yes" } else { "" },
            r.relevant,
            r.constraint,
            r.scale,
            if r.reverse { "yes" } else { "" },
            dimension_of(r.scale),
        ];
        for (j, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                sheet.write_string(i as u32 + 1, j as u16, *c)?;
            }
        }
    }
    sheet.set_column_width(0, 26)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(2, 60)?;
    sheet.set_column_width(3, 60)?;
    sheet.set_freeze_panes(1, 0)?;

    let sheet = book.add_worksheet().set_name("choices")?;
    for (j, h) in [
        "list_name",
        "name",
        "label::Italiano (it)",
        "label::English (en)",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    for (i, c) in form.choices.iter().enumerate() {
        for (j, v) in [c.0, c.1, c.2, c.3].iter().enumerate() {
            sheet.write_string(i as u32 + 1, j as u16, *v)?;
        }
    }
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 40)?;

    let sheet = book.add_worksheet().set_name("settings")?;
    for (j, (h, v)) in [
        ("form_title", form.title),
        ("form_id", form.form_id),
        ("version", form.version),
        ("default_language", "Italiano (it)"),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
        sheet.write_string(1, j as u16, *v)?;
    }

    let sheet = book.add_worksheet().set_name("scales")?;
    for (j, h) in [
        "name",
        "label::Italiano (it)",
        "label::English (en)",
        "dimension",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    for (i, (name, it, en, dim)) in form.scales.iter().enumerate() {
        for (j, c) in [name, it, en, dim].iter().enumerate() {
            if !c.is_empty() {
                sheet.write_string(i as u32 + 1, j as u16, **c)?;
            }
        }
    }
    book.save_to_buffer()
}

/// The header of a form's KoboToolbox export: `start`, `end` (meta), every question under its groups'
/// path, a select_multiple as one column then one 0/1 column per choice, then the meta columns.
pub fn export_header(form: &Form) -> Vec<String> {
    let mut header = vec!["start".to_string(), "end".to_string()];
    let mut groups: Vec<&str> = Vec::new();
    for r in &form.survey {
        match r.kind {
            "begin_group" => groups.push(r.name),
            "end_group" => {
                groups.pop();
            }
            "note" => {}
            _ => {
                let path = groups
                    .iter()
                    .copied()
                    .chain([r.name])
                    .collect::<Vec<_>>()
                    .join("/");
                if let Some(list) = r.kind.strip_prefix("select_multiple ") {
                    header.push(path.clone());
                    for c in form.choices.iter().filter(|c| c.0 == list) {
                        header.push(format!("{path}/{}", c.1));
                    }
                } else {
                    header.push(path);
                }
            }
        }
    }
    for m in [
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
    ] {
        header.push(m.to_string());
    }
    header
}
