#!/usr/bin/env python3
# Vendored from the project's shared benchmark peer (shared/bench/peer_example.py), unchanged but for this line.
"""The peer for the scaled example study: what a competent analyst writes with pandas + scipy + pingouin
to get the core numbers of capakit's example report from the same answers.

  peer_example.py STUDY_DIR [--out DIR]

Phases (one JSON line of timings at the end): import, load (CSV ';' or XLSX via python-calamine), prep
(territory aliases folded, Likert coerced, reverse keys, scale scores = mean of items when >= half
answered), alpha (9 scales, overall + per territory), dist (36 Likert items per territory: counts,
% of respondents, top-2), compare (Prato vs Firenze, every scale and item: MWU + rank-biserial + Welch,
Holm), af (Alkire-Foster: 9 scale-score indicators deprived at <= 2.5, equal weights, k = 1/3, by
territory: H, A, M0, censored headcounts), write (CSV tables).
"""
import time
T0 = time.perf_counter()
import glob, json, os, resource, sys  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pingouin as pg  # noqa: E402
from scipy import stats  # noqa: E402

study = sys.argv[1]
out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else os.path.join("/tmp", "peer-" + os.path.basename(study))
os.makedirs(out, exist_ok=True)
tm = {"import_s": time.perf_counter() - T0}
t = time.perf_counter()
def lap(k):
    global t
    now = time.perf_counter(); tm[k] = now - t; t = now

data = [f for f in glob.glob(os.path.join(study, "data", "risposte-care-leavers.*"))][0]
df = pd.read_csv(data, sep=";") if data.endswith(".csv") else pd.read_excel(data, engine="calamine")
lap("load_s")
df.columns = [c.split("/")[-1] for c in df.columns]
alias = {"po": "Prato", "prato": "Prato", "firenze": "Firenze", "florence": "Firenze", "fi": "Firenze"}
df["territory"] = df["territory"].astype(str).str.strip().str.lower().map(alias)
df = df.drop_duplicates("respondent_id")
SC = {"istruzione": "edu", "lavoro": "work", "casa": "house", "salute": "health", "relazioni": "rel",
      "partecipazione": "part", "autonomia": "aut", "economia": "econ", "rispetto": "resp"}
items = {s: [f"{p}_{i}" for i in (1, 2, 3)] for s, p in SC.items()}
imp = [c for c in df.columns if c.startswith("imp_")]
likert = [c for v in items.values() for c in v] + imp
df[likert] = df[likert].apply(pd.to_numeric, errors="coerce")
# reverse-keyed items are those the questionnaire marks; read them from the XLSForm
inst = [l for l in open(os.path.join(study, "study.toml"), encoding="utf-8") if "care-leavers-capabilities.xlsx" in l][0].split('"')[1]
sv = pd.read_excel(inst, sheet_name="survey")
rev = set(sv.loc[sv.get("reverse", pd.Series(dtype=str)).astype(str).str.lower().eq("yes"), "name"])
for c in rev & set(likert):
    df[c] = 6 - df[c]
for s, its in items.items():
    sub = df[its]
    df["score_" + s] = sub.mean(axis=1).where(sub.notna().sum(axis=1) >= 2)
lap("prep_s")
rows = []
for terr, g in [("ALL", df)] + list(df.groupby("territory")):
    for s, its in items.items():
        a, ci = pg.cronbach_alpha(data=g[its], nan_policy="listwise")
        rows.append(dict(territory=terr, scale=s, alpha=a, lo=ci[0], hi=ci[1]))
alpha = pd.DataFrame(rows); lap("alpha_s")
parts = []
for it in likert:
    cnt = df.groupby("territory")[it].value_counts().unstack(fill_value=0).reindex(columns=[1, 2, 3, 4, 5], fill_value=0)
    n = df.groupby("territory").size()
    pct = cnt.div(n, axis=0) * 100
    parts.append(pd.DataFrame({"item": it, "top2": pct[4] + pct[5]}).join(cnt))
dist = pd.concat(parts); lap("dist_s")
pr, fi = df[df.territory == "Prato"], df[df.territory == "Firenze"]
res = []
for v in ["score_" + s for s in items] + likert:
    x, y = pr[v].dropna().to_numpy(), fi[v].dropna().to_numpy()
    mw = stats.mannwhitneyu(x, y, alternative="two-sided")
    we = stats.ttest_ind(x, y, equal_var=False)
    res.append(dict(var=v, U=mw.statistic, p=mw.pvalue, r=1 - 2 * mw.statistic / (len(x) * len(y)), t=we.statistic, pw=we.pvalue))
cmp_ = pd.DataFrame(res); cmp_["p_holm"] = pg.multicomp(cmp_["p"].to_numpy(), method="holm")[1]; lap("compare_s")
ind = ["score_" + s for s in items]
d = df[["territory"] + ind].dropna()
g0 = (d[ind] <= 2.5).astype(float)
c = g0.to_numpy() @ np.full(len(ind), 1 / len(ind))
poor = c >= 1 / 3 - 1e-9
cc = np.where(poor, c, 0.0)
af = pd.DataFrame({"territory": d.territory, "poor": poor, "cc": cc}).groupby("territory").agg(n=("poor", "size"), H=("poor", "mean"), M0=("cc", "mean"))
af["A"] = af.M0 / af.H
cens = g0.mul(poor, axis=0).groupby(d.territory).mean(); lap("af_s")
for name, tab in dict(alpha=alpha, dist=dist, compare=cmp_, af=af, censored=cens).items():
    tab.to_csv(os.path.join(out, name + ".csv"))
lap("write_s")
tm["total_s"] = time.perf_counter() - T0
tm["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tm["n"] = len(df)
print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in tm.items()}))
