//! Small dense symmetric solves (a few dozen columns at most): the calibration model's normal equations
//! and the Rao–Scott design-effect matrix.

/// Cholesky factor of a symmetric positive semi-definite matrix that skips linearly dependent columns,
/// in column order, the way R's `qr()` (tolerance 1e-7) drops later collinear columns of a model matrix.
/// Projections computed with it are projections onto the column space, whatever column was dropped.
#[derive(Debug, Clone)]
pub struct Cholesky {
    p: usize,
    /// Lower-triangular factor in row-major order; rows/columns of dropped columns are zero.
    l: Vec<f64>,
    kept: Vec<bool>,
}

impl Cholesky {
    /// Factorises the `p × p` row-major matrix `a`.
    pub fn new(a: &[f64], p: usize) -> Cholesky {
        let mut l = vec![0.0; p * p];
        let mut kept = vec![false; p];
        for j in 0..p {
            let diag0 = a[j * p + j];
            let mut d = diag0;
            for k in 0..j {
                d -= l[j * p + k] * l[j * p + k];
            }
            if diag0.is_nan() || diag0 <= 0.0 || d <= 1e-9 * diag0 {
                continue; // zero or dependent column: leave out of the factor
            }
            let djj = d.sqrt();
            l[j * p + j] = djj;
            kept[j] = true;
            for i in (j + 1)..p {
                let mut s = a[i * p + j];
                for k in 0..j {
                    s -= l[i * p + k] * l[j * p + k];
                }
                l[i * p + j] = s / djj;
            }
        }
        Cholesky { p, l, kept }
    }

    /// Solves `A x = b` on the kept columns (dropped columns get 0).
    // Triangular solves read clearest with explicit indices.
    #[allow(clippy::needless_range_loop)]
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let p = self.p;
        let mut y = vec![0.0; p];
        for i in 0..p {
            if !self.kept[i] {
                continue;
            }
            let mut s = b[i];
            for k in 0..i {
                s -= self.l[i * p + k] * y[k];
            }
            y[i] = s / self.l[i * p + i];
        }
        let mut x = vec![0.0; p];
        for i in (0..p).rev() {
            if !self.kept[i] {
                continue;
            }
            let mut s = y[i];
            for k in (i + 1)..p {
                s -= self.l[k * p + i] * x[k];
            }
            x[i] = s / self.l[i * p + i];
        }
        x
    }
}

/// `A⁻¹ B` for a symmetric positive (semi-)definite `A` (`q × q`) and a `q × q` matrix `B`, row-major.
pub fn solve_matrix(a: &[f64], b: &[f64], q: usize) -> Vec<f64> {
    let chol = Cholesky::new(a, q);
    let mut out = vec![0.0; q * q];
    let mut col = vec![0.0; q];
    for j in 0..q {
        for i in 0..q {
            col[i] = b[i * q + j];
        }
        let x = chol.solve(&col);
        for i in 0..q {
            out[i * q + j] = x[i];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_spd_and_skips_dependent_columns() {
        // A = [[4,2],[2,3]], b = [2,1] → x = [0.5, 0]
        let c = Cholesky::new(&[4.0, 2.0, 2.0, 3.0], 2);
        let x = c.solve(&[2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        // Third column duplicates the first: the solve must still reproduce A x = b on the span.
        let a = [2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0];
        let c = Cholesky::new(&a, 3);
        let x = c.solve(&[3.0, 3.0, 3.0]);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|k| a[i * 3 + k] * x[k]).sum();
            assert!((ax - 3.0).abs() < 1e-12);
        }
    }
}
