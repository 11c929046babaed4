//! Cronbach's alpha (raw and standardised) with Feldt's 95% interval as pingouin's
//! `cronbach_alpha` computes it, corrected item–total correlations and alpha if an item is dropped.
//! Rows with any missing item are expected to be dropped by the caller (listwise deletion).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

/// One item's contribution to a scale.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemStat {
    pub item: String,
    /// Correlation of the item with the sum of the other items.
    pub r_drop: Option<f64>,
    /// Alpha of the scale without this item (needs at least three items).
    pub alpha_if_dropped: Option<f64>,
}

/// Reliability of a scale.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alpha {
    /// Respondents with every item answered.
    pub n: usize,
    pub k: usize,
    pub raw_alpha: f64,
    pub std_alpha: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub items: Vec<ItemStat>,
}

impl Alpha {
    /// When alpha is negative, the items whose item–rest correlation (`r_drop`) is negative: the
    /// items that go against the others, most often reverse-keyed ones not turned (or turned
    /// twice, when the data already holds them reversed). Empty when alpha is 0 or more.
    pub fn against_the_rest(&self) -> Vec<String> {
        if self.raw_alpha >= 0.0 {
            return Vec::new();
        }
        self.items
            .iter()
            .filter(|i| i.r_drop.is_some_and(|r| r < 0.0))
            .map(|i| i.item.clone())
            .collect()
    }
}

fn var(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
}

fn corr(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let d = (sxx * syy).sqrt();
    (d > 0.0).then(|| sxy / d)
}

fn raw_alpha(columns: &[&[f64]]) -> Option<f64> {
    let k = columns.len();
    let n = columns.first()?.len();
    if k < 2 || n < 2 {
        return None;
    }
    let totals: Vec<f64> = (0..n).map(|i| columns.iter().map(|c| c[i]).sum()).collect();
    let total_var = var(&totals);
    if total_var <= 0.0 {
        return None;
    }
    let item_var: f64 = columns.iter().map(|c| var(c)).sum();
    let k = k as f64;
    Some(k / (k - 1.0) * (1.0 - item_var / total_var))
}

/// Cronbach's alpha of complete cases; `columns[j]` holds item j (already reverse-scored), all of
/// equal length. `None` with fewer than two items or two respondents, or no variance.
pub fn cronbach_alpha(names: &[String], columns: &[&[f64]]) -> Option<Alpha> {
    let alpha = raw_alpha(columns)?;
    let k = columns.len();
    let n = columns[0].len();
    let mut rs = Vec::new();
    for a in 0..k {
        for b in a + 1..k {
            rs.push(corr(columns[a], columns[b]));
        }
    }
    let std_alpha = rs.iter().copied().collect::<Option<Vec<f64>>>().map(|rs| {
        let rbar = rs.iter().sum::<f64>() / rs.len() as f64;
        let kf = k as f64;
        kf * rbar / (1.0 + (kf - 1.0) * rbar)
    });
    let df1 = (n - 1) as f64;
    let df2 = df1 * (k - 1) as f64;
    let ci95 = FisherSnedecor::new(df1, df2).ok().map(|f| {
        [
            1.0 - (1.0 - alpha) * f.inverse_cdf(0.975),
            1.0 - (1.0 - alpha) * f.inverse_cdf(0.025),
        ]
    });
    let items = (0..k)
        .map(|j| {
            let rest: Vec<&[f64]> = (0..k).filter(|&o| o != j).map(|o| columns[o]).collect();
            let rest_sum: Vec<f64> = (0..n).map(|i| rest.iter().map(|c| c[i]).sum()).collect();
            ItemStat {
                item: names[j].clone(),
                r_drop: corr(columns[j], &rest_sum),
                alpha_if_dropped: if k > 2 { raw_alpha(&rest) } else { None },
            }
        })
        .collect();
    Some(Alpha {
        n,
        k,
        raw_alpha: alpha,
        std_alpha,
        ci95,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-6 * b.abs(), "{a} vs {b}");
    }

    #[test]
    fn against_pingouin() {
        // pingouin 0.7.0 cronbach_alpha(df) with d reverse-scored (6 − d) → 0.952583658507745;
        // Feldt interval from scipy 1.17.1: 1 − (1 − α)·f.ppf(0.975, 11, 33) = 0.885619223556027,
        //   1 − (1 − α)·f.ppf(0.025, 11, 33) = 0.9846911484872722 (pingouin prints [0.886, 0.985]);
        // standardised alpha k·r̄/(1 + (k−1)·r̄) from df.corr() → 0.9530351700298888;
        // item b: np.corrcoef(b, a + c + d) → 0.8315218406203, cronbach_alpha(df without b)
        //   → 0.9533527696793002; item c: 0.8009349698490905 and 0.9640243902439023.
        let a = [4., 5., 3., 4., 2., 5., 4., 3., 4., 5., 1., 3.];
        let b = [3., 5., 3., 4., 2., 4., 4., 2., 5., 5., 2., 3.];
        let c = [4., 4., 2., 5., 1., 5., 3., 3., 4., 4., 2., 2.];
        let d: Vec<f64> = [2., 1., 3., 2., 4., 1., 2., 3., 2., 1., 5., 3.]
            .iter()
            .map(|v| 6.0 - v)
            .collect();
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let r = cronbach_alpha(&names, &[&a, &b, &c, &d]).unwrap();
        assert_eq!((r.n, r.k), (12, 4));
        close(r.raw_alpha, 0.952583658507745);
        let ci = r.ci95.unwrap();
        close(ci[0], 0.885619223556027);
        close(ci[1], 0.9846911484872722);
        close(r.std_alpha.unwrap(), 0.9530351700298888);
        close(r.items[1].r_drop.unwrap(), 0.8315218406203);
        close(r.items[1].alpha_if_dropped.unwrap(), 0.9533527696793002);
        close(r.items[2].r_drop.unwrap(), 0.8009349698490905);
        close(r.items[2].alpha_if_dropped.unwrap(), 0.9640243902439023);
    }

    /// A scale with one item written against the others (c): a negative alpha, and c is the item
    /// with a negative item–rest correlation. R 4.2.2, psych 2.2.9:
    /// `d <- data.frame(a=c(1,2,3,4,5,2,3,4,5,1,4,3), b=c(2,2,3,5,4,1,3,5,4,2,4,3),
    ///   c=c(5,4,3,2,1,4,2,2,1,5,2,4), d=c(1,3,3,4,4,2,2,5,5,1,3,3));
    /// r <- alpha(d, check.keys=FALSE)` → r$total$raw_alpha -0.1829457364341085,
    /// r$item.stats$r.drop 0.56579517984171557 0.72846439676794816 -0.89824070473140083
    /// 0.80675117454337708, r$alpha.drop$raw_alpha -2.14715719063545230 -2.48958333333333304
    /// 0.93759999999999999 -3.19067796610169507 (psych itself warns "Some items ( c ) were
    /// negatively correlated with the total scale and probably should be reversed").
    #[test]
    fn a_negative_alpha_names_the_items_against_the_rest_as_psych() {
        let a = [1., 2., 3., 4., 5., 2., 3., 4., 5., 1., 4., 3.];
        let b = [2., 2., 3., 5., 4., 1., 3., 5., 4., 2., 4., 3.];
        let c = [5., 4., 3., 2., 1., 4., 2., 2., 1., 5., 2., 4.];
        let d = [1., 3., 3., 4., 4., 2., 2., 5., 5., 1., 3., 3.];
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let r = cronbach_alpha(&names, &[&a, &b, &c, &d]).unwrap();
        close(r.raw_alpha, -0.1829457364341085);
        let r_drop = [
            0.5657951798417156,
            0.7284643967679482,
            -0.8982407047314008,
            0.8067511745433771,
        ];
        let dropped = [
            -2.1471571906354523,
            -2.489583333333333,
            0.9376,
            -3.190677966101695,
        ];
        for (j, item) in r.items.iter().enumerate() {
            close(item.r_drop.unwrap(), r_drop[j]);
            close(item.alpha_if_dropped.unwrap(), dropped[j]);
        }
        assert_eq!(r.against_the_rest(), ["c"]);
        // Turned (6 − c), the scale holds together and nothing is named.
        let turned: Vec<f64> = c.iter().map(|v| 6.0 - v).collect();
        let r = cronbach_alpha(&names, &[&a, &b, &turned, &d]).unwrap();
        assert!(r.raw_alpha > 0.0);
        assert!(r.against_the_rest().is_empty());
    }

    #[test]
    fn alpha_never_above_one_and_undefined_without_variance() {
        let x = [1., 2., 3., 4.];
        let names: Vec<String> = vec!["x".into(), "y".into()];
        let r = cronbach_alpha(&names, &[&x, &x]).unwrap();
        assert!(r.raw_alpha <= 1.0 + 1e-12);
        assert!(cronbach_alpha(&names, &[&[2., 2.], &[2., 2.]]).is_none());
    }
}
