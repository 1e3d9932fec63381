"""The C++ inference core (cmssw/RecoE2E/MassRegression/src/E2EInferenceCore.cc), built with g++ against ONNX Runtime's
C++ API, reproduces Python (ONNX Runtime and PyTorch) on simulated jets; RecoE2E's invalid-jet convention; clear errors.

Set-up: `e2e_nb.export.ort_sdk` finds ONNX Runtime's C/C++ headers (in .cache/onnxruntime, where `make ort-headers`
puts Debian's libonnxruntime-dev; or $E2E_NB_ORT_INCLUDE; or the system's) and links the onnxruntime wheel's library;
the core is compiled once (cached). Without g++ or the headers these tests skip with the reason (tests/conftest.py's
`cpp_sdk`); under `make test`, which fetches the headers first, they fail instead."""
from pathlib import Path
import numpy as np, pytest, torch
from e2e_nb import export as ex
from e2e_nb.models import create_model
from test_export import make_model, spec_for, jets, CHANNELS  # noqa: F401 (jets is a fixture)


@pytest.fixture(scope='module')
def exe(cpp_sdk):
    inc = Path(cpp_sdk['include'])
    assert (inc/'onnxruntime'/'onnxruntime_cxx_api.h').exists() or (inc/'onnxruntime_cxx_api.h').exists()
    return ex.build_core(cpp_sdk)


@pytest.fixture(scope='module')
def models(tmp_path_factory, jets):
    "(model, onnx path): image-only, heteroscedastic with two scalar inputs, and `part` (raw frames + the seed)"
    d = tmp_path_factory.mktemp('onnx')
    x, s = jets
    out = {}
    for key, kw in (('plain', {}), ('het', dict(n_scalars=2, heteroscedastic=True))):
        m = make_model(seed=1, name='resnet15' if key == 'plain' else 'cnn', **kw)
        ex2 = (torch.as_tensor(x[:2]), torch.as_tensor(s[:2]) if kw else None)
        out[key] = m, ex.export_onnx(m, d/f'{key}.onnx', *ex2, metadata={'e2e.heteroscedastic': int(bool(kw)), 'e2e.n_targets': 1})
    m = part_model()
    out['part'] = m, ex.export_onnx(m, d/'part.onnx', torch.as_tensor(x[:2]), torch.as_tensor(s[:2]),
                                    metadata={'e2e.heteroscedastic': 0, 'e2e.n_targets': 1})
    return out


def part_model():
    "The deployed form of a `part` run (`E2EModel`: identity preprocessing, raw seed scalars), weights moved off their start"
    from e2e_nb.training import E2EModel
    from e2e_nb.preprocess import Preprocessor
    torch.manual_seed(1)
    net = create_model('part', n_scalars=2)
    with torch.no_grad():
        for p in net.parameters(): p += 0.05 * torch.randn_like(p)
    prep = Preprocessor(CHANNELS, 'none', 0., None, 1, ['m_target'], 100., in_shape=(125, 125))
    return E2EModel(net, prep, scalar_mean=[0., 0.], scalar_std=[1., 1.]).eval()


def torch_predict(m, x, s=None):
    with torch.no_grad(): return m(torch.as_tensor(x), None if s is None else torch.as_tensor(s)).numpy()


@pytest.mark.parametrize('n', [1, 2, 7])
@pytest.mark.parametrize('key', ['plain', 'het', 'part'])
def test_parity(exe, models, jets, n, key):
    "C++ == ONNX Runtime (Python) == PyTorch within relative 1e-5, all jets in one call"
    m, onnx_path = models[key]
    x, s = jets
    x, s = x[:n], (s[:n] if key != 'plain' else None)
    y_cpp = ex.run_core(exe, onnx_path, x, s)
    y_ort, y_pt = ex.onnx_predict(onnx_path, x, s), torch_predict(m, x, s)
    assert y_cpp.shape == y_pt.shape == (n, 2 if key == 'het' else 1)
    assert ex.compare(y_cpp, y_ort)['max_rel'] <= 1e-5
    assert ex.compare(y_cpp, y_pt)['max_rel'] <= 1e-5
    assert len(np.unique(y_pt[:, 0])) == n  # the jets really differ: the check is not on a constant
    if key == 'het': assert (y_cpp[:, 1] > 0).all()


def test_missing_frames(exe, models, jets):
    "Jets without a frame or with a failed RecoE2E seed get -1; the other jets are unchanged"
    _, onnx_path = models['het']
    x, s = jets
    full = ex.run_core(exe, onnx_path, x[:7], s[:7])
    y = ex.run_core(exe, onnx_path, x[:7], s[:7], missing=[0, 4])
    np.testing.assert_array_equal(y[[0, 4]], -1)
    keep = [1, 2, 3, 5, 6]
    assert ex.compare(y[keep], full[keep])['max_rel'] <= 1e-5
    np.testing.assert_array_equal(ex.run_core(exe, onnx_path, x[:2], s[:2], missing=[0, 1]), -1)
    # RecoE2E keeps the (zero) frame of a jet whose seed failed and marks the seed {-1, -1}
    y = ex.run_core(exe, onnx_path, x[:7], s[:7], failed_seeds=[2, 6])
    np.testing.assert_array_equal(y[[2, 6]], -1)
    keep = [0, 1, 3, 4, 5]
    assert ex.compare(y[keep], full[keep])['max_rel'] <= 1e-5


def test_errors(exe, models, jets, tmp_path):
    "Bad model path, corrupt model, wrong frame size, wrong scalar count: clear messages from the C++ core"
    m, onnx_path = models['plain']
    x, s = jets
    with pytest.raises(RuntimeError, match=r"cannot open ONNX model '.*nope\.onnx' \(no such file"):
        ex.run_core(exe, tmp_path/'nope.onnx', x[:1])
    (tmp_path/'bad.onnx').write_bytes(b'not an onnx file')
    with pytest.raises(RuntimeError, match="ONNX Runtime could not load model '.*bad.onnx'"):
        ex.run_core(exe, tmp_path/'bad.onnx', x[:1])
    with pytest.raises(RuntimeError, match=r'jet 0: frame has 7 channels; expected 8 \(frames are \[jet\]\[channel\]\[eta\]\[phi\] of 8 x 125 x 125\)'):
        ex.run_core(exe, onnx_path, x[:2, :7])
    with pytest.raises(RuntimeError, match=r'jet 0: frame has 124 eta rows in channel 0; expected 125'):
        ex.run_core(exe, onnx_path, x[:2, :, :124])
    with pytest.raises(RuntimeError, match=r'phi columns in channel 0, eta row 0; expected 125'):
        ex.run_core(exe, onnx_path, np.ascontiguousarray(x[:2, :, :, :120]))
    _, het_path = models['het']
    with pytest.raises(RuntimeError, match=r'got scalars for 0 jets but 2 frames'):
        ex.run_core(exe, het_path, x[:2])
    with pytest.raises(RuntimeError, match=r'scalars were given but the model takes none'):
        ex.run_core(exe, onnx_path, x[:2], s[:2])


def test_cmssw_package_reference(exe, models, jets, tmp_path):
    "The reference jets that export writes into the CMSSW package are reproduced by the C++ core"
    m, onnx_path = models['plain']
    x, _ = jets
    y = ex.onnx_predict(onnx_path, x[:2])
    pkg = ex.write_cmssw_package(tmp_path, onnx_path, spec_for(), x[:2], y)
    xr = np.fromfile(pkg/'data/reference_images.bin', '<f4').reshape(-1, 8, 125, 125)
    yr = np.fromfile(pkg/'data/reference_outputs.bin', '<f4').reshape(len(xr), -1)
    assert ex.compare(ex.run_core(exe, pkg/'data/model.onnx', xr), yr)['max_rel'] <= 1e-5
