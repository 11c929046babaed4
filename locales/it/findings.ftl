# I rilievi di `capakit check` e del capitolo sulla qualità dei dati del rapporto, in italiano.
# Ogni id ha il suo gemello in locales/en/findings.ftl, con le stesse variabili
# (`cargo test --lib catalogue` controlla entrambi). I valori presi dai dati arrivano già tra virgolette.

## Parole di ogni riga

severity-error = errore
severity-warning = avvertenza
severity-note = nota
where-sheet = foglio
where-row = riga
where-column = colonna
rows-like-this = { $count } righe ({ $rows }), ad es. riga { $first }
more-like-this = … e { $n ->
    [one] un'altra riga
   *[other] altre { $count } righe
} come questa

## Lettura di un file

encoding-windows-1252 = non è UTF-8 valido: letto come Windows-1252 (la codifica dei CSV di Excel su Windows)
encoding-utf-8-bom = letto come UTF-8 (con byte-order mark)
encoding-utf-16-le = letto come UTF-16 little-endian (byte-order mark)
encoding-utf-16-be = letto come UTF-16 big-endian (byte-order mark)
separator-semicolon = i campi sono separati da punto e virgola (;)
separator-tab = i campi sono separati da tabulazioni
header-below-title = l'intestazione è alla riga { $header_row }; { $n ->
    [one] la riga sopra è stata letta come titolo e saltata
   *[other] le { $n } righe sopra sono state lette come titolo e saltate
}
empty-header = questa colonna non ha intestazione; i suoi valori sono ignorati
cell-without-header = c'è un valore oltre l'ultima colonna con intestazione: è ignorato

## Segmenti codificati (focus group)

segment-span-qdpx = una selezione in '{ $document }' finisce (a { $end }) prima di cominciare (a { $start }); è esclusa
segment-unknown-code-qdpx = una codifica in '{ $document }' rimanda a un codice che il codebook non ha ({ $code })
segment-offset = { $value } non è una posizione nel testo; la posizione è ignorata
segment-document = questo segmento codificato non indica il documento
segment-code-empty = questo segmento non ha un codice; è escluso
segment-code-none = { $value } non corrisponde a nessun codice; il segmento è escluso
segment-span = il segmento finisce (a { $end }) prima di cominciare (a { $start })
segment-document-excerpt = questo estratto non indica il documento
segment-matrix = { $value } non è 0 né 1; letto come non codificato
segment-uncoded = questo estratto non ha codici

## Il questionario (XLSForm)

duplicate-column-form = la colonna '{ $column }' compare due volte; si usa la prima
duplicate-choice = la scelta '{ $choice }' compare due volte nella lista '{ $list }'; si usa la prima
repeat-skipped = il gruppo ripetuto '{ $name }' non è analizzato: le sue risposte sono esportate in un foglio a parte
loop-skipped = un ciclo (loop) non è analizzato
unknown-scales-column = il foglio scales non ha una colonna '{ $column }': legge { $reads } (una colonna di etichette per lingua, come 'label::Italiano (it)')
unknown-scales-column-closest = il foglio scales non ha una colonna '{ $column }': legge { $reads } (una colonna di etichette per lingua, come 'label::Italiano (it)'); forse intendevi '{ $closest }'?
unknown-survey-column = la colonna '{ $column }' del foglio survey non è letta; forse intendevi '{ $closest }'?
unused-scale = la scala '{ $name }' non ha domande nel foglio survey

## Valori nei dati

bad-weight-negative = { $value }: un peso campionario non può essere negativo
missing-weight = il peso campionario è vuoto
bad-weight-not-a-number = { $value } non è un numero: il peso campionario deve esserlo
unknown-territory = { $value } non è un territorio dello studio ({ $known }); aggiungilo, o aggiungi un alias, in study.toml
territory-alias = { $spelled } letto come { $territory } ({ $n ->
    [one] 1 riga, questa
   *[other] { $n } righe, la prima è questa
})
missing-wave = manca la rilevazione: questa risposta è esclusa dai confronti tra rilevazioni
unknown-wave = { $value } non è una rilevazione dello studio ({ $known }); aggiungila a [[waves]] in study.toml
value-not-in-choices = { $value } non è una scelta della lista '{ $list }' ({ $choices })
not-a-date = { $value } non è una data (scrivi 2024-03-05 o 05/03/2024)
not-a-number = { $value } non è un numero
not-an-integer = { $number } non è un numero intero
range-both = { $low } e { $high }
out-of-range = { $number } è fuori dall'intervallo ammesso ({ $range })
select-multiple-disagree = '{ $name }' { $said ->
    [0] è vuota
   *[other] dice { $text }
} ma { $chosen ->
    [0] le sue colonne 0/1 non scelgono nulla
   *[other] le sue colonne 0/1 scelgono { $choices } ({ $headers })
}; la risposta è esclusa
value-not-0-1 = { $value } dovrebbe essere 1 (scelto) o 0 (non scelto)
required-missing = la domanda '{ $name }' è obbligatoria ma non ha risposta

## Colonne e rispondenti

duplicate-column = una seconda colonna per '{ $name }' (la prima è la colonna { $first }); è ignorata
unknown-column = questa colonna non è una domanda del questionario; è ignorata
missing-column = manca la colonna della domanda '{ $name }' (riga { $row } del foglio survey di { $file })
missing-id = il codice del rispondente è vuoto
duplicate-id = questo codice di rispondente è già usato alla riga { $first_row }; questa risposta è esclusa, si tiene la prima
duplicate-id-in-wave = questo codice di rispondente è già usato nella rilevazione { $wave } alla riga { $first_row }; questa risposta è esclusa, si tiene la prima
identifying-column = questa colonna sembra identificare direttamente le persone ({ $why }): tienila fuori dai dati della ricerca; capakit non la mostra mai in un rapporto
identifying-by-values = { $hits } delle { $of } celle compilate sembrano { $what }
identifying-by-header = la sua intestazione fa pensare a { $what }
identifying-names = nomi
identifying-emails = indirizzi e-mail
identifying-phones = numeri di telefono
identifying-codici-fiscali = codici fiscali
identifying-birth-dates = date di nascita
identifying-addresses = indirizzi

## Disegno campionario

design-empty-stratum = lo strato è vuoto dove è indicato un peso campionario
design-empty-psu = l'unità primaria di campionamento (PSU) è vuota dove è indicato un peso campionario
psu-in-two-strata = la PSU '{ $psu }' è nello strato '{ $stratum }' qui e in '{ $other }' alla riga { $row }: una PSU sta in un solo strato (dai alle PSU codici unici tra gli strati)
single-psu-stratum = lo strato '{ $stratum }' ha una sola PSU: la sua varianza è calcolata attorno alla media dell'intero campione invece che a quella dello strato (come survey.lonely.psu = "adjust" del pacchetto survey di R)

## Dati per territorio (records)

records-no-territory = manca il territorio
records-territory = { $value } non è un territorio dello studio (a nessun livello: { $levels })
records-no-wave = manca la rilevazione
records-wave = { $value } non è una rilevazione dello studio ({ $known })
records-not-a-number-column = { $value } non è un numero (ogni colonna tranne il territorio e la rilevazione contiene numeri; lascia la cella vuota se il dato non è stato comunicato)
records-negative = { $value } è negativo: questi dati contano persone, eventi ed euro
records-duplicate = { $territory } ha già una riga (riga { $first_row }): una riga per territorio e rilevazione
records-duplicate-in-wave = { $territory } ha già una riga nella rilevazione { $wave } (riga { $first_row }): una riga per territorio e rilevazione
records-nested = { $territory } e { $other } (riga { $first_row }) sono uno dentro l'altro: le loro persone sarebbero contate due volte
records-nested-in-wave = { $territory } e { $other } (riga { $first_row }) sono uno dentro l'altro nella rilevazione { $wave }: le loro persone sarebbero contate due volte

## Incontri (sessions)

sessions-person = un incontro senza persona
sessions-no-date = un incontro senza data
sessions-minutes = { $value } non è un numero di minuti maggiore di zero
sessions-entry = la data di ingresso di questa persona è diversa da quella alla riga { $first_row }; si usa la prima
sessions-before-entry = questo incontro ha una data precedente all'ingresso della persona nel programma

## Segmenti codificati e loro documenti

segment-territory = { $value } non è un territorio dello studio
segment-no-metadata = il documento '{ $document }' non è nei metadati dei documenti: il suo territorio non è noto
segment-unknown-code = il codice '{ $code }' non è nel codebook

## Reti di servizi

network-name-close = letto come il servizio '{ $name }' ({ $id }), una grafia simile
network-name-unknown = un servizio scritto a mano che non corrisponde a nessuno del registro { $registry } (per codice, nome, alias o grafia simile): i suoi legami sono esclusi; il testo non è ripetuto qui, perché potrebbe contenere il nome di una persona
network-type = { $value } non è un tipo di servizio ({ $known })
network-no-type = un servizio senza tipo
network-territory = { $value } non è un territorio dello studio
network-sector = { $value } non è né pubblico né terzo settore
network-duplicate = il codice o il nome di questo servizio è già quello del servizio '{ $id }' di una riga precedente: ogni servizio una volta sola
network-no-end = un legame senza questo estremo
network-not-a-service = { $value } non è un servizio del registro { $registry } (per codice o nome)
network-weight = { $value } non è un peso maggiore di zero
network-tie-no-wave = un legame senza rilevazione
network-wave = { $value } non è una rilevazione dello studio
network-self-tie = un servizio legato a sé stesso: il legame è escluso
network-frequency-number = { $value } non è una risposta sulla frequenza: serve un numero maggiore di zero (oppure elenca le risposte in frequency = ["…"], in ordine)
network-frequency = { $value } non è una risposta sulla frequenza: serve una tra { $answers } o un numero maggiore di zero
network-respondent = un rispondente senza servizio: le sue risposte sono escluse
network-respondent-no-wave = un rispondente senza rilevazione
network-id = questo { $column } è già di un rispondente precedente: ogni rispondente una volta sola
network-parent-empty = un partner senza il codice del suo rispondente
network-parent = { $value } non è il { $column } di nessun rispondente nel foglio { $sheet }
network-parent-no-sheet = { $value } non è il { $column } di nessun rispondente nel foglio dei rispondenti
network-partner-empty = una riga di partner che non indica nessun servizio: esclusa
network-partner-other = "altro" senza nome scritto (other_column): escluso
network-self-named = un rispondente che indica il proprio servizio: il legame è escluso

## Conteggi

count-error = { $n ->
    [one] 1 errore
   *[other] { $n } errori
}
count-warning = { $n ->
    [one] 1 avvertenza
   *[other] { $n } avvertenze
}
count-note = { $n ->
    [one] 1 nota
   *[other] { $n } note
}
count-document = { $n ->
    [one] 1 documento
   *[other] { $n } documenti
}
count-row = { $n ->
    [one] 1 riga
   *[other] { $n } righe
}
count-number-column = { $n ->
    [one] 1 colonna di numeri
   *[other] { $n } colonne di numeri
}
count-session = { $n ->
    [one] 1 incontro
   *[other] { $n } incontri
}
count-person = { $n ->
    [one] 1 persona
   *[other] { $n } persone
}
count-tie = { $n ->
    [one] 1 legame
   *[other] { $n } legami
}
count-service = { $n ->
    [one] 1 servizio
   *[other] { $n } servizi
}
count-analysis = { $n ->
    [one] 1 analisi
   *[other] { $n } analisi
}

## Le righe di riepilogo di `capakit check`

summary-data = { $file }: { $n ->
    [one] 1 rispondente
   *[other] { $n } rispondenti
}, { $errors }, { $warnings }, { $notes }
summary-segments = { $file }: { $n ->
    [one] 1 segmento codificato
   *[other] { $n } segmenti codificati
} in { $documents }, { $errors }, { $warnings }, { $notes }
summary-records = { $file }: { $rows } in { $columns }, { $errors }, { $warnings }, { $notes }
summary-sessions = { $file }: { $sessions } di { $people }, { $errors }, { $warnings }, { $notes }
summary-network = { $file }: { $ties } tra { $services } del registro { $registry }, { $errors }, { $warnings }, { $notes }
summary-network-survey = { $file }: { $who } { $ties } tra { $services } del registro { $registry }, { $errors }, { $warnings }, { $notes }
network-who-professionals = { $n ->
    [one] 1 professionista ha indicato
   *[other] { $n } professionisti hanno indicato
}
network-who-answers = { $n ->
    [one] 1 risposta di professionisti ({ $per_wave }) ha indicato
   *[other] { $n } risposte di professionisti ({ $per_wave }) hanno indicato
}
in-wave = { $n } in { $wave }
not-run = l'analisi '{ $id }' non è eseguita: il suo sottoinsieme ({ $subset }) ha meno di { $min_cell } rispondenti, troppo pochi per pubblicarla

## Cosa stampa `capakit run`

run-more-lines = … e altre { $n } righe: vedi `capakit check { $study }`
run-errors = { $errors } nei dati; non è stato scritto nulla. Correggili (vedi `capakit check { $study }`) e riesegui.
run-respondents = { $n ->
    [one] 1 rispondente
   *[other] { $n } rispondenti
}
run-answers = { $n } risposte in { $waves } rilevazioni
run-answers-people = { $n } risposte da { $people } persone in { $waves } rilevazioni
run-analyses-not-run = { $n ->
    [one] 1 analisi
   *[other] { $n } analisi
} ({ $not_run } non eseguite: vedi il rapporto)

## Condizioni del questionario (relevant, required, constraint)

not-relevant = { $value }: c'è una risposta, ma la domanda si pone solo quando { $condition }, che in questa riga non vale; la risposta è esclusa e contata come non prevista
relevant-unread = la condizione (relevant) di '{ $name }' ({ $condition }) non è letta: { $why }; la domanda vale come posta a tutti e le risposte obbligatorie non sono controllate
constraint-broken = { $value } non rispetta il vincolo del questionario { $constraint }
constraint-broken-message = { $value } non rispetta il vincolo del questionario: { $message } ({ $constraint })
constraint-unread = il vincolo di '{ $name }' ({ $constraint }) non è letto: { $why }; le risposte non sono controllate rispetto a esso

## Righe escluse per intero

totals-row-word = { $n ->
    [0] la colonna { $letter } ({ $header }) riporta { $word }
    [one] 1 cella non corrisponde e la colonna { $letter } ({ $header }) riporta { $word }
   *[other] { $n } celle non corrispondono e la colonna { $letter } ({ $header }) riporta { $word }
}: sembra una riga dei totali; è esclusa dai dati (non conta come rispondente) e le sue celle non sono elencate una per una
totals-row-sums = { $n ->
    [0] i suoi
    [one] 1 cella non corrisponde e i suoi
   *[other] { $n } celle non corrispondono e i suoi
} { $numbers } numeri sono { $what ->
    [sums] le somme
   *[means] le medie
} delle colonne sopra: sembra una riga dei totali; è esclusa dai dati (non conta come rispondente) e le sue celle non sono elencate una per una
row-many-errors = { $n } delle sue { $filled } celle compilate non corrispondono al questionario (una riga dei totali, o colonne spostate in questa riga?): la riga è esclusa dai dati (non conta come rispondente) e le sue celle non sono elencate una per una
