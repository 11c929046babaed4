//! Tests of independence on a contingency table of counts: Pearson's χ² (any r×c; for 2×2 also
//! with Yates' continuity correction), Cramér's V, and Fisher's exact test for 2×2 tables with the
//! sample odds ratio, as scipy's `chi2_contingency`, `contingency.association` and `fisher_exact`.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::factorial::ln_binomial;

/// A χ² statistic with its degrees of freedom and p-value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Chi2 {
    pub statistic: f64,
    pub df: usize,
    pub p: f64,
}

/// Fisher's exact test of a 2×2 table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fisher {
    /// Two-sided p-value: the probability of tables no more likely than the one observed.
    pub p: f64,
    /// Sample odds ratio (a·d)/(b·c); `None` when b·c is 0 (infinite or undefined).
    pub odds_ratio: Option<f64>,
}

/// Everything computed on one table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Independence {
    pub n: f64,
    pub chi2: Chi2,
    /// Only for 2×2 tables.
    pub chi2_yates: Option<Chi2>,
    pub cramers_v: f64,
    /// Only for 2×2 tables.
    pub fisher: Option<Fisher>,
    /// The smallest expected count under independence.
    pub min_expected: f64,
    /// How many cells expect fewer than 5: χ² is unreliable when more than a fifth do.
    pub cells_expected_below_5: usize,
    /// Haberman's adjusted residual of each cell, (O − E) / √(E (1 − row/n)(1 − col/n)): about
    /// standard normal under independence, so beyond ±1.96 a cell departs from it (as statsmodels'
    /// `Table.standardized_resids`). Which groups differ, when a table has many (17 regions).
    pub adjusted_residuals: Vec<Vec<f64>>,
}

fn chi2_p(statistic: f64, df: usize) -> Option<f64> {
    Some(ChiSquared::new(df as f64).ok()?.sf(statistic))
}

/// Tests the independence of rows and columns of `counts` (row-major, every row the same
/// length). `None` when the table has fewer than two rows or columns, or a row or column adds up
/// to zero (the expected counts would be zero).
pub fn independence(counts: &[Vec<f64>]) -> Option<Independence> {
    let r = counts.len();
    let c = counts.first()?.len();
    if r < 2 || c < 2 || counts.iter().any(|row| row.len() != c) {
        return None;
    }
    let rows: Vec<f64> = counts.iter().map(|row| row.iter().sum()).collect();
    let cols: Vec<f64> = (0..c)
        .map(|j| counts.iter().map(|row| row[j]).sum())
        .collect();
    let n: f64 = rows.iter().sum();
    if rows.iter().chain(&cols).any(|&m| m <= 0.0) {
        return None;
    }
    let df = (r - 1) * (c - 1);
    let (mut plain, mut yates) = (0.0, 0.0);
    let mut min_expected = f64::INFINITY;
    let mut below5 = 0;
    for (i, row) in counts.iter().enumerate() {
        for (j, &o) in row.iter().enumerate() {
            let e = rows[i] * cols[j] / n;
            min_expected = min_expected.min(e);
            if e < 5.0 {
                below5 += 1;
            }
            plain += (o - e) * (o - e) / e;
            // scipy moves each count towards its expectation by 0.5, never past it.
            let d = ((o - e).abs() - 0.5).max(0.0);
            yates += d * d / e;
        }
    }
    let adjusted_residuals = counts
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, &o)| {
                    let e = rows[i] * cols[j] / n;
                    (o - e) / (e * (1.0 - rows[i] / n) * (1.0 - cols[j] / n)).sqrt()
                })
                .collect()
        })
        .collect();
    let two_by_two = r == 2 && c == 2;
    Some(Independence {
        n,
        chi2: Chi2 {
            statistic: plain,
            df,
            p: chi2_p(plain, df)?,
        },
        chi2_yates: if two_by_two {
            Some(Chi2 {
                statistic: yates,
                df,
                p: chi2_p(yates, df)?,
            })
        } else {
            None
        },
        cramers_v: (plain / (n * (r.min(c) - 1) as f64)).sqrt(),
        fisher: two_by_two
            .then(|| fisher([counts[0][0], counts[0][1], counts[1][0], counts[1][1]])),
        min_expected,
        cells_expected_below_5: below5,
        adjusted_residuals,
    })
}

/// Fisher's exact test of the 2×2 table [[a, b], [c, d]] (counts as whole numbers).
pub fn fisher([a, b, c, d]: [f64; 4]) -> Fisher {
    let [a, b, c, d] = [a, b, c, d].map(|v| v.round().max(0.0) as u64);
    let (row1, col1, n) = (a + b, a + c, a + b + c + d);
    // Hypergeometric probability of `x` in the top-left cell with the margins fixed.
    let ln_total = ln_binomial(n, col1);
    let pmf = |x: u64| (ln_binomial(row1, x) + ln_binomial(n - row1, col1 - x) - ln_total).exp();
    let lo = col1.saturating_sub(n - row1);
    let hi = row1.min(col1);
    let observed = pmf(a);
    // scipy's tolerance: tables within a relative 1e-7 of the observed probability count as equal.
    let p: f64 = (lo..=hi)
        .map(pmf)
        .filter(|&q| q <= observed * (1.0 + 1e-7))
        .sum();
    Fisher {
        p: p.min(1.0),
        odds_ratio: (b * c > 0).then(|| (a * d) as f64 / (b * c) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn adjusted_residuals_match_statsmodels() {
        // statsmodels 0.15.0: sm.stats.Table(np.array([[12, 5, 9], [7, 14, 3], [4, 6, 11]]))
        // .standardized_resids
        let t = independence(&[
            vec![12.0, 5.0, 9.0],
            vec![7.0, 14.0, 3.0],
            vec![4.0, 6.0, 11.0],
        ])
        .unwrap();
        let expected = [
            [1.8831522063104185, -2.142936683416976, 0.3039733876327839],
            [-0.415291246669224, 2.9148883614520558, -2.559704229470307],
            [-1.5574103786884983, -0.7591381186778947, 2.332202476629009],
        ];
        for (row, want) in t.adjusted_residuals.iter().zip(expected) {
            for (a, b) in row.iter().zip(want) {
                assert!((a - b).abs() < 1e-12, "{a} != {b}");
            }
        }
    }

    #[test]
    fn two_by_three_against_scipy() {
        // scipy 1.17.1: chi2_contingency([[12, 5, 8], [4, 10, 9]], correction=False)
        //   → statistic 5.651969309462914, dof 2, p 0.05925028702164498, min expected 7.1875;
        //   contingency.association(t, method='cramer') → 0.34314626708418483
        let t = vec![vec![12., 5., 8.], vec![4., 10., 9.]];
        let r = independence(&t).unwrap();
        close(r.chi2.statistic, 5.651969309462914);
        assert_eq!(r.chi2.df, 2);
        close(r.chi2.p, 0.05925028702164498);
        close(r.cramers_v, 0.34314626708418483);
        close(r.min_expected, 7.1875);
        assert_eq!(r.cells_expected_below_5, 0);
        assert!(r.chi2_yates.is_none() && r.fisher.is_none());
    }

    #[test]
    fn two_by_two_against_scipy() {
        // scipy 1.17.1 on [[8, 2], [1, 5]]: chi2_contingency(correction=False) → 6.112169312169312,
        //   p 0.013425424881491248; correction=True → 3.8095238095238093, p 0.050961936967763424;
        //   association(method='cramer') → 0.6180700462007377;
        //   fisher_exact → odds ratio 20.0, p 0.034965034965034975
        let t = vec![vec![8., 2.], vec![1., 5.]];
        let r = independence(&t).unwrap();
        close(r.chi2.statistic, 6.112169312169312);
        close(r.chi2.p, 0.013425424881491248);
        let y = r.chi2_yates.unwrap();
        close(y.statistic, 3.8095238095238093);
        close(y.p, 0.050961936967763424);
        close(r.cramers_v, 0.6180700462007377);
        let f = r.fisher.unwrap();
        close(f.p, 0.034965034965034975);
        assert_eq!(f.odds_ratio, Some(20.0));
        // expected counts (scipy expected_freq): 5.625, 4.375, 3.375, 2.625
        assert_eq!(r.cells_expected_below_5, 3);
    }

    #[test]
    fn fisher_against_scipy() {
        // scipy 1.17.1: fisher_exact([[3, 7], [9, 2]]) → (0.09523809523809523, 0.02997312285237981);
        //   fisher_exact([[0, 7], [9, 2]]) → (0.0, 0.002262443438914028);
        //   fisher_exact([[5, 0], [2, 3]]) → odds ratio inf
        let f = fisher([3., 7., 9., 2.]);
        close(f.p, 0.02997312285237981);
        close(f.odds_ratio.unwrap(), 0.09523809523809523);
        let f = fisher([0., 7., 9., 2.]);
        close(f.p, 0.002262443438914028);
        assert_eq!(f.odds_ratio, Some(0.0));
        assert_eq!(fisher([5., 0., 2., 3.]).odds_ratio, None);
    }

    #[test]
    fn empty_margins_are_undefined() {
        assert!(independence(&[vec![0., 0.], vec![3., 4.]]).is_none());
        assert!(independence(&[vec![1., 2.]]).is_none());
    }
}
