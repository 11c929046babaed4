"""Converts XLSForms with pyxform (the converter behind KoboToolbox and ODK) and fails on any
error or warning. Usage: python3 scripts/validate_xlsform.py FORM.xlsx [...]"""
import sys

from pyxform.xls2xform import convert

failed = False
for path in sys.argv[1:]:
    try:
        result = convert(xlsform=path, validate=False)
    except Exception as e:  # pyxform raises its own error types
        print(f"{path}: not a valid XLSForm: {e}")
        failed = True
        continue
    if result.warnings:
        print(f"{path}: pyxform warnings: {result.warnings}")
        failed = True
    else:
        print(f"{path}: valid XLSForm ({len(result.xform)} bytes of XForm)")
sys.exit(1 if failed else 0)
