//! The shipped questionnaire, `instruments/care-leavers-capabilities.xlsx`, kept as code: a valid
//! XLSForm (survey, choices, settings) in Italian and English, with capakit's `scale`, `reverse`
//! and `dimension` columns and a `scales` sheet. `capakit init` writes it; the repository's copy is
//! regenerated from here, never edited by hand.

use rust_xlsxwriter::{Format, XlsxError};

/// One row of the survey sheet.
struct Q {
    kind: &'static str,
    name: &'static str,
    it: &'static str,
    en: &'static str,
    required: bool,
    relevant: &'static str,
    constraint: &'static str,
    scale: &'static str,
    reverse: bool,
}

const fn q(kind: &'static str, name: &'static str, it: &'static str, en: &'static str) -> Q {
    Q {
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

const fn req(mut x: Q) -> Q {
    x.required = true;
    x
}

const fn likert(scale: &'static str, name: &'static str, it: &'static str, en: &'static str) -> Q {
    let mut x = q("select_one accordo5", name, it, en);
    x.scale = scale;
    x
}

const fn rev(mut x: Q) -> Q {
    x.reverse = true;
    x
}

/// The capability scales: name, Italian and English label, capability dimension.
pub const SCALES: &[(&str, &str, &str, &str)] = &[
    (
        "istruzione",
        "Istruzione e formazione",
        "Education and training",
        "education",
    ),
    ("lavoro", "Lavoro", "Work", "work"),
    ("casa", "Casa", "Housing", "shelter"),
    (
        "salute",
        "Salute e benessere",
        "Health and well-being",
        "health",
    ),
    (
        "relazioni",
        "Relazioni e rete di sostegno",
        "Relationships and support network",
        "social_relations",
    ),
    (
        "partecipazione",
        "Partecipazione",
        "Participation",
        "participation",
    ),
    (
        "autonomia",
        "Competenze per l'autonomia",
        "Autonomy skills",
        "autonomy",
    ),
    (
        "economia",
        "Sicurezza economica",
        "Economic security",
        "economic_security",
    ),
    (
        "rispetto",
        "Rispetto e identità",
        "Respect and identity",
        "respect_identity",
    ),
];

fn survey() -> Vec<Q> {
    let mut rows = vec![
        q("begin_group", "anagrafica", "Chi sei", "About you"),
        req(q(
            "text",
            "respondent_id",
            "Codice partecipante (pseudonimo assegnato dal gruppo di ricerca)",
            "Participant code (pseudonym given by the research team)",
        )),
        req(q(
            "select_one territorio",
            "territory",
            "Territorio",
            "Territory",
        )),
        Q {
            constraint: ". >= 16 and . <= 25",
            ..req(q("integer", "age", "Quanti anni hai?", "How old are you?"))
        },
        q("select_one genere", "gender", "Genere", "Gender"),
        req(q(
            "select_one accoglienza",
            "care_setting",
            "Dove sei stato/a accolto/a più a lungo?",
            "Where were you in care the longest?",
        )),
        Q {
            constraint: ". >= 0 and . <= 25",
            ..q(
                "integer",
                "years_in_care",
                "Per quanti anni sei stato/a in accoglienza?",
                "For how many years were you in care?",
            )
        },
        q(
            "select_one sino",
            "migrant_background",
            "Sei nato/a fuori dall'Italia?",
            "Were you born outside Italy?",
        ),
        Q {
            relevant: "${migrant_background} = 'si'",
            ..q(
                "select_one sino",
                "msna",
                "Sei arrivato/a in Italia come minore straniero non accompagnato?",
                "Did you arrive in Italy as an unaccompanied migrant minor?",
            )
        },
        q(
            "select_one attivita",
            "activity",
            "Che cosa fai in questo periodo?",
            "What are you doing at the moment?",
        ),
        q(
            "select_one abitazione",
            "housing",
            "Dove vivi adesso?",
            "Where do you live now?",
        ),
        q(
            "select_one sino",
            "autonomy_tutor",
            "Hai un tutor per l'autonomia?",
            "Do you have an autonomy tutor?",
        ),
        q(
            "select_one sino",
            "individual_project",
            "Hai un progetto individualizzato scritto?",
            "Do you have a written individualised project?",
        ),
        q(
            "select_multiple sostegno",
            "support",
            "Su chi puoi contare per un consiglio? (più risposte)",
            "Whom can you ask for advice? (several answers)",
        ),
        q(
            "date",
            "interview_date",
            "Data dell'intervista",
            "Date of the interview",
        ),
        q("end_group", "", "", ""),
        q(
            "begin_group",
            "capacita",
            "Le tue possibilità",
            "Your opportunities",
        ),
        q(
            "note",
            "intro_likert",
            "Quanto sei d'accordo con queste frasi? 1 = per niente, 5 = molto.",
            "How much do you agree with these sentences? 1 = not at all, 5 = very much.",
        ),
        likert(
            "istruzione",
            "edu_1",
            "Posso scegliere il percorso di studi o di formazione che desidero.",
            "I can choose the course of study or training I want.",
        ),
        likert(
            "istruzione",
            "edu_2",
            "Ho ricevuto aiuto per continuare a studiare dopo i 18 anni.",
            "I got help to keep studying after 18.",
        ),
        rev(likert(
            "istruzione",
            "edu_3",
            "Ho dovuto lasciare la scuola prima di quanto volessi.",
            "I had to leave school earlier than I wanted.",
        )),
        likert(
            "lavoro",
            "work_1",
            "So a chi rivolgermi per cercare lavoro.",
            "I know whom to turn to when looking for work.",
        ),
        likert(
            "lavoro",
            "work_2",
            "Ho avuto occasioni di tirocinio o di esperienza lavorativa.",
            "I have had traineeships or work experience.",
        ),
        likert(
            "lavoro",
            "work_3",
            "Penso di poter trovare un lavoro che mi piace.",
            "I think I can find a job I like.",
        ),
        likert(
            "casa",
            "house_1",
            "So dove vivrò nei prossimi 12 mesi.",
            "I know where I will live in the next 12 months.",
        ),
        likert(
            "casa",
            "house_2",
            "Il posto in cui vivo è sicuro e adeguato.",
            "The place where I live is safe and adequate.",
        ),
        rev(likert(
            "casa",
            "house_3",
            "Ho paura di rimanere senza casa.",
            "I am afraid of ending up without a home.",
        )),
        likert(
            "salute",
            "health_1",
            "Riesco a prendermi cura della mia salute.",
            "I can take care of my health.",
        ),
        likert(
            "salute",
            "health_2",
            "So come arrivare al medico e ai servizi sanitari.",
            "I know how to reach a doctor and health services.",
        ),
        likert(
            "salute",
            "health_3",
            "Quando sto male emotivamente, so a chi chiedere aiuto.",
            "When I feel low, I know whom to ask for help.",
        ),
        likert(
            "relazioni",
            "rel_1",
            "C'è almeno una persona adulta su cui posso contare.",
            "There is at least one adult I can count on.",
        ),
        likert(
            "relazioni",
            "rel_2",
            "Ho amici con cui passare il tempo libero.",
            "I have friends to spend my free time with.",
        ),
        rev(likert(
            "relazioni",
            "rel_3",
            "Mi sento solo/a.",
            "I feel lonely.",
        )),
        likert(
            "partecipazione",
            "part_1",
            "Le mie opinioni sono state ascoltate nelle decisioni sul mio futuro.",
            "My views were heard in decisions about my future.",
        ),
        likert(
            "partecipazione",
            "part_2",
            "Ho partecipato alla scrittura del mio progetto individualizzato.",
            "I took part in writing my individualised project.",
        ),
        likert(
            "partecipazione",
            "part_3",
            "Ho avuto occasioni di partecipare a gruppi o conferenze di ragazzi.",
            "I have had chances to take part in youth groups or conferences.",
        ),
        likert(
            "autonomia",
            "aut_1",
            "So gestire le pratiche burocratiche (documenti, residenza, permesso di soggiorno).",
            "I can handle paperwork (documents, residence, residence permit).",
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
            "So cucinare, fare la spesa e tenere in ordine la casa.",
            "I can cook, shop and keep a home.",
        ),
        likert(
            "economia",
            "econ_1",
            "Ho abbastanza soldi per le spese di ogni mese.",
            "I have enough money for my monthly expenses.",
        ),
        likert(
            "economia",
            "econ_2",
            "So gestire un budget e risparmiare.",
            "I can manage a budget and save.",
        ),
        rev(likert(
            "economia",
            "econ_3",
            "Ho debiti o spese che non riesco a pagare.",
            "I have debts or bills I cannot pay.",
        )),
        likert(
            "rispetto",
            "resp_1",
            "Mi sento rispettato/a dai servizi che mi seguono.",
            "I feel respected by the services that support me.",
        ),
        rev(likert(
            "rispetto",
            "resp_2",
            "Mi sono sentito/a giudicato/a per la mia storia o la mia origine.",
            "I have felt judged for my history or my origin.",
        )),
        likert(
            "rispetto",
            "resp_3",
            "Posso esprimere liberamente chi sono (cultura, religione, identità).",
            "I can freely express who I am (culture, religion, identity).",
        ),
        q("end_group", "", "", ""),
        q(
            "begin_group",
            "priorita",
            "Che cosa conta per te",
            "What matters to you",
        ),
        q(
            "note",
            "intro_importance",
            "Quanto è importante per te … ? 1 = per niente, 5 = moltissimo.",
            "How important is it for you … ? 1 = not at all, 5 = very much.",
        ),
    ];
    for (scale, it, en) in IMPORTANCE {
        let mut item = q("select_one importanza5", "", it, en);
        item.name = IMPORTANCE_ITEMS
            .iter()
            .find(|(s, _)| s == scale)
            .map_or("", |x| x.1);
        rows.push(item);
    }
    rows.extend([
        q("end_group", "", "", ""),
        q(
            "text",
            "suggestions",
            "Che cosa cambieresti nel sostegno ai care leaver?",
            "What would you change in the support for care leavers?",
        ),
    ]);
    rows.shrink_to_fit();
    rows
}

/// The item where respondents rate the importance of each capability dimension (the source of
/// participatory weights).
pub const IMPORTANCE_ITEMS: &[(&str, &str)] = &[
    ("istruzione", "imp_istruzione"),
    ("lavoro", "imp_lavoro"),
    ("casa", "imp_casa"),
    ("salute", "imp_salute"),
    ("relazioni", "imp_relazioni"),
    ("partecipazione", "imp_partecipazione"),
    ("autonomia", "imp_autonomia"),
    ("economia", "imp_economia"),
    ("rispetto", "imp_rispetto"),
];

/// The importance questions: scale, Italian and English label.
const IMPORTANCE: &[(&str, &str, &str)] = &[
    (
        "istruzione",
        "Quanto è importante per te poter studiare o formarti come desideri?",
        "How important is it for you to study or train as you wish?",
    ),
    (
        "lavoro",
        "Quanto è importante per te trovare un lavoro che ti piace?",
        "How important is it for you to find a job you like?",
    ),
    (
        "casa",
        "Quanto è importante per te avere una casa sicura e stabile?",
        "How important is it for you to have a safe and stable home?",
    ),
    (
        "salute",
        "Quanto è importante per te stare bene e sapere dove farti curare?",
        "How important is it for you to be well and know where to get care?",
    ),
    (
        "relazioni",
        "Quanto è importante per te avere persone su cui contare?",
        "How important is it for you to have people to count on?",
    ),
    (
        "partecipazione",
        "Quanto è importante per te essere ascoltato/a nelle decisioni che ti riguardano?",
        "How important is it for you to be heard in the decisions about you?",
    ),
    (
        "autonomia",
        "Quanto è importante per te saper gestire da solo/a la vita di ogni giorno?",
        "How important is it for you to manage everyday life on your own?",
    ),
    (
        "economia",
        "Quanto è importante per te avere abbastanza soldi per vivere?",
        "How important is it for you to have enough money to live on?",
    ),
    (
        "rispetto",
        "Quanto è importante per te essere rispettato/a per chi sei?",
        "How important is it for you to be respected for who you are?",
    ),
];

/// Choice lists: list name, choice name, Italian label, English label.
pub const CHOICES: &[(&str, &str, &str, &str)] = &[
    (
        "importanza5",
        "1",
        "Per niente importante",
        "Not at all important",
    ),
    ("importanza5", "2", "Poco importante", "Slightly important"),
    (
        "importanza5",
        "3",
        "Abbastanza importante",
        "Moderately important",
    ),
    ("importanza5", "4", "Molto importante", "Very important"),
    (
        "importanza5",
        "5",
        "Estremamente importante",
        "Extremely important",
    ),
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
    ("territorio", "Prato", "Prato", "Prato"),
    ("territorio", "Firenze", "Firenze", "Florence"),
    ("genere", "femmina", "Femmina", "Female"),
    ("genere", "maschio", "Maschio", "Male"),
    (
        "genere",
        "altro",
        "Altro / non binario",
        "Other / non-binary",
    ),
    (
        "genere",
        "nr",
        "Preferisco non rispondere",
        "Prefer not to say",
    ),
    (
        "accoglienza",
        "affido",
        "Famiglia affidataria",
        "Foster family",
    ),
    (
        "accoglienza",
        "comunita",
        "Comunità residenziale",
        "Residential community",
    ),
    ("sino", "si", "Sì", "Yes"),
    ("sino", "no", "No", "No"),
    ("attivita", "studio", "Studio", "In education"),
    (
        "attivita",
        "formazione",
        "Corso di formazione o tirocinio",
        "Training or traineeship",
    ),
    ("attivita", "lavoro", "Lavoro", "In work"),
    (
        "attivita",
        "studio_lavoro",
        "Studio e lavoro",
        "Education and work",
    ),
    (
        "attivita",
        "nessuna",
        "Né studio né lavoro",
        "Neither in education nor in work",
    ),
    (
        "abitazione",
        "famiglia_affidataria",
        "Con la famiglia affidataria",
        "With the foster family",
    ),
    (
        "abitazione",
        "comunita",
        "In comunità",
        "In a residential community",
    ),
    (
        "abitazione",
        "semiautonomia",
        "In un appartamento per la semi-autonomia",
        "In a semi-independent flat",
    ),
    (
        "abitazione",
        "casa_propria",
        "In una casa mia (da solo/a o con altri)",
        "In my own home (alone or shared)",
    ),
    (
        "abitazione",
        "famiglia_origine",
        "Con la famiglia di origine o parenti",
        "With my birth family or relatives",
    ),
    ("abitazione", "altro", "Altro", "Other"),
    (
        "sostegno",
        "assistente_sociale",
        "Assistente sociale",
        "Social worker",
    ),
    ("sostegno", "educatore", "Educatore/educatrice", "Educator"),
    (
        "sostegno",
        "tutor",
        "Tutor per l'autonomia",
        "Autonomy tutor",
    ),
    (
        "sostegno",
        "famiglia_affidataria",
        "Famiglia affidataria",
        "Foster family",
    ),
    (
        "sostegno",
        "famiglia_origine",
        "Famiglia di origine",
        "Birth family",
    ),
    ("sostegno", "amici", "Amici", "Friends"),
    ("sostegno", "nessuno", "Nessuno", "Nobody"),
];

/// What a study's copy of the questionnaire changes: its territories (the `territorio` list:
/// name, Italian and English label), the territory question's labels, its title and form id.
pub struct Form<'a> {
    pub territories: Vec<(String, String, String)>,
    pub territory_label: (&'a str, &'a str),
    pub title: &'a str,
    pub form_id: &'a str,
}

/// The XLSForm as .xlsx bytes. Deterministic: a fixed creation date, so two calls give the same file.
pub fn care_leavers_xlsform() -> Result<Vec<u8>, XlsxError> {
    xlsform(&Form {
        territories: CHOICES
            .iter()
            .filter(|c| c.0 == "territorio")
            .map(|c| (c.1.to_string(), c.2.to_string(), c.3.to_string()))
            .collect(),
        territory_label: ("Territorio", "Territory"),
        title: "Care leavers: capabilities questionnaire",
        form_id: "care_leavers_capabilities",
    })
}

/// The questionnaire with `form`'s territories, labels and title.
pub fn xlsform(form: &Form) -> Result<Vec<u8>, XlsxError> {
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
    let dimension_of = |scale: &str| SCALES.iter().find(|s| s.0 == scale).map_or("", |s| s.3);
    for (i, r) in survey().iter().enumerate() {
        let row = i as u32 + 1;
        let (it, en) = if r.name == "territory" {
            form.territory_label
        } else {
            (r.it, r.en)
        };
        let cells = [
            r.kind,
            r.name,
            it,
            en,
            if r.required { "yes" } else { "" },
            r.relevant,
            r.constraint,
            r.scale,
            if r.reverse { "yes" } else { "" },
            dimension_of(r.scale),
        ];
        for (j, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                sheet.write_string(row, j as u16, *c)?;
            }
        }
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 20)?;
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
    let territories = form
        .territories
        .iter()
        .map(|(n, i, e)| ("territorio", n.as_str(), i.as_str(), e.as_str()));
    let mut row = 0u32;
    let mut listed = false;
    for choice in CHOICES.iter().copied() {
        if choice.0 == "territorio" {
            if !listed {
                for t in territories.clone() {
                    row += 1;
                    for (j, c) in [t.0, t.1, t.2, t.3].iter().enumerate() {
                        sheet.write_string(row, j as u16, *c)?;
                    }
                }
                listed = true;
            }
            continue;
        }
        row += 1;
        for (j, c) in [choice.0, choice.1, choice.2, choice.3].iter().enumerate() {
            sheet.write_string(row, j as u16, *c)?;
        }
    }
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 40)?;

    let sheet = book.add_worksheet().set_name("settings")?;
    for (j, (h, v)) in [
        ("form_title", form.title),
        ("form_id", form.form_id),
        ("version", "2026112301"),
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
    for (i, (name, it, en, dim)) in SCALES.iter().enumerate() {
        let row = i as u32 + 1;
        for (j, c) in [name, it, en, dim].iter().enumerate() {
            sheet.write_string(row, j as u16, **c)?;
        }
    }
    book.save_to_buffer()
}
