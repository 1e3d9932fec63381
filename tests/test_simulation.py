"Physics checks of the simulation: generator, detector, jets (small samples, fixed seeds)"
import math, warnings
import numpy as np
import pytest
from e2e_nb.simulation import EventSource, SimConfig, M_TOP, ks_uniform, gun_kinematics, check_config, is_b_hadron
from e2e_nb.detector import DetectorConfig, detector_response, propagate, eta_to_ieta, phi_to_iphi, HCAL_TOWER, EB_OFFSET
from e2e_nb.jets import make_jets, mass_peak, jet_images, _window
from e2e_nb.schema import CHANNELS, KEYS
from e2e_nb.core import E2EDataError

warnings.filterwarnings('ignore', message='dcut and exclusive jets')


def _sample(cfg, n, seed):
    parts, tops = EventSource(cfg).generate(n, seed)
    det = detector_response(parts, rng=np.random.default_rng(seed))
    return parts, tops, det, make_jets(parts, tops, det, n, cfg.process, rng=np.random.default_rng(seed))


@pytest.fixture(scope='module')
def topgun_fixed():
    "Top gun at m_t = 172.5 GeV (no mass spread): the soft-drop mass must peak at m_t"
    return _sample(SimConfig('topgun', mass_range=(M_TOP, M_TOP)), 200, 11)


def test_topgun_msd_peaks_at_mt(topgun_fixed):
    out = topgun_fixed[3]
    c = out['contained'] == 1
    assert c.sum() > 100
    assert abs(mass_peak(out['m_sd'][c]) - M_TOP) < 0.05*M_TOP
    assert abs(mass_peak(out['m_sd_gen'][c]) - M_TOP) < 0.05*M_TOP
    # uncontained jets do not peak at m_t: their mass is mostly below it
    assert np.median(out['m_sd'][~c]) < 0.8*M_TOP


def test_ttbar_contained_msd_peaks_at_mt():
    out = _sample(SimConfig('ttbar'), 200, 5)[3]
    c = out['contained'] == 1
    assert c.sum() > 50
    assert (out['process'] == 0).all() and np.isfinite(out['m_gen']).all()
    assert abs(mass_peak(out['m_sd'][c]) - M_TOP) < 0.05*M_TOP
    assert (out['pt'] > 400).all() and (np.abs(out['eta']) < 1.37).all()


def test_qcd_msd_far_below_mt():
    out = _sample(SimConfig('qcd'), 100, 3)[3]
    assert len(out['pt']) > 50
    assert np.isnan(out['m_gen']).all() and (out['contained'] == 0).all()
    assert mass_peak(out['m_sd']) < 0.5*M_TOP
    assert np.median(out['m_sd']) < 0.5*M_TOP


def test_topgun_generated_mass_and_pt_are_flat():
    cfg = SimConfig('topgun', gun_pt='flat')
    k = gun_kinematics(cfg, 20_000, np.random.default_rng(1))
    assert ks_uniform(k['m'], *cfg.mass_range)[1] > 0.01
    assert ks_uniform(k['pt'], *cfg.pt_range)[1] > 0.01
    # and the tops Pythia actually generated (first copies in the event record)
    tops = EventSource(cfg).generate(300, 2)[1]
    assert len(tops['m_gen']) == 600
    assert ks_uniform(tops['m_gen'][::2], *cfg.mass_range)[1] > 0.01
    assert ks_uniform(tops['pt_gen'][::2], *cfg.pt_range)[1] > 0.01
    # the flatness test has power: a peaked spectrum fails it
    assert ks_uniform(np.clip(np.random.default_rng(0).normal(250, 60, 600), 85.5, 500), *cfg.mass_range)[1] < 1e-4


def test_default_topgun_is_flat_in_pt_over_m_above_the_jet_threshold():
    "Default gun: pT/m flat in 3-6 where 3m > 400 GeV; below, pT flat in [400, 400 + 3m]; jets mostly contained"
    cfg = SimConfig('topgun')
    k = gun_kinematics(cfg, 20_000, np.random.default_rng(2))
    heavy = 3*k['m'] > cfg.pt_range[0]
    assert ks_uniform((k['pt']/k['m'])[heavy], *cfg.pt_over_m)[1] > 0.01
    light = ~heavy
    assert ks_uniform(((k['pt'] - cfg.pt_range[0])/(3*k['m']))[light], 0, 1)[1] > 0.01
    with pytest.raises(E2EDataError, match='gun_pt'): check_config(SimConfig(gun_pt='wide'))
    with pytest.raises(E2EDataError, match='pt_over_m'): check_config(SimConfig(pt_over_m=(6., 3.)))


def test_ttbar_mass_window_is_flat():
    cfg = SimConfig('ttbar', mass_window=0.05, mpi=False)
    m = EventSource(cfg).generate(150, 4)[1]['m_gen']
    lo, hi = 0.95*M_TOP, 1.05*M_TOP
    assert len(m) == 300 and ((m >= lo - 1e-6) & (m <= hi + 1e-6)).all()
    assert ks_uniform(m, lo, hi)[1] > 0.01


def test_b_hadron_tracks_have_larger_d0(topgun_fixed):
    trk = topgun_fixed[2]['tracks']
    assert trk['from_b'].sum() > 100
    d0b, d0p = np.abs(trk['d0'][trk['from_b']]), np.abs(trk['d0'][~trk['from_b']])
    assert np.median(d0b) > 5*np.median(d0p)
    assert np.median(np.abs(trk['dz'][trk['from_b']])) > 3*np.median(np.abs(trk['dz'][~trk['from_b']]))
    assert list(is_b_hadron(np.array([511, -5122, 553, 421, 5]))) == [True, True, False, False, False]


def test_charge_bends_the_right_way(topgun_fixed):
    # B along +z turns a positive particle clockwise: φ decreases; a negative one counter-clockwise
    phi, _, ok = propagate(np.array([2., 2.]), np.array([1., 1.]), np.zeros(2), np.array([1, -1]), np.zeros(2), 129.)
    assert ok.all() and phi[0] < 1 < phi[1]
    assert math.isclose(1 - phi[0], math.asin(0.3*3.8*1.29/(2*2.)), rel_tol=1e-9)
    trk = topgun_fixed[2]['tracks']; r = trk['reached']
    dphi = (trk['phi_ecal'] - trk['phi'] + math.pi) % (2*math.pi) - math.pi
    assert (np.sign(dphi[r]) == -trk['charge'][r]).mean() > 0.99
    assert not propagate(np.array([0.5]), np.zeros(1), np.zeros(1), np.ones(1), np.zeros(1), 129.)[2][0]  # a looper



def test_make_jets_gives_the_schema_keys(topgun_fixed):
    "`make_jets` returns every per-jet key of `e2e_nb.schema.KEYS`, in its order and with its dtype"
    out = topgun_fixed[3]
    assert list(out) == list(KEYS)
    for k, (dt, _) in KEYS.items(): assert out[k].dtype == dt, k


def test_images_channels_and_hcal_upsampling(topgun_fixed):
    X = topgun_fixed[3]['X_jet']
    assert X.shape[1:] == (len(CHANNELS), 125, 125) and X.dtype == np.float32
    for ch in ('track_pt', 'ecal', 'hcal', 'bpix1', 'bpix2', 'bpix3'):
        assert (X[:, CHANNELS.index(ch)] >= 0).all()
    assert (X[:, 3].sum((1, 2)) > 0).all() and (X[:, 4].sum((1, 2)) > 0).all()
    pix = X[:, 5:]
    assert np.array_equal(pix, np.round(pix))  # hit counts
    # tracks in the image carry a d0/dz exactly where they carry pT
    assert ((X[:, 1] != 0) <= (X[:, 0] != 0)).all()
    # HCAL: each 5x5 tower block inside the window is constant
    out = topgun_fixed[3]
    seta = out['ieta'] + EB_OFFSET; sphi = out['iphi']   # the stored seed crystals
    j = 0; h = X[j, 4]
    a0 = (-(seta[j] - 62)) % HCAL_TOWER; b0 = (-(sphi[j] - 62)) % HCAL_TOWER
    blk = h[a0:a0 + 115, b0:b0 + 115].reshape(23, 5, 23, 5)
    assert np.allclose(blk, blk[:, :1, :, :1])


def test_recoe2e_seed_is_the_hardest_nearby_hcal_tower(topgun_fixed):
    "Default seed (RecoE2E's): the middle crystal of an HCAL tower within ±3 towers of the jet axis, at least as hot as the axis tower"
    out = topgun_fixed[3]; X = out['X_jet']
    se, sp = out['ieta'] + EB_OFFSET, out['iphi']
    assert ((se % HCAL_TOWER == 2) & (sp % HCAL_TOWER == 2)).all()
    ae, ap = eta_to_ieta(out['eta']), phi_to_iphi(out['phi'])
    dt_eta, dt_phi = se//5 - ae//5, (sp//5 - ap//5 + 36) % 72 - 36
    assert (np.abs(dt_eta) <= 3).all() and (np.abs(dt_phi) <= 3).all() and ((dt_eta != 0) | (dt_phi != 0)).any()
    centre = X[:, 4, 62, 62]                                       # the seed tower's energy / 25
    r, c = 62 + ae - se, 62 + (ap - sp + 180) % 360 - 180          # the axis crystal in the image
    axis = X[np.arange(len(X)), 4, r, c]
    assert (centre >= axis - 1e-6).all()
    # with image_seed='axis' the seed is the axis crystal
    parts, tops, det = topgun_fixed[:3]
    ax = make_jets(parts, tops, det, 200, 'topgun', cfg=DetectorConfig(image_seed='axis'), rng=np.random.default_rng(11))
    assert np.array_equal(ax['ieta'] + EB_OFFSET, eta_to_ieta(ax['eta'])) and np.array_equal(ax['iphi'], phi_to_iphi(ax['phi']))


def test_phi_wraps_around():
    # a deposit at iphi = 2 seen from a seed at iphi = 358 lands 4 columns right of the centre (359, 0, 1, 2)
    a, b, m = _window(np.array([0]), np.array([100]), np.array([2]), np.array([100]), np.array([358]))
    assert m[0] and a[0] == 62 and b[0] == 62 + 4
    a, b, m = _window(np.array([0]), np.array([100]), np.array([200]), np.array([100]), np.array([358]))
    assert not m[0]


def test_pileup_is_mixed_in():
    parts, tops = EventSource(SimConfig('topgun', pileup=3)).generate(10, 1)
    pu = parts['pileup']
    assert pu.any() and (~pu).any()
    assert np.std(parts['vz'][pu]) > 1.  # pile-up vertices spread over cm in z
    assert np.all(np.diff(parts['event']) >= 0)


def test_impossible_settings_raise():
    with pytest.raises(E2EDataError, match='impossible'): check_config(SimConfig('topgun', mass_range=(80., 500.)))
    with pytest.raises(E2EDataError, match='impossible'): check_config(SimConfig('ttbar', top_mass=90., mass_window=0.1))
    with pytest.raises(E2EDataError, match='pT range'): check_config(SimConfig('topgun', pt_range=(500., 400.)))
    with pytest.raises(E2EDataError, match='unknown process'): check_config(SimConfig('wprime'))


def test_next_batch_restores_awkward_and_falls_back():
    "next_batch swaps awkward.from_buffers only during the call (also when nextBatch raises) and reads a real awkward array too"
    import awkward as ak
    from e2e_nb.simulation import next_batch, flatten_batch, make_pythia, pythia_settings
    orig = ak.from_buffers
    class Failing:
        def nextBatch(self, n): raise RuntimeError('generator failed')
    with pytest.raises(RuntimeError, match='generator failed'): next_batch(Failing(), 1)
    assert ak.from_buffers is orig
    py8 = make_pythia(pythia_settings(SimConfig('qcd', pt_hat_min=300.)))
    py8.rndm.init(5); arr = py8.nextBatch(2)           # a real awkward array, made outside next_batch
    class Other:                                           # a pythia8mc whose nextBatch does not go through from_buffers
        def nextBatch(self, n): return arr
    d, ref = next_batch(Other(), 2), flatten_batch(arr)
    assert ak.from_buffers is orig and sorted(d) == sorted(ref)
    assert all(np.array_equal(d[k], ref[k]) for k in ref)
    py8.rndm.init(5); fast = next_batch(py8, 2)           # the intercepted path gives the same columns
    assert all(np.array_equal(fast[k], ref[k]) for k in ref)


def test_flatten_batch_takes_the_general_path_for_another_layout():
    "A batch whose layout the fast path cannot read (vProd not an option type) goes through awkward's general path"
    import awkward as ak
    from e2e_nb.simulation import flatten_batch, MM_TO_CM
    prt = lambda i: dict(id=i, status=1, mother1=0, mother2=0, daughter1=0, daughter2=0, p=dict(px=1., py=2., pz=3., e=4.),
                         m=0.5, vProd=dict(px=10., py=20., pz=30.))
    d = flatten_batch(ak.Array([{'prt': [prt(11), prt(22)]}, {'prt': [prt(33)]}]))
    assert d['id'].tolist() == [11, 22, 33] and d['offsets'].tolist() == [0, 2, 3]
    assert np.allclose(d['vz'], 30*MM_TO_CM) and np.allclose(d['e'], 4.)
