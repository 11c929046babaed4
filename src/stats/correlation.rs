// TEMPORARY STUB
#[derive(Debug, Clone)]
pub struct Spearman {
    pub n: usize,
    pub rho: f64,
    pub ci: Option<[f64; 2]>,
    pub p: f64,
}
pub fn spearman(x: &[f64], _y: &[f64]) -> Option<Spearman> {
    Some(Spearman {
        n: x.len(),
        rho: 0.3,
        ci: Some([0.1, 0.5]),
        p: 0.01,
    })
}
