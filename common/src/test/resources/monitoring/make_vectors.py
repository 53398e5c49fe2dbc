#!/usr/bin/env python3
"""Fixed vectors and their drift statistics, computed independently with SciPy/NumPy.

Run once (python3 make_vectors.py > drift_vectors.json); the JSON is committed and read by
dev.lakeops.common.monitoring.drift.DriftStatisticsTest. SciPy/NumPy versions are recorded.

Rules the script implements itself (documented in DriftStatistics), everything else is SciPy:
  * PSI bins: reference deciles e_i = inverted-CDF quantile of rank i/10 (smallest value v with
    F_ref(v) >= i/10, i = 1..9, integer arithmetic), equal edges merged; bins (-inf, e1], ...,
    (ek, inf). Shares smoothed s_i = (c_i + 0.5) / (n + 0.5 B). PSI = sum (w - r) ln(w / r).
  * Jensen-Shannon over the same bins (unsmoothed): scipy.spatial.distance.jensenshannon base 2.
  * KS p-value: exact (ks_2samp method='exact') when n*m < 10000, else the asymptotic
    Kolmogorov distribution scipy.stats.kstwobign.sf(D * sqrt(n m / (n + m))).
  * Categorical bins: the reference's values, plus one "other" bin when the reference has an
    "other" count or the window has a value the reference does not list. Expected counts
    E_i = n_win (r_i + 0.5) / (n_ref + 0.5 B); scipy.stats.chisquare(obs, f_exp=E).
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261201)


def r4(a):
    """Values rounded to 4 decimals: both sides compute on exactly these numbers."""
    return [float(x) for x in np.round(np.asarray(a, dtype=float), 4)]


def decile_counts(ref, win):
    s = np.sort(ref)
    n = len(s)
    edges = sorted({float(s[(i * n + 9) // 10 - 1]) for i in range(1, 10)})
    cr = [np.searchsorted(s, e, side="right") for e in edges]
    cw = [np.searchsorted(np.sort(win), e, side="right") for e in edges]
    r = np.diff([0] + cr + [n]).astype(float)
    w = np.diff([0] + cw + [len(win)]).astype(float)
    return r, w


def smoothed(c):
    return (c + 0.5) / (c.sum() + 0.5 * len(c))


def numeric_case(name, ref, win, missing=0):
    ref = np.array(r4(ref))
    win = np.array(r4(win))
    n, m = len(ref), len(win)
    r, w = decile_counts(ref, win)
    rs, ws = smoothed(r), smoothed(w)
    psi = float(np.sum((ws - rs) * np.log(ws / rs)))
    js = float(jensenshannon(r / r.sum(), w / w.sum(), base=2))
    ks = stats.ks_2samp(ref, win)
    d = float(ks.statistic)
    if n * m < 10000:
        p = float(stats.ks_2samp(ref, win, method="exact").pvalue)
    else:
        p = float(stats.kstwobign.sf(d * math.sqrt(n * m / (n + m))))
    wd = float(stats.wasserstein_distance(ref, win))
    sd = float(np.std(ref, ddof=1))
    out_of_range = int(np.sum((win < ref.min()) | (win > ref.max())))
    expected = {
        "psi": psi,
        "ks_statistic": d,
        "ks_p_value": p,
        "jensen_shannon": js,
        "wasserstein": wd,
        "missing_rate": missing / (m + missing),
        "out_of_range_rate": out_of_range / m,
    }
    if sd > 0:  # absent (not NaN) when the reference has no spread
        expected["wasserstein_normalized"] = wd / sd
    return {
        "name": name,
        "reference": ref.tolist(),
        "window": win.tolist(),
        "window_missing": missing,
        "reference_mean": float(np.mean(ref)),
        "reference_stddev": sd,
        "reference_percentiles": [float(x) for x in np.percentile(ref, np.arange(101))],
        "expected": expected,
    }


def categorical_case(name, ref, ref_other, win, missing=0):
    values = list(ref.keys())
    r = [float(ref[v]) for v in values]
    o = [float(win.get(v, 0)) for v in values]
    unseen = sum(c for v, c in win.items() if v not in ref)
    if ref_other > 0 or unseen > 0:
        r.append(float(ref_other))
        o.append(float(unseen))
    r, o = np.array(r), np.array(o)
    n_win = o.sum()
    exp = n_win * smoothed(r)
    chi = stats.chisquare(o, f_exp=exp)
    expected = {
        "chi_square": float(chi.statistic),
        # one bin (df = 0): SciPy gives NaN; the documented rule is p = 1 (nothing can differ)
        "chi_square_p_value": float(chi.pvalue) if len(o) > 1 else 1.0,
        "jensen_shannon": float(jensenshannon(r / r.sum(), o / o.sum(), base=2)),
        "missing_rate": missing / (n_win + missing),
    }
    if ref_other == 0:
        expected["out_of_range_rate"] = float(unseen / n_win)
    return {
        "name": name,
        "reference": ref,
        "reference_other": ref_other,
        "window": win,
        "window_missing": missing,
        "expected": expected,
    }


numeric = [
    # Exact cases: both samples fit in a KLL sketch with k = 200 (<= 200 values).
    numeric_case("normal_shift", rng.normal(0, 1, 150), rng.normal(0.5, 1, 120), missing=7),
    numeric_case("scale_change", rng.normal(0, 1, 200), rng.normal(0, 2, 180)),
    numeric_case("identical", *(lambda x: (x, x))(rng.normal(10, 3, 100))),
    numeric_case("small_n", rng.normal(0, 1, 8), rng.normal(1, 1, 5), missing=2),
    numeric_case("small_exact_p", rng.normal(0, 1, 60), rng.normal(0.4, 1.2, 40)),
    numeric_case("ties", rng.poisson(3, 150), rng.poisson(4, 100), missing=3),
    numeric_case("ties_constant_reference", np.full(50, 2.0), rng.poisson(2, 40)),
    # Sketched cases: more than 200 values, compared within the KLL rank error.
    numeric_case("large_normal_shift", rng.normal(0, 1, 5000), rng.normal(0.3, 1, 2000), missing=50),
    numeric_case("large_scale_change", rng.normal(5, 2, 5000), rng.normal(5, 3, 2000)),
    numeric_case("large_same_distribution", rng.exponential(1, 5000), rng.exponential(1, 2000)),
]

categorical = [
    categorical_case("shift_with_unseen", {"a": 50, "b": 30, "c": 20}, 0,
                     {"a": 20, "b": 30, "c": 40, "d": 10}, missing=5),
    categorical_case("empty_window_bin", {"a": 50, "b": 30, "c": 20}, 0, {"a": 60, "b": 40}),
    categorical_case("truncated_reference", {"a": 400, "b": 300, "c": 100}, 15,
                     {"a": 35, "b": 30, "x": 4, "y": 2}, missing=1),
    categorical_case("identical", {"x": 70, "y": 20, "z": 10}, 0, {"x": 70, "y": 20, "z": 10}),
    categorical_case("single_value", {"only": 100}, 0, {"only": 30}),
]

json.dump(
    {
        "generator": "make_vectors.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "numeric": numeric,
        "categorical": categorical,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
