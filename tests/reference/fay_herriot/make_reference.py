"""Reference values for src/stats/fay_herriot.rs from an independent implementation.

Fits the Fay-Herriot area-level model with REML using the Python package `samplics` (0.6,
`samplics.sae.EblupAreaModel`, Fisher scoring, MSE = g1 + g2 + 2 g3) and writes, for each data set,
the inputs (`<name>_data.csv`) and the expected estimates (`<name>_expected.csv`: area, kind, estimate,
mse, gamma) and parameters (`<name>_params.csv`: sigma2_u, beta...).

samplics predicts sampled areas only. For an area without sample the expected synthetic estimate is
x'beta with samplics' beta, and its MSE sigma2_u + x'(X'V^-1X)^-1 x (Rao & Molina 2015, 6.2.3) computed
here with numpy from samplics' fitted sigma2_u.

The data are synthetic (seeded), shaped like district shares: run `python3 make_reference.py`.
"""
import csv
import warnings

import numpy as np

warnings.filterwarnings("ignore")
from samplics.sae import EblupAreaModel  # noqa: E402
from samplics.utils.types import FitMethod  # noqa: E402


def make_data(seed, m, covariates, unsampled, sigma_u):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.1, 0.9, size=(m, covariates))
    beta = np.array([0.25] + [0.3 * (-1) ** k for k in range(covariates)])
    theta = beta[0] + x @ beta[1:] + rng.normal(0.0, sigma_u, size=m)
    n = rng.integers(15, 400, size=m)
    psi = theta.clip(0.05, 0.95) * (1 - theta.clip(0.05, 0.95)) / n * rng.uniform(1.0, 1.8, size=m)
    y = theta + rng.normal(0.0, np.sqrt(psi))
    sampled = np.ones(m, dtype=bool)
    sampled[list(unsampled)] = False
    return x, y, psi, sampled


def reference(name, x, y, psi, sampled):
    m = len(y)
    areas = np.arange(m)
    model = EblupAreaModel(method=FitMethod.reml)
    model.fit(
        yhat=y[sampled],
        X=x[sampled],
        area=areas[sampled],
        error_std=np.sqrt(psi[sampled]),
        intercept=True,
        tol=1e-15,
        maxiter=1000,
    )
    model.predict(X=x[sampled], area=areas[sampled], intercept=True)
    sigma2 = float(model.re_std) ** 2
    beta = np.asarray(model.fixed_effects, dtype=float)
    xs = np.column_stack([np.ones(m), x])
    v = sigma2 + psi[sampled]
    inv_a = np.linalg.inv(xs[sampled].T @ np.diag(1.0 / v) @ xs[sampled])
    with open(f"{name}_data.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["area", "sampled", "y", "psi"] + [f"x{k + 1}" for k in range(x.shape[1])])
        for i in range(m):
            w.writerow([i, int(sampled[i]), repr(float(y[i])), repr(float(psi[i]))]
                       + [repr(float(v)) for v in x[i]])
    with open(f"{name}_expected.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["area", "kind", "estimate", "mse", "gamma"])
        for i in range(m):
            if sampled[i]:
                gamma = sigma2 / (sigma2 + psi[i])
                w.writerow([i, "eblup", repr(float(model.area_est[i])),
                            repr(float(model.area_mse[i])), repr(float(gamma))])
            else:
                synthetic = float(xs[i] @ beta)
                mse = sigma2 + float(xs[i] @ inv_a @ xs[i])
                w.writerow([i, "synthetic", repr(synthetic), repr(mse), ""])
    with open(f"{name}_params.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sigma2_u"] + [f"beta{k}" for k in range(len(beta))])
        w.writerow([repr(sigma2)] + [repr(float(b)) for b in beta])
    print(name, "sigma2_u", sigma2, "iterations", model.convergence)


# 20 districts, two covariates, all sampled.
reference("districts20", *make_data(seed=20, m=20, covariates=2, unsampled=[], sigma_u=0.06))
# 15 districts, one covariate; district 4 has no respondents, district 11 very few.
reference("unsampled15", *make_data(seed=15, m=15, covariates=1, unsampled=[4], sigma_u=0.08))
# 30 districts, three covariates, two without sample.
reference("districts30", *make_data(seed=30, m=30, covariates=3, unsampled=[7, 21], sigma_u=0.04))
# 12 districts whose direct estimates scatter less than their sampling errors: REML sigma2_u is 0.
flat = make_data(seed=12, m=12, covariates=1, unsampled=[], sigma_u=0.0)
flat_x, _, flat_psi, flat_sampled = flat
flat_y = 0.3 + 0.2 * flat_x[:, 0] + np.sqrt(flat_psi) * np.linspace(-0.3, 0.3, 12)
reference("flat12", flat_x, flat_y, flat_psi, flat_sampled)
