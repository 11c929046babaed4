//! Design-based estimation for a weighted survey: means and ratios of weighted totals, over the
//! whole sample or a domain (a group), with standard errors by Taylor linearisation (Binder
//! 1983) for a stratified sample of primary sampling units (PSUs) drawn with replacement, as R
//! survey's `svydesign(ids = ~psu, strata = ~strata, weights = ~w)` with `svymean`, `svyratio`,
//! `svyby` (domains keep the whole design: a PSU without members of the domain counts as a zero)
//! and `svycontrast` (Lumley 2004).
//!
//! - Without strata: one stratum. Without PSUs: each respondent is a PSU.
//! - A stratum with a single PSU: its deviation is taken around the whole sample's mean (zero for
//!   a linearised variable) instead of the stratum's, as `options(survey.lonely.psu = "adjust")`.
//! - Shares get the logit interval of `svyciprop(method = "logit")`: the Wald interval of
//!   logit(p), with Student's t on the design's degrees of freedom (PSUs − strata among the rows
//!   estimated from, as `degf`), turned back. Other ratios get the Wald interval with the normal
//!   quantile, as `confint(svyratio(...))`.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// An estimate with its design-based standard error and 95 % interval.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// A weighted sample's design: each row's weight, stratum and PSU.
#[derive(Debug, Clone)]
pub struct SurveyDesign {
    weights: Vec<f64>,
    /// The stratum of each row.
    stratum: Vec<usize>,
    /// The PSU of each row (numbered across strata).
    psu: Vec<usize>,
    /// The stratum of each PSU.
    psu_stratum: Vec<usize>,
    /// PSUs in each stratum.
    psus_in: Vec<usize>,
}

/// A linearised estimate before its interval: the value and the influence of each row.
struct Linear {
    value: f64,
    /// (row, influence) of the rows that count.
    z: Vec<(usize, f64)>,
}

impl SurveyDesign {
    /// The design of rows with `weights`, and their strata and PSUs when given (a missing label is
    /// its own stratum "" or its own PSU; `check` reports it as an error first). PSUs are nested
    /// within strata: the same label in two strata is two PSUs.
    pub fn new(
        weights: Vec<f64>,
        strata: Option<&[Option<&str>]>,
        psus: Option<&[Option<&str>]>,
    ) -> Self {
        let n = weights.len();
        let mut strata_ids = std::collections::BTreeMap::new();
        let stratum: Vec<usize> = (0..n)
            .map(|i| {
                let label = strata
                    .and_then(|s| s.get(i).copied().flatten())
                    .unwrap_or("");
                let next = strata_ids.len();
                *strata_ids.entry(label).or_insert(next)
            })
            .collect();
        let mut psu_ids = std::collections::BTreeMap::new();
        let mut psu_stratum = Vec::new();
        let psu: Vec<usize> = (0..n)
            .map(|i| {
                let label = psus.and_then(|p| p.get(i).copied().flatten());
                // Without a PSU each row is its own.
                let key = match label {
                    Some(l) => (stratum[i], Some(l), 0),
                    None => (stratum[i], None, i),
                };
                let next = psu_ids.len();
                *psu_ids.entry(key).or_insert_with(|| {
                    psu_stratum.push(stratum[i]);
                    next
                })
            })
            .collect();
        let mut psus_in = vec![0; strata_ids.len()];
        for &h in &psu_stratum {
            psus_in[h] += 1;
        }
        SurveyDesign {
            weights,
            stratum,
            psu,
            psu_stratum,
            psus_in,
        }
    }

    /// Rows of the design.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The weight of row `r`.
    pub fn weight(&self, r: usize) -> f64 {
        self.weights[r]
    }

    pub fn strata(&self) -> usize {
        self.psus_in.len()
    }

    pub fn psus(&self) -> usize {
        self.psu_stratum.len()
    }

    /// Strata with a single PSU.
    pub fn single_psu_strata(&self) -> usize {
        self.psus_in.iter().filter(|&&n| n == 1).count()
    }

    /// Degrees of freedom of `rows` (R survey's `degf` of the design subset to them): PSUs minus
    /// strata among the rows with a weight.
    pub fn degf(&self, rows: &[usize]) -> i64 {
        let mut psus = std::collections::BTreeSet::new();
        let mut strata = std::collections::BTreeSet::new();
        for &r in rows.iter().filter(|&&r| self.weights[r] != 0.0) {
            psus.insert(self.psu[r]);
            strata.insert(self.stratum[r]);
        }
        psus.len() as i64 - strata.len() as i64
    }

    /// The variance of the estimated total of `z` (influence values of some rows; the others are
    /// zero): Σ_h n_h/(n_h − 1) Σ_i (z_hi − z̄_h)² over PSU totals z_hi, and z_h1² for a stratum
    /// with a single PSU.
    fn variance(&self, z: &[(usize, f64)]) -> f64 {
        let mut totals = vec![0.0; self.psus()];
        for &(r, v) in z {
            totals[self.psu[r]] += v;
        }
        let h = self.strata();
        let (mut sum, mut sum2) = (vec![0.0; h], vec![0.0; h]);
        for (p, t) in totals.iter().enumerate() {
            let s = self.psu_stratum[p];
            sum[s] += t;
            sum2[s] += t * t;
        }
        (0..h)
            .map(|s| {
                let n = self.psus_in[s] as f64;
                if self.psus_in[s] > 1 {
                    n / (n - 1.0) * (sum2[s] - sum[s] * sum[s] / n).max(0.0)
                } else {
                    sum2[s]
                }
            })
            .sum()
    }

    /// Σw·y / Σw·x over `rows`, linearised; `None` when Σw·x is 0.
    fn linear_ratio(
        &self,
        y: &dyn Fn(usize) -> f64,
        x: &dyn Fn(usize) -> f64,
        rows: &[usize],
    ) -> Option<Linear> {
        let (mut ty, mut tx) = (0.0, 0.0);
        for &r in rows {
            ty += self.weights[r] * y(r);
            tx += self.weights[r] * x(r);
        }
        if tx == 0.0 || !tx.is_finite() {
            return None;
        }
        let value = ty / tx;
        let z = rows
            .iter()
            .map(|&r| (r, self.weights[r] * (y(r) - value * x(r)) / tx))
            .collect();
        Some(Linear { value, z })
    }

    /// The weighted mean of `y` over `rows` (a domain), as `svymean` (or `svyby(…, svymean)`),
    /// with the logit interval of a share (`svyciprop(method = "logit")`): for `y` in [0, 1].
    pub fn share(&self, y: &dyn Fn(usize) -> f64, rows: &[usize]) -> Option<Estimate> {
        let l = self.linear_ratio(y, &|_| 1.0, rows)?;
        let se = self.variance(&l.z).sqrt();
        let (low, high) = logit_interval(l.value, se, self.degf(rows))?;
        Some(Estimate {
            value: l.value,
            se,
            ci_low: low,
            ci_high: high,
        })
    }

    /// The ratio Σw·y / Σw·x over `rows`, as `svyratio(~y, ~x)`, with the normal Wald interval of
    /// `confint`.
    pub fn ratio(
        &self,
        y: &dyn Fn(usize) -> f64,
        x: &dyn Fn(usize) -> f64,
        rows: &[usize],
    ) -> Option<Estimate> {
        let l = self.linear_ratio(y, x, rows)?;
        let se = self.variance(&l.z).sqrt();
        wald(l.value, se)
    }

    /// The difference of the weighted means of `y` in two domains, as `svyby(~y, ~g, svymean,
    /// covmat = TRUE)` then `svycontrast(…, c(1, -1))`: the domains' linearised values are
    /// subtracted row by row, so the covariance through shared PSUs is counted. Returns the
    /// difference and its standard error.
    pub fn difference(
        &self,
        y: &dyn Fn(usize) -> f64,
        a: &[usize],
        b: &[usize],
    ) -> Option<(f64, f64)> {
        let la = self.linear_ratio(y, &|_| 1.0, a)?;
        let lb = self.linear_ratio(y, &|_| 1.0, b)?;
        let z: Vec<(usize, f64)> =
            la.z.into_iter()
                .chain(lb.z.into_iter().map(|(r, v)| (r, -v)))
                .collect();
        let se = self.variance(&z).sqrt();
        se.is_finite().then_some((la.value - lb.value, se))
    }
}

/// The Wald interval with the normal 97.5 % quantile.
fn wald(value: f64, se: f64) -> Option<Estimate> {
    if !value.is_finite() || !se.is_finite() {
        return None;
    }
    let q = Normal::new(0.0, 1.0).ok()?.inverse_cdf(0.975);
    Some(Estimate {
        value,
        se,
        ci_low: value - q * se,
        ci_high: value + q * se,
    })
}

/// The logit interval of a share `p` with standard error `se` on `df` degrees of freedom, as
/// `svyciprop(method = "logit")`: expit(logit(p) ± t_{df, 0.975} · se / (p(1 − p))). A share of 0
/// or 1 has the degenerate interval [p, p] (as R's, whose logit is infinite). `None` without
/// degrees of freedom.
pub fn logit_interval(p: f64, se: f64, df: i64) -> Option<(f64, f64)> {
    if df < 1 || !p.is_finite() || !se.is_finite() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    if p == 0.0 || p == 1.0 {
        return Some((p, p));
    }
    let q = StudentsT::new(0.0, 1.0, df as f64).ok()?.inverse_cdf(0.975);
    let logit = (p / (1.0 - p)).ln();
    let half = q * se / (p * (1.0 - p));
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    Some((expit(logit - half), expit(logit + half)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of a fixture exported from R's `data(api)` by tests/fixtures/survey/api.R.
    struct Api {
        dnum: Vec<String>,
        stype: Vec<String>,
        pw: Vec<f64>,
        /// Deprived in api00 < 650, emer > 10, meals > 50, ell > 25, mobility > 20.
        deprived: [Vec<f64>; 5],
    }

    const WEIGHTS: [f64; 5] = [1.0 / 6.0, 1.0 / 6.0, 1.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0];

    fn api(file: &str) -> Api {
        let path = format!(
            "{}/tests/fixtures/survey/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let mut a = Api {
            dnum: Vec::new(),
            stype: Vec::new(),
            pw: Vec::new(),
            deprived: Default::default(),
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').map(|x| x.trim_matches('"')).collect();
            let x = |i: usize| f[i].parse::<f64>().unwrap();
            a.dnum.push(f[1].to_string());
            a.stype.push(f[2].to_string());
            a.pw.push(x(3));
            let d = [
                x(4) < 650.0,
                x(8) > 10.0,
                x(5) > 50.0,
                x(6) > 25.0,
                x(7) > 20.0,
            ];
            for (column, d) in a.deprived.iter_mut().zip(d) {
                column.push(f64::from(u8::from(d)));
            }
        }
        a
    }

    impl Api {
        fn score(&self, i: usize) -> f64 {
            self.deprived
                .iter()
                .zip(WEIGHTS)
                .map(|(d, w)| d[i] * w)
                .sum()
        }
        fn poor(&self, i: usize) -> f64 {
            f64::from(u8::from(crate::stats::is_deprived(
                self.score(i),
                1.0 / 3.0,
            )))
        }
        fn cens(&self, i: usize) -> f64 {
            self.score(i) * self.poor(i)
        }
    }

    fn close(got: Estimate, want: [f64; 4]) {
        let got = [got.value, got.se, got.ci_low, got.ci_high];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-6, "{got:?} against {want:?}");
        }
    }

    fn strat() -> (Api, SurveyDesign) {
        let a = api("apistrat.csv");
        let strata: Vec<Option<&str>> = a.stype.iter().map(|s| Some(s.as_str())).collect();
        let d = SurveyDesign::new(a.pw.clone(), Some(&strata), None);
        (a, d)
    }

    fn clus() -> (Api, SurveyDesign) {
        let a = api("apiclus1.csv");
        let psus: Vec<Option<&str>> = a.dnum.iter().map(|s| Some(s.as_str())).collect();
        let d = SurveyDesign::new(a.pw.clone(), None, Some(&psus));
        (a, d)
    }

    fn domain(a: &Api, g: &str) -> Vec<usize> {
        (0..a.pw.len()).filter(|&i| a.stype[i] == g).collect()
    }

    /// R 4.2.2, survey 4.1.1 (tests/fixtures/survey/api.R, output in reference.txt):
    /// des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat);
    /// svyciprop(~poor, des, method = "logit") and SE(svymean(~poor, des)) for H and M0 (~cens),
    /// confint(svyratio(~cens, ~poor, des)) for A, svyciprop of the censored and uncensored
    /// headcounts, svyratio(~w_j * cen_j, ~cens) for contributions.
    #[test]
    fn stratified_against_r_survey() {
        let (a, d) = strat();
        assert_eq!((d.strata(), d.psus(), d.single_psu_strata()), (3, 200, 0));
        let all: Vec<usize> = (0..a.pw.len()).collect();
        assert_eq!(d.degf(&all), 197);
        close(
            d.share(&|i| a.poor(i), &all).unwrap(),
            [
                0.540958992618931,
                0.0385076319356488,
                0.464656887393102,
                0.615387656177486,
            ],
        );
        close(
            d.share(&|i| a.cens(i), &all).unwrap(),
            [
                0.37030943882889,
                0.0297231197856191,
                0.313831448646029,
                0.430573456056134,
            ],
        );
        close(
            d.ratio(&|i| a.cens(i), &|i| a.poor(i), &all).unwrap(),
            [
                0.684542532338796,
                0.0230937066139925,
                0.639279699105836,
                0.729805365571756,
            ],
        );
        // svyciprop(~d_ell) and svyciprop(~cen_ell)
        close(
            d.share(&|i| a.deprived[3][i], &all).unwrap(),
            [
                0.344171777962441,
                0.0370484851481179,
                0.275189935111496,
                0.420415511394307,
            ],
        );
        close(
            d.share(&|i| a.deprived[3][i] * a.poor(i), &all).unwrap(),
            [
                0.329896673221302,
                0.0366855754171929,
                0.26193844184016,
                0.40579237955667,
            ],
        );
        // svyratio(~num, ~cens) with num = cen_meals / 3: the contribution of meals.
        let c = d
            .ratio(
                &|i| WEIGHTS[2] * a.deprived[2][i] * a.poor(i),
                &|i| a.cens(i),
                &all,
            )
            .unwrap();
        assert!((c.value - 0.39696036471402).abs() < 1e-9);
        assert!((c.se - 0.0145349639496102).abs() < 1e-9);
        // Domains: subset(des, stype == "H") (degf 49).
        let h = domain(&a, "H");
        assert_eq!(d.degf(&h), 49);
        close(
            d.share(&|i| a.cens(i), &h).unwrap(),
            [
                0.23,
                0.0417556872170246,
                0.156815205603764,
                0.324207059219592,
            ],
        );
        close(
            d.ratio(&|i| a.cens(i), &|i| a.poor(i), &h).unwrap(),
            [
                0.522727272727273,
                0.0436879099514936,
                0.437100542662516,
                0.608354002792029,
            ],
        );
        // svycontrast(svyby(~cens, ~stype, des, svymean, covmat = TRUE), c(E = 1, H = -1))
        let (diff, se) = d.difference(&|i| a.cens(i), &domain(&a, "E"), &h).unwrap();
        assert!((diff - 0.156666666666667).abs() < 1e-9);
        assert!((se - 0.057324287094004).abs() < 1e-9);
    }

    /// R 4.2.2, survey 4.1.1: des <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1) (15
    /// PSUs, degf 14), the same calls; domains by svyby(…, ~stype, …), which cut across PSUs.
    #[test]
    fn clustered_against_r_survey() {
        let (a, d) = clus();
        assert_eq!((d.strata(), d.psus()), (1, 15));
        let all: Vec<usize> = (0..a.pw.len()).collect();
        assert_eq!(d.degf(&all), 14);
        close(
            d.share(&|i| a.poor(i), &all).unwrap(),
            [
                0.622950819672129,
                0.0658143029403065,
                0.475300662876579,
                0.750833339405457,
            ],
        );
        close(
            d.share(&|i| a.cens(i), &all).unwrap(),
            [
                0.408014571949438,
                0.0691957195653324,
                0.271581173276347,
                0.560269741218533,
            ],
        );
        close(
            d.ratio(&|i| a.cens(i), &|i| a.poor(i), &all).unwrap(),
            [
                0.654970760233918,
                0.0494167233694648,
                0.558115762195788,
                0.751825758272048,
            ],
        );
        // svyciprop(~d_api)
        close(
            d.share(&|i| a.deprived[0][i], &all).unwrap(),
            [
                0.486338797814224,
                0.105592713517555,
                0.2766318826575,
                0.70096843922009,
            ],
        );
        // svyratio(~belong, ~cens), belong = (cen_ell + cen_mob) / 6: a dimension's contribution.
        let c = d
            .ratio(
                &|i| (a.deprived[3][i] + a.deprived[4][i]) / 6.0 * a.poor(i),
                &|i| a.cens(i),
                &all,
            )
            .unwrap();
        assert!((c.value - 0.294642857142857).abs() < 1e-9);
        assert!((c.se - 0.019461909916424).abs() < 1e-9);
        // Domain M: subset(des, stype == "M"), degf 11.
        let m = domain(&a, "M");
        assert_eq!(d.degf(&m), 11);
        close(
            d.share(&|i| a.poor(i), &m).unwrap(),
            [
                0.559999999543443,
                0.0999199679743744,
                0.342678620925337,
                0.756521834742898,
            ],
        );
        close(
            d.share(&|i| a.deprived[2][i] * a.poor(i), &m).unwrap(),
            [
                0.320000000000098,
                0.146829347008209,
                0.0963091110508358,
                0.675108214084459,
            ],
        );
        // A group's contribution to M0: svyratio(~I(cens * (stype == "M")), ~cens) = 0.1049…
        let c = d
            .ratio(
                &|i| if a.stype[i] == "M" { a.cens(i) } else { 0.0 },
                &|i| a.cens(i),
                &all,
            )
            .unwrap();
        assert!((c.value - 0.104910714285714).abs() < 1e-9);
        assert!((c.se - 0.0233788195175719).abs() < 1e-9);
        // svycontrast(svyby(~cens, ~stype, des, svymean, covmat = TRUE), c(E = 1, M = -1)):
        // E and M share PSUs, so the covariance counts.
        let (diff, se) = d.difference(&|i| a.cens(i), &domain(&a, "E"), &m).unwrap();
        assert!((diff - 0.132268518518519).abs() < 1e-9);
        assert!((se - 0.0407257933888953).abs() < 1e-9);
    }

    /// R 4.2.2, survey 4.1.1, options(survey.lonely.psu = "adjust"): apistrat without all but one
    /// school of stratum H (lonely.csv), svydesign(id = ~1, strata = ~stype, weights = ~pw),
    /// svyciprop(~poor) and svyciprop(~cens), degf 148.
    #[test]
    fn a_single_psu_stratum_is_centred_at_the_whole_sample_as_adjust() {
        let a = api("lonely.csv");
        let strata: Vec<Option<&str>> = a.stype.iter().map(|s| Some(s.as_str())).collect();
        let d = SurveyDesign::new(a.pw.clone(), Some(&strata), None);
        assert_eq!(d.single_psu_strata(), 1);
        let all: Vec<usize> = (0..a.pw.len()).collect();
        assert_eq!(d.degf(&all), 148);
        close(
            d.share(&|i| a.poor(i), &all).unwrap(),
            [
                0.556205423470444,
                0.042633314494034,
                0.471149200273874,
                0.638089898667525,
            ],
        );
        close(
            d.share(&|i| a.cens(i), &all).unwrap(),
            [
                0.391014099664226,
                0.0332793097442762,
                0.327562754908431,
                0.458378078350203,
            ],
        );
    }

    #[test]
    fn shares_of_zero_or_one_and_designs_without_freedom() {
        assert_eq!(logit_interval(0.0, 0.0, 10), Some((0.0, 0.0)));
        assert_eq!(logit_interval(1.0, 0.0, 10), Some((1.0, 1.0)));
        assert_eq!(logit_interval(0.5, 0.1, 0), None);
        // Two rows in one PSU: no degrees of freedom, no interval.
        let d = SurveyDesign::new(vec![1.0, 2.0], None, Some(&[Some("a"), Some("a")]));
        assert!(d.share(&|i| i as f64, &[0, 1]).is_none());
        assert!(d.ratio(&|i| i as f64, &|_| 0.0, &[0, 1]).is_none());
    }
}
