"""Writes tests/fixtures/ods/care-leavers-capabilities.ods: the shipped questionnaire saved as
OpenDocument (as LibreOffice users would keep it), to test that capakit reads .ods like .xlsx.
Requires pandas and odfpy. Usage: python3 scripts/make_ods_fixture.py"""
import pandas as pd

sheets = pd.read_excel("instruments/care-leavers-capabilities.xlsx", sheet_name=None, dtype=str)
with pd.ExcelWriter("tests/fixtures/ods/care-leavers-capabilities.ods", engine="odf") as w:
    for name, frame in sheets.items():
        frame.to_excel(w, sheet_name=name, index=False)
