"Tests of e2e_nb.metrics and e2e_nb.calibration: the per-jet information on m_t on toys of known width, its invariance, the calibration guard"
import subprocess, sys
import numpy as np
import pytest
from e2e_nb.core import E2EDataError
from e2e_nb.metrics import sigma_fisher, sigma_eff, spearman, binned_metrics, qcd_mass_metrics, resolution, response
from e2e_nb.calibration import MonotoneCalibration, calibration_refusal

MASSES = [160., 172.5, 185.]

def _toy(s, n=50_000, seed=0):
    rng = np.random.default_rng(seed)
    return [m + s*rng.standard_normal(n) for m in MASSES]

@pytest.mark.parametrize('s', [15., 20., 30.])
def test_gaussian_toy_known_width(s):
    "x = m_t + N(0, s): σ_F ≈ s and σ_eff ≈ s, with bootstrap errors that cover the deviation"
    x = _toy(s)
    f, e = sigma_fisher(x, MASSES), sigma_eff(x, MASSES)
    assert f['sigma'] == pytest.approx(s, rel=0.03) and e['sigma'] == pytest.approx(s, rel=0.03)
    assert 0 < f['sigma_err'] < 0.03*s and 0 < e['sigma_err'] < 0.03*s
    assert f['n'] == [50_000]*3 and f['n_bins'] == 20

def test_monotone_invariance():
    x = _toy(20.)
    f, e = sigma_fisher(x, MASSES, n_boot=0), sigma_eff(x, MASSES, n_boot=0)
    for g in (np.exp, lambda v: v**3, lambda v: np.log(v - 50)): # strictly increasing: σ_F identical
        assert sigma_fisher([g(v/40) if g is np.exp else g(v) for v in x], MASSES, n_boot=0)['sigma'] == f['sigma']
    assert sigma_fisher([-v for v in x], MASSES, n_boot=0)['sigma'] == pytest.approx(f['sigma'], rel=0.01) # decreasing
    assert sigma_eff([np.log(v) for v in x], MASSES, n_boot=0)['sigma'] == pytest.approx(e['sigma'], rel=0.02) # first order

def test_no_information_is_infinite():
    const = [np.full(2000, 277.)]*3
    assert sigma_fisher(const, MASSES)['sigma'] == np.inf and sigma_eff(const, MASSES)['sigma'] == np.inf
    rng = np.random.default_rng(3)
    for seed in range(3): # independent of m_t: no information beyond noise (σ_F huge or infinite)
        indep = [rng.normal(172.5, 20, 20_000) for _ in MASSES]
        assert sigma_fisher(indep, MASSES)['sigma'] > 200
    with pytest.raises(E2EDataError, match='two distinct masses'): sigma_fisher(const, [172.5]*3)
    with pytest.raises(E2EDataError, match='one mass per sample'): sigma_eff(const, MASSES[:2])

def test_scan_ignores_non_finite_values():
    x = _toy(20., n=5000); y = [np.r_[v, np.nan, np.inf] for v in x]
    assert sigma_fisher(y, MASSES, n_boot=0)['sigma'] == sigma_fisher(x, MASSES, n_boot=0)['sigma']

def test_spearman_and_qcd_metrics():
    assert spearman([1, 2, 2, 3], [1, 2, 2, 3]) == pytest.approx(1.)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    rng = np.random.default_rng(0); ref = rng.exponential(30, 4000) + 5
    q = qcd_mass_metrics(ref*1.2, ref)
    assert q['median_ratio'] == pytest.approx(1.2) and q['spearman'] == pytest.approx(1.) and q['n'] == q['n_ref'] == 4000
    assert qcd_mass_metrics(np.full(100, 170.), np.full(100, 20.))['frac_window'] == 1.

def test_binned_bootstrap_errors():
    rng = np.random.default_rng(1); t = rng.uniform(85, 500, 20_000); p = t*(1 + 0.1*rng.standard_normal(len(t)))
    b = binned_metrics(p, t, edges=[85, 200, 500], n_boot=200)
    n = np.array(b['n'])
    # asymptotic errors of sample quantiles of a Gaussian: half of q84 − q16 has 0.962 σ/√n, the median 1.2533 σ/√n
    np.testing.assert_allclose(b['resolution_err'], 0.962*0.1/np.sqrt(n), rtol=0.25)
    np.testing.assert_allclose(b['bias_err'], 1.2533*0.1/np.sqrt(n), rtol=0.25)
    assert 'resolution_err' not in binned_metrics(p, t, edges=[85, 200, 500])

def test_guard_refuses_constant_and_anticorrelated():
    rng = np.random.default_rng(2); t = rng.uniform(85, 500, 20_000)
    const = MonotoneCalibration().fit(np.full(len(t), 120.), t)
    anti = MonotoneCalibration().fit(600 - t + 20*rng.standard_normal(len(t)), t)
    good = MonotoneCalibration().fit(0.85*t*(1 + 0.1*rng.standard_normal(len(t))), t)
    assert 'flat' in const.refused and 'Spearman correlation -0.99' in anti.refused and good.refused is None
    assert MonotoneCalibration.from_dict(anti.to_dict()).refused == anti.refused # carried into metrics.json
    # the flat map's pooled "resolution" is the prior's: what the guard keeps out of the tables
    assert resolution(response(const(np.full(len(t), 120.)), t)) > 0.5
    # thresholds are parameters; a merely weak estimator passes
    assert calibration_refusal(good, 0.85*t, t, min_spearman=0.3) is None
    assert MonotoneCalibration().fit(t + 150*rng.standard_normal(len(t)), t).refused is None

def test_numpy_modules_break_the_import_cycle():
    "metrics and calibration import neither torch nor matplotlib; the response correction does not import the evaluation"
    code = ("import sys, e2e_nb.metrics, e2e_nb.calibration; assert not {'torch', 'matplotlib'} & set(sys.modules), sorted(sys.modules); "
            "import e2e_nb.response; assert 'e2e_nb.evaluation' not in sys.modules")
    subprocess.run([sys.executable, '-c', code], check=True)
