# The findings of `capakit check` and of the report's data-quality chapter, in English.
# Each id has its twin in locales/it/findings.ftl, with the same variables
# (`cargo test --lib catalogue` checks both). Values from the data come already quoted.

## Words of every line

severity-error = error
severity-warning = warning
severity-note = note
where-sheet = sheet
where-row = row
where-column = column
rows-like-this = { $count } rows ({ $rows }), e.g. row { $first }
more-like-this = … and { $count } more { $n ->
    [one] row
   *[other] rows
} like this

## Reading a file

encoding-windows-1252 = not valid UTF-8: read as Windows-1252 (the encoding of Excel's CSV on Windows)
encoding-utf-8-bom = read as UTF-8 (with a byte-order mark)
encoding-utf-16-le = read as UTF-16 little-endian (byte-order mark)
encoding-utf-16-be = read as UTF-16 big-endian (byte-order mark)
separator-semicolon = fields are separated by semicolon (;)
separator-tab = fields are separated by tab
header-below-title = the header was found on row { $header_row }; the { $n } row(s) above it were read as a title and skipped
empty-header = this column has no header; its values are ignored
cell-without-header = a value stands beyond the last header column and is ignored

## Coded segments (focus groups)

segment-span-qdpx = a selection in '{ $document }' ends (at { $end }) before it starts (at { $start }); it is left out
segment-unknown-code-qdpx = a coding in '{ $document }' refers to a code the codebook does not have ({ $code })
segment-offset = { $value } is not a character position; the offset is ignored
segment-document = this coded segment names no document
segment-code-empty = this segment has no code; it is left out
segment-code-none = { $value } names no code; the segment is left out
segment-span = the segment ends (at { $end }) before it starts (at { $start })
segment-document-excerpt = this excerpt names no document
segment-matrix = { $value } is not 0 or 1; read as not coded
segment-uncoded = this excerpt has no code

## The questionnaire (XLSForm)

duplicate-column-form = the column '{ $column }' appears twice; the first one is used
duplicate-choice = the choice '{ $choice }' appears twice in list '{ $list }'; the first is used
repeat-skipped = the repeat '{ $name }' is not analysed: its answers are exported to a sheet of their own
loop-skipped = a loop is not analysed
unknown-scales-column = the scales sheet has no column '{ $column }': it reads { $reads } (one label column per language, as 'label::English (en)')
unknown-scales-column-closest = the scales sheet has no column '{ $column }': it reads { $reads } (one label column per language, as 'label::English (en)'); did you mean '{ $closest }'?
unknown-survey-column = the survey sheet's column '{ $column }' is not read; did you mean '{ $closest }'?
unused-scale = the scale '{ $name }' has no items in the survey sheet

## Values in the data

bad-weight-negative = { $value }: a design weight cannot be negative
missing-weight = the design weight is empty
bad-weight-not-a-number = { $value } is not a number: a design weight must be
unknown-territory = { $value } is not a territory of the study ({ $known }); add it, or an alias, to study.toml
territory-alias = { $spelled } read as { $territory } ({ $n } { $n ->
    [one] row
   *[other] rows
}, first here)
missing-wave = no wave: this answer is left out of the comparisons between waves
unknown-wave = { $value } is not a wave of the study ({ $known }); add it to [[waves]] in study.toml
value-not-in-choices = { $value } is not a choice of the list '{ $list }' ({ $choices })
not-a-date = { $value } is not a date (write 2024-03-05 or 05/03/2024)
not-a-number = { $value } is not a number
not-an-integer = { $number } is not a whole number
range-both = { $low } and { $high }
out-of-range = { $number } is outside the allowed range ({ $range })
select-multiple-disagree = '{ $name }' { $said ->
    [0] is empty
   *[other] says { $text }
} but { $chosen ->
    [0] its 0/1 columns choose nothing
   *[other] its 0/1 columns choose { $choices } ({ $headers })
}; the answer is left out
value-not-0-1 = { $value } should be 1 (chosen) or 0 (not chosen)
required-missing = '{ $name }' is required but has no answer

## Columns and respondents

duplicate-column = a second column for '{ $name }' (the first is column { $first }); it is ignored
unknown-column = this column is not a question of the questionnaire; it is ignored
missing-column = no column for the question '{ $name }' (survey sheet row { $row } of { $file })
missing-id = the respondent id is empty
duplicate-id = this respondent id was already used on row { $first_row }; this answer is left out, the first one is kept
duplicate-id-in-wave = this respondent id was already used in wave { $wave } on row { $first_row }; this answer is left out, the first one is kept
identifying-column = this column looks directly identifying ({ $why }): keep it out of the research data; capakit never shows it in a report
identifying-by-values = { $hits } of the { $of } filled cells look like { $what }
identifying-by-header = its header suggests { $what }
identifying-names = names
identifying-emails = e-mail addresses
identifying-phones = phone numbers
identifying-codici-fiscali = codici fiscali
identifying-birth-dates = birth dates
identifying-addresses = addresses

## Sampling design

design-empty-stratum = the stratum is empty where a design weight is given
design-empty-psu = the primary sampling unit (PSU) is empty where a design weight is given
psu-in-two-strata = the PSU '{ $psu }' is in the stratum '{ $stratum }' here and in '{ $other }' at row { $row }: a PSU lies in one stratum (give PSUs codes unique across strata)
single-psu-stratum = the stratum '{ $stratum }' has a single PSU: its variance is taken around the whole sample's mean instead of the stratum's (as R survey's survey.lonely.psu = "adjust")

## Records (numbers per territory)

records-no-territory = no territory
records-territory = { $value } is not a territory of the study (at any level: { $levels })
records-no-wave = no wave
records-wave = { $value } is not a wave of the study ({ $known })
records-not-a-number-column = { $value } is not a number (every column but the territory and the wave holds numbers; leave a cell blank when it was not reported)
records-negative = { $value } is negative: records count people, events and euros
records-duplicate = { $territory } has a row already (row { $first_row }): one row per territory and wave
records-duplicate-in-wave = { $territory } has a row in wave { $wave } already (row { $first_row }): one row per territory and wave
records-nested = { $territory } and { $other } (row { $first_row }) are one inside the other: their people would be counted twice
records-nested-in-wave = { $territory } and { $other } (row { $first_row }) are one inside the other in wave { $wave }: their people would be counted twice

## Sessions

sessions-person = a session without a person
sessions-no-date = a session without a date
sessions-minutes = { $value } is not a number of minutes above zero
sessions-entry = this person's entry date differs from the one on row { $first_row }; the first is used
sessions-before-entry = this session is dated before the person's entry into the programme

## Coded segments and their documents

segment-territory = { $value } is not a territory of the study
segment-no-metadata = the document '{ $document }' is not in the document metadata: its territory is unknown
segment-unknown-code = the code '{ $code }' is not in the codebook

## Networks of services

network-name-close = read as the service '{ $name }' ({ $id }), a close spelling
network-name-unknown = a service written by hand that matches none of the registry { $registry } (by id, name, alias or a close spelling): its ties are left out; the text is not repeated here, as it may name a person
network-type = { $value } is not a type of service ({ $known })
network-no-type = a service without a type
network-territory = { $value } is not a territory of the study
network-sector = { $value } is neither public (pubblico) nor third sector (terzo settore)
network-duplicate = this service's id or name is also the service '{ $id }' of an earlier row: each service once
network-no-end = a tie without this end
network-not-a-service = { $value } is not a service of the registry { $registry } (by id or name)
network-weight = { $value } is not a weight above zero
network-tie-no-wave = a tie without a wave
network-wave = { $value } is not a wave of the study
network-self-tie = a service tied to itself: the tie is left out
network-frequency-number = { $value } is not a frequency answer: a number above zero (or list the answers in frequency = ["…"], in order)
network-frequency = { $value } is not a frequency answer: one of { $answers } or a number above zero
network-respondent = a respondent without a service: their answers are left out
network-respondent-no-wave = a respondent without a wave
network-id = this { $column } is also an earlier respondent's: each respondent once
network-parent-empty = a partner without its respondent's index
network-parent = { $value } is the { $column } of no respondent in the sheet { $sheet }
network-parent-no-sheet = { $value } is the { $column } of no respondent in the sheet of respondents
network-partner-empty = a partner row that names no service: left out
network-partner-other = "other" with no name written (other_column): left out
network-self-named = a respondent naming their own service: the tie is left out

## Counts

count-error = { $n ->
    [one] 1 error
   *[other] { $n } errors
}
count-warning = { $n ->
    [one] 1 warning
   *[other] { $n } warnings
}
count-note = { $n ->
    [one] 1 note
   *[other] { $n } notes
}
count-document = { $n ->
    [one] 1 document
   *[other] { $n } documents
}
count-row = { $n ->
    [one] 1 row
   *[other] { $n } rows
}
count-number-column = { $n ->
    [one] 1 number column
   *[other] { $n } number columns
}
count-session = { $n ->
    [one] 1 session
   *[other] { $n } sessions
}
count-person = { $n ->
    [one] 1 person
   *[other] { $n } persons
}
count-tie = { $n ->
    [one] 1 tie
   *[other] { $n } ties
}
count-service = { $n ->
    [one] 1 service
   *[other] { $n } services
}
count-analysis = { $n ->
    [one] 1 analysis
   *[other] { $n } analyses
}

## The summary lines of `capakit check`

summary-data = { $file }: { $n } respondents, { $errors }, { $warnings }, { $notes }
summary-segments = { $file }: { $n } coded segments in { $documents }, { $errors }, { $warnings }, { $notes }
summary-records = { $file }: { $rows } in { $columns }, { $errors }, { $warnings }, { $notes }
summary-sessions = { $file }: { $sessions } of { $people }, { $errors }, { $warnings }, { $notes }
summary-network = { $file }: { $ties } among { $services } of { $registry }, { $errors }, { $warnings }, { $notes }
summary-network-survey = { $file }: { $who } { $ties } among { $services } of { $registry }, { $errors }, { $warnings }, { $notes }
network-who-professionals = { $n ->
    [one] 1 professional
   *[other] { $n } professionals
} named
network-who-answers = { $n ->
    [one] 1 answer
   *[other] { $n } answers
} from professionals ({ $per_wave }) named
in-wave = { $n } in { $wave }
not-run = analysis '{ $id }' is not run: its subset ({ $subset }) has fewer than { $min_cell } respondents, too few to publish

## What `capakit run` prints

run-more-lines = … and { $n } more lines: see `capakit check { $study }`
run-errors = { $errors } in the data; nothing was written. Fix them (see `capakit check { $study }`) and run again.
run-respondents = { $n } respondents
run-answers = { $n } answers in { $waves } waves
run-answers-people = { $n } answers from { $people } people in { $waves } waves
run-analyses-not-run = { $n ->
    [one] 1 analysis
   *[other] { $n } analyses
} ({ $not_run } not run: see the report)

## Conditions of the questionnaire (relevant, required, constraint)

not-relevant = { $value }: answered, but the question is asked only when { $condition }, which does not hold on this row; the answer is left out and counted as not asked
relevant-unread = the relevant of '{ $name }' ({ $condition }) is not read: { $why }; every row counts as asked, and its required answers are not checked
constraint-broken = { $value } does not meet the questionnaire's constraint { $constraint }
constraint-broken-message = { $value } does not meet the questionnaire's constraint: { $message } ({ $constraint })
constraint-unread = the constraint of '{ $name }' ({ $constraint }) is not read: { $why }; its answers are not checked against it

## Rows left out as a whole

totals-row-word = { $n ->
    [0] column { $letter } ({ $header }) reads { $word }
    [one] 1 cell does not fit and column { $letter } ({ $header }) reads { $word }
   *[other] { $n } cells do not fit and column { $letter } ({ $header }) reads { $word }
}: this looks like a totals row; it is left out of the data (not counted as a respondent) and its cells are not listed one by one
totals-row-sums = { $n ->
    [0] its
    [one] 1 cell does not fit and its
   *[other] { $n } cells do not fit and its
} { $numbers } numbers are the { $what ->
    [sums] sums
   *[means] means
} of the columns above: this looks like a totals row; it is left out of the data (not counted as a respondent) and its cells are not listed one by one
row-many-errors = { $n } of its { $filled } filled cells do not fit the questionnaire (a totals row, or columns shifted on this row?): the row is left out of the data (not counted as a respondent) and its cells are not listed one by one
