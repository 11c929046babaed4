#!/usr/bin/env python3
"""Writes the synthetic fixtures of tests/cli/stats.rs and prints the reference values they are
tested against, computed with scipy, statsmodels, pingouin, scikit-learn and krippendorff.

All data here is invented (SYNTHETIC): no real person is behind any row.

    pip install scipy==1.17.1 statsmodels==0.15.0 pingouin==0.7.0 scikit-learn==1.9.1 \
        krippendorff==0.9.0 pandas openpyxl
    python3 scripts/stats_references.py tests/fixtures/stats
"""
import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import scipy.stats as ss
import krippendorff
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/stats")
out.mkdir(parents=True, exist_ok=True)
NOTE = "SYNTHETIC data for capakit's tests; no real person"


def write_csv(name, header, rows, sep=","):
    with open(out / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# --- alpha: four items, d reverse-keyed (1..5), two incomplete rows and one empty row -------
a = [4, 5, 3, 4, 2, 5, 4, 3, 4, 5, 1, 3]
b = [3, 5, 3, 4, 2, 4, 4, 2, 5, 5, 2, 3]
c = [4, 4, 2, 5, 1, 5, 3, 3, 4, 4, 2, 2]
d = [2, 1, 3, 2, 4, 1, 2, 3, 2, 1, 5, 3]
rows = [[f"S{i+1:03}", a[i], b[i], c[i], d[i]] for i in range(12)]
rows += [["S013", 3, "", 4, 2], ["S014", "", "", "", ""], ["S015", 5, 4, "", 1]]
rows[-1].append(NOTE)
for r in rows[:-1]:
    r.append("")
write_csv("alpha.csv", ["id", "a", "b", "c", "d", "note"], rows)
df = pd.DataFrame({"a": a, "b": b, "c": c, "d": [6 - v for v in d]})
print("alpha: pingouin.cronbach_alpha(df) →", pg.cronbach_alpha(df))
r = df.corr().values
k = 4
rbar = (r.sum() - k) / (k * (k - 1))
print("alpha: standardised", repr(k * rbar / (1 + (k - 1) * rbar)))
for item in "abcd":
    rest = df.drop(columns=item)
    print(f"alpha: {item} r_drop", repr(np.corrcoef(df[item], rest.sum(axis=1))[0, 1]),
          "alpha_if_dropped", repr(pg.cronbach_alpha(rest)[0]))

# --- compare: semicolon-separated, decimal commas, three territories ------------------------
x = [3.5, 4.0, 2.5, 5.0, 4.0, 4.5, 3.0, 5.0, 2.0, 4.0, 3.5]
y = [2.0, 3.5, 2.5, 1.0, 4.0, 3.0, 2.0, 2.5, 3.0, 1.5]
z = [3.0, 3.0, 4.0]
rows = [["Prato", str(v).replace(".", ",")] for v in x] + [["Firenze", str(v).replace(".", ",")] for v in y]
rows += [["Livorno", str(v).replace(".", ",")] for v in z] + [["Prato", ""], ["", "3,0"]]
write_csv("compare.csv", ["territorio", "punteggio"], rows, sep=";")
print("compare: mannwhitneyu(x, y, method='asymptotic') →", ss.mannwhitneyu(x, y, method="asymptotic"))
print("compare: ttest_ind(x, y, equal_var=False) →", ss.ttest_ind(x, y, equal_var=False))
print("compare: cohen", repr(pg.compute_effsize(x, y, eftype="cohen")),
      "hedges", repr(pg.compute_effsize(x, y, eftype="hedges")))
print("compare: pingouin.mwu(x, y) →", pg.mwu(x, y)[["U_val", "RBC", "p_val"]].to_dict("records"))
print("compare: mean/sd/median x", repr(np.mean(x)), repr(np.std(x, ddof=1)), repr(np.median(x)))
print("compare: t.interval x", ss.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=ss.sem(x)))
xe = [1.1, 2.3, 3.5, 4.2, 5.9, 6.1]
ye = [0.5, 0.9, 1.7, 2.8]
print("compare exact: mannwhitneyu(xe, ye, method='exact') →", ss.mannwhitneyu(xe, ye, method="exact"))

# --- crosstab: care setting × housing (2×3) and care setting × working (2×2) -----------------
t23 = [[12, 5, 8], [4, 10, 9]]
t22 = [[8, 2], [1, 5]]
setting = ["comunità", "famiglia"]
housing = ["autonoma", "con altri", "struttura"]
work = ["no", "sì"]
rows23 = []
for i, row in enumerate(t23):
    for j, n in enumerate(row):
        rows23 += [[setting[i], housing[j]]] * n
rows23 += [["comunità", ""]]  # a missing value: dropped
write_csv("crosstab.csv", ["contesto", "abitazione"], rows23)
rows22 = []
for i, row in enumerate(t22):
    for j, n in enumerate(row):
        rows22 += [[setting[i], work[j]]] * n
write_csv("crosstab22.csv", ["contesto", "lavora"], rows22)
print("crosstab: chi2_contingency(t23, correction=False) →", ss.chi2_contingency(t23, correction=False)[:3])
print("crosstab: association cramer", repr(ss.contingency.association(t23, method="cramer")))
print("crosstab: proportion_confint(12, 25, 'wilson') →", proportion_confint(12, 25, method="wilson"))
print("crosstab22: chi2", ss.chi2_contingency(t22, correction=False)[:2],
      "yates", ss.chi2_contingency(t22, correction=True)[:2], "fisher", ss.fisher_exact(t22))

# --- paired: long table, waves T0/T1 ---------------------------------------------------------
pre = [3, 2, 4, 3, 2, 1, 3, 2, 4, 2, 3, 1, 2, 3]
post = [4, 3, 4, 2, 3, 3, 4, 3, 5, 2, 4, 3, 3, 4]
rows = []
for i, (p, q) in enumerate(zip(pre, post)):
    rows.append([f"CL{i+1:02}", "T0", p])
    rows.append([f"CL{i+1:02}", "T1", q])
rows += [["CL15", "T0", 3], ["CL16", "T1", 4], ["CL17", "T0", 2], ["CL17", "T1", ""], ["CL18", "T2", 5]]
write_csv("paired.csv", ["id", "onda", "punteggio"], rows)
print("paired: wilcoxon(pre, post, zero_method='wilcox', correction=False, method='approx') →",
      ss.wilcoxon(pre, post, zero_method="wilcox", correction=False, method="approx"))
# McNemar: [[20, 9], [3, 18]] (rows T0 = 1/0?, cols T1) as 0/1 pairs
table = [[18, 3], [9, 20]]  # rows: T0 = 0, 1; cols: T1 = 0, 1
rows = []
n = 0
for i in (0, 1):
    for j in (0, 1):
        for _ in range(table[i][j]):
            n += 1
            rows.append([f"P{n:02}", "prima", i])
            rows.append([f"P{n:02}", "dopo", j])
write_csv("mcnemar.csv", ["id", "wave", "lavora"], rows)
print("mcnemar: statsmodels mcnemar([[18, 3], [9, 20]], exact=True) →", mcnemar(table, exact=True))
print("mcnemar: exact=False, correction=True →", mcnemar(table, exact=False, correction=True))

# --- weighted --------------------------------------------------------------------------------
xv = [3, 4, 2, 5, 1, 4, 2]
wv = [1.5, 0.5, 2, 1, 1, 3, 0.25]
gv = ["A", "A", "A", "A", "A", "B", "B"]
write_csv("weighted.csv", ["gruppo", "x", "peso"], [[g, v, w] for g, v, w in zip(gv, xv, wv)] + [["B", "", 2]])
print("weighted: numpy.average(x, weights=w) →", repr(np.average(xv, weights=wv)),
      "kish", repr(sum(wv) ** 2 / sum(v * v for v in wv)))
print("weighted: group A", repr(np.average(xv[:5], weights=wv[:5])), repr(sum(wv[:5]) ** 2 / sum(v * v for v in wv[:5])))

# --- agreement: Krippendorff (2011) 4 coders × 12 units, long table, also in an .xlsx -------
rel = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
       [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
       [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
       [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
names = ["A", "B", "C", "D"]
long = []
for ci, coder in enumerate(rel):
    for u, v in enumerate(coder):
        if v is not None:
            long.append([f"u{u+1:02}", names[ci], f"code{v}"])
        elif u == 10:
            long.append([f"u{u+1:02}", names[ci], ""])  # a row with no code: treated as not coded
write_csv("agreement.csv", ["unit", "coder", "code"], long)
with pd.ExcelWriter(out / "agreement.xlsx") as xw:
    pd.DataFrame([[NOTE]]).to_excel(xw, sheet_name="Leggimi", index=False, header=False)
    pd.DataFrame(long, columns=["unit", "coder", "code"]).to_excel(xw, sheet_name="codifica", index=False)
arr = np.array([[np.nan if v is None else v for v in r] for r in rel], dtype=float)
print("agreement: krippendorff.alpha(nominal) →", repr(krippendorff.alpha(reliability_data=arr, level_of_measurement="nominal")))
two = [[u, c, k] for u, c, k in long if c in ("B", "D")]
b_codes = {u: k for u, c, k in two if c == "B" and k}
d_codes = {u: k for u, c, k in two if c == "D" and k}
both = sorted(set(b_codes) & set(d_codes))
write_csv("agreement2.csv", ["unit", "coder", "code"], two)
print("agreement2: cohen_kappa_score(B, D) over", len(both), "units →",
      repr(cohen_kappa_score([b_codes[u] for u in both], [d_codes[u] for u in both])))

# --- paired on a KoboToolbox export: group paths, a scale of the monitoring questionnaire --------
# examples/care-leavers-monitoring/instruments/care-leavers-monitoring.xlsx: scale 'istruzione' =
# edu_1, edu_2, edu_3 (edu_3 reverse-keyed), list accordo5 (1–5, labels such as "Molto d'accordo").
# 24 young people at T0 and T1, two seen at T0 only; some answers by label, some missing.
rng = np.random.default_rng(16)
labels = {1: "Per niente d'accordo", 2: "Poco d'accordo", 3: "Né d'accordo né in disaccordo",
          4: "Abbastanza d'accordo", 5: "Molto d'accordo"}
by_label = {v: k for k, v in labels.items()}
rows, people = [], []
for k in range(26):
    pid = f"CL-{k + 1:03}"
    base = rng.integers(1, 6, size=3)
    for wave in ("T0", "T1") if k < 24 else ("T0",):
        lift = int(rng.choice([1, 0, -1], p=[0.5, 0.3, 0.2])) if wave == "T1" else 0
        ans = [int(min(5, max(1, v + (lift if j < 2 else -lift)))) for j, v in enumerate(base)]
        cells = [str(v) for v in ans]
        if k % 4 == 1 and wave == "T1":
            cells[1] = labels[ans[1]]  # a label instead of the choice name
        if k in (5, 11) and wave == "T0":
            cells[1] = ""  # two of three answered: still scored
        if k == 17 and wave == "T1":
            cells[0] = cells[1] = ""  # one of three: no score, the pair is dropped
        rows.append([pid, wave] + cells + [str(int(rng.integers(1, 6)))])
write_csv("paired-kobo.csv", ["anagrafica/respondent_id", "onda", "capacita/edu_1", "capacita/edu_2",
                              "capacita/edu_3", "capacita/work_1"], rows, sep=";")
def score(cells):
    vals = []
    for j, c in enumerate(cells[:3]):
        if c == "":
            continue
        v = by_label.get(c) or int(c)
        vals.append(6 - v if j == 2 else v)
    return np.mean(vals) if len(vals) >= 2 else None
sc = {(r[0], r[1]): score(r[2:5]) for r in rows}
ids = sorted({r[0] for r in rows})
pairs = [(sc[(i, "T0")], sc[(i, "T1")]) for i in ids if (i, "T1") in sc and sc[(i, "T0")] is not None and sc[(i, "T1")] is not None]
b0 = np.array([p[0] for p in pairs]); b1 = np.array([p[1] for p in pairs])
print("paired-kobo istruzione:", len(pairs), "pairs; wilcoxon(np.round(T1 - T0, 9), method='asymptotic', correction=False) →",
      ss.wilcoxon(np.round(b1 - b0, 9), method="asymptotic", correction=False), "auto →", ss.wilcoxon(np.round(b1 - b0, 9)))
print("  pingouin.wilcoxon(np.round(T1 - T0, 9)) RBC →", repr(pg.wilcoxon(np.round(b1 - b0, 9))["RBC"].iloc[0]))
t = ss.ttest_rel(b1, b0)
print("  ttest_rel(T1, T0) →", repr(t.statistic), repr(t.pvalue), t.confidence_interval(), "d_z", repr((b1 - b0).mean() / (b1 - b0).std(ddof=1)))
print("  T1 - T0 for R:", list(np.round(b1 - b0, 9)))
e0 = {r[0]: r[2] for r in rows if r[1] == "T0"}; e1 = {r[0]: r[2] for r in rows if r[1] == "T1"}
sc1 = lambda c: by_label.get(c) or int(c)
q = [(sc1(e0[i]), sc1(e1[i])) for i in ids if i in e1 and e0[i] and e1[i]]
qa = np.array(q, dtype=float)
print("paired-kobo edu_1:", len(q), "pairs; wilcoxon auto →", ss.wilcoxon(np.round(qa[:, 1] - qa[:, 0], 9)),
      "asymptotic →", ss.wilcoxon(qa[:, 1] - qa[:, 0], method="asymptotic", correction=False))
