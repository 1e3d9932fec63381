"Template fit of the top-quark mass (e2e_nb.topmass) on Gaussian-smeared toy templates: closure, pulls, 1/√N scaling, bad input"
import math
import numpy as np
import pytest
from e2e_nb.core import E2EDataError
from e2e_nb.topmass import (TEMPLATE_MASSES, MassTemplates, fit_mass, fit_counts, pseudo_experiments, pe_summary, pull_calibration,
                            calibration_curve, domain_shift, hidden_top_mass, quantile_edges)

SIGMA_JET = 15. # per-jet Gaussian smearing of the toy estimator (GeV)

def toy(masses=TEMPLATE_MASSES, n=20_000, seed=0, shift=0.):
    rng = np.random.default_rng(seed)
    return {m: m + shift + SIGMA_JET*rng.standard_normal(n) for m in masses}

def test_recovers_mass_with_unit_pulls():
    "Fresh templates and fresh data in every toy, true masses anywhere in the range: pulls have mean 0 and width 1"
    n_toys, n_data, n_tmpl = 300, 500, 20_000
    rng = np.random.default_rng(1)
    pulls, dm = [], []
    for k in range(n_toys):
        t = MassTemplates(toy(n=n_tmpl, seed=1000 + k), n_bins=12)
        m_true = rng.uniform(168., 177.)
        f = fit_mass(t, m_true + SIGMA_JET*rng.standard_normal(n_data))
        assert not f['at_limit']
        pulls.append((f['m'] - m_true)/f['sigma']); dm.append(f['m'] - m_true)
    pulls = np.array(pulls)
    # the templates' own fluctuations add N/n_tmpl to the pull variance (not in σ̂): width √1.025 ≈ 1.012
    w_exp = math.sqrt(1 + n_data/n_tmpl)
    assert abs(pulls.mean()) < 4*w_exp/math.sqrt(n_toys), pulls.mean()
    assert abs(pulls.std(ddof=1) - w_exp) < 4*w_exp/math.sqrt(2*(n_toys - 1)), pulls.std(ddof=1)
    # a Gaussian estimator's mean carries σ_jet/√N: the shape fit cannot beat it and should come close
    spread = np.std(dm, ddof=1)
    assert SIGMA_JET/math.sqrt(n_data)*0.9 < spread < SIGMA_JET/math.sqrt(n_data)*1.3, spread

def test_pseudo_experiments_closure():
    "Bootstrap pseudo-experiments from large independent pools at each template mass: bias ≈ 0, pulls ≈ N(0, 1)"
    t = MassTemplates(toy(n=50_000, seed=2), n_bins=12)
    pools = toy(n=50_000, seed=3)
    s = pe_summary([pseudo_experiments(t, pools[m], m, 1000, 400, seed=i) for i,m in enumerate(TEMPLATE_MASSES)])
    # common offsets from the finite templates and pools: σ_jet·√(1/50k + 1/50k) per mass, averaged over 5 masses
    b_tol = 4*SIGMA_JET*math.sqrt(2/50_000)/math.sqrt(5)
    assert abs(s['bias']) < b_tol + 4*s['bias_err'], s
    assert abs(s['pull_width'] - 1) < 4*s['pull_width_err'] + 0.03, s
    assert s['frac_at_limit'] == 0 and s['n_pe'] == 2000

def test_uncertainty_scales_like_inverse_sqrt_n():
    t = MassTemplates(toy(seed=4), n_bins=12)
    pool = toy(masses=[172.5], n=100_000, seed=5)[172.5]
    ns = [100, 400, 1600]
    s = [pe_summary(pseudo_experiments(t, pool, 172.5, n, 400, seed=n)) for n in ns]
    scaled = np.array([x['sigma']*math.sqrt(n) for x,n in zip(s, ns)]) # median σ̂ · √N: constant
    assert np.ptp(scaled)/scaled.mean() < 0.08, scaled
    spread = np.array([x['spread']*math.sqrt(n) for x,n in zip(s, ns)]) # spread · √N: constant within its 3.5 % errors
    assert np.ptp(spread)/spread.mean() < 0.2, spread
    # and the interval of one fit shrinks by 2 when N grows by 4
    rng = np.random.default_rng(6)
    a, b = (fit_mass(t, 172.5 + SIGMA_JET*rng.standard_normal(n))['sigma'] for n in (500, 2000))
    assert 1.8 < a/b < 2.2, (a, b)

def test_degree_choice_and_normalisation():
    t = MassTemplates(toy(n=2000, seed=7), n_bins=10)
    assert t.degree in (1, 2) and t.n_bins == 10
    np.testing.assert_allclose(t.prob(t.grid).sum(1), 1, atol=1e-12)
    assert MassTemplates(toy(n=500, seed=8), degree=1).degree == 1
    assert MassTemplates(toy(n=500, seed=8), degree=2).degree == 2
    big = MassTemplates(toy(masses=(150., 172.5, 195.), n=200_000, seed=9), n_bins=12) # strong curvature over ±22 GeV
    assert big.degree == 2 and big.curvature_chi2 > 100

def test_domain_shift_and_calibration_curve():
    t = MassTemplates(toy(seed=10))
    rng = np.random.default_rng(11)
    d = domain_shift(t, 172.5 + SIGMA_JET*rng.standard_normal(4000), 175.5 + SIGMA_JET*rng.standard_normal(4000))
    assert abs(d['shift'] - 3) < 4*d['shift_err']
    c = calibration_curve(toy(n=5000, seed=12, shift=-10))
    assert abs(c['slope'] - 1) < 4*c['slope_err'] and abs(c['offset'] - 162.5) < 1
    assert abs(c['per_jet'] - SIGMA_JET) < 2

def test_hidden_mass():
    assert hidden_top_mass(7) == hidden_top_mass(7) != hidden_top_mass(8)
    assert all(170 <= hidden_top_mass(s) < 176 for s in range(100))

def test_bad_input():
    v = toy(n=1000, seed=13)
    with pytest.raises(E2EDataError, match='1 distinct top mass'): MassTemplates({172.5: v[172.5]})
    with pytest.raises(E2EDataError, match='at least 3 distinct masses'): MassTemplates({172.5: v[172.5], 175.5: v[175.5]}, degree=2)
    with pytest.raises(E2EDataError, match='empty template'): MassTemplates({**v, 175.5: []})
    with pytest.raises(E2EDataError, match='no shape to fit'): MassTemplates({m: np.full(10, 3.) for m in TEMPLATE_MASSES})
    with pytest.raises(E2EDataError, match='degree'): MassTemplates(v, degree=0)
    t = MassTemplates(v, n_bins=8)
    with pytest.raises(E2EDataError, match='no jets to fit'): fit_mass(t, [])
    with pytest.raises(E2EDataError, match="index 2"): fit_mass(t, [170., 171., np.nan])
    with pytest.raises(E2EDataError, match='no jets to fit'): fit_counts(t, np.zeros(t.n_bins))
    with pytest.raises(E2EDataError, match='8 bins'): fit_counts(t, np.ones(5))
    with pytest.raises(E2EDataError, match='empty pool'): pseudo_experiments(t, [], 172.5, 10)
    with pytest.raises(E2EDataError, match='n_jets'): pseudo_experiments(t, v[172.5], 172.5, 0)
    with pytest.raises(E2EDataError, match='no pseudo-experiments'): pe_summary([])
    with pytest.raises(E2EDataError, match='at least 2 distinct masses'): calibration_curve({172.5: v[172.5]})
    with pytest.raises(E2EDataError, match='n_bins'): quantile_edges([1., 2.], 1)


def test_pull_calibration_bad_input():
    rng = np.random.default_rng(0)
    t = MassTemplates({m: m + 20*rng.standard_normal(500) for m in TEMPLATE_MASSES}, n_bins=6)
    with pytest.raises(E2EDataError, match='n_jets'): pull_calibration(t, 0)
    c = pull_calibration(t, 50, 200)
    pe = pseudo_experiments(t, t.masses[2] + 20*rng.standard_normal(500), t.masses[2], 80, 50)
    with pytest.raises(E2EDataError, match='N = 80'): pe_summary(pe, c)
    assert 0.8 < c['k'] < 1.2 and c['frac_at_limit'] < 0.1
