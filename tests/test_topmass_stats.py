"""The top-mass fit's uncertainties on toys with known answers (issue 20): template statistics in the likelihood,
bootstrap-aware errors on the bias, fits at the scan limit counted."""
import math
import numpy as np
import pytest
from e2e_nb.topmass import TEMPLATE_MASSES, MassTemplates, fit_counts, pseudo_experiments, pe_summary, pull_calibration

SIGMA = 20. # per-jet resolution of the Gaussian toy estimator (GeV)


def exact(t, m):
    "The toy's exact bin probabilities at m_t = m"
    cdf = [0.5*(1 + math.erf((e - m)/(SIGMA*math.sqrt(2)))) for e in t.edges]
    return np.diff([0., *cdf, 1.])


def toy_templates(rng, n):
    return MassTemplates({m: m + SIGMA*rng.standard_normal(n) for m in TEMPLATE_MASSES}, n_bins=10)


def pulls(t, rng, n_jets, n_fits, template_stat):
    "Pulls of fits where data *and* templates are drawn from the truth, at every template mass"
    out = []
    for m in TEMPLATE_MASSES:
        tc = np.stack([rng.multinomial(int(k), exact(t, mk), size=n_fits) for k,mk in zip(t.n, t.masses)], 1)
        f = fit_counts(t, rng.multinomial(n_jets, exact(t, m), size=n_fits), tc, template_stat)
        ok = np.isfinite(f['sigma'])
        out.append((f['m'][ok] - m)/f['sigma'][ok])
    return np.concatenate(out)


def test_template_statistics_make_pulls_unit():
    "With 500 jets per template against 1000 data jets the exact-template σ̂ is far too small; Barlow-Beeston-lite fixes it"
    rng = np.random.default_rng(3)
    t = toy_templates(rng, 500)
    with_bb, without = pulls(t, rng, 1000, 300, True).std(), pulls(t, rng, 1000, 300, False).std()
    assert without > 1.3, without
    assert abs(with_bb - 1) < 0.07, with_bb


def test_template_statistics_vanish_with_large_templates():
    "With templates 100x the data the two likelihoods quote the same σ̂"
    rng = np.random.default_rng(4)
    t = toy_templates(rng, 100_000)
    c = rng.multinomial(1000, exact(t, 172.5), size=20)
    a, b = fit_counts(t, c, template_stat=True), fit_counts(t, c, template_stat=False)
    np.testing.assert_allclose(a['m'], b['m'], atol=0.05)
    np.testing.assert_allclose(a['sigma'], b['sigma'], rtol=0.03)


def test_bias_error_knows_the_shared_pool():
    "Replicas of the whole bootstrap procedure scatter by `bias_err`, not by the independent-experiment error"
    rng = np.random.default_rng(5)
    reps = []
    for r in range(40):
        t = toy_templates(rng, 4000)
        reps.append(pe_summary([pseudo_experiments(t, m + SIGMA*rng.standard_normal(1500), m, 500, 100, seed=100*r + i)
                                for i,m in enumerate(TEMPLATE_MASSES)]))
    scatter = np.std([s['bias'] for s in reps], ddof=1)
    quoted = np.mean([s['bias_err'] for s in reps])
    naive = np.mean([s['spread'] for s in reps])/math.sqrt(5*100)
    assert 0.7 < scatter/quoted < 1.35, (scatter, quoted)
    assert scatter/naive > 4, (scatter, naive)
    pm = np.std([s['pull_mean'] for s in reps], ddof=1)/np.mean([s['pull_mean_err'] for s in reps])
    assert 0.7 < pm < 1.35, pm


def test_pull_calibration_with_template_toys():
    "k from toys that redraw the templates is one where the likelihood is parabolic"
    t = toy_templates(np.random.default_rng(6), 3000)
    c = pull_calibration(t, 1000, n_toys=400, seed=1)
    assert abs(c['k'] - 1) < 4*c['k_err'] + 0.03, c


@pytest.mark.parametrize('n_jets', [10])
def test_fits_at_limit_are_counted(n_jets):
    "Fits that reach the scan edge stay in the pulls; only fits without any interval are left out, and both are counted"
    rng = np.random.default_rng(7)
    t = toy_templates(rng, 3000)
    s = pe_summary([pseudo_experiments(t, m + SIGMA*rng.standard_normal(3000), m, n_jets, 300, seed=i)
                    for i,m in enumerate(TEMPLATE_MASSES)])
    assert s['frac_at_limit'] > 0.05
    assert s['frac_no_sigma'] < s['frac_at_limit']


def test_template_nll_equals_pyhf_staterror():
    "The profiled Barlow-Beeston-lite q is HistFactory's: a pyhf model (normfactor + staterror) fitted to the same bins"
    import pyhf
    from scipy.special import gammaln
    from e2e_nb.topmass import template_nll
    pyhf.set_backend('numpy', 'scipy')
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(8)*5); n = rng.multinomial(500, p).astype(float); d = rng.uniform(0.02, 0.15, 8)
    spec = {'channels': [{'name': 'bins', 'samples': [{'name': 'tt', 'data': list(500*p), 'modifiers': [
        {'name': 'mu', 'type': 'normfactor', 'data': None}, {'name': 'stat', 'type': 'staterror', 'data': list(500*p*d)}]}]}]}
    model = pyhf.Model(spec, poi_name='mu')
    _, twice_nll = pyhf.infer.mle.fit(list(n) + model.config.auxdata, model, return_fitted_val=True)
    # pyhf's -2 ln L keeps the Poisson's ln n! and the Gaussians' normalisation; q is relative to the saturated model
    sat = 2*np.sum(n - n*np.log(np.where(n > 0, n, 1)) + gammaln(n + 1)) + np.sum(np.log(2*np.pi*d**2))
    np.testing.assert_allclose(float(twice_nll) - sat, template_nll(n[None], p[None, None], d[None, None])[0, 0], rtol=1e-6)
