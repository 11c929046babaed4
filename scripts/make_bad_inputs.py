#!/usr/bin/env python3
"""Writes capakit's own bad-input fixtures into tests/fixtures/bad/: broken, hostile and odd
files (CSV, XLSX, ODS, XLS and files with the wrong extension) that `capakit check` must answer
with a located message and never a crash. Every file is synthetic. The outcome each must get is
in tests/fixtures/bad/expected.tsv, checked by tests/cli/bad_inputs.rs.

    python3 scripts/make_bad_inputs.py tests/fixtures/bad
"""
import io
import os
import random
import sys
import zipfile
from pathlib import Path

def has_xlwt():
    try:
        import xlwt  # noqa: F401

        return True
    except ImportError:
        return False


out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/bad")
out.mkdir(parents=True, exist_ok=True)
for old in out.iterdir():
    if old.name not in ("expected.tsv", "README.md") and not (
        old.suffix == ".xls" and old.stem.startswith(("xls-good", "xls-far")) and not has_xlwt()
    ):
        if old.is_dir():
            os.rmdir(old)
        else:
            old.unlink()
rng = random.Random(20221)

HEADER = "respondent_id;territory;age;care_setting;edu_1;edu_2;edu_3"
ROW = "CL-1;Prato;18;affido;1;2;3"
FIXED = (2022, 7, 18, 0, 0, 0)


def w(name, data):
    (out / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def zipped(name, parts, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, FIXED)
            info.compress_type = compression
            z.writestr(info, data)
    w(name, buf.getvalue())
    return buf.getvalue()


def sheet_xml(rows_xml, dimension="A1:G2"):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    )


def inline_row(r, values, first_col=0):
    cells = []
    for k, v in enumerate(values):
        col = ""
        n = first_col + k + 1
        while n:
            n, rem = divmod(n - 1, 26)
            col = chr(65 + rem) + col
        cells.append(f'<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def xlsx_parts(sheet, sheets=("Foglio1",), extra=(), shared=None):
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheet_entries = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(sheets)
    )
    wb = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheet_entries}</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        + (
            '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if shared is not None
            else ""
        )
        + "</Relationships>"
    )
    parts = [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wb_rels),
    ]
    if sheet is not None:
        parts.append(("xl/worksheets/sheet1.xml", sheet))
    if shared is not None:
        parts.append(("xl/sharedStrings.xml", shared))
    return parts + list(extra)


GOOD_ROWS = inline_row(1, HEADER.split(";")) + inline_row(2, ROW.split(";"))


def ods(name, content, extra=()):
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    parts = [("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("META-INF/manifest.xml", manifest)]
    if content is not None:
        parts.append(("content.xml", content))
    return zipped(name, parts + list(extra))


def ods_content(rows):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Foglio1">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def ods_row(values, repeat=1):
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in values
    )
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


# ---- CSV --------------------------------------------------------------------------------------
w("csv-empty.csv", b"")
w("csv-only-bom.csv", b"\xef\xbb\xbf")
w("csv-only-blank-lines.csv", "\n\n \n\t\n")
w("csv-header-only.csv", HEADER + "\n")
w("csv-nul-bytes.csv", (HEADER + "\n" + ROW + "\n").encode() + b"\x00\x00garbage")
w("csv-unterminated-quote.csv", HEADER + '\nCL-1;"Prato;18;affido;1;2;3\nCL-2;Firenze;19;affido;2;2;2\n')
w("csv-utf16le-bom.csv", (HEADER + "\n" + ROW + "\n").encode("utf-16"))
w("csv-utf16be-bom.csv", b"\xfe\xff" + (HEADER + "\n" + ROW + "\n").encode("utf-16-be"))
w("csv-windows-1252.csv", (HEADER + "\nCL-è;Città;18;affido;1;2;3\n").encode("cp1252"))
w("csv-invalid-utf8.csv", (HEADER + "\n").encode() + b"CL-\xff\xfe;Prato;18;affido;1;2;3\n")
w("csv-control-characters.csv", HEADER + "\nCL-1\x07\x1b[31m;Prato;18;affido;1;2;3\n")
w("csv-one-megabyte-field.csv", HEADER + "\nCL-1;Prato;18;affido;1;2;" + "3" * 1_000_000 + "\n")
w("csv-ten-thousand-columns.csv", HEADER + ";" + ";".join(f"x{i}" for i in range(10_000)) + "\n" + ROW + "\n")
w("csv-cr-line-endings.csv", HEADER + "\r" + ROW + "\r")
w("csv-crlf-line-endings.csv", HEADER + "\r\n" + ROW + "\r\n")
w("csv-only-separators.csv", ";;;;;;\n;;;;;;\n")
w("csv-duplicate-headers.csv", HEADER + ";edu_1\n" + ROW + ";5\n")
w("csv-empty-header-names.csv", HEADER + ";;\n" + ROW + ";x;y\n")
w("csv-random-bytes.csv", bytes(rng.randrange(256) for _ in range(4096)))
w("csv-png-renamed.csv", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(512)))
w("csv-title-rows-and-bom.csv", "\ufeffIndagine 2022\nDati sintetici\n\n" + HEADER + "\n" + ROW + "\n")
w("csv-formula-values.csv", HEADER + "\n=cmd|' /C calc'!A0;Prato;18;affido;1;2;3\n")
w("csv-markup-values.csv", HEADER + "\n<script>alert(1)</script>;Prato;18;affido;1;2;{{ 7*7 }}\n")
w("csv-many-empty-lines.csv", HEADER + "\n" + "\n" * 100_000 + ROW + "\n")
w("csv-tab-separated-quoted.csv", HEADER.replace(";", "\t") + '\n"CL-1"\t"Prato"\t18\taffido\t1\t2\t3\n')
w("csv-rows-longer-than-header.csv", HEADER + "\n" + ROW + ";extra;more\n")
w("csv-huge-number.csv", HEADER + "\nCL-1;Prato;1e400;affido;1;2;3\n")
w("csv-lone-quote-header.csv", '"\n' + ROW + "\n")
w("data.txt", HEADER + "\n" + ROW + "\n")
w("unsupported.json", '{"respondent_id": "CL-1"}')

# ---- XLSX -------------------------------------------------------------------------------------
w("xlsx-zero-bytes.xlsx", b"")
w("xlsx-random-bytes.xlsx", bytes(rng.randrange(256) for _ in range(4096)))
w("xlsx-csv-text.xlsx", HEADER + "\n" + ROW + "\n")
w("xlsx-zip-header-only.xlsx", b"PK\x03\x04" + b"\x00" * 26)
good = zipped("xlsx-good.xlsx", xlsx_parts(sheet_xml(GOOD_ROWS)))
w("xlsx-truncated-half.xlsx", good[: len(good) // 2])
w("xlsx-truncated-end.xlsx", good[:-10])
zipped("xlsx-empty-zip.xlsx", [])
zipped("xlsx-no-workbook.xlsx", [("hello.txt", "not a workbook")])
zipped("xlsx-missing-sheet-part.xlsx", xlsx_parts(None))
zipped("xlsx-empty-sheet.xlsx", xlsx_parts(sheet_xml("", "A1")))
zipped("xlsx-invalid-xml.xlsx", xlsx_parts("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is>"))
zipped("xlsx-not-xml.xlsx", xlsx_parts(bytes(rng.randrange(256) for _ in range(2048))))
zipped(
    "xlsx-shared-string-out-of-range.xlsx",
    xlsx_parts(
        sheet_xml('<row r="1"><c r="A1" t="s"><v>99999</v></c></row>'),
        shared='<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>a</t></si></sst>',
    ),
)
zipped("xlsx-shared-string-missing.xlsx", xlsx_parts(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')))
zipped(
    "xlsx-far-apart-cells.xlsx",
    xlsx_parts(
        sheet_xml(
            inline_row(1, HEADER.split(";")) + inline_row(2, ROW.split(";")) + inline_row(1048576, ["lontano"], 16383),
            "A1:XFD1048576",
        )
    ),
)
zipped("xlsx-huge-declared-dimension.xlsx", xlsx_parts(sheet_xml(GOOD_ROWS, "A1:XFD1048576")))
zipped("xlsx-bad-cell-reference.xlsx", xlsx_parts(sheet_xml('<row r="1"><c r="ZZZZZZZZ99999999999" t="inlineStr"><is><t>x</t></is></c></row>')))
zipped("xlsx-negative-row.xlsx", xlsx_parts(sheet_xml('<row r="-5"><c r="A-5" t="inlineStr"><is><t>x</t></is></c></row>')))
zipped("xlsx-deep-nesting.xlsx", xlsx_parts("<worksheet>" + "<a>" * 50_000 + "</a>" * 50_000 + "</worksheet>"))
zipped(
    "xlsx-bomb-ratio.xlsx",
    xlsx_parts(sheet_xml(GOOD_ROWS), extra=[("xl/media/padding.bin", b"\x00" * 60_000_000)]),
)
zipped(
    "xlsx-many-parts.xlsx",
    xlsx_parts(sheet_xml(GOOD_ROWS), extra=[(f"p/{i}", b"") for i in range(10_001)]),
    compression=zipfile.ZIP_STORED,
)
zipped("xlsx-stored-no-compression.xlsx", xlsx_parts(sheet_xml(GOOD_ROWS)), compression=zipfile.ZIP_STORED)
zipped("xlsx-two-headers-blank-rows.xlsx", xlsx_parts(sheet_xml(inline_row(3, HEADER.split(";")) + inline_row(9, ROW.split(";")), "A3:G9")))

# ---- ODS --------------------------------------------------------------------------------------
ods("ods-good.ods", ods_content(ods_row(HEADER.split(";")) + ods_row(ROW.split(";"))))
ods(
    "ods-trailing-empty-rows.ods",
    ods_content(ods_row(HEADER.split(";")) + ods_row(ROW.split(";")) + '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'),
)
ods(
    "ods-repeat-bomb.ods",
    ods_content(
        ods_row(HEADER.split(";"))
        + '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>'
    ),
)
ods("ods-no-content.ods", None)
ods("ods-invalid-xml.ods", "<office:document-content><table:table><table:table-row>")
ods("ods-not-xml.ods", bytes(rng.randrange(256) for _ in range(2048)))
good_ods = (out / "ods-good.ods").read_bytes()
w("ods-truncated.ods", good_ods[: len(good_ods) // 2])
w("ods-actually-xlsx.ods", good)

# ---- XLS --------------------------------------------------------------------------------------
w("xls-random-bytes.xls", bytes(rng.randrange(256) for _ in range(4096)))
w("xls-ole-header-only.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


# .xlsb (BIFF12 records, MS-XLSB): written by hand, no Python library writes them.
def rec(typ, body=b""):
    """A record: its type and length as 7-bit varints, then the body."""
    out = bytearray()
    for value, most in ((typ, 2), (len(body), 4)):
        for _ in range(most):
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                break
    return bytes(out) + body


def wide(text):
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_sheet(rows, dimension):
    """rows: (row, [(col, value)]); dimension: (first row, last row, first col, last col)."""
    body = rec(0x81) + rec(0x94, struct.pack("<4I", *dimension)) + rec(0x91)
    for r, cells in rows:
        body += rec(0x00, struct.pack("<I", r) + bytes(13))
        for c, v in cells:
            head = struct.pack("<I", c) + bytes(4)
            if isinstance(v, (int, float)):
                body += rec(0x05, head + struct.pack("<d", float(v)))
            else:
                body += rec(0x06, head + wide(v))
    return body + rec(0x92) + rec(0x82)


def xlsb(name, sheet_rows, dimension):
    workbook = rec(0x83) + rec(0x8F) + rec(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide("Foglio1"))
    workbook += rec(0x90) + rec(0x9D, bytes(20)) + rec(0x84)
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/>'
        "</Relationships>"
    )
    zipped(
        name,
        [
            ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
            ("xl/workbook.bin", workbook),
            ("xl/_rels/workbook.bin.rels", rels),
            ("xl/worksheets/sheet1.bin", xlsb_sheet(sheet_rows, dimension)),
        ],
    )


def typed(values):
    return [(j, int(v) if v.isdigit() else v) for j, v in enumerate(values)]


import struct  # noqa: E402

XLSB_ROWS = [(0, typed(HEADER.split(";"))), (1, typed(ROW.split(";")))]
xlsb("xlsb-good.xlsb", XLSB_ROWS, (0, 1, 0, 6))
# Declares the whole grid (17 billion cells) and holds two rows: read cell by cell, not allocated.
xlsb("xlsb-huge-declared-dimension.xlsb", XLSB_ROWS, (0, 1048575, 0, 16383))
# A cell far away: one cell, not a row of 16,384.
xlsb("xlsb-far-apart-cells.xlsb", XLSB_ROWS + [(1048575, [(16383, "lontano")])], (0, 1048575, 0, 16383))
w("xls-csv-text.xls", HEADER + "\n" + ROW + "\n")
try:
    import struct

    import xlwt  # pip install xlwt

    def xls(name, far=None):
        book = xlwt.Workbook()
        sheet = book.add_sheet("Foglio1")
        for j, h in enumerate(HEADER.split(";")):
            sheet.write(0, j, h)
        for j, v in enumerate(ROW.split(";")):
            sheet.write(1, j, int(v) if v.isdigit() else v)
        if far:
            sheet.write(65535, 255, 12345.678)
        buf = io.BytesIO()
        book.save(buf)
        data = bytearray(buf.getvalue())
        if far:
            # xlwt stops at column 255; BIFF allows 65,535: patch the NUMBER record's column.
            i = data.find(struct.pack("<d", 12345.678))
            data[i - 4 : i - 2] = struct.pack("<H", 0xFFFF)
        w(name, bytes(data))

    xls("xls-good.xls")
    xls("xls-far-apart-cells.xls", far=True)
except ImportError:
    print("xlwt is not installed: the .xls fixtures are kept as they are")

print(len(list(out.iterdir())), "fixtures in", out)
