//! Change between two waves of an estimate — a mean, a share, or a ratio of two means such as the
//! intensity A = M0 / H — with its standard error, as the MPI toolboxes report changes over time
//! (Stata mpitb, Suppa 2023; R mpitbR; Alkire, Roche & Vaz 2017): the absolute change, the
//! relative change and, when the waves are dated, both annualised.
//!
//! The two waves' records are stacked and every estimate is linearised (Binder 1983; Wolter 2007,
//! ch. 6): a record of wave t contributes z = w (y − θₜ x) / Σₜ w x to θₜ. The variance of the two
//! estimates and their covariance come from the totals of z per cluster within strata, with
//! clusters sampled with replacement:
//!
//! V_ab = Σ_h m_h / (m_h − 1) Σ_c (Z_a,hc − Z̄_a,h)(Z_b,hc − Z̄_b,h).
//!
//! A person seen in both waves is one cluster (the panel is compared as paired: the correlation
//! of their two answers enters the covariance); a person seen once is a cluster of their own
//! (refreshment samples are independent); with primary sampling units (an ambito), the PSU is the
//! cluster and people are nested in it. This is what R `survey` computes with
//! `svyby(~y, ~wave, svydesign(ids = ~cluster, strata = ~stratum, weights = ~w, data = stacked),
//! svymean, covmat = TRUE)` followed by `svycontrast` (Lumley 2010, ch. 2.5 and 3.4). A stratum
//! with a single cluster is centred on the mean of all clusters, as `survey`'s
//! `options(survey.lonely.psu = "adjust")`.

use std::collections::HashMap;

use serde::Serialize;

/// One record of the stacked waves.
#[derive(Debug, Clone, Copy)]
pub struct Obs {
    /// The wave (0, 1, …).
    pub wave: usize,
    /// The cluster: a person (linked across waves) or a primary sampling unit.
    pub cluster: u32,
    pub stratum: u32,
    /// The design weight (1 without weights).
    pub weight: f64,
    /// The value (a score, 0/1 for a share, a censored score for M0).
    pub y: f64,
    /// The denominator's value: 1 for a mean, the headcount's 0/1 for the intensity A.
    pub x: f64,
}

/// Every wave's estimate and their covariance matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Waves {
    /// `None` for a wave without records (or weight).
    pub theta: Vec<Option<f64>>,
    pub cov: Vec<Vec<f64>>,
}

/// Two waves' estimates, their variances and covariance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoWaves {
    pub before: f64,
    pub after: f64,
    pub var_before: f64,
    pub var_after: f64,
    pub cov: f64,
}

impl Waves {
    /// The estimate of wave `t` and its standard error.
    pub fn at(&self, t: usize) -> Option<(f64, f64)> {
        Some((self.theta.get(t).copied()??, self.cov[t][t].sqrt()))
    }

    /// Waves `a` and `b` (both estimated).
    pub fn pair(&self, a: usize, b: usize) -> Option<TwoWaves> {
        Some(TwoWaves {
            before: self.theta.get(a).copied()??,
            after: self.theta.get(b).copied()??,
            var_before: self.cov[a][a],
            var_after: self.cov[b][b],
            cov: self.cov[a][b],
        })
    }
}

/// θₜ of every wave in `0..waves` and their covariance matrix.
pub fn estimate(obs: &[Obs], waves: usize) -> Waves {
    let mut den = vec![0.0f64; waves];
    let mut num = vec![0.0f64; waves];
    for o in obs.iter().filter(|o| o.wave < waves) {
        den[o.wave] += o.weight * o.x;
        num[o.wave] += o.weight * o.y;
    }
    let ok = |d: f64| d.is_finite() && d > 0.0;
    let theta: Vec<Option<f64>> = (0..waves)
        .map(|t| ok(den[t]).then(|| num[t] / den[t]))
        .collect();
    // Totals of the linearised values per (stratum, cluster), in the order of the clusters.
    let mut slot: HashMap<(u32, u32), usize> = HashMap::new();
    let mut totals: Vec<((u32, u32), Vec<f64>)> = Vec::new();
    for o in obs.iter().filter(|o| o.wave < waves) {
        let Some(th) = theta[o.wave] else { continue };
        let z = o.weight * (o.y - th * o.x) / den[o.wave];
        let k = *slot.entry((o.stratum, o.cluster)).or_insert_with(|| {
            totals.push(((o.stratum, o.cluster), vec![0.0; waves]));
            totals.len() - 1
        });
        totals[k].1[o.wave] += z;
    }
    totals.sort_by_key(|t| t.0);
    let all: Vec<&Vec<f64>> = totals.iter().map(|t| &t.1).collect();
    let keys: Vec<u32> = totals.iter().map(|t| t.0 .0).collect();
    let grand = mean_of(&all, waves);
    let mut v = vec![vec![0.0f64; waves]; waves];
    let mut start = 0;
    while start < all.len() {
        let end = start
            + keys[start..]
                .iter()
                .take_while(|&&h| h == keys[start])
                .count();
        let stratum = &all[start..end];
        let m = stratum.len() as f64;
        let (centre, factor) = if stratum.len() > 1 {
            (mean_of(stratum, waves), m / (m - 1.0))
        } else {
            (grand.clone(), 1.0)
        };
        for z in stratum {
            for a in 0..waves {
                for b in 0..waves {
                    v[a][b] += factor * (z[a] - centre[a]) * (z[b] - centre[b]);
                }
            }
        }
        start = end;
    }
    Waves { theta, cov: v }
}

fn mean_of(z: &[&Vec<f64>], waves: usize) -> Vec<f64> {
    let n = z.len().max(1) as f64;
    (0..waves)
        .map(|t| z.iter().map(|x| x[t]).sum::<f64>() / n)
        .collect()
}

/// An estimate with its standard error and 95 % interval.
pub use super::survey::Estimate;

/// The two-sided 95 % normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// How the change's estimates get their intervals.
pub trait Interval: Sized {
    /// `value ± 1.96 se`; `None` when either is not a finite number.
    fn normal(value: f64, se: f64) -> Option<Self>;
    /// A share in [0, 1] with the logit interval.
    fn share(p: f64, se: f64) -> Option<Self>;
    /// Whether the interval leaves out zero.
    fn excludes_zero(&self) -> bool;
}

impl Interval for Estimate {
    /// `value ± 1.96 se`; `None` when either is not a finite number.
    fn normal(value: f64, se: f64) -> Option<Estimate> {
        (value.is_finite() && se.is_finite() && se >= 0.0).then_some(Estimate {
            value,
            se,
            ci_low: value - Z95 * se,
            ci_high: value + Z95 * se,
        })
    }

    /// A share in [0, 1] with the logit interval (`survey::svyciprop(method = "logit")`, with the
    /// normal quantile); the normal interval clamped to [0, 1] at 0 or 1, where the logit is not
    /// defined.
    fn share(p: f64, se: f64) -> Option<Estimate> {
        let mut e = Estimate::normal(p, se)?;
        if p > 0.0 && p < 1.0 {
            let l = (p / (1.0 - p)).ln();
            let s = se / (p * (1.0 - p));
            let back = |x: f64| 1.0 / (1.0 + (-x).exp());
            e.ci_low = back(l - Z95 * s);
            e.ci_high = back(l + Z95 * s);
        } else {
            e.ci_low = e.ci_low.clamp(0.0, 1.0);
            e.ci_high = e.ci_high.clamp(0.0, 1.0);
        }
        Some(e)
    }

    /// Whether the interval leaves out zero: the change holds up to its interval.
    fn excludes_zero(&self) -> bool {
        self.ci_low > 0.0 || self.ci_high < 0.0
    }
}

/// The changes between two estimates: θ₁ − θ₀; θ₁ / θ₀ − 1; and per year, over `years` between
/// the waves, (θ₁ − θ₀) / years and (θ₁ / θ₀)^(1/years) − 1 (Alkire, Roche & Vaz 2017, eq. 3–4).
/// Standard errors of the relative changes by the delta method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub absolute: Estimate,
    /// `None` when θ₀ is zero.
    pub relative: Option<Estimate>,
    /// `None` when the waves are not dated.
    pub annual_absolute: Option<Estimate>,
    /// `None` when the waves are not dated or an estimate is zero.
    pub annual_relative: Option<Estimate>,
}

/// The changes of `w` over `years` (when the waves are dated).
pub fn change(w: &TwoWaves, years: Option<f64>) -> Option<Change> {
    let (a, b) = (w.before, w.after);
    let var_diff = (w.var_before + w.var_after - 2.0 * w.cov).max(0.0);
    let absolute = Estimate::normal(b - a, var_diff.sqrt())?;
    // Var(log θ₁ − log θ₀): the relative changes' delta method rests on it.
    let var_log = (a > 0.0 && b > 0.0)
        .then(|| (w.var_after / (b * b) + w.var_before / (a * a) - 2.0 * w.cov / (a * b)).max(0.0));
    let relative = if a > 0.0 {
        let r = b / a;
        // d(θ₁/θ₀) = dθ₁/θ₀ − θ₁ dθ₀/θ₀².
        let var = (w.var_after / (a * a) + b * b * w.var_before / a.powi(4)
            - 2.0 * b * w.cov / a.powi(3))
        .max(0.0);
        Estimate::normal(r - 1.0, var.sqrt())
    } else {
        None
    };
    let years = years.filter(|y| y.is_finite() && *y > 0.0);
    let annual_absolute = years.and_then(|t| Estimate::normal((b - a) / t, var_diff.sqrt() / t));
    let annual_relative = match (years, var_log) {
        (Some(t), Some(vl)) => {
            let g = (b / a).powf(1.0 / t);
            Estimate::normal(g - 1.0, g / t * vl.sqrt())
        }
        _ => None,
    };
    Some(Change {
        absolute,
        relative,
        annual_absolute,
        annual_relative,
    })
}

/// Years between two wave dates written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (months and days as
/// fractions of a year); `None` when either is not such a date.
pub fn years_between(from: &str, to: &str) -> Option<f64> {
    let parse = |s: &str| -> Option<f64> {
        let mut parts = s.trim().split('-');
        let y: f64 = parts.next()?.parse::<u16>().ok()?.into();
        let m: f64 = parts
            .next()
            .map_or(Some(1), |m| m.parse::<u8>().ok())?
            .into();
        let d: f64 = parts
            .next()
            .map_or(Some(1), |d| d.parse::<u8>().ok())?
            .into();
        if parts.next().is_some() || !(1.0..=12.0).contains(&m) || !(1.0..=31.0).contains(&d) {
            return None;
        }
        Some(y + (m - 1.0) / 12.0 + (d - 1.0) / 365.25)
    };
    let t = parse(to)? - parse(from)?;
    (t > 0.0).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    /// Eight people: 1–4 answer in both waves (the panel), 5–6 only in the first, 7–8 only in
    /// the second (refreshment). Unweighted, one stratum, each person a cluster.
    fn panel() -> Vec<Obs> {
        let first = [(1, 3.0), (2, 4.0), (3, 2.0), (4, 5.0), (5, 1.0), (6, 3.0)];
        let second = [(1, 4.0), (2, 5.0), (3, 2.0), (4, 5.0), (7, 4.0), (8, 2.0)];
        let obs = |wave, (c, y): (u32, f64)| Obs {
            wave,
            cluster: c,
            stratum: 0,
            weight: 1.0,
            y,
            x: 1.0,
        };
        first
            .into_iter()
            .map(|p| obs(0, p))
            .chain(second.into_iter().map(|p| obs(1, p)))
            .collect()
    }

    /// 53 records in two waves: three strata of three PSUs, four people in each PSU, some seen
    /// in one wave only.
    const DATA: &[(usize, u32, u32, u32, f64, f64, f64)] = &[
        (0, 1, 0, 0, 1.0, 3.0, 0.0),
        (1, 1, 0, 0, 1.0, 4.0, 0.0),
        (0, 2, 0, 0, 1.0, 1.0, 0.0),
        (1, 2, 0, 0, 1.0, 1.0, 1.0),
        (0, 3, 0, 0, 1.0, 1.0, 0.0),
        (0, 4, 0, 0, 1.0, 2.0, 1.0),
        (1, 4, 0, 0, 1.0, 4.0, 1.0),
        (1, 5, 0, 1, 1.5, 2.0, 1.0),
        (0, 6, 0, 1, 1.5, 4.0, 1.0),
        (0, 7, 0, 1, 1.5, 5.0, 1.0),
        (1, 7, 0, 1, 1.5, 2.0, 0.0),
        (0, 8, 0, 1, 1.5, 5.0, 0.0),
        (1, 8, 0, 1, 1.5, 5.0, 1.0),
        (0, 9, 0, 2, 2.0, 1.0, 0.0),
        (1, 10, 0, 2, 2.0, 1.0, 1.0),
        (0, 11, 0, 2, 2.0, 2.0, 1.0),
        (1, 11, 0, 2, 2.0, 2.0, 1.0),
        (0, 12, 0, 2, 2.0, 5.0, 1.0),
        (0, 13, 1, 10, 2.0, 2.0, 1.0),
        (1, 13, 1, 10, 2.0, 5.0, 0.0),
        (0, 14, 1, 10, 2.0, 3.0, 1.0),
        (1, 14, 1, 10, 2.0, 1.0, 1.0),
        (0, 16, 1, 10, 2.0, 5.0, 1.0),
        (1, 16, 1, 10, 2.0, 5.0, 1.0),
        (0, 17, 1, 11, 2.5, 3.0, 1.0),
        (1, 17, 1, 11, 2.5, 4.0, 1.0),
        (0, 18, 1, 11, 2.5, 2.0, 0.0),
        (0, 19, 1, 11, 2.5, 2.0, 1.0),
        (1, 19, 1, 11, 2.5, 3.0, 1.0),
        (1, 20, 1, 11, 2.5, 3.0, 0.0),
        (0, 21, 1, 12, 3.0, 3.0, 0.0),
        (0, 22, 1, 12, 3.0, 1.0, 1.0),
        (1, 22, 1, 12, 3.0, 4.0, 1.0),
        (0, 23, 1, 12, 3.0, 3.0, 1.0),
        (1, 23, 1, 12, 3.0, 4.0, 1.0),
        (0, 24, 1, 12, 3.0, 1.0, 0.0),
        (1, 25, 2, 20, 3.0, 5.0, 0.0),
        (0, 26, 2, 20, 3.0, 3.0, 1.0),
        (1, 26, 2, 20, 3.0, 3.0, 1.0),
        (0, 27, 2, 20, 3.0, 5.0, 0.0),
        (0, 28, 2, 20, 3.0, 1.0, 0.0),
        (1, 28, 2, 20, 3.0, 3.0, 1.0),
        (0, 29, 2, 21, 3.5, 1.0, 1.0),
        (1, 29, 2, 21, 3.5, 3.0, 0.0),
        (0, 31, 2, 21, 3.5, 4.0, 1.0),
        (1, 31, 2, 21, 3.5, 4.0, 0.0),
        (0, 32, 2, 21, 3.5, 3.0, 1.0),
        (1, 32, 2, 21, 3.5, 4.0, 1.0),
        (0, 33, 2, 22, 4.0, 5.0, 1.0),
        (0, 34, 2, 22, 4.0, 1.0, 1.0),
        (1, 34, 2, 22, 4.0, 3.0, 1.0),
        (1, 35, 2, 22, 4.0, 2.0, 1.0),
        (0, 36, 2, 22, 4.0, 4.0, 1.0),
    ];

    /// The records as observations; `ratio`: y over x (else the mean of y).
    fn records(by_psu: bool, weighted: bool, ratio: bool) -> Vec<Obs> {
        DATA.iter()
            .map(|&(wave, person, stratum, psu, w, y, x)| Obs {
                wave,
                cluster: if by_psu { psu } else { person },
                stratum: if by_psu { stratum } else { 0 },
                weight: if weighted { w } else { 1.0 },
                y,
                x: if ratio { x } else { 1.0 },
            })
            .collect()
    }

    #[test]
    fn against_r_survey() {
        // R 4.2.2, survey 4.1-1 (Debian r-cran-survey), d = the DATA above as a data frame,
        // wave a factor:
        //   des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d)
        //   b <- svyby(~y, ~wave, des, svymean, covmat = TRUE); coef(b); vcov(b)
        //   → 2.804195804196 3.264957264957; V 0.058089169216 0.043630064586, C −0.016277505926
        let w = estimate(&records(true, true, false), 2);
        let p = w.pair(0, 1).unwrap();
        for (a, b) in [
            (p.before, 2.804_195_804_196),
            (p.after, 3.264_957_264_957),
            (p.var_before, 0.058_089_169_216),
            (p.var_after, 0.043_630_064_586),
            (p.cov, -0.016_277_505_926),
        ] {
            close(a, b, 1e-11);
        }
        //   svyby(~y, ~wave, des, svyratio, denominator = ~x, covmat = TRUE)
        //   → 3.970297029703 4.602409638554; V 0.300295460134 0.784163055410, C −0.029465004107
        let p = estimate(&records(true, true, true), 2).pair(0, 1).unwrap();
        for (a, b) in [
            (p.before, 3.970_297_029_703),
            (p.after, 4.602_409_638_554),
            (p.var_before, 0.300_295_460_134),
            (p.var_after, 0.784_163_055_410),
            (p.cov, -0.029_465_004_107),
        ] {
            close(a, b, 1e-11);
        }
        //   des2 <- svydesign(ids = ~person, data = d)   (each person a cluster, no weights)
        //   b <- svyby(~y, ~wave, des2, svymean, covmat = TRUE)
        //   → 2.793103448276 3.208333333333; V 0.076885133263 0.067896850449, C 0.013452624741;
        //   svycontrast(b, c(-1, 1)) → 0.41523, SE 0.3433
        let p = estimate(&records(false, false, false), 2)
            .pair(0, 1)
            .unwrap();
        for (a, b) in [
            (p.before, 2.793_103_448_276),
            (p.after, 3.208_333_333_333),
            (p.var_before, 0.076_885_133_263),
            (p.var_after, 0.067_896_850_449),
            (p.cov, 0.013_452_624_741),
        ] {
            close(a, b, 1e-11);
        }
        let c = change(&p, None).unwrap();
        close(c.absolute.value, 0.41523, 1e-5);
        close(c.absolute.se, 0.3433, 1e-4);
    }

    #[test]
    fn panel_and_refreshment_by_hand() {
        // By hand: θ₀ = 18/6 = 3, θ₁ = 22/6 = 11/3. z = (y − θ)/6. Per person (Z₀, Z₁):
        // 1 (0, 1/18), 2 (1/6, 2/9), 3 (−1/6, −5/18), 4 (1/3, 2/9), 5 (−1/3, 0), 6 (0, 0),
        // 7 (0, 1/18), 8 (0, −5/18); both columns sum to 0, m = 8, factor 8/7.
        // V₀₀ = 8/7 · (1/36 + 1/36 + 1/9 + 1/9) = 8/7 · 10/36 = 0.31746031746;
        // V₁₁ = 8/7 · (1/324 + 16/324 + 25/324 + 16/324 + 1/324 + 25/324) = 8/7 · 84/324
        //     = 0.29629629630;
        // V₀₁ = 8/7 · (0 + 2/54 + 5/108 + 2/27) = 8/7 · 17/108 = 0.17989417989.
        let w = estimate(&panel(), 2).pair(0, 1).unwrap();
        close(w.before, 3.0, 1e-12);
        close(w.after, 11.0 / 3.0, 1e-12);
        close(w.var_before, 8.0 / 7.0 * 10.0 / 36.0, 1e-12);
        close(w.var_after, 8.0 / 7.0 * 84.0 / 324.0, 1e-12);
        close(w.cov, 8.0 / 7.0 * 17.0 / 108.0, 1e-12);
        // Absolute change 2/3, SE √(V₀₀ + V₁₁ − 2V₀₁) = √0.25396825397 = 0.50395263067.
        let c = change(&w, years_between("2022", "2024")).unwrap();
        close(c.absolute.value, 2.0 / 3.0, 1e-12);
        close(c.absolute.se, 0.253_968_253_97_f64.sqrt(), 1e-10);
        // Relative: 11/9 − 1 = 0.2222…; Var = V₁₁/9 + (121/9)·V₀₀/81 − 2·(11/3)·V₀₁/27.
        close(c.relative.unwrap().value, 2.0 / 9.0, 1e-12);
        let var_rel = w.var_after / 9.0 + (121.0 / 9.0) * w.var_before / 81.0
            - 2.0 * (11.0 / 3.0) * w.cov / 27.0;
        close(c.relative.unwrap().se, var_rel.sqrt(), 1e-12);
        // Over two years: (2/3)/2 per year; (11/9)^(1/2) − 1 = 0.10554159678.
        close(c.annual_absolute.unwrap().value, 1.0 / 3.0, 1e-12);
        close(c.annual_absolute.unwrap().se, c.absolute.se / 2.0, 1e-12);
        close(c.annual_relative.unwrap().value, 0.105_541_596_78, 1e-10);
    }

    #[test]
    fn panel_is_paired_refreshment_is_independent() {
        // The same answers with nobody linked (eight clusters become twelve): the covariance
        // vanishes, and the positively correlated panel made the paired SE smaller.
        let mut unlinked = panel();
        for o in unlinked.iter_mut().filter(|o| o.wave == 1) {
            o.cluster += 100;
        }
        let w = estimate(&unlinked, 2).pair(0, 1).unwrap();
        close(w.cov, 0.0, 1e-15);
        let paired = change(&estimate(&panel(), 2).pair(0, 1).unwrap(), None).unwrap();
        let independent = change(&w, None).unwrap();
        assert!(paired.absolute.se < independent.absolute.se);
        assert!(paired.annual_absolute.is_none());
    }

    #[test]
    fn shares_get_the_logit_interval() {
        // p = 0.2, se = 0.05: logit 0.2 = −1.386294361, its se 0.05 / 0.16 = 0.3125, back from
        // −1.386294361 ∓ 1.959963985 · 0.3125 → (0.1193307, 0.3156565) (Python 3.11 math).
        let e = Estimate::share(0.2, 0.05).unwrap();
        close(e.ci_low, 0.119_330_7, 1e-6);
        close(e.ci_high, 0.315_656_5, 1e-6);
        assert!(Estimate::share(0.0, 0.0).unwrap().ci_low == 0.0);
    }

    #[test]
    fn dates() {
        close(years_between("2022", "2024").unwrap(), 2.0, 1e-12);
        close(years_between("2022-07", "2023-01").unwrap(), 0.5, 1e-12);
        assert!(years_between("2024", "2022").is_none());
        assert!(years_between("prima", "2022").is_none());
        assert!(years_between("2022-13", "2023").is_none());
    }

    #[test]
    fn an_empty_wave_gives_nothing() {
        let only_first: Vec<Obs> = panel().into_iter().filter(|o| o.wave == 0).collect();
        let w = estimate(&only_first, 2);
        assert!(w.pair(0, 1).is_none() && w.at(1).is_none());
        close(
            w.at(0).unwrap().1,
            (8.0f64 / 7.0 * 10.0 / 36.0 * 7.0 / 8.0 * 6.0 / 5.0).sqrt(),
            1e-12,
        );
    }
}
