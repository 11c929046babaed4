"""Writes tests/fixtures/segments/: the same four coded excerpts of two invented focus groups as a
generic long table, QualCoder's coding export, Taguette's highlights, a wide 0/1 matrix and a
REFI-QDA project (.qdpx). Synthetic text; no real person or meeting.
Usage: python3 scripts/make_segment_fixtures.py"""
import csv, io, os, uuid, zipfile
from xml.sax.saxutils import quoteattr

os.chdir(os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "segments"))
segs = [
    ("PO-FG1", "s1", "A diciotto anni il ragazzo esce dalla comunità e spesso non ha una casa.", ["uscita", "criticità"], 10, 82),
    ("PO-FG1", "s2", "Il tutor per l'autonomia resta un punto di riferimento anche dopo.", ["uscita", "risorse"], 120, 186),
    ("PO-FG1", "s2", "Il tutor per l'autonomia resta un punto di riferimento anche dopo.", ["monitoraggio", "attori"], 120, 186),
    ("FI-FG1", "s1", "Nel progetto individualizzato la voce del ragazzo conta poco.", ["scelta del percorso", "partecipazione"], 0, 61),
]

def write(name, header, rows, bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    with open(name, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(buf.getvalue())

write("long.csv", ["document", "segment", "text", "code", "coder", "start", "end", "memo"],
      [[d, s, t, "/".join(c), "coder_a", a, b, ""] for d, s, t, c, a, b in segs])
write("qualcoder.csv", ["File", "Coder", "Coded", "Id", "Codename", "Coded_Memo", "Category", "pos0", "pos1", "FileVar_territory"],
      [[d + ".txt", "coder_a", t, str(i + 1), c[1], "", c[0], a, b, "Prato" if d.startswith("PO") else "Firenze"]
       for i, (d, s, t, c, a, b) in enumerate(segs)], bom=True)
write("taguette.csv", ["id", "document", "tag", "content"],
      [[str(i + 1), d, "/".join(c), t] for i, (d, s, t, c, a, b) in enumerate(segs)])
codes = []
for x in segs:
    if "/".join(x[3]) not in codes:
        codes.append("/".join(x[3]))
excerpts = []
for d, s, t, c, a, b in segs:
    if (d, s) not in [(e[0], e[1]) for e in excerpts]:
        excerpts.append((d, s, t))
write("wide.csv", ["document", "segment", "text"] + codes,
      [[d, s, t] + ["1" if c in {"/".join(x[3]) for x in segs if x[0] == d and x[1] == s} else "0" for c in codes]
       for d, s, t in excerpts])

# REFI-QDA: project.qde (codebook tree, users, text sources with coded selections) + sources/*.txt.
g = lambda n: str(uuid.UUID(int=n)).upper()
user, n, ids, tree = g(1), 100, {}, {}
for _, _, _, (p, c), _, _ in segs:
    tree.setdefault(p, [])
    if c not in tree[p]:
        tree[p].append(c)
code_xml = []
for p, children in tree.items():
    n += 1
    ids[(p,)] = pg = g(n)
    inner = []
    for c in children:
        n += 1
        ids[(p, c)] = cg = g(n)
        inner.append(f'<Code guid="{cg}" name={quoteattr(c)} isCodable="true"/>')
    code_xml.append(f'<Code guid="{pg}" name={quoteattr(p)} isCodable="true">' + "".join(inner) + "</Code>")
by_text = {}
for d, s, t, c, a, b in segs:
    by_text.setdefault((d, t), []).append(tuple(c))
files, src_xml = {}, []
for doc in ["PO-FG1", "FI-FG1"]:
    n += 1
    sg = g(n)
    body, sels = "Moderatrice: iniziamo. ", []
    for (d, t), cs in by_text.items():
        if d != doc:
            continue
        start = len(body)
        body += t
        end = len(body)
        body += " Altri interventi. "
        n += 1
        coding = "".join(f'<Coding guid="{g(1000 + n * 10 + i)}" creatingUser="{user}"><CodeRef targetGUID="{ids[c]}"/></Coding>'
                         for i, c in enumerate(cs))
        sels.append(f'<PlainTextSelection guid="{g(n)}" name={quoteattr(t[:30])} startPosition="{start}" '
                    f'endPosition="{end}" creatingUser="{user}">{coding}</PlainTextSelection>')
    files[f"sources/{sg}.txt"] = body
    src_xml.append(f'<TextSource guid="{sg}" name="{doc}.txt" plainTextPath="internal://{sg}.txt" creatingUser="{user}">'
                   + "".join(sels) + "</TextSource>")
qde = ('<?xml version="1.0" encoding="utf-8"?>\n<Project name="capakit fixture" origin="QualCoder 3.5" '
       'xmlns="urn:QDA-XML:project:1.0">'
       f'<Users><User guid="{user}" name="coder_a"/></Users><CodeBook><Codes>' + "".join(code_xml)
       + "</Codes></CodeBook><Sources>" + "".join(src_xml) + "</Sources></Project>\n")
with zipfile.ZipFile("refi.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", qde)
    for k, v in sorted(files.items()):
        z.writestr(k, v)
