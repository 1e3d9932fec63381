"""RecoE2E frame emulator (e2e_nb.recoe2e): bad inputs, hand-built events whose every frame pixel is worked out by
hand, and the fixed emulator against e2e_nb's own images on a few simulated events"""
import math
import numpy as np
import pytest
from e2e_nb.core import E2EDataError
from e2e_nb.detector import DetectorConfig
from e2e_nb.schema import CHANNELS
from e2e_nb import recoe2e as R


def empty_det():
    "A `detector_response`-like dict with no deposits"
    f, i, b = np.zeros(0), np.zeros(0, np.int64), np.zeros(0, bool)
    return dict(tracks=dict(event=i, pt=f, eta=f, phi=f, charge=f, d0=f, dz=f, reached=b),
                ecal=dict(event=i, ieta=i, iphi=i, e=f), hcal=dict(event=i, teta=i, tphi=i, e=f),
                pixels=dict(event=i, layer=i, ieta=i, iphi=i))


def det_with(**parts):
    d = empty_det()
    for k, v in parts.items(): d[k] = {c: np.asarray(x) for c, x in v.items()}
    return d


# --- seeds ---------------------------------------------------------------------------------------------------------

def test_seed_conversions_round_trip_and_keep_failed_seeds():
    assert R.ieta_to_seed([0, 169, -1]).tolist() == [55, 224, -1]
    assert R.seed_to_ieta([55, 224, -1]).tolist() == [0, 169, -1]
    assert R.iphi_to_seed([170, 169, 0, -1]).tolist() == [0, 359, 190, -1]
    assert R.seed_to_iphi([0, 359, 190, -1]).tolist() == [170, 169, 0, -1]


@pytest.mark.parametrize('fn, bad, msg', [(R.seed_to_ieta, [30], 'seed row 30 out of range'),
                                          (R.seed_to_ieta, [225], 'seed row 225 out of range'),
                                          (R.ieta_to_seed, [170], 'ieta 170 out of range'),
                                          (R.ieta_to_seed, [-2], 'ieta -2 out of range'),
                                          (R.seed_to_iphi, [360], 'seed column 360 out of range'),
                                          (R.iphi_to_seed, [400], 'iphi 400 out of range'),
                                          (R.seed_to_ieta, [60.5], 'non-integer seed row'),
                                          (R.iphi_to_seed, ['a'], 'iphi of dtype')])
def test_seed_conversions_reject_bad_indices(fn, bad, msg):
    with pytest.raises(E2EDataError, match=msg): fn(bad)


def test_applied_channel_order_is_push_order_unless_count_is_sizeof_string():
    assert R.applied_channel_order('7,6,5,4,3,2,1,0', 8) == list(range(8))
    assert R.applied_channel_order(','.join(['1', '0'] + ['2']*30), 32)[:2] == [1, 0]   # only if 32 channels


# --- frames of hand-built events -----------------------------------------------------------------------------------

def test_hcal_tower_lands_where_the_prototype_puts_it():
    # one tower at e2e_nb tower row 30, tower column 50 -> RecoE2E tower column 50 - 34 = 16
    det = det_with(hcal=dict(event=[0], teta=[30], tphi=[50], e=[25.]))
    pf, names = R.prototype_frames(det, 0)
    ff, _ = R.fixed_frames(det, 0)
    assert names[0] == 'vHBHE_energy'
    idx = 30*72 + 16                                     # its index in vHBHE_energy_
    assert pf[0, idx//360, idx % 360] == 25. and pf[0].sum() == 25.
    assert ff[0, 30, 16] == 25. and ff[0].sum() == 25.
    fs = R.frame_striding(ff[0])
    assert (fs[150:155, 80:85] == 1.).all() and fs.sum() == 25.
    ps = R.frame_striding(pf[0])                         # read back as [56][72]: tower (30, 16) lands at (6, 16)
    assert (ps[30:35, 80:85] == 1.).all() and ps.sum() == 25.


def test_hcal_bug_keeps_only_every_fifth_tower_row():
    rows = np.arange(56)
    det = det_with(hcal=dict(event=np.zeros(56, int), teta=rows, tphi=np.full(56, 40), e=np.ones(56)))
    ps = R.frame_striding(R.prototype_frames(det, 0)[0][0])
    assert ps.sum() == pytest.approx(12.)                # tower rows 0, 5, ..., 55


def test_ecal_endcap_rows_are_empty_in_the_prototype_only():
    det = det_with(ecal=dict(event=[0, 0, 0], ieta=[10, 100, 250], iphi=[0, 200, 359], e=[1., 2., 3.]))
    pf, _ = R.prototype_frames(det, 0); ff, _ = R.fixed_frames(det, 0)
    assert pf[1].sum() == 2. and pf[1, 100, 30] == 2.   # e2e_nb column 200 -> RecoE2E column 30
    assert ff[1].sum() == 6. and ff[1, 10, 190] == 1. and ff[1, 250, 189] == 3.


def test_bpix_copy_keeps_five_entries_of_the_wrong_layers():
    # hits of layer 0 (PXB 1) at RecoE2E row 0, columns 0 ... 6, and one of layer 1 (PXB 2) at row 0, column 2
    cols = (np.r_[np.arange(7), 2] + R.SEED_COL_OFFSET) % 360
    det = det_with(pixels=dict(event=np.zeros(8, int), layer=[0]*7 + [1], ieta=np.zeros(8, int), iphi=cols))
    pf, names = R.prototype_frames(det, 0); ff, _ = R.fixed_frames(det, 0)
    assert names[5:] == ('vBPIX1_ECAL', 'vBPIX2_ECAL', 'vBPIX3_ECAL')
    assert pf[5].sum() == 0                              # array 0: PXB layer 0 does not exist
    assert pf[6, 0, :5].tolist() == [1., 1., 1., 1., 1.] and pf[6].sum() == 5   # PXB 1, first 5 entries
    assert pf[7, 0, 2] == 1. and pf[7].sum() == 1        # PXB 2
    assert ff[5].sum() == 7 and ff[6].sum() == 1 and ff[7].sum() == 0


def test_tracks_and_adjustable_channel():
    # a prompt positive track and a displaced negative one in the same crystal; the negative one is from pile-up
    eta, phi = 0.1, 0.2
    det = det_with(tracks=dict(event=[0, 0], pt=[50., 20.], eta=[eta, eta], phi=[phi, phi], charge=[1., -1.],
                               d0=[0.01, 0.03], dz=[0.02, 0.5], reached=[True, True]))
    cfg = DetectorConfig()
    ff, names = R.fixed_frames(det, 0, cfg, adj=True)
    assert len(names) == 9 and names[5] == 'vECALadj_tracksPt'
    r = math.floor((eta + 2.436)/0.0174); c = (math.floor((phi + math.pi)/(2*math.pi/360)) - 170) % 360
    assert ff[2, r, c] == pytest.approx(70.) and ff[2].sum() == pytest.approx(70.)
    assert ff[3, r, c] == pytest.approx(0.01) and ff[4, r, c] == pytest.approx(0.02)   # |dz| < 0.1 only
    for q, pt in ((1., 50.), (-1., 20.)):                 # direction at r = 129 cm: φ0 - 2 q asin(0.3 B r / 2pT)
        pd = phi - 2*q*math.asin(0.3*3.8*1.29/(2*pt))
        assert ff[5, r, (math.floor((pd + math.pi)/(2*math.pi/360)) - 170) % 360] == pytest.approx(pt)


# --- cropping, channel order, bad inputs -----------------------------------------------------------------------------

def test_crop_jets_even_size_uses_recoe2e_centre():
    f = np.arange(280*360, dtype=np.float32).reshape(1, 280, 360)
    c = R.crop_jets(f, [[100, 100]], size=4)             # centre pixel size/2 - 1 = 1 (FrameCropping.cc 30-31)
    assert c[0, 0, 1, 1] == f[0, 100, 100] and c[0, 0, 0, 0] == f[0, 99, 99] and c[0, 0, 3, 3] == f[0, 102, 102]


def test_crop_jets_and_friends_reject_bad_inputs():
    with pytest.raises(E2EDataError, match='frames of shape'): R.crop_jets(np.zeros((280, 360)), [[100, 100]])
    with pytest.raises(E2EDataError, match="channel 'hcal' is not in the frames"):
        R.to_model_order(np.zeros((2, 4, 4)), ['ecal', 'track_pt'], ['track_pt', 'hcal'])
    with pytest.raises(E2EDataError, match='3 channels for 2 names'): R.to_model_order(np.zeros((3, 4, 4)), ['a', 'b'])
    with pytest.raises(E2EDataError, match='9 frames for a model of 8 channels'):
        R.positional_reading(R.push_order(adj=True))
    with pytest.raises(E2EDataError, match="unknown bugs"): R.prototype_frames(empty_det(), 0, bugs=('hcal',))
    with pytest.raises(E2EDataError, match="unknown version 'buggy'"):
        R.emulate_jets(empty_det(), dict(event=np.zeros(0, int)), version='buggy', seeds=np.zeros((0, 2)))
    with pytest.raises(E2EDataError, match="track images 'ecal_face'"):
        R.prototype_frames(empty_det(), 0, DetectorConfig(track_image='ecal_face'))


def test_to_model_order_accepts_both_naming_conventions():
    x = np.arange(8)[:, None, None]*np.ones((8, 2, 2))
    a = R.to_model_order(x, R.push_order())[:, 0, 0]
    b = R.to_model_order(x, [R.RECOE2E_TO_E2E[n] for n in R.push_order()])[:, 0, 0]
    assert a.tolist() == b.tolist() == [2, 3, 4, 1, 0, 5, 6, 7]


# --- against e2e_nb's own images -------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def sample():
    import warnings; warnings.filterwarnings('ignore', message='dcut and exclusive jets')
    return R.frame_sample(6, seed=11)


def test_fixed_emulator_reproduces_package_images(sample):
    jets = sample['jets']; assert len(jets['eta']) >= 4
    seeds = np.stack([R.ieta_to_seed(jets['ieta']), R.iphi_to_seed(jets['iphi'])], 1)
    X, names, _ = R.emulate_jets(sample['det'], jets, sample['cfg'], 'fixed', seeds=seeds)
    X = R.to_model_order(R.add_window_noise(X, names, sample['noise']), names)
    d = np.abs(X - jets['X_jet'])
    assert (d[:, [CHANNELS.index(c) for c in CHANNELS if c != 'hcal']] == 0).all()
    assert (d <= np.abs(jets['X_jet'])*2.**-23).all()
    j64 = dict(event=jets['event'], eta=jets['eta'].astype(np.float64), phi=jets['phi'].astype(np.float64))
    assert (R.recoe2e_seeds(sample['det'], j64) == seeds).all(1).mean() >= 0.8


def test_prototype_emulator_loses_hcal_and_bpix(sample):
    jets = sample['jets']
    seeds = np.stack([R.ieta_to_seed(jets['ieta']), R.iphi_to_seed(jets['iphi'])], 1)
    Xp, names, _ = R.emulate_jets(sample['det'], jets, sample['cfg'], 'prototype', seeds=seeds)
    Xf, _, _ = R.emulate_jets(sample['det'], jets, sample['cfg'], 'fixed', seeds=seeds)
    P, F = R.to_model_order(Xp, names), R.to_model_order(Xf, names)
    h = CHANNELS.index('hcal')
    assert np.minimum(P[:, h], F[:, h]).sum() < 0.05*F[:, h].sum()
    assert P[:, 5:].sum() == 0 and F[:, 5:].sum() > 0
    assert (P[:, :3] == F[:, :3]).all()
