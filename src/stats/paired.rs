//! Before/after tests on the same young people.
//!
//! - The Wilcoxon signed-rank test of `after − before` (zeros dropped; the tie-corrected normal
//!   approximation of scipy's `wilcoxon(x, y, zero_method='wilcox', correction=False,
//!   method='asymptotic')`, and the small-sample p-value scipy's default `method='auto'` gives),
//!   with the matched-pairs rank-biserial correlation and its interval (as R's
//!   `effectsize::rank_biserial(paired = TRUE)`).
//! - The paired t-test with Cohen's d_z and its noncentral-t interval ([`paired_t`]).
//! - McNemar's test of a 0/1 indicator (exact binomial and χ² with continuity correction, as
//!   statsmodels' `mcnemar`), and for a single choice among k categories the Stuart–Maxwell test
//!   of marginal homogeneity ([`stuart_maxwell`]) and Bowker's test of symmetry ([`bowker`]).

use serde::Serialize;
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF, Normal, StudentsT};
use statrs::function::{beta::beta_reg, gamma::ln_gamma};

use super::rank_average;

/// Largest number of pairs (zeros included, as scipy counts them) for which the exact
/// distribution of the signed-rank statistic gives the p-value when there are no ties or zeros
/// (scipy ≥ 1.13, `method='auto'`).
pub const EXACT_MAX_N: usize = 50;

/// Largest number of pairs (zeros included) for which, with ties or zeros, the p-value comes from
/// every one of the 2ⁿ sign flips of the differences (scipy's `method='auto'` runs an exhaustive
/// permutation test there: 2¹³ is below its 9999 resamples).
pub const PERMUTATION_MAX_N: usize = 13;

/// Differences are rounded to this many decimals before ranking, so that floating-point noise
/// (1.1 − (−0.2) is 1.3000000000000003) does not split ties, as scipy's documentation advises.
const DIFF_DECIMALS: f64 = 1e9;

/// The outcome of a Wilcoxon signed-rank test of `after − before`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Wilcoxon {
    /// Pairs with a non-zero difference (the ones the test uses).
    pub n: usize,
    /// Pairs with no change, dropped ('wilcox' zero method).
    pub zeros_dropped: usize,
    /// The smaller of the two rank sums (scipy's two-sided statistic).
    pub statistic: f64,
    /// Sum of the ranks of positive differences (after > before).
    pub r_plus: f64,
    pub r_minus: f64,
    /// (statistic − n(n+1)/4) / σ with the tie correction: never positive, as scipy reports it.
    pub z: f64,
    /// Two-sided p-value of the normal approximation.
    pub p: f64,
    /// Two-sided p-value of scipy's default `method='auto'` where it is not the normal
    /// approximation: the exact distribution without ties or zeros for up to [`EXACT_MAX_N`]
    /// pairs, else the exhaustive sign-flip permutation distribution (average ranks kept) for up
    /// to [`PERMUTATION_MAX_N`] pairs, zeros counted among the pairs as scipy counts them. `None`
    /// where scipy's default is the normal approximation ([`Wilcoxon::p`]).
    pub p_exact: Option<f64>,
    /// How `p_exact` was computed: "exact" or "permutation".
    pub p_exact_method: Option<&'static str>,
    /// Matched-pairs rank-biserial correlation (R+ − R−) / (R+ + R−), zeros dropped (Kerby 2014):
    /// positive when after > before. pingouin's `RBC` is of `x − y`, so it is
    /// `pingouin.wilcoxon(after, before)`'s; R's `effectsize::rank_biserial(after - before)`
    /// gives the same.
    pub rank_biserial: f64,
    /// 95% interval of the rank-biserial correlation: tanh(atanh(r) ± 1.96·SE) with SE =
    /// √((2n³ + 3n² + n)/6) / (n(n+1)/2), n the non-zero pairs — the normal interval of
    /// `effectsize::rank_biserial(paired = TRUE)` (effectsize 0.8.3), the SE of the signed-rank
    /// statistic carried to r. As `effectsize::rank_biserial(after - before)` or
    /// `rank_biserial(Pair(after, before) ~ 1)`; `rank_biserial(after, before, paired = TRUE)`
    /// in effectsize 0.8.3 counts the non-zero values of `after` instead of the non-zero
    /// differences, a wider n when some pairs did not change. `None` when |r| = 1 (every pair
    /// moved the same way: the Fisher z is infinite and effectsize's interval collapses to
    /// [r, r]).
    pub rank_biserial_ci: Option<[f64; 2]>,
}

/// Wilcoxon signed-rank test on paired values; `None` with no non-zero difference.
pub fn wilcoxon(before: &[f64], after: &[f64]) -> Option<Wilcoxon> {
    let all: Vec<f64> = before
        .iter()
        .zip(after)
        .map(|(b, a)| ((a - b) * DIFF_DECIMALS).round() / DIFF_DECIMALS)
        .collect();
    let diffs: Vec<f64> = all.iter().copied().filter(|d| *d != 0.0).collect();
    let zeros = all.len() - diffs.len();
    let n = diffs.len();
    if n == 0 {
        return None;
    }
    let abs: Vec<f64> = diffs.iter().map(|d| d.abs()).collect();
    let (ranks, tie_term) = rank_average(&abs);
    let r_plus: f64 = diffs
        .iter()
        .zip(&ranks)
        .filter(|(d, _)| **d > 0.0)
        .map(|(_, r)| r)
        .sum();
    let nf = n as f64;
    let total = nf * (nf + 1.0) / 2.0;
    let r_minus = total - r_plus;
    let statistic = r_plus.min(r_minus);
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    if var <= 0.0 {
        return None;
    }
    let normal = Normal::new(0.0, 1.0).ok()?;
    let z = (statistic - mean) / var.sqrt();
    let p = (2.0 * normal.sf(z.abs())).min(1.0);
    let ties = tie_term > 0.0 || zeros > 0;
    let p_exact_method = match (ties, all.len()) {
        (false, m) if m <= EXACT_MAX_N => Some("exact"),
        (true, m) if m <= PERMUTATION_MAX_N => Some("permutation"),
        _ => None,
    };
    let p_exact = p_exact_method.map(|_| sign_flip_p(&ranks, r_plus));
    let rank_biserial = (r_plus - r_minus) / total;
    let rank_biserial_ci = (rank_biserial.abs() < 1.0).then(|| {
        let se = ((2.0 * nf.powi(3) + 3.0 * nf * nf + nf) / 6.0).sqrt() / total;
        let q = normal.inverse_cdf(0.975);
        let f = rank_biserial.atanh();
        [(f - q * se).tanh(), (f + q * se).tanh()]
    });
    Some(Wilcoxon {
        n,
        zeros_dropped: zeros,
        statistic,
        r_plus,
        r_minus,
        z,
        p,
        p_exact,
        p_exact_method,
        rank_biserial,
        rank_biserial_ci,
    })
}

/// Two-sided p-value of the rank sum `r_plus` over every sign pattern of `ranks` (average ranks,
/// so halves: counted on doubled ranks): 2·min(P(R+ ≤ r), P(R+ ≥ r)), at most 1. Without ties
/// this is the exact null distribution of the signed-rank statistic; with ties it is the
/// conditional (permutation) distribution scipy enumerates. Zero differences flip to themselves
/// and only multiply every count by the same power of two.
fn sign_flip_p(ranks: &[f64], r_plus: f64) -> f64 {
    let doubled: Vec<usize> = ranks.iter().map(|r| (2.0 * r).round() as usize).collect();
    let counts = sign_sum_distribution(&doubled);
    let total: u128 = counts.iter().sum();
    let observed = (2.0 * r_plus).round() as usize;
    let low: u128 = counts[..=observed].iter().sum();
    let high: u128 = counts[observed..].iter().sum();
    (2.0 * low.min(high) as f64 / total as f64).min(1.0)
}

/// Number of sign patterns giving each sum 0..=Σw of the weights counted positive: the
/// coefficients of ∏ᵢ (1 + q^wᵢ).
fn sign_sum_distribution(weights: &[usize]) -> Vec<u128> {
    let len = weights.iter().sum::<usize>() + 1;
    let mut c = vec![0u128; len];
    c[0] = 1;
    for &w in weights {
        for k in (w..len).rev() {
            c[k] += c[k - w];
        }
    }
    c
}

/// The paired t-test of `after − before`, with Cohen's d_z.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairedT {
    pub n: usize,
    /// Mean of after − before.
    pub mean_diff: f64,
    /// Standard deviation of the differences (n − 1 in the denominator).
    pub sd_diff: f64,
    pub t: f64,
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// 95% CI of the mean difference after − before.
    pub ci: [f64; 2],
    /// Cohen's d_z: mean_diff / sd_diff.
    pub d_z: f64,
    /// 95% CI of d_z by inverting the noncentral t distribution (Steiger & Fouladi 1997): the
    /// noncentrality parameters δ with P(T ≤ t | δ) = 0.975 and 0.025, divided by √n — what R's
    /// `effectsize::cohens_d(after, before, paired = TRUE)` computes (there with an optimiser;
    /// here solved to 1e-12 by bisection on R's algorithm for the noncentral t, AS 243).
    pub d_z_ci: [f64; 2],
}

/// Paired t-test of `after − before`; `None` with fewer than two pairs or when every pair
/// changed by the same amount (no spread: t is undefined).
pub fn paired_t(before: &[f64], after: &[f64]) -> Option<PairedT> {
    let d: Vec<f64> = before.iter().zip(after).map(|(b, a)| a - b).collect();
    let n = d.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mean_diff = d.iter().sum::<f64>() / nf;
    let sd_diff = (d.iter().map(|x| (x - mean_diff).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    // Equal differences can leave a rounding residue; below it there is no spread.
    if sd_diff.is_nan() || sd_diff <= 1e-12 * mean_diff.abs().max(1.0) {
        return None;
    }
    let df = nf - 1.0;
    let se = sd_diff / nf.sqrt();
    let t = mean_diff / se;
    let student = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = (2.0 * student.sf(t.abs())).min(1.0);
    let q = student.inverse_cdf(0.975);
    let ncp_low = noncentrality_for(t, df, 0.975)?;
    let ncp_high = noncentrality_for(t, df, 0.025)?;
    Some(PairedT {
        n,
        mean_diff,
        sd_diff,
        t,
        df,
        p,
        ci: [mean_diff - q * se, mean_diff + q * se],
        d_z: mean_diff / sd_diff,
        d_z_ci: [ncp_low / nf.sqrt(), ncp_high / nf.sqrt()],
    })
}

/// The noncentrality δ at which P(T ≤ t | df, δ) = `p` (the CDF falls as δ grows), by bisection
/// inside a bracket widened from t until it holds the root.
fn noncentrality_for(t: f64, df: f64, p: f64) -> Option<f64> {
    let f = |delta: f64| noncentral_t_cdf(t, df, delta) - p;
    let limit = 1e3 * t.abs().max(1e3);
    let mut step = 1.0;
    let (mut lo, mut hi) = (t - step, t + step);
    while f(lo) < 0.0 {
        step *= 2.0;
        lo = t - step;
        if step > limit {
            return None;
        }
    }
    while f(hi) > 0.0 {
        step *= 2.0;
        hi = t + step;
        if step > limit {
            return None;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * mid.abs().max(1.0) {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// P(T ≤ t) for the noncentral t distribution with `df` degrees of freedom and noncentrality
/// `ncp`: Lenth's algorithm AS 243 with R's refinements (R's `pnt`, nmath/pnt.c), including its
/// normal approximation (Abramowitz & Stegun 26.7.10) for very large df or |δ| > 37.62.
pub fn noncentral_t_cdf(t: f64, df: f64, ncp: f64) -> f64 {
    let Ok(normal) = Normal::new(0.0, 1.0) else {
        return f64::NAN;
    };
    if ncp == 0.0 {
        return StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |s| s.cdf(t));
    }
    if t.is_infinite() {
        return if t < 0.0 { 0.0 } else { 1.0 };
    }
    let (tt, del, negdel) = if t >= 0.0 {
        (t, ncp, false)
    } else {
        if ncp > 40.0 {
            return 0.0;
        }
        (-t, -ncp, true)
    };
    // Upper tail when t < 0: P(T ≤ t | δ) = P(T ≥ −t | −δ).
    let tail = |lower: f64| if negdel { 1.0 - lower } else { lower };
    if df > 4e5 || del * del > 2.0 * std::f64::consts::LN_2 * 1021.0 {
        let s = 1.0 / (4.0 * df);
        let sd = (1.0 + tt * tt * 2.0 * s).sqrt();
        return tail(normal.cdf((tt * (1.0 - s) - del) / sd));
    }
    let x2 = t * t;
    let rxb0 = df / (x2 + df);
    let x = x2 / (x2 + df);
    let mut tnc = 0.0;
    if x > 0.0 {
        let lambda = del * del;
        let mut p = 0.5 * (-0.5 * lambda).exp();
        if p == 0.0 {
            return 0.0;
        }
        let mut q = (2.0 / std::f64::consts::PI).sqrt() * p * del;
        let mut s = 0.5 - p;
        if s < 1e-7 {
            s = -0.5 * (-0.5 * lambda).exp_m1();
        }
        let mut a = 0.5;
        let b = 0.5 * df;
        let rxb = rxb0.powf(b);
        let albeta = 0.5 * std::f64::consts::PI.ln() + ln_gamma(b) - ln_gamma(0.5 + b);
        let mut xodd = beta_reg(a, b, x);
        let mut godd = 2.0 * rxb * (a * x.ln() - albeta).exp();
        let bx = b * x;
        let mut xeven = if bx < f64::EPSILON { bx } else { 1.0 - rxb };
        let mut geven = bx * rxb;
        tnc = p * xodd + q * xeven;
        for it in 1..=1000 {
            let it = f64::from(it);
            a += 1.0;
            xodd -= godd;
            xeven -= geven;
            godd *= x * (a + b - 1.0) / a;
            geven *= x * (a + b - 0.5) / (a + 0.5);
            p *= lambda / (2.0 * it);
            q *= lambda / (2.0 * it + 1.0);
            tnc += p * xodd + q * xeven;
            s -= p;
            if s < -1e-10 || (s <= 0.0 && it > 1.0) {
                break;
            }
            if (2.0 * s * (xodd - godd)).abs() < 1e-12 {
                break;
            }
        }
    }
    tnc += normal.cdf(-del);
    tail(tnc.min(1.0))
}

/// A test on a k×k table of the same single choice at two waves (rows: before, columns: after).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Symmetry {
    /// Categories the test used: those someone chose at either wave (Bowker); those someone moved
    /// into or out of (Stuart–Maxwell).
    pub categories: usize,
    pub statistic: f64,
    pub df: f64,
    pub p: f64,
}

/// The table's size when it is square with at least two rows, else `None`.
fn square(table: &[Vec<u64>]) -> Option<usize> {
    let k = table.len();
    (k >= 2 && table.iter().all(|r| r.len() == k)).then_some(k)
}

/// Stuart–Maxwell test of marginal homogeneity: do the shares of the categories differ between
/// before (rows) and after (columns)? The statistic is D′S⁻¹D on the counts, D the column margins
/// minus the row margins and S their covariance under homogeneity (Sᵢᵢ = nᵢ. + n.ᵢ − 2nᵢᵢ,
/// Sᵢⱼ = −(nᵢⱼ + nⱼᵢ)), one category left out; χ² with k − 1 df. Equal to statsmodels'
/// `SquareTable(t, shift_zeros=False).homogeneity(method="stuart_maxwell")` (statsmodels' default
/// `shift_zeros=True` turns every empty cell into 0.5 first, which changes the statistic) and to R
/// `coin::mh_test`.
///
/// Only pairs that changed category enter S, so a category no one moved into or out of makes S
/// singular (statsmodels then gives NaN). Such categories are left out; and when the categories
/// fall into groups between which no one moved, the statistic is the sum of each group's, with
/// k − (number of groups) df — the Moore–Penrose inverse, as `coin::mh_test` computes it. `None`
/// when no one changed category or the table is not square.
pub fn stuart_maxwell(table: &[Vec<u64>]) -> Option<Symmetry> {
    let k = square(table)?;
    let w = |i: usize, j: usize| (table[i][j] + table[j][i]) as f64;
    // Groups of categories linked by someone moving between them (union–find).
    let mut parent: Vec<usize> = (0..k).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..k {
        for j in i + 1..k {
            if w(i, j) > 0.0 {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..k {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let (mut statistic, mut df, mut categories) = (0.0, 0usize, 0usize);
    for members in groups.values().filter(|m| m.len() >= 2) {
        // One category of the group left out: its margins follow from the others'.
        let kept = &members[..members.len() - 1];
        let m = kept.len();
        let mut s = vec![vec![0.0; m]; m];
        let mut d = vec![0.0; m];
        for (a, &i) in kept.iter().enumerate() {
            let row: u64 = table[i].iter().sum();
            let col: u64 = table.iter().map(|r| r[i]).sum();
            d[a] = col as f64 - row as f64;
            for (b, &j) in kept.iter().enumerate() {
                s[a][b] = if a == b {
                    members.iter().filter(|&&o| o != i).map(|&o| w(i, o)).sum()
                } else {
                    -w(i, j)
                };
            }
        }
        let x = solve(s, d.clone())?;
        statistic += d.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>();
        df += m;
        categories += members.len();
    }
    if df == 0 {
        return None;
    }
    let df = df as f64;
    let p = ChiSquared::new(df).ok()?.sf(statistic);
    Some(Symmetry {
        categories,
        statistic,
        df,
        p,
    })
}

/// Solves `a·x = b` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let pivot = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[pivot][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, pivot);
        b.swap(c, pivot);
        let (top, rest) = a.split_at_mut(c + 1);
        let pivot_row = &top[c];
        for (k, row) in rest.iter_mut().enumerate() {
            let f = row[c] / pivot_row[c];
            for (x, p) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                *x -= f * p;
            }
            b[c + 1 + k] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|j| a[r][j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Bowker's test of symmetry: Σ over pairs of categories i < j of (nᵢⱼ − nⱼᵢ)² / (nᵢⱼ + nⱼᵢ), χ²
/// with one df per pair, as statsmodels' `SquareTable(t, shift_zeros=False).symmetry(
/// method="bowker")` and R's `mcnemar.test` on a k×k table: a pair no one moved between adds 0 to
/// the statistic and still 1 to the df (statsmodels; R gives NaN). Categories no one chose at
/// either wave are left out first (they would only add df). `None` when no one changed category
/// or the table is not square.
pub fn bowker(table: &[Vec<u64>]) -> Option<Symmetry> {
    let k = square(table)?;
    let used: Vec<usize> = (0..k)
        .filter(|&i| table[i].iter().sum::<u64>() + table.iter().map(|r| r[i]).sum::<u64>() > 0)
        .collect();
    let mut statistic = 0.0;
    let mut moved = 0;
    for (a, &i) in used.iter().enumerate() {
        for &j in &used[a + 1..] {
            let (x, y) = (table[i][j] as f64, table[j][i] as f64);
            if x + y > 0.0 {
                statistic += (x - y).powi(2) / (x + y);
                moved += 1;
            }
        }
    }
    if moved == 0 {
        return None;
    }
    let m = used.len() as f64;
    let df = m * (m - 1.0) / 2.0;
    let p = ChiSquared::new(df).ok()?.sf(statistic);
    Some(Symmetry {
        categories: used.len(),
        statistic,
        df,
        p,
    })
}

/// McNemar's test on the discordant pairs of a 0/1 indicator measured twice.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct McNemar {
    /// Pairs that went from 1 to 0.
    pub b: u64,
    /// Pairs that went from 0 to 1.
    pub c: u64,
    /// χ² with continuity correction, (|b − c| − 1)² / (b + c).
    pub statistic: f64,
    pub p: f64,
    /// Exact two-sided binomial p-value: 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½).
    pub p_exact: f64,
}

/// McNemar's test from the discordant counts; `None` when no pair changed.
pub fn mcnemar(b: u64, c: u64) -> Option<McNemar> {
    let m = b + c;
    if m == 0 {
        return None;
    }
    // Not clipped at zero when b = c, as R's `mcnemar.test` and statsmodels compute it.
    let d = (b as f64 - c as f64).abs() - 1.0;
    let statistic = d * d / m as f64;
    let p = ChiSquared::new(1.0).ok()?.sf(statistic);
    let p_exact = (2.0 * Binomial::new(0.5, m).ok()?.cdf(b.min(c))).min(1.0);
    Some(McNemar {
        b,
        c,
        statistic,
        p,
        p_exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }

    fn near(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    }

    // Public paired data: Hollander & Wolfe (1973, p. 29), the depression scores of R's
    // `?wilcox.test` (x at the first visit, y at the second) …
    const HW_X: [f64; 9] = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
    const HW_Y: [f64; 9] = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.21, 1.29];
    // … and R's `sleep` (Student 1908): extra sleep of the same ten patients under drug 1 and 2.
    const SLEEP_1: [f64; 10] = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const SLEEP_2: [f64; 10] = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    // Hand data: Likert answers with ties and zeros, ten and fourteen pairs.
    const SMALL_B: [f64; 10] = [3., 2., 4., 3., 2., 1., 3., 2., 4., 2.];
    const SMALL_A: [f64; 10] = [4., 3., 4., 2., 3., 3., 4., 3., 5., 2.];
    const PRE: [f64; 14] = [3., 2., 4., 3., 2., 1., 3., 2., 4., 2., 3., 1., 2., 3.];
    const POST: [f64; 14] = [4., 3., 4., 2., 3., 3., 4., 3., 5., 2., 4., 3., 3., 4.];

    #[test]
    fn wilcoxon_with_ties_and_zeros_against_scipy() {
        // scipy 1.17.1: wilcoxon(post, pre, zero_method='wilcox', correction=False,
        //   method='approx') → statistic 5.5, p 0.004896949924930728, zstatistic -2.813735521290914
        //   (the same with the arguments swapped); method='auto' gives the same p (14 pairs with
        //   ties: asymptotic)
        let w = wilcoxon(&PRE, &POST).unwrap();
        assert_eq!((w.n, w.zeros_dropped), (12, 2));
        assert_eq!(w.statistic, 5.5);
        close(w.p, 0.004896949924930728);
        close(w.z, -2.813735521290914);
        assert_eq!((w.p_exact, w.p_exact_method), (None, None));
        assert!(w.r_plus > w.r_minus);
        let r = wilcoxon(&POST, &PRE).unwrap();
        close(r.p, w.p);
        assert_eq!((r.r_plus, r.r_minus), (w.r_minus, w.r_plus));
        // pingouin 0.7.0: wilcoxon(post, pre)['RBC'] → 0.858974358974359; R 4.2.2 effectsize
        //   0.8.3: rank_biserial(post - pre) → 0.85897435897435903, CI 0.57085144459702186
        //   0.95873773008591845 (n = 12 non-zero differences; rank_biserial(post, pre, paired =
        //   TRUE) takes n = 14 there: 0.60101052381056630 0.95485632044892343)
        close(w.rank_biserial, 0.858974358974359);
        let ci = w.rank_biserial_ci.unwrap();
        close(ci[0], 0.5708514445970219);
        close(ci[1], 0.9587377300859184);
        close(r.rank_biserial, -w.rank_biserial);
    }

    #[test]
    fn wilcoxon_exact_against_scipy_and_r() {
        // Hollander & Wolfe, before = x, after = y. scipy 1.17.1: wilcoxon(np.round(y - x, 9))
        //   (method='auto': 9 pairs, no ties → exact) → statistic 5.0, p 0.0390625 (R:
        //   wilcox.test(y, x, paired = TRUE)$p.value → 0.0390625); method='asymptotic',
        //   correction=False → p 0.038151710173415135, zstatistic -2.073221072156823
        let w = wilcoxon(&HW_X, &HW_Y).unwrap();
        assert_eq!(w.statistic, 5.0);
        close(w.p_exact.unwrap(), 0.0390625);
        assert_eq!(w.p_exact_method, Some("exact"));
        close(w.p, 0.038151710173415135);
        close(w.z, -2.073221072156823);
        // pingouin 0.7.0 wilcoxon(y, x)['RBC'] → -0.7777777777777777; effectsize 0.8.3
        //   rank_biserial(y - x) → -0.77777777777777768, CI -0.94415590192008148
        //   -0.29536312933624187
        close(w.rank_biserial, -0.7777777777777777);
        let ci = w.rank_biserial_ci.unwrap();
        close(ci[0], -0.9441559019200815);
        close(ci[1], -0.29536312933624187);
        // 22 pairs, no ties or zeros: still exact under scipy's auto (n ≤ 50).
        // scipy 1.17.1: wilcoxon(np.round(a - b, 9)) → statistic 47.0, p 0.0083160400390625;
        //   method='asymptotic' → p 0.009850910466175594; pingouin wilcoxon(a, b)['RBC'] →
        //   0.6284584980237153
        let b = [
            3., 4., 2., 5., 3., 4., 4., 2., 3., 5., 1., 2., 3., 4., 2., 3., 4., 5., 3., 2., 4., 3.,
        ];
        let a = [
            3.5, 3.0, 3.5, 7.0, 0.5, 7.0, 7.5, 6.0, -1.5, 10.0, 6.5, 8.0, 9.5, -3.0, 9.5, 11.0,
            -4.5, 14.0, 12.5, 12.0, 14.5, 14.0,
        ];
        let w = wilcoxon(&b, &a).unwrap();
        assert_eq!(w.statistic, 47.0);
        close(w.p_exact.unwrap(), 0.0083160400390625);
        close(w.p, 0.009850910466175594);
        close(w.rank_biserial, 0.6284584980237153);
        assert_eq!(sign_sum_distribution(&[1; 9]).iter().sum::<u128>(), 512);
    }

    #[test]
    fn wilcoxon_permutation_with_ties_or_zeros_against_scipy() {
        // scipy 1.17.1 wilcoxon(np.round(after - before, 9)) with method='auto': ties or zeros
        // and at most 13 pairs → the exhaustive permutation test.
        // `sleep`, before = drug 1, after = drug 2 (one zero, ties): statistic 0.0,
        //   p 0.00390625; asymptotic p 0.007632441648205508, z -2.6679112502793854
        let w = wilcoxon(&SLEEP_1, &SLEEP_2).unwrap();
        assert_eq!((w.n, w.zeros_dropped, w.statistic), (9, 1, 0.0));
        assert_eq!(w.p_exact_method, Some("permutation"));
        close(w.p_exact.unwrap(), 0.00390625);
        close(w.p, 0.007632441648205508);
        close(w.z, -2.6679112502793854);
        // pingouin wilcoxon(g2, g1)['RBC'] → 1.0; effectsize's interval collapses to [1, 1].
        assert_eq!((w.rank_biserial, w.rank_biserial_ci), (1.0, None));
        // Likert, 10 pairs, two zeros: statistic 4.0, p 0.0625; asymptotic p
        //   0.034808478811867126; RBC 0.7777777777777777; effectsize rank_biserial(a - b) CI
        //   0.25627069139951836 0.94857140236985782
        let w = wilcoxon(&SMALL_B, &SMALL_A).unwrap();
        assert_eq!(w.statistic, 4.0);
        close(w.p_exact.unwrap(), 0.0625);
        close(w.p, 0.034808478811867126);
        close(w.rank_biserial, 0.7777777777777777);
        let ci = w.rank_biserial_ci.unwrap();
        close(ci[0], 0.25627069139951836);
        close(ci[1], 0.9485714023698578);
        // 13 pairs, ties but no zeros: statistic 13.5, p 0.022216796875; RBC
        //   0.7032967032967032, effectsize rank_biserial(a - b) CI 0.25187514305864217
        //   0.90335680637298821
        let b = [5., 3., 4., 2., 6., 3., 4., 5., 2., 3., 4., 1., 2.];
        let a = [6., 5., 3., 4., 7., 5., 6., 6., 3., 1., 6., 2., 4.];
        let w = wilcoxon(&b, &a).unwrap();
        assert_eq!(w.statistic, 13.5);
        assert_eq!(w.p_exact_method, Some("permutation"));
        close(w.p_exact.unwrap(), 0.022216796875);
        close(w.p, 0.021381691163120643);
        let ci = w.rank_biserial_ci.unwrap();
        close(ci[0], 0.25187514305864217);
        close(ci[1], 0.9033568063729882);
    }

    #[test]
    fn wilcoxon_float_noise_does_not_split_ties() {
        // 0.3 − 0.1 is 0.19999999999999998 in floating point, 0.0 − 0.2 is −0.2: the same change
        // in size, which scipy ranks apart unless the differences are rounded (its docs advise
        // it). scipy 1.17.1: wilcoxon(np.round(after - before, 9)) → statistic 4.5, p 0.5
        // (permutation: ties); unrounded wilcoxon(after - before) → statistic 5.0, p 0.625.
        let before = [0.1, 0.0, 0.0, 0.0, 0.0];
        let after = [0.3, -0.2, 0.5, -0.25, 0.7];
        let w = wilcoxon(&before, &after).unwrap();
        assert_eq!(w.statistic, 4.5);
        assert_eq!(w.p_exact_method, Some("permutation"));
        close(w.p_exact.unwrap(), 0.5);
        assert!(wilcoxon(&[1.0, 2.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn paired_t_against_scipy_and_r() {
        // scipy 1.17.1 ttest_rel(after, before) → statistic, pvalue, df, confidence_interval();
        // d_z = mean / sd(ddof=1); R 4.2.2: d_z interval by the noncentral t, solved exactly:
        //   uniroot(function(ncp) pt(t, n - 1, ncp) - p, c(t - 50, t + 50), tol = 1e-14) for
        //   p = 0.975, 0.025, divided by sqrt(n); effectsize 0.8.3 cohens_d(after, before,
        //   paired = TRUE) gives the same to 1e-7 (its optimiser stops at abstol 1e-9).
        struct Case<'a> {
            before: &'a [f64],
            after: &'a [f64],
            t: f64,
            p: f64,
            ci: [f64; 2],
            d_z: f64,
            d_z_ci: [f64; 2],
        }
        let cases = [
            // `sleep`: t.test(extra ~ group, paired) classic: t 4.0621, df 9, p 0.002833
            Case {
                before: &SLEEP_1,
                after: &SLEEP_2,
                t: 4.062127683382037,
                p: 0.002832890197384273,
                ci: [0.7001142367230175, 2.459885763276983],
                d_z: 1.2845575625910546,
                d_z_ci: [0.41462775638014404, 2.1180165139770675],
            },
            // Hollander & Wolfe, before = x, after = y (effectsize: -1.75200625039837554,
            //   -0.14645227546333339)
            Case {
                before: &HW_X,
                after: &HW_Y,
                t: -2.9058999746403837,
                p: 0.01971258802443886,
                ci: [-0.7606684546340199, -0.08755376758820227],
                d_z: -0.9686333248801278,
                d_z_ci: [-1.7520062814075692, -0.14645221236474715],
            },
            // Likert with ties and zeros
            Case {
                before: &SMALL_B,
                after: &SMALL_A,
                t: 2.688774478590815,
                p: 0.02484634444065558,
                ci: [0.11106625841351336, 1.2889337415864865],
                d_z: 0.8502651466878618,
                d_z_ci: [0.10300674518458537, 1.5643046101504074],
            },
            Case {
                before: &PRE,
                after: &POST,
                t: 4.163331998932266,
                p: 0.0011131537893958664,
                ci: [0.4123681999314472, 1.301917514354267],
                d_z: 1.1126972805283737,
                d_z_ci: [0.42643483687535105, 1.773302344316162],
            },
            // A very large effect: the bounds reach |δ| > 37.62, R's normal approximation
            // (t.test: t 32.36259665628878, p 5.2924218515449042e-07)
            Case {
                before: &[1., 2., 3., 4., 5., 6.],
                after: &[1.1, 2.11, 3.12, 4.1, 5.105, 6.1],
                t: 32.36259665628878,
                p: 5.292421851544904e-07,
                ci: [0.0974269237006055, 0.11423974296606106],
                d_z: 13.211974759901423,
                d_z_ci: [5.3380381072662395, 20.779092482584662],
            },
        ];
        for c in &cases {
            let r = paired_t(c.before, c.after).unwrap();
            assert_eq!(r.n, c.before.len());
            assert_eq!(r.df, c.before.len() as f64 - 1.0);
            near(r.t, c.t, 1e-9);
            close(r.p, c.p);
            near(r.ci[0], c.ci[0], 1e-9);
            near(r.ci[1], c.ci[1], 1e-9);
            near(r.d_z, c.d_z, 1e-9);
            near(r.d_z_ci[0], c.d_z_ci[0], 1e-8);
            near(r.d_z_ci[1], c.d_z_ci[1], 1e-8);
        }
        assert!(paired_t(&[1.0], &[2.0]).is_none());
        assert!(
            paired_t(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]).is_none(),
            "no spread"
        );
    }

    #[test]
    fn degenerate_inputs_give_none_or_numbers() {
        // A spread of 1e-10 around a change of 1: t near 3e10, still an interval, no NaN.
        let t = paired_t(&[0.0, 0.0, 0.0], &[1.0, 1.0, 1.0 + 1e-10]).unwrap();
        assert!(t.t > 1e9 && t.p.is_finite() && t.p < 1e-9);
        assert!(
            t.d_z_ci.iter().all(|x| x.is_finite()) && t.d_z_ci[0] < t.d_z && t.d_z < t.d_z_ci[1]
        );
        // Two pairs: t on one df.
        let t = paired_t(&[1.0, 2.0], &[2.0, 4.0]).unwrap();
        assert!(t.d_z_ci[0].is_finite() && t.d_z_ci[1].is_finite() && t.p.is_finite());
        // One changed pair of one: a Wilcoxon without spread of ranks, r = 1, no interval.
        let w = wilcoxon(&[1.0], &[2.0]).unwrap();
        assert_eq!((w.n, w.p_exact, w.rank_biserial_ci), (1, Some(1.0), None));
        assert!(w.p.is_finite());
        assert!(wilcoxon(&[], &[]).is_none() && paired_t(&[], &[]).is_none());
        // Tables: 1×1, empty, one person who changed.
        assert!(stuart_maxwell(&[vec![5]]).is_none() && bowker(&[vec![5]]).is_none());
        assert!(stuart_maxwell(&[]).is_none() && bowker(&[]).is_none());
        let one = vec![vec![0, 1], vec![0, 0]];
        let s = stuart_maxwell(&one).unwrap();
        let b = bowker(&one).unwrap();
        // statsmodels SquareTable([[0, 1], [0, 0]], shift_zeros=False): homogeneity → 1.0, df 1;
        // symmetry → 1.0, df 1 (McNemar without continuity correction)
        assert_eq!((s.statistic, s.df, b.statistic, b.df), (1.0, 1.0, 1.0, 1.0));
        assert!(s.p.is_finite() && b.p.is_finite());
    }

    #[test]
    fn noncentral_t_against_r() {
        // R 4.2.2 pt(q, df, ncp): pt(2, 5, 1) 0.77807466261594704; pt(-1.5, 12, -0.8)
        // 0.26112844671794522; pt(0.3, 3, 2.5) 0.013617282039177661; pt(45, 10, 40)
        // 0.64921901956706485 (normal approximation); pt(3, 30, 0) 0.99730501796717408
        close(noncentral_t_cdf(2.0, 5.0, 1.0), 0.778074662615947);
        close(noncentral_t_cdf(-1.5, 12.0, -0.8), 0.2611284467179452);
        close(noncentral_t_cdf(0.3, 3.0, 2.5), 0.01361728203917766);
        close(noncentral_t_cdf(45.0, 10.0, 40.0), 0.6492190195670648);
        close(noncentral_t_cdf(3.0, 30.0, 0.0), 0.9973050179671741);
    }

    // Stuart (1955): unaided distance vision of 7477 women, right eye (rows) by left eye
    // (columns), the example of statsmodels' contingency-table documentation.
    fn vision() -> Vec<Vec<u64>> {
        vec![
            vec![1520, 266, 124, 66],
            vec![234, 1512, 432, 78],
            vec![117, 362, 1772, 205],
            vec![36, 82, 179, 492],
        ]
    }

    // Agresti, Categorical Data Analysis (2002), Table 10.5: coffee brand at the first and the
    // second purchase (one empty cell).
    fn coffee() -> Vec<Vec<u64>> {
        vec![
            vec![93, 17, 44, 7, 10],
            vec![9, 46, 11, 0, 9],
            vec![17, 11, 155, 9, 12],
            vec![6, 4, 9, 15, 2],
            vec![10, 4, 12, 2, 27],
        ]
    }

    fn check(s: Option<Symmetry>, statistic: f64, df: f64, p: f64) {
        let s = s.unwrap();
        close(s.statistic, statistic);
        assert_eq!(s.df, df);
        close(s.p, p);
    }

    #[test]
    fn stuart_maxwell_against_statsmodels_and_coin() {
        // statsmodels 0.15.0 SquareTable(t, shift_zeros=False).homogeneity(method=
        // "stuart_maxwell"); R 4.2.2 coin 1.4.2 mh_test(as.table(t)) agrees.
        // vision → 11.956569622982544, df 3, p 0.007533425054800591 (the same with
        //   shift_zeros=True: no empty cell)
        check(
            stuart_maxwell(&vision()),
            11.956569622982544,
            3.0,
            0.007533425054800591,
        );
        // coffee → 12.291349565547455, df 4, p 0.015311248347412931 (coin: 12.291349565547440,
        //   p 0.015311248347413042; statsmodels' default shift_zeros=True: 12.143188785019325)
        check(
            stuart_maxwell(&coffee()),
            12.291349565547455,
            4.0,
            0.015311248347412931,
        );
        // [[5, 3, 0], [1, 4, 2], [0, 6, 3]] → 3.0, df 2, p 0.2231301601484298
        let small = vec![vec![5, 3, 0], vec![1, 4, 2], vec![0, 6, 3]];
        check(stuart_maxwell(&small), 3.0, 2.0, 0.2231301601484298);
        // Two groups of categories no one moved between ({1, 2}, {3, 4}) and a category no one
        // left (5): statsmodels (shift_zeros=False) cannot invert the matrix (NaN); coin
        // mh_test (Moore–Penrose inverse) → 3.08571428571428541, df 2, p 0.21376945818647108
        let apart = vec![
            vec![6, 4, 0, 0, 0],
            vec![1, 5, 0, 0, 0],
            vec![0, 0, 7, 2, 0],
            vec![0, 0, 5, 3, 0],
            vec![0, 0, 0, 0, 4],
        ];
        let s = stuart_maxwell(&apart).unwrap();
        assert_eq!(s.categories, 4);
        check(Some(s), 3.0857142857142854, 2.0, 0.21376945818647108);
        // An empty category changes nothing.
        let mut wider = coffee();
        for r in &mut wider {
            r.push(0);
        }
        wider.push(vec![0; 6]);
        check(
            stuart_maxwell(&wider),
            12.291349565547455,
            4.0,
            0.015311248347412931,
        );
        assert!(
            stuart_maxwell(&[vec![3, 0], vec![0, 4]]).is_none(),
            "no change"
        );
        assert!(stuart_maxwell(&[vec![3, 1]]).is_none(), "not square");
    }

    #[test]
    fn bowker_against_statsmodels_and_r() {
        // statsmodels 0.15.0 SquareTable(t, shift_zeros=False).symmetry(method="bowker"); R
        // 4.2.2 mcnemar.test(as.table(t)) where no pair is empty.
        // vision → 19.106550215266772, df 6, p 0.003987419840428568 (R: 19.1065502152667683,
        //   p 0.0039874198404285756)
        check(
            bowker(&vision()),
            19.106550215266772,
            6.0,
            0.003987419840428568,
        );
        // coffee → 20.41235813366961, df 10, p 0.025585065792773316 (R: 20.412358133669609828,
        //   p 0.025585065792773309; statsmodels' default shift_zeros=True: 19.13458035589183)
        check(
            bowker(&coffee()),
            20.41235813366961,
            10.0,
            0.025585065792773316,
        );
        // A pair no one moved between adds nothing and keeps its df (R: NaN):
        // [[5, 3, 0], [1, 4, 2], [0, 6, 3]] → 3.0, df 3, p 0.3916251762710877
        let small = vec![vec![5, 3, 0], vec![1, 4, 2], vec![0, 6, 3]];
        check(bowker(&small), 3.0, 3.0, 0.3916251762710877);
        // A category no one chose is left out: statsmodels counts it (df 15), here df 10.
        let mut wider = coffee();
        for r in &mut wider {
            r.push(0);
        }
        wider.push(vec![0; 6]);
        let w = bowker(&wider).unwrap();
        assert_eq!((w.categories, w.df), (5, 10.0));
        close(w.statistic, 20.41235813366961);
        assert!(bowker(&[vec![3, 0], vec![0, 4]]).is_none(), "no change");
    }

    #[test]
    fn mcnemar_against_statsmodels() {
        // statsmodels 0.15.0: mcnemar([[20, 9], [3, 18]], exact=True) → statistic 3, p 0.14599609375;
        //   exact=False, correction=True → statistic 2.0833333333333335, p 0.14891467317876161
        let m = mcnemar(9, 3).unwrap();
        close(m.p_exact, 0.14599609375);
        close(m.statistic, 2.0833333333333335);
        close(m.p, 0.14891467317876161);
        assert!(mcnemar(0, 0).is_none());
        // mcnemar([[1, 4], [4, 1]], exact=False) → statistic 0.125, p 0.7236736098317629
        let tie = mcnemar(4, 4).unwrap();
        assert_eq!(tie.p_exact, 1.0);
        close(tie.statistic, 0.125);
        close(tie.p, 0.7236736098317629);
    }
}
