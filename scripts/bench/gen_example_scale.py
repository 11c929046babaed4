#!/usr/bin/env python3
# Vendored from the project's shared benchmark peer (shared/bench/gen_example_scale.py), unchanged but for this line.
"""Scale the project's example study to N respondents (new ids, same answers cycled), as CSV and XLSX.

  gen_example_scale.py EXAMPLE_DIR N OUT_DIR [--xlsx]

Writes OUT_DIR/study-N/ with study.toml (paths to the repo's shipped instruments and analyses made
absolute), data/risposte-care-leavers.{csv|xlsx} and the focus-group files, so `capakit run` and
bench/peer_example.py read the same answers.
"""
import os, re, shutil, sys

ex, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
xlsx = "--xlsx" in sys.argv
repo = os.path.abspath(os.path.join(ex, "..", ".."))
dst = os.path.join(out, f"study-{n}{'-xlsx' if xlsx else ''}")
os.makedirs(os.path.join(dst, "data"), exist_ok=True)
lines = open(os.path.join(ex, "data", "risposte-care-leavers.csv"), encoding="utf-8").read().splitlines()
header, body = lines[0].split(";"), [l.split(";") for l in lines[1:-1]]  # last row duplicates an id
idc = header.index("anagrafica/respondent_id")
name = "risposte-care-leavers." + ("xlsx" if xlsx else "csv")
path = os.path.join(dst, "data", name)
if xlsx:
    import xlsxwriter
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    wb.use_zip64()
    ws = wb.add_worksheet("risposte")
    ws.write_row(0, 0, header)
    num = re.compile(r"^-?\d+(\.\d+)?$")
    for k in range(n):
        row = list(body[k % len(body)]); row[idc] = f"CL-{k:07d}"
        for j, v in enumerate(row):
            if v == "":
                continue
            if num.match(v) and j != idc:
                ws.write_number(k + 1, j, float(v))
            else:
                ws.write_string(k + 1, j, v)
    wb.close()
else:
    with open(path, "w", encoding="utf-8") as f:
        f.write(";".join(header) + "\n")
        for k in range(n):
            row = list(body[k % len(body)]); row[idc] = f"CL-{k:07d}"
            f.write(";".join(row) + "\n")
toml = open(os.path.join(ex, "study.toml"), encoding="utf-8").read().replace("../../", repo + "/")
toml = toml.replace("data/risposte-care-leavers.csv", "data/" + name)
open(os.path.join(dst, "study.toml"), "w", encoding="utf-8").write(toml)
for f in ("focus-groups-coding.csv", "focus-groups-documents.csv"):
    shutil.copy(os.path.join(ex, "data", f), os.path.join(dst, "data", f))
print(dst)
