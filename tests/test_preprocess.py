"Preprocessor fitting, transforms, serialisation and augmentations of `e2e_nb.preprocess`, with hypothesis property tests"
import json
import numpy as np, pytest, torch
from hypothesis import given, settings, strategies as st, HealthCheck
from hypothesis.extra.numpy import arrays
from e2e_nb.core import E2EDataError
from e2e_nb.data import write_synthetic_e2e
from e2e_nb.schema import CHANNELS
from e2e_nb.loader import JetDataset, split_indices
from e2e_nb.preprocess import Preprocessor, Augment, crop_slice

ENERGY = [0, 3, 4, 5, 6, 7]  # track_pt, ecal, hcal, bpix1-3
HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

def _batch(rng, B=6, C=8, H=33, W=33, spread=True):
    x = np.zeros((B, C, H, W), np.float32)
    mask = rng.random((B, C, H, W)) < 0.05
    scales = np.array([5, .05, .1, 8, .08, 1, 1, 1][:C]) if spread else np.ones(C)
    x[mask] = (rng.exponential(1, mask.sum()) * np.broadcast_to(scales[None, :, None, None], x.shape)[mask]).astype(np.float32)
    x[:, 1:3] *= np.sign(rng.standard_normal((B, 2, H, W))) if C >= 3 else 1
    return torch.from_numpy(x)

# ---------------------------------------------------------------- hypothesis properties

@HYP
@given(seed=st.integers(0, 2**31), p_eta=st.sampled_from([0., .5, 1.]), p_phi=st.sampled_from([0., .5, 1.]), p_rot=st.sampled_from([0., .5, 1.]),
       H=st.integers(3, 20), W=st.integers(3, 20))
def test_flips_preserve_total_energy(seed, p_eta, p_phi, p_rot, H, W):
    x = _batch(np.random.default_rng(seed), B=5, H=H, W=W)
    aug = Augment(CHANNELS, p_eta, p_phi, p_rot).train()
    xa = aug(x, generator=torch.Generator().manual_seed(seed))
    torch.testing.assert_close(xa[:, ENERGY].sum((2, 3)), x[:, ENERGY].sum((2, 3)), rtol=1e-5, atol=1e-4)
    # every channel's multiset of |values| is preserved; d0/dz only change sign
    torch.testing.assert_close(xa.abs().flatten(2).sort(-1).values, x.abs().flatten(2).sort(-1).values)
    assert (xa[:, ENERGY] >= 0).all()

@HYP
@given(seed=st.integers(0, 2**31))
def test_flip_signs_follow_the_physics(seed):
    x = _batch(np.random.default_rng(seed), B=2, H=9, W=9)
    eta = Augment(CHANNELS, 1., 0., 0.).train()(x); phi = Augment(CHANNELS, 0., 1., 0.).train()(x)
    rot = Augment(CHANNELS, 0., 0., 1.).train()(x)
    torch.testing.assert_close(eta[:, 2], -x[:, 2].flip(-2)); torch.testing.assert_close(eta[:, 1], x[:, 1].flip(-2))  # dz flips
    torch.testing.assert_close(phi[:, 1], -x[:, 1].flip(-1)); torch.testing.assert_close(phi[:, 2], x[:, 2].flip(-1))  # d0 flips
    torch.testing.assert_close(rot[:, [0, 3]], x[:, [0, 3]].flip(-1).flip(-2)); torch.testing.assert_close(rot[:, 1:3], -x[:, 1:3].flip(-1).flip(-2))
    torch.testing.assert_close(Augment(CHANNELS, 1., 1., 1.).train()(x), x)  # η, φ flip and a rotation cancel
    assert Augment(CHANNELS, 1., 1., 1.).eval()(x) is x

@HYP
@given(y=arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 3)), elements=st.floats(-1e4, 1e4, allow_nan=False)),
       kind=st.sampled_from(['standard', 'minmax', 'none', 500.]), q=arrays(np.float64, 7, elements=st.floats(-1e4, 1e4)))
def test_target_scaling_round_trips(y, kind, q):
    T = y.shape[1]
    p = Preprocessor.fit(np.zeros((len(y), 1, 4, 4), np.float32), ['ecal'], targets=[f't{i}' for i in range(T)], target_scaling=kind, y=y)
    yt = torch.from_numpy(y)
    torch.testing.assert_close(p.unscale_target(p.scale_target(yt)), yt, rtol=1e-5, atol=1e-3)
    qt = torch.from_numpy(np.repeat(q[:, None], T, 1))
    torch.testing.assert_close(p.scale_target(p.unscale_target(qt)), qt, rtol=1e-5, atol=1e-3)
    p2 = Preprocessor.from_dict(json.loads(json.dumps(p.to_dict())))
    torch.testing.assert_close(p2.scale_target(yt), p.scale_target(yt))
    if kind == 'standard' and np.ptp(y, 0).min() > 1e-3:
        s = p.scale_target(yt)   # float32 scale and shift: the mean is zero up to eps32 · max|y| / σ
        tol = 1e-6 + 8 * np.finfo(np.float32).eps * (np.abs(y).max(0) / y.std(0)).max()
        torch.testing.assert_close(s.mean(0), torch.zeros(T, dtype=s.dtype), atol=tol, rtol=0)

@HYP
@given(H=st.integers(1, 130), W=st.integers(1, 130), crop=st.integers(1, 130), seed=st.integers(0, 1000))
def test_crops_keep_the_centre(H, W, crop, seed):
    x = torch.zeros(1, 2, H, W); x[0, :, H // 2, W // 2] = 1 + seed
    p = Preprocessor(['ecal', 'hcal'], scaling='none', crop=crop, targets=())
    z = p(x)
    h, w = min(crop, H), min(crop, W)
    assert z.shape == (1, 2, h, w) == (1, *p.output_shape((2, H, W)))
    assert z[0, 0, h // 2, w // 2] == 1 + seed and z.sum() == 2 * (1 + seed)  # the seed pixel is the centre pixel of the crop

@HYP
@given(pool=st.integers(1, 6), seed=st.integers(0, 1000))
def test_sum_pool_preserves_energy(pool, seed):
    x = _batch(np.random.default_rng(seed), B=2, H=30, W=30)
    p = Preprocessor(CHANNELS, scaling='none', pool=pool, targets=())
    z = p(x)
    k = 30 // pool * pool  # a remainder that does not fill a pool window is dropped (as in avg_pool2d)
    assert z.shape[-1] == 30 // pool
    torch.testing.assert_close(z.sum((2, 3)), x[..., :k, :k].sum((2, 3)), rtol=1e-4, atol=1e-3)
    if pool == 5: torch.testing.assert_close(z[0, 4, 1, 2], x[0, 4, 5:10, 10:15].sum())

# ---------------------------------------------------------------- fitting and behaviour

def test_scaling_robust_to_channel_spread():
    rng = np.random.default_rng(0)
    x = _batch(rng, B=64, H=25, W=25); x[:, 4] *= 1e-2  # hcal ~ 1000x below ecal
    for sc in ('standard', 'log1p'):
        p = Preprocessor.fit(x, CHANNELS, scaling=sc, targets=(), target_scaling='none')
        z = p(x)
        torch.testing.assert_close(z.std((0, 2, 3)), torch.ones(8), rtol=0.02, atol=0.02)
        torch.testing.assert_close(z.mean((0, 2, 3)), torch.zeros(8), rtol=0, atol=1e-4)
    p = Preprocessor.fit(x, CHANNELS, scaling='maxabs', targets=(), target_scaling='none')
    torch.testing.assert_close(p(x).abs().amax((0, 2, 3)), torch.ones(8))
    assert (p(x)[x == 0] == 0).all()  # max-abs keeps empty pixels empty

def test_per_channel_spec_and_empty_channel():
    x = _batch(np.random.default_rng(1), B=8, H=9, W=9); x[:, 5] = 0
    p = Preprocessor.fit(x, CHANNELS, scaling={'ecal': 'standard', 'track_d0': 'maxabs'}, targets=(), target_scaling='none')
    assert p.scaling == ['none', 'maxabs', 'none', 'standard', 'none', 'none', 'none', 'none']
    z = p(x); assert torch.isfinite(z).all()
    torch.testing.assert_close(z[:, 0], x[:, 0])  # 'none'
    with pytest.raises(ValueError, match='unknown scaling'): Preprocessor(CHANNELS, scaling='zscore')
    with pytest.raises(ValueError, match='3 values for 8 channels'): Preprocessor(CHANNELS, scaling=['none'] * 3)

def test_zero_suppression():
    x = torch.tensor([[[[0.01, 0.5], [-0.02, 3.]]]])
    p = Preprocessor(['ecal'], scaling='none', zero_suppress={'ecal': 0.1}, targets=())
    torch.testing.assert_close(p(x), torch.tensor([[[[0., 0.5], [0., 3.]]]]))

def test_fit_checks():
    x = np.zeros((4, 3, 8, 8), np.float32)
    with pytest.raises(E2EDataError, match='3 channels'): Preprocessor.fit(x, CHANNELS, targets=())
    with pytest.raises(E2EDataError, match='targets needed'): Preprocessor.fit(x, ['a', 'b', 'c'], targets=('m_gen',))
    with pytest.raises(E2EDataError, match='no training jets'): Preprocessor.fit(x[:0], ['a', 'b', 'c'], targets=())

def test_fit_on_training_split_dataset_and_loader(tmp_path):
    f = write_synthetic_e2e(tmp_path/'a.h5', n_jets=40, seed=0, compression=None)
    sp = split_indices([f], seed=0)
    ds = JetDataset([f], channels=['ecal', 'hcal'], targets=('m_gen',), indices=sp['train'])
    p1 = Preprocessor.fit(ds, ['ecal', 'hcal'], crop=64, pool=2)
    p2 = Preprocessor.fit(torch.utils.data.DataLoader(ds, batch_size=7), ['ecal', 'hcal'], crop=64, pool=2)
    from e2e_nb.data import open_jets
    with open_jets(f) as jf:
        X = jf.read_images(sp['train'], channels=['ecal', 'hcal']); y = jf.read_scalars('m_gen', sp['train'])['m_gen']
    p3 = Preprocessor.fit(X, ['ecal', 'hcal'], crop=64, pool=2, y=y)
    for p in (p2, p3):
        torch.testing.assert_close(p.scale, p1.scale); torch.testing.assert_close(p.shift, p1.shift, atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(p.t_shift, p1.t_shift); torch.testing.assert_close(p.t_scale, p1.t_scale)
    torch.testing.assert_close(p1.t_shift, torch.tensor([y.mean()]))
    # fitted on train only: the mean target of train, not of all jets
    with open_jets(f) as jf: assert not np.isclose(jf.read_scalars('m_gen')['m_gen'].mean(), p1.t_shift.item())
    z = p1(torch.from_numpy(X[:3])); assert z.shape == (3, 2, 32, 32)

def test_dict_round_trip_and_state_dict():
    x = _batch(np.random.default_rng(2), B=10, H=20, W=20)
    p = Preprocessor.fit(x, CHANNELS, scaling='log1p', zero_suppress=0.01, crop=12, pool=3, targets=('m_gen', 'pt'),
                         target_scaling=['standard', 500.], y=np.random.default_rng(0).uniform(85, 500, (10, 2)))
    d = json.loads(json.dumps(p.to_dict()))
    q = Preprocessor.from_dict(d)
    torch.testing.assert_close(q(x), p(x)); assert q.to_dict() == d
    assert d['t_scale'][1] == 500. and d['in_shape'] == [20, 20]
    r = Preprocessor(CHANNELS, 'log1p', 0.01, 12, 3, ('m_gen', 'pt'), ['standard', 500.], in_shape=(20, 20))
    r.load_state_dict(p.state_dict()); torch.testing.assert_close(r(x), p(x))

def test_torchscript_onnx_export(tmp_path):
    onnx, ort = pytest.importorskip('onnx'), pytest.importorskip('onnxruntime')
    x = _batch(np.random.default_rng(3), B=4, H=25, W=25)
    p = Preprocessor.fit(x, CHANNELS, crop=15, pool=5, targets=(), target_scaling='none')
    torch.onnx.export(p, (x[:1],), tmp_path/'p.onnx', input_names=['x'], dynamic_axes={'x': {0: 'b'}}, dynamo=False)
    out = ort.InferenceSession(str(tmp_path/'p.onnx')).run(None, {'x': x.numpy()})[0]
    np.testing.assert_allclose(out, p(x).detach().numpy(), rtol=1e-4, atol=1e-5)

def test_crop_slice():
    assert crop_slice(125, 64) == slice(30, 94) and crop_slice(125, 200) == slice(0, 125)
