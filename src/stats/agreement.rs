//! Agreement between coders on nominal codes: Cohen's kappa (two coders), Fleiss' kappa (a fixed
//! number of codes per unit) and Krippendorff's alpha (nominal; missing codes allowed).
//!
//! Input is a units × coders matrix of category indices, `None` where a coder did not code a unit.

use serde::Serialize;

/// The three coefficients, each `None` where it is undefined or does not apply.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Agreement {
    pub n_units: usize,
    pub n_coders: usize,
    /// Only with exactly two coders, over the units both coded.
    pub cohen_kappa: Option<f64>,
    /// When every unit has the same number (≥ 2) of codes, over every unit; otherwise over the
    /// units every coder coded (as R irr's `kappam.fleiss`, which leaves out incomplete units).
    pub fleiss_kappa: Option<f64>,
    /// Units Fleiss' kappa leaves out: those not coded by every coder, when units carry
    /// different numbers of codes (0 otherwise).
    pub fleiss_units_left_out: usize,
    pub krippendorff_alpha: Option<f64>,
    /// Units with fewer than two codes: they carry no information on agreement.
    pub units_unpairable: usize,
}

fn categories(ratings: &[Vec<Option<usize>>]) -> usize {
    ratings
        .iter()
        .flatten()
        .flatten()
        .max()
        .map_or(0, |m| m + 1)
}

/// Cohen's kappa between coders 0 and 1 over units both coded, as scikit-learn's
/// `cohen_kappa_score`; `None` without such units or when chance agreement is 1.
pub fn cohen_kappa(ratings: &[Vec<Option<usize>>]) -> Option<f64> {
    let q = categories(ratings);
    let pairs: Vec<(usize, usize)> = ratings
        .iter()
        .filter_map(|u| Some(((*u.first()?)?, (*u.get(1)?)?)))
        .collect();
    let n = pairs.len() as f64;
    if n == 0.0 {
        return None;
    }
    let (mut m1, mut m2) = (vec![0.0; q], vec![0.0; q]);
    let mut agree = 0.0;
    for &(a, b) in &pairs {
        m1[a] += 1.0;
        m2[b] += 1.0;
        if a == b {
            agree += 1.0;
        }
    }
    let po = agree / n;
    let pe: f64 = m1.iter().zip(&m2).map(|(a, b)| a * b).sum::<f64>() / (n * n);
    (pe < 1.0).then(|| (po - pe) / (1.0 - pe))
}

/// Fleiss' kappa, as statsmodels' `fleiss_kappa(aggregate_raters(data)[0])`; `None` when units
/// carry different numbers of codes, fewer than two, or chance agreement is 1.
pub fn fleiss_kappa(ratings: &[Vec<Option<usize>>]) -> Option<f64> {
    let q = categories(ratings);
    let per_unit: Vec<Vec<f64>> = ratings
        .iter()
        .map(|u| {
            let mut c = vec![0.0; q];
            for k in u.iter().flatten() {
                c[*k] += 1.0;
            }
            c
        })
        .collect();
    let m = per_unit.first()?.iter().sum::<f64>();
    if m < 2.0 || per_unit.iter().any(|c| c.iter().sum::<f64>() != m) {
        return None;
    }
    let n = per_unit.len() as f64;
    let p_bar = per_unit
        .iter()
        .map(|c| (c.iter().map(|x| x * x).sum::<f64>() - m) / (m * (m - 1.0)))
        .sum::<f64>()
        / n;
    let pe: f64 = (0..q)
        .map(|k| {
            let pk = per_unit.iter().map(|c| c[k]).sum::<f64>() / (n * m);
            pk * pk
        })
        .sum();
    (pe < 1.0).then(|| (p_bar - pe) / (1.0 - pe))
}

/// Fleiss' kappa on the units every coder coded when units carry different numbers of codes (as
/// R irr's `kappam.fleiss`, whose `na.omit` leaves the others out, and statsmodels'
/// `fleiss_kappa` on those units), else on every unit ([`fleiss_kappa`]); with the number of
/// units left out.
pub fn fleiss_complete(ratings: &[Vec<Option<usize>>]) -> (Option<f64>, usize) {
    let count = |u: &Vec<Option<usize>>| u.iter().flatten().count();
    let first = ratings.first().map(count);
    if ratings.iter().all(|u| Some(count(u)) == first) {
        return (fleiss_kappa(ratings), 0);
    }
    let coders = ratings.iter().map(Vec::len).max().unwrap_or(0);
    let complete: Vec<Vec<Option<usize>>> = ratings
        .iter()
        .filter(|u| count(u) == coders)
        .cloned()
        .collect();
    let kappa = if complete.is_empty() {
        None
    } else {
        fleiss_kappa(&complete)
    };
    (kappa, ratings.len() - complete.len())
}

/// Krippendorff's alpha for nominal data from the coincidence matrix (Krippendorff 2011); units
/// with fewer than two codes are left out. `None` when fewer than two values are pairable or all
/// pairable values are the same category.
pub fn krippendorff_alpha(ratings: &[Vec<Option<usize>>]) -> Option<f64> {
    let q = categories(ratings);
    let mut o = vec![vec![0.0; q]; q];
    for unit in ratings {
        let values: Vec<usize> = unit.iter().flatten().copied().collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        for (i, &a) in values.iter().enumerate() {
            for (j, &b) in values.iter().enumerate() {
                if i != j {
                    o[a][b] += 1.0 / (m - 1) as f64;
                }
            }
        }
    }
    let n_c: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = n_c.iter().sum();
    if n < 2.0 {
        return None;
    }
    let observed: f64 = (0..q)
        .flat_map(|c| (0..q).filter(move |&k| k != c).map(move |k| (c, k)))
        .map(|(c, k)| o[c][k])
        .sum();
    let expected: f64 = (0..q)
        .flat_map(|c| (0..q).filter(move |&k| k != c).map(move |k| (c, k)))
        .map(|(c, k)| n_c[c] * n_c[k])
        .sum();
    (expected > 0.0).then(|| 1.0 - (n - 1.0) * observed / expected)
}

/// All three coefficients for a units × coders matrix.
pub fn agreement(ratings: &[Vec<Option<usize>>]) -> Agreement {
    let n_coders = ratings.iter().map(Vec::len).max().unwrap_or(0);
    let fleiss = fleiss_complete(ratings);
    Agreement {
        n_units: ratings.len(),
        n_coders,
        cohen_kappa: if n_coders == 2 {
            cohen_kappa(ratings)
        } else {
            None
        },
        fleiss_kappa: fleiss.0,
        fleiss_units_left_out: fleiss.1,
        krippendorff_alpha: krippendorff_alpha(ratings),
        units_unpairable: ratings
            .iter()
            .filter(|u| u.iter().flatten().count() < 2)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }

    /// Rows are coders in the source; turned into units × coders, 0 for missing → None.
    fn units(coders: &[&[usize]]) -> Vec<Vec<Option<usize>>> {
        (0..coders[0].len())
            .map(|u| {
                coders
                    .iter()
                    .map(|c| (c[u] > 0).then(|| c[u] - 1))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn krippendorff_2011_worked_example() {
        // Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, section C:
        // 4 observers × 12 units, nominal, with missing values → α = 0.743
        // (the `krippendorff` 0.9.0 package: alpha(reliability_data, 'nominal') → 0.743421052631579)
        let a = units(&[
            &[1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            &[0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ]);
        let r = agreement(&a);
        close(r.krippendorff_alpha.unwrap(), 0.743421052631579);
        assert_eq!(format!("{:.3}", r.krippendorff_alpha.unwrap()), "0.743");
        assert_eq!((r.n_units, r.n_coders, r.units_unpairable), (12, 4, 1));
        assert_eq!(r.cohen_kappa, None);
        // Coders per unit vary: Fleiss' kappa on the units all four coded (2 to 9), the four
        // others left out. statsmodels 0.15.0, o = the matrix above as units × observers:
        // c = o[(o > 0).all(1)]; fleiss_kappa(aggregate_raters(c)[0]) → 0.6414565826330533.
        assert_eq!(r.fleiss_units_left_out, 4);
        close(r.fleiss_kappa.unwrap(), 0.6414565826330533);
    }

    #[test]
    fn cohen_against_scikit_learn() {
        // scikit-learn 1.9.1: cohen_kappa_score(c1, c2) → 0.696969696969697 with
        // c1 = a a b c b a c c a b, c2 = a b b c b a c a a b
        let a = units(&[
            &[1, 1, 2, 3, 2, 1, 3, 3, 1, 2],
            &[1, 2, 2, 3, 2, 1, 3, 1, 1, 2],
        ]);
        close(cohen_kappa(&a).unwrap(), 0.696969696969697);
        let r = agreement(&a);
        assert!(r.cohen_kappa.is_some() && r.fleiss_kappa.is_some());
    }

    #[test]
    fn fleiss_against_statsmodels() {
        // statsmodels 0.15.0: fleiss_kappa(aggregate_raters(data)[0]) → 0.42465753424657526 with
        // data (units × 3 raters) = [[1,1,2],[2,2,2],[3,3,1],[1,1,1],[2,3,2],[3,3,3],[1,2,1]]
        let data = [
            [1, 1, 2],
            [2, 2, 2],
            [3, 3, 1],
            [1, 1, 1],
            [2, 3, 2],
            [3, 3, 3],
            [1, 2, 1],
        ];
        let a: Vec<Vec<Option<usize>>> = data
            .iter()
            .map(|u| u.iter().map(|&k| Some(k - 1)).collect())
            .collect();
        close(fleiss_kappa(&a).unwrap(), 0.42465753424657526);
    }

    /// Units one coder did not code are left out of Fleiss' kappa, as R and statsmodels do.
    /// statsmodels 0.15.0: with data = the seven complete units above plus [1,None,1],
    /// [2,2,None], [3,None,None], `complete = [u for u in data if None not in u]`;
    /// `fleiss_kappa(aggregate_raters(np.array(complete))[0])` → 0.42465753424657526, three
    /// units left out.
    #[test]
    fn fleiss_on_complete_units_against_statsmodels() {
        let data = [
            [Some(1), Some(1), Some(2)],
            [Some(2), Some(2), Some(2)],
            [Some(3), Some(3), Some(1)],
            [Some(1), Some(1), Some(1)],
            [Some(2), Some(3), Some(2)],
            [Some(3), Some(3), Some(3)],
            [Some(1), Some(2), Some(1)],
            [Some(1), None, Some(1)],
            [Some(2), Some(2), None],
            [Some(3), None, None],
        ];
        let a: Vec<Vec<Option<usize>>> = data
            .iter()
            .map(|u| u.iter().map(|k| k.map(|k: usize| k - 1)).collect())
            .collect();
        assert_eq!(
            fleiss_kappa(&a),
            None,
            "the plain formula needs equal counts"
        );
        let (kappa, left_out) = fleiss_complete(&a);
        close(kappa.unwrap(), 0.42465753424657526);
        assert_eq!(left_out, 3);
        let r = agreement(&a);
        close(r.fleiss_kappa.unwrap(), 0.42465753424657526);
        assert_eq!(r.fleiss_units_left_out, 3);
        // Every unit with the same number of codes: all kept, none left out.
        let (_, none) = fleiss_complete(&a[..7]);
        assert_eq!(none, 0);
    }

    #[test]
    fn perfect_and_degenerate() {
        let same = units(&[&[1, 2, 3, 1], &[1, 2, 3, 1]]);
        close(cohen_kappa(&same).unwrap(), 1.0);
        close(krippendorff_alpha(&same).unwrap(), 1.0);
        let one_category = units(&[&[1, 1, 1], &[1, 1, 1]]);
        assert_eq!(cohen_kappa(&one_category), None);
        assert_eq!(krippendorff_alpha(&one_category), None);
        assert_eq!(krippendorff_alpha(&[]), None);
    }
}
