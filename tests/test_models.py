"Tests of the model zoo `e2e_nb.models`: shapes, parameter counts, gradients, registry, bad inputs, tracing and ONNX export."
import copy, warnings
import pytest
import torch
from torch import nn
from e2e_nb.core import E2EDataError
from e2e_nb.models import (MODELS, register_model, create_model, list_models, count_parameters, split_output,
                           JetModel, Ensemble, export_onnx_check)

NAMES = ['fcnn', 'cnn', 'resnet15', 'vit', 'lenet5', 'alexnet', 'vgg', 'inception', 'ensemble', 'pointcloud']

def jet_batch(b=3, c=8, size=32, seed=0, occupancy=0.15):
    "A sparse, jet-like random batch: hits in a central window, zeros elsewhere"
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(b, c, size, size)
    lo,hi = size // 4, size - size // 4
    w = hi - lo
    x[:, :, lo:hi, lo:hi] = torch.rand(b, c, w, w, generator=g) * (torch.rand(b, c, w, w, generator=g) < occupancy)
    return x

def conv(ci, co, k): return ci * co * k * k + co

def resnet15_params(C=8, f0=16, f1=32, nblocks=3, n_scalars=0, n_outputs=1):
    "Analytic parameter count of the ML4SCI ResNet-15 (without its unused 1x1 shortcuts)"
    return (conv(C, f0, 7) + nblocks * 2 * conv(f0, f0, 3) + conv(f0, f1, 3) + conv(f1, f1, 3) + conv(f0, f1, 1)
            + nblocks * 2 * conv(f1, f1, 3) + (f1 + n_scalars + 1) * n_outputs)

def fcnn_params(C=8, S=125, hidden=(64, 64), n_scalars=0, n_outputs=1):
    n,tot = C * S * S,0
    for h in hidden: tot += n * h + h; n = h
    return tot + (n + n_scalars + 1) * n_outputs

def test_registry_names():
    assert list_models() == sorted(NAMES + ['part'])   # part takes raw frames: its own test below
    assert set(NAMES) <= set(MODELS)


def test_part_shapes_and_raw_input():
    "part: (B, n) or (B, 2n) outputs at any frame size, a mass > 0 as its first output, raw input and the seed declared"
    from e2e_nb.models import PixelParT
    assert PixelParT.raw_input and PixelParT.input_scalars == ('ieta', 'iphi')
    x, s = jet_batch(size=33) * 10, torch.tensor([[30., 5.], [80., 100.], [150., 359.]])
    m = create_model('part', img_size=33, n_outputs=3, n_scalars=2, heteroscedastic=True).eval()
    with torch.no_grad(): y = m(x, s)
    assert y.shape == (3, 6) and (y[:, :3] > 0).all() and torch.isfinite(y).all()
    with pytest.raises(E2EDataError, match='scalars'): m(x, s[:, :1])

@pytest.mark.parametrize('name', NAMES)
@pytest.mark.parametrize('size', [32, 125])
def test_output_shapes(name, size):
    torch.manual_seed(0)
    x = jet_batch(2, size=size)
    m = create_model(name, img_size=size).eval()
    with torch.no_grad():
        y = m(x)
        assert y.shape == (2, 1) and torch.isfinite(y).all()
        m2 = create_model(name, img_size=size, n_outputs=3, n_scalars=2, heteroscedastic=True).eval()
        y2 = m2(x, torch.rand(2, 2))
        assert y2.shape == (2, 6) and torch.isfinite(y2).all()
        mu,lv = split_output(y2, heteroscedastic=True)
        assert mu.shape == lv.shape == (2, 3)
        # channels-last inputs (a CPU speed option of the training loop) give the same result
        torch.testing.assert_close(m(x.contiguous(memory_format=torch.channels_last)), y, atol=1e-5, rtol=1e-4)

@pytest.mark.parametrize('name', NAMES)
def test_other_channel_counts_and_sizes(name):
    "ML4SCI's quark/gluon images have 3 channels, electron/photon 2 channels at 32 x 32; crops give 64 x 64; 16 x 16 is the smallest"
    for c,size in ((3, 64), (2, 32), (8, 16)):
        m = create_model(name, in_channels=c, img_size=size, n_outputs=2).eval()
        with torch.no_grad(): assert m(jet_batch(2, c=c, size=size)).shape == (2, 2)

@pytest.mark.parametrize('name', NAMES)
def test_empty_image_is_finite(name):
    "A jet with no hits (all-zero image) must not give NaN: the masked attention always has an unmasked class token"
    m = create_model(name, img_size=32, heteroscedastic=True).eval()
    with torch.no_grad(): assert torch.isfinite(m(torch.zeros(2, 8, 32, 32))).all()

@pytest.mark.parametrize('name', NAMES)
def test_gradient_step_changes_output(name):
    torch.manual_seed(1)
    m = create_model(name, img_size=32, n_scalars=2, heteroscedastic=True)
    x,s = jet_batch(4, size=32),torch.rand(4, 2)
    m.eval()
    with torch.no_grad(): before = m(x, s).clone()
    m.train()
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    mu,lv = split_output(m(x, s), True)
    loss = nn.functional.gaussian_nll_loss(mu, torch.ones_like(mu), lv.exp())
    loss.backward()
    trainable = [(n, p) for n,p in m.named_parameters() if p.requires_grad]
    assert trainable
    # every trainable parameter takes part (DistributedDataParallel needs this without find_unused_parameters)
    assert [n for n,p in trainable if p.grad is None] == []
    assert all(torch.isfinite(p.grad).all() for _,p in trainable)
    opt.step()
    m.eval()
    with torch.no_grad(): after = m(x, s)
    assert not torch.allclose(before, after)

@pytest.mark.parametrize('name', NAMES)
def test_bf16_autocast(name):
    "The training loop's CPU bf16 autocast option runs every model"
    m = create_model(name, img_size=32, n_scalars=2, heteroscedastic=True).eval()
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        y = m(jet_batch(2, size=32), torch.rand(2, 2))
    assert y.shape == (2, 2) and torch.isfinite(y.float()).all()

@pytest.mark.parametrize('name', NAMES)
def test_jit_trace(name):
    "Every forward is free of data-dependent control flow: a trace at batch 3 reproduces eager at batch 5"
    torch.manual_seed(0)
    m = create_model(name, img_size=32, n_scalars=2, heteroscedastic=True).eval()
    with warnings.catch_warnings():
        warnings.simplefilter('error', torch.jit.TracerWarning)
        tr = torch.jit.trace(m, (jet_batch(3, size=32), torch.rand(3, 2)), check_trace=False)
    x,s = jet_batch(5, size=32, seed=3, occupancy=0.3),torch.rand(5, 2)
    with torch.no_grad(): torch.testing.assert_close(tr(x, s), m(x, s), atol=1e-5, rtol=1e-4)

def test_resnet15_parameters():
    "The count follows from ML4SCI's layer list; 90,163 with iη, iφ as scalars and one output"
    assert count_parameters(create_model('resnet15', n_scalars=2)) == resnet15_params(n_scalars=2) == 90_163
    assert count_parameters(create_model('resnet15')) == resnet15_params() == 90_161
    assert count_parameters(create_model('resnet15', in_channels=3, n_outputs=2)) == resnet15_params(C=3, n_outputs=2)
    assert count_parameters(create_model('resnet15', heteroscedastic=True)) == resnet15_params(n_outputs=2)
    assert count_parameters(create_model('resnet15', fmaps=(32, 64), nblocks=2)) == resnet15_params(f0=32, f1=64, nblocks=2)
    # 15 convolutional layers: the stem, 7 blocks x 2, and (not counted in the 15) the 1x1 shortcut of the down-sampling block
    m = create_model('resnet15')
    convs = [mod for mod in m.modules() if isinstance(mod, nn.Conv2d)]
    assert len([c for c in convs if c.kernel_size != (1, 1)]) == 15 and len(convs) == 16
    assert convs[0].kernel_size == (7, 7) and convs[0].padding == (1, 1)
    # no batch norm, global max-pool: the output of a jet does not depend on the rest of the batch
    x = jet_batch(4, size=125)
    with torch.no_grad(): torch.testing.assert_close(m(x)[:1], m(x[:1]))

def test_resnet15_feature_map_sizes():
    "125 -> 121 (7x7, padding 1) -> 60 (max-pool) -> 30 (stride-2 block), as in ML4SCI's code"
    m = create_model('resnet15').eval()
    x = torch.rand(1, 8, 125, 125)
    with torch.no_grad():
        h = m.conv0(x); assert h.shape[-1] == 121
        h = nn.functional.max_pool2d(h.relu(), 2); assert h.shape[-1] == 60
        h = m.layer2(m.layer1(h)); assert h.shape[-3:] == (32, 30, 30)

def test_fcnn_parameters():
    assert count_parameters(create_model('fcnn')) == fcnn_params() == 8_004_289
    assert count_parameters(create_model('fcnn', img_size=32, hidden=(16, 8), n_scalars=3, n_outputs=2)) == \
        fcnn_params(S=32, hidden=(16, 8), n_scalars=3, n_outputs=2)

def test_lenet5_parameters():
    "LeNet-5 layout: 5x5 convs 8->6->16, pooled to 16x5x5, FC 400-120-84-1"
    n = conv(8, 6, 5) + conv(6, 16, 5) + 400 * 120 + 120 + 120 * 84 + 84 + 85
    for size in (32, 125): assert count_parameters(create_model('lenet5', img_size=size)) == n

# pinned counts at the defaults (125 x 125 x 8, one output): the notebook's zoo table lists them
PINNED = dict(cnn=24_433, vit=202_497, alexnet=307_513, vgg=179_681, inception=20_689, pointcloud=72_065)

@pytest.mark.parametrize('name', list(PINNED))
def test_pinned_parameters(name):
    assert count_parameters(create_model(name)) == PINNED[name]

def test_ensemble_parameters_and_modes():
    members = ('lenet5', 'cnn', 'inception')
    n = sum(count_parameters(create_model(k)) for k in members)
    assert count_parameters(create_model('ensemble')) == n
    assert count_parameters(create_model('ensemble', mode='stack')) == n + 3
    with pytest.raises(ValueError, match="expected 'mean' or 'stack'"): create_model('ensemble', mode='vote')
    with pytest.raises(ValueError, match='one dict per member'): create_model('ensemble', members=('cnn', 'fcnn'), member_kwargs=[{}])
    with pytest.raises(ValueError, match='unknown model'): create_model('ensemble', members=('cnn', 'resnet99'))

def test_ensemble_mean_and_mixture():
    torch.manual_seed(0)
    m = create_model('ensemble', img_size=32, members=('cnn', 'lenet5'), n_outputs=2, heteroscedastic=True).eval()
    x = jet_batch(4, size=32)
    with torch.no_grad():
        (m1,l1),(m2,l2) = [split_output(k(x), True) for k in m.members]
        mu,lv = split_output(m(x), True)
    torch.testing.assert_close(mu, (m1 + m2) / 2)
    torch.testing.assert_close(lv.exp(), (l1.exp() + l2.exp()) / 2 + ((m1 - m2) / 2) ** 2, rtol=1e-4, atol=1e-6)

def test_ensemble_stacking_learns_weights():
    "Stacking puts the weight on the member that fits: member 0 outputs the target, member 1 is frozen noise"
    torch.manual_seed(0)
    m = create_model('ensemble', img_size=32, members=('cnn', 'cnn'), member_kwargs=[dict(channels=(4,))] * 2, mode='stack')
    x = jet_batch(8, size=32)
    for p in m.members.parameters(): p.requires_grad_(False)
    with torch.no_grad(): target = m.members[0](x)
    with torch.no_grad(): m.members[1].head.bias += 5.
    opt = torch.optim.Adam([m.weight_logits], lr=0.2)
    for _ in range(30):
        opt.zero_grad(); loss = ((m(x) - target) ** 2).mean(); loss.backward(); opt.step()
    w = m.weights().flatten()
    assert w[0] > 0.9 and torch.isclose(w.sum(), torch.tensor(1.))

def test_pointcloud_points():
    m = create_model('pointcloud', img_size=33, k=16).eval()
    x = torch.zeros(2, 8, 33, 33)
    x[0, 3, 16, 16] = 5.; x[0, 0, 16, 20] = 2.; x[0, 7, 0, 32] = -1.   # negative values (standardised) count by |value|
    p,mask = m.points(x)
    assert p.shape == (2, 16, 10) and mask.shape == (2, 16)
    assert mask[0].sum() == 3 and mask[1].sum() == 0
    torch.testing.assert_close(p[0, :3, -2:], torch.tensor([[0., 0.], [0., 0.25], [-1., 1.]]))
    torch.testing.assert_close(p[0, 0, :8], x[0, :, 16, 16])
    assert create_model('pointcloud', img_size=8, k=128).k == 64   # k is capped at the number of pixels

def test_pointcloud_ignores_masked_points():
    "Masked (zero) pixels do not change the prediction, whatever k is"
    torch.manual_seed(0)
    a = create_model('pointcloud', img_size=32, k=32).eval()
    b = create_model('pointcloud', img_size=32, k=64).eval()
    b.load_state_dict(a.state_dict())
    x = jet_batch(3, size=32, occupancy=0.01)
    assert (x.abs().sum(1) > 0).flatten(1).sum(1).max() < 32
    with torch.no_grad(): torch.testing.assert_close(a(x), b(x), atol=1e-5, rtol=1e-4)

def test_vit_patches():
    m = create_model('vit')
    assert (m.patch_size, m.grid, m.pad) == (16, 8, 3)
    m = create_model('vit', img_size=32, patch_size=4, depth=3, dim=32, heads=2)
    assert (m.patch_size, m.grid, m.pad, len(m.blocks)) == (4, 8, 0, 3)
    with pytest.raises(ValueError, match='not divisible'): create_model('vit', dim=30, heads=4)

def test_vit_masks_empty_patches():
    "With mask_empty, tokens of empty patches are never attended to: changing their embedding leaves the output alone"
    x = torch.zeros(1, 8, 32, 32); x[0, :, 12:20, 12:20] = 1.   # hits in patches (1,1), (1,2), (2,1), (2,2) of a 4x4 grid
    for mask_empty in (True, False):
        torch.manual_seed(0)
        m = create_model('vit', img_size=32, patch_size=8, mask_empty=mask_empty).eval()
        with torch.no_grad():
            y = m(x)
            # (a random change: LayerNorm would hide a constant shift of a token)
            m.pos[0, 1] += torch.randn(m.pos.shape[-1])           # token of the empty patch (0, 0)
            assert torch.allclose(m(x), y) == mask_empty
            m.pos[0, 1 + 4 + 1] += torch.randn(m.pos.shape[-1])   # token of patch (1, 1), which has hits
            assert not torch.allclose(m(x), y)

def test_registry_add_and_errors():
    @register_model('test_tiny')
    class Tiny(JetModel):
        def __init__(self, in_channels=8, img_size=125, n_outputs=1, n_scalars=0, heteroscedastic=False, width=4):
            super().__init__(in_channels, img_size, n_outputs, n_scalars, heteroscedastic)
            self.lin = nn.Linear(in_channels, width)
            self.make_head(width)
        def features(self, x): return self.lin(x.mean((2, 3)))
    try:
        assert 'test_tiny' in list_models()
        m = create_model('test_tiny', img_size=32, n_scalars=1, width=3)
        assert m(torch.rand(2, 8, 32, 32), torch.rand(2, 1)).shape == (2, 1)
        assert m.hparams == dict(name='test_tiny', in_channels=8, img_size=32, n_outputs=1, n_scalars=1,
                                 heteroscedastic=False, width=3)
        assert count_parameters(create_model(**m.hparams)) == count_parameters(m) == 8 * 3 + 3 + 3 + 1 + 1
        with pytest.raises(ValueError, match='already registered'): register_model('test_tiny')(lambda **kw: nn.Identity())
        register_model('test_tiny', overwrite=True)(lambda **kw: nn.Identity())
        assert isinstance(create_model('test_tiny'), nn.Identity)
        # the ensemble takes user models by name
        register_model('test_tiny', overwrite=True)(Tiny)
        e = create_model('ensemble', img_size=32, members=('test_tiny', 'test_tiny'), member_kwargs=[dict(width=2), {}])
        assert count_parameters(e) == (8 * 2 + 2 + 2 + 1) + (8 * 4 + 4 + 4 + 1)
    finally:
        MODELS.pop('test_tiny', None)
    assert 'test_tiny' not in list_models()

def test_unknown_name_and_bad_arguments():
    with pytest.raises(ValueError) as e: create_model('resnet50')
    for n in NAMES: assert n in str(e.value)
    with pytest.raises(ValueError, match='n_outputs must be an integer'): create_model('cnn', n_outputs=0)
    with pytest.raises(ValueError, match='n_scalars must be an integer'): create_model('cnn', n_scalars=-1)
    with pytest.raises(TypeError): create_model('cnn', no_such_option=1)

def test_bad_inputs_raise_e2e_data_error():
    m = create_model('resnet15', img_size=32, n_scalars=2)
    x,s = torch.rand(2, 8, 32, 32),torch.rand(2, 2)
    with pytest.raises(E2EDataError, match=r'expected \(B, 8, 32, 32\)'): m(torch.rand(2, 3, 32, 32), s)
    with pytest.raises(E2EDataError, match=r'expected \(B, 8, 32, 32\)'): m(torch.rand(2, 8, 125, 125), s)
    with pytest.raises(E2EDataError, match=r'expected \(B, 8, 32, 32\)'): m(torch.rand(8, 32, 32), s)
    with pytest.raises(E2EDataError, match='got no scalars'): m(x)
    with pytest.raises(E2EDataError, match=r'expected \(B, 2\)'): m(x, torch.rand(2, 3))
    with pytest.raises(E2EDataError, match='n_scalars=0'): create_model('cnn', img_size=32)(x, s)
    # without scalars, an empty (B, 0) scalar tensor (what a loader with no scalar keys yields) is the same as None
    m0 = create_model('ensemble', img_size=32).eval()
    with torch.no_grad(): torch.testing.assert_close(m0(x, torch.zeros(2, 0)), m0(x))
    with pytest.raises(E2EDataError) as e: create_model('ensemble', img_size=32)(torch.rand(2, 8, 30, 30))
    assert e.value.key == 'x'

@pytest.mark.parametrize('name,kw', [('resnet15', dict(n_scalars=2, heteroscedastic=True)),
                                     ('pointcloud', dict(n_scalars=2, n_outputs=2))])
def test_onnx_export_matches_torch(name, kw):
    "dynamo export (opset 18) with a dynamic batch axis; onnxruntime at another batch size agrees with torch"
    torch.manual_seed(0)
    m = create_model(name, img_size=32, **kw)
    x = jet_batch(3, size=32)
    s = torch.rand(3, kw['n_scalars']) if kw.get('n_scalars') else None
    assert export_onnx_check(m, x, s, atol=1e-4) <= 1e-4

def test_export_check_detects_mismatch(monkeypatch):
    "The parity check itself can fail: a model whose ONNX graph differs from eager is caught"
    class Flaky(JetModel):
        def __init__(self):
            super().__init__(img_size=32)
            self.make_head(8)
        def features(self, x):
            # torch.onnx.is_in_onnx_export() is a Python-level switch: the exported graph adds 1
            return x.mean((2, 3)) + (1. if torch.onnx.is_in_onnx_export() else 0.)
    m = Flaky()
    with pytest.raises(AssertionError, match='differ by'): export_onnx_check(m, jet_batch(2, size=32))

@pytest.mark.parametrize('name', ['ensemble', 'inception', 'resnet15', 'vit'])
def test_hparams_survive_json(name):
    "A run directory stores `model.hparams` as JSON (tuples become lists): the model rebuilds with the same parameters"
    import json
    kw = dict(ensemble=dict(members=('cnn', 'lenet5'), member_kwargs=[dict(channels=(4, 8)), {}], mode='stack'),
              inception=dict(blocks=((8, 8, 8, 4, 4, 4),)), resnet15=dict(fmaps=(8, 16), nblocks=2), vit=dict(depth=1))[name]
    m = create_model(name, img_size=32, n_scalars=2, **kw)
    m2 = create_model(**json.loads(json.dumps(m.hparams)))
    m2.load_state_dict(m.state_dict())
    x,s = jet_batch(2, size=32),torch.rand(2, 2)
    with torch.no_grad(): torch.testing.assert_close(m2.eval()(x, s), m.eval()(x, s))

@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU')
@pytest.mark.parametrize('name', NAMES)
def test_cuda_amp(name):
    "On a GPU (users' machines), every model runs under fp16 autocast and back-propagates"
    m = create_model(name, img_size=32, n_scalars=2, heteroscedastic=True).cuda()
    x,s = jet_batch(4, size=32).cuda(),torch.rand(4, 2, device='cuda')
    with torch.autocast('cuda', dtype=torch.float16): y = m(x, s)
    assert y.shape == (4, 2) and torch.isfinite(y.float()).all()
    y.float().sum().backward()
