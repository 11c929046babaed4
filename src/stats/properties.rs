//! Property tests over many random inputs: the invariants every method must keep whatever the
//! data (p-values in [0, 1], alpha ≤ 1, symmetric tests symmetric, intervals containing their
//! estimate, agreement coefficients ≤ 1).

use proptest::prelude::*;

use super::*;

fn likert(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((1u8..=5).prop_map(f64::from), len)
}

fn unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mann_whitney_symmetric_and_bounded(x in likert(1..=30), y in likert(1..=30)) {
        if let (Some(a), Some(b)) = (mann_whitney(&x, &y), mann_whitney(&y, &x)) {
            prop_assert!(unit(a.p));
            prop_assert!((a.p - b.p).abs() < 1e-12);
            prop_assert!((a.u + b.u - (x.len() * y.len()) as f64).abs() < 1e-9);
            prop_assert!((-1.0..=1.0).contains(&a.rank_biserial));
            prop_assert!((a.rank_biserial + b.rank_biserial).abs() < 1e-12);
        }
    }

    #[test]
    fn exact_mann_whitney_bounded_and_symmetric(
        x in prop::collection::vec(0u32..1000, 1..=12),
        y in prop::collection::vec(0u32..1000, 1..=12),
    ) {
        // Distinct values, so no ties: the exact p-value is computed.
        let mut seen = std::collections::BTreeSet::new();
        let x: Vec<f64> = x.into_iter().filter(|v| seen.insert(*v)).map(f64::from).collect();
        let y: Vec<f64> = y.into_iter().filter(|v| seen.insert(*v)).map(f64::from).collect();
        if let (Some(a), Some(b)) = (mann_whitney(&x, &y), mann_whitney(&y, &x)) {
            let (pa, pb) = (a.p_exact.unwrap(), b.p_exact.unwrap());
            prop_assert!(unit(pa) && pa > 0.0);
            prop_assert!((pa - pb).abs() < 1e-12);
        }
    }

    #[test]
    fn welch_antisymmetric(x in likert(2..=30), y in likert(2..=30)) {
        if let (Some(a), Some(b)) = (welch(&x, &y), welch(&y, &x)) {
            prop_assert!(unit(a.p));
            prop_assert!((a.p - b.p).abs() < 1e-12);
            prop_assert!((a.t + b.t).abs() < 1e-9);
            prop_assert!(a.hedges_g.abs() <= a.cohen_d.abs() + 1e-12);
        }
    }

    #[test]
    fn wilson_contains_the_proportion(n in 1u32..500, k in 0u32..500) {
        let k = k.min(n);
        let [lo, hi] = wilson95(f64::from(k), f64::from(n)).unwrap();
        let p = f64::from(k) / f64::from(n);
        prop_assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0);
    }

    #[test]
    fn crosstab_bounded_and_transpose_invariant(
        cells in prop::collection::vec(0u8..40, 4..=12),
        cols in 2usize..=4,
    ) {
        let rows = cells.len() / cols;
        prop_assume!(rows >= 2);
        let t: Vec<Vec<f64>> = (0..rows)
            .map(|i| (0..cols).map(|j| f64::from(cells[i * cols + j])).collect())
            .collect();
        let tt: Vec<Vec<f64>> = (0..cols).map(|j| (0..rows).map(|i| t[i][j]).collect()).collect();
        if let (Some(a), Some(b)) = (independence(&t), independence(&tt)) {
            prop_assert!(unit(a.chi2.p));
            prop_assert!((a.chi2.statistic - b.chi2.statistic).abs() < 1e-9 * a.chi2.statistic.max(1.0));
            prop_assert!((0.0..=1.0 + 1e-12).contains(&a.cramers_v));
            if let (Some(fa), Some(fb)) = (&a.fisher, &b.fisher) {
                prop_assert!(unit(fa.p));
                prop_assert!((fa.p - fb.p).abs() < 1e-9);
            }
            if let Some(y) = &a.chi2_yates {
                prop_assert!(y.statistic <= a.chi2.statistic + 1e-12 && unit(y.p));
            }
        }
    }

    #[test]
    fn wilcoxon_symmetric_and_bounded(pairs in prop::collection::vec((1u8..=5, 1u8..=5), 1..=40)) {
        let (a, b): (Vec<f64>, Vec<f64>) =
            pairs.iter().map(|&(x, y)| (f64::from(x), f64::from(y))).unzip();
        if let (Some(w), Some(r)) = (wilcoxon(&a, &b), wilcoxon(&b, &a)) {
            prop_assert!(unit(w.p) && w.z <= 0.0);
            prop_assert!((w.p - r.p).abs() < 1e-12);
            prop_assert!((w.r_plus - r.r_minus).abs() < 1e-9);
            prop_assert_eq!(w.n + w.zeros_dropped, a.len());
        }
    }

    #[test]
    fn mcnemar_symmetric_and_bounded(b in 0u64..200, c in 0u64..200) {
        if let (Some(x), Some(y)) = (mcnemar(b, c), mcnemar(c, b)) {
            prop_assert!(unit(x.p) && unit(x.p_exact));
            prop_assert!((x.p - y.p).abs() < 1e-12 && (x.p_exact - y.p_exact).abs() < 1e-12);
        }
    }

    #[test]
    fn alpha_at_most_one(rows in prop::collection::vec(prop::collection::vec(1u8..=5, 4), 2..=40)) {
        let names: Vec<String> = (0..4).map(|j| format!("i{j}")).collect();
        let cols: Vec<Vec<f64>> = (0..4).map(|j| rows.iter().map(|r| f64::from(r[j])).collect()).collect();
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        if let Some(a) = cronbach_alpha(&names, &refs) {
            prop_assert!(a.raw_alpha <= 1.0 + 1e-12);
            if let Some(s) = a.std_alpha { prop_assert!(s <= 1.0 + 1e-12); }
            if let Some([lo, hi]) = a.ci95 { prop_assert!(lo <= a.raw_alpha && a.raw_alpha <= hi); }
        }
    }

    #[test]
    fn adjusted_p_monotone_and_bounded(p in prop::collection::vec(0.0f64..=1.0, 0..=20)) {
        for c in [Correction::Holm, Correction::BenjaminiHochberg] {
            let adj = adjust(&p, c);
            for (i, a) in adj.iter().enumerate() {
                prop_assert!(*a >= p[i] - 1e-15 && *a <= 1.0);
                for (j, b) in adj.iter().enumerate() {
                    if p[i] < p[j] { prop_assert!(a <= b); }
                }
            }
        }
    }

    #[test]
    fn agreement_at_most_one_and_coder_order_free(
        units in prop::collection::vec((0usize..4, 0usize..4, prop::option::of(0usize..4)), 2..=30)
    ) {
        let a: Vec<Vec<Option<usize>>> = units.iter().map(|&(x, y, z)| vec![Some(x), Some(y), z]).collect();
        let b: Vec<Vec<Option<usize>>> = units.iter().map(|&(x, y, z)| vec![z, Some(y), Some(x)]).collect();
        let (ra, rb) = (agreement(&a), agreement(&b));
        if let Some(k) = ra.krippendorff_alpha {
            prop_assert!(k <= 1.0 + 1e-12);
            prop_assert!((k - rb.krippendorff_alpha.unwrap()).abs() < 1e-9);
        }
        let two: Vec<Vec<Option<usize>>> = units.iter().map(|&(x, y, _)| vec![Some(x), Some(y)]).collect();
        let swapped: Vec<Vec<Option<usize>>> = units.iter().map(|&(x, y, _)| vec![Some(y), Some(x)]).collect();
        if let Some(k) = agreement(&two).cohen_kappa {
            prop_assert!(k <= 1.0 + 1e-12);
            prop_assert!((k - agreement(&swapped).cohen_kappa.unwrap()).abs() < 1e-12);
        }
        if let Some(f) = agreement(&two).fleiss_kappa { prop_assert!(f <= 1.0 + 1e-12); }
    }

    #[test]
    fn weighted_mean_within_range(x in likert(1..=30), w in prop::collection::vec(0.0f64..10.0, 30)) {
        if let Some(r) = weighted_mean(&x, &w[..x.len()]) {
            let (lo, hi) = x.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
            prop_assert!(lo - 1e-9 <= r.mean && r.mean <= hi + 1e-9);
            prop_assert!(r.kish_ess >= 1.0 - 1e-9 && r.kish_ess <= x.len() as f64 + 1e-9);
        }
    }

    #[test]
    fn alkire_foster_invariants(
        people in prop::collection::vec((prop::collection::vec(any::<bool>(), 5), 0usize..3), 1..=40),
        raw in prop::collection::vec(1u32..10, 5),
        k in 0.01f64..1.0,
    ) {
        let total: u32 = raw.iter().sum();
        let w: Vec<f64> = raw.iter().map(|&r| f64::from(r) / f64::from(total)).collect();
        let g: Vec<Vec<bool>> = (0..5).map(|j| people.iter().map(|p| p.0[j]).collect()).collect();
        let scores = deprivation_scores(&g, &w);
        let all: Vec<usize> = (0..people.len()).collect();
        let m = measure(&g, &w, &scores, k, &all).unwrap();
        let x = m.headline;
        // M0 = H × A.
        prop_assert!((x.m0 - x.h * x.a.unwrap_or(0.0)).abs() < 1e-12);
        prop_assert!((0.0..=1.0).contains(&x.h) && (0.0..=1.0 + 1e-12).contains(&x.m0));
        // Contributions of the indicators sum to 100%.
        if let Some(c) = &m.contribution {
            prop_assert!((c.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        // Censored ≤ uncensored headcounts; M0 = Σ w_j · censored headcount ratio.
        let n = people.len() as f64;
        let from_indicators: f64 = m.censored.iter().zip(&w).map(|(&c, w)| w * c as f64 / n).sum();
        prop_assert!((from_indicators - x.m0).abs() < 1e-12);
        prop_assert!(m.censored.iter().zip(&m.uncensored).all(|(c, u)| c <= u));
        // Subgroup decomposition: Σ share_g · M0_g = M0.
        let mut sum = 0.0;
        for group in 0..3 {
            let rows: Vec<usize> = all.iter().copied().filter(|&i| people[i].1 == group).collect();
            if let Some(mg) = measure(&g, &w, &scores, k, &rows) {
                sum += rows.len() as f64 / n * mg.headline.m0;
            }
        }
        prop_assert!((sum - x.m0).abs() < 1e-12);
        // M0 and H do not rise as k rises.
        let higher = headline(scores.iter().copied(), (k + 0.1).min(1.0)).unwrap();
        prop_assert!(higher.m0 <= x.m0 + 1e-12 && higher.h <= x.h + 1e-12);
    }
}
