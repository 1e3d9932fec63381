"Export of a model / run for CMSSW: ONNX file properties, parity.json, Triton repository, CMSSW package, CLI, bad inputs"
import json, re, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
from torch import nn
import onnx
from e2e_nb.core import E2EDataError, PACKAGE_DIR
from e2e_nb.data import sample_file, open_jets
from e2e_nb.models import create_model
from e2e_nb.schema import CHANNELS, IMG_SIZE
from e2e_nb import export as ex


class Deployable(nn.Module):
    "Test stand-in for `E2EModel`: raw frames -> fixed 'preprocessing' -> an e2e_nb network -> GeV (and σ)"
    def __init__(self, name='cnn', n_scalars=0, heteroscedastic=False, n_targets=1):
        super().__init__()
        self.net = create_model(name, in_channels=8, img_size=63, n_outputs=n_targets, n_scalars=n_scalars,
                                heteroscedastic=heteroscedastic)
        self.register_buffer('scale', torch.linspace(0.5, 2., 8).view(1, 8, 1, 1))
        self.het = heteroscedastic
    def forward(self, x, s=None):
        z = torch.nn.functional.avg_pool2d(torch.log1p(x.clamp_min(0))*self.scale, 2, ceil_mode=True)
        out = self.net(z) if s is None else self.net(z, s)
        if not self.het: return 170 + 40*out
        t = out.shape[1]//2
        return torch.cat([170 + 40*out[:, :t], 40*torch.exp(0.5*out[:, t:].clamp(-15, 15))], 1)


def make_model(seed=0, **kw):
    torch.manual_seed(seed)
    return Deployable(**kw).eval()


def spec_for(n_scalars=0, heteroscedastic=False, n_targets=1):
    return ex.export_spec(dict(model='cnn', in_channels=8, channels=CHANNELS, targets=['m_gen', 'pt'][:n_targets],
                               scalars=['ieta', 'iphi'][:n_scalars], heteroscedastic=heteroscedastic, n_outputs=n_targets))


@pytest.fixture(scope='module')
def jets():
    "Raw frames and (ieta, iphi) of simulated jets"
    f = sample_file(n_jets=16, seed=3)
    jf = open_jets(f)
    sc = jf.read_scalars(['ieta', 'iphi'], np.arange(9))
    return jf.read_images(np.arange(9), channels=CHANNELS), np.stack([sc['ieta'], sc['iphi']], 1).astype(np.float32)


def test_onnx_file(tmp_path, jets):
    "opset 18 / IR 8 (ONNX Runtime 1.17 runs it), checker clean, dynamic batch axis, metadata, only standard ops"
    x, _ = jets
    p = ex.export_onnx(make_model(), tmp_path/'m.onnx', torch.as_tensor(x[:2]), metadata={'e2e.n_targets': 1})
    m = onnx.load(p)
    onnx.checker.check_model(m, full_check=True)
    assert m.ir_version == ex.ONNX_IR_VERSION == 8 and m.ir_version <= 9
    assert {(o.domain or 'ai.onnx', o.version) for o in m.opset_import if o.domain in ('', 'ai.onnx')} == {('ai.onnx', 18)}
    assert {n.domain for n in m.graph.node} <= {'', 'ai.onnx'}
    dims = [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
    assert isinstance(dims[0], str) and dims[1:] == [8, 125, 125]
    assert [i.name for i in m.graph.input] == ['x'] and [o.name for o in m.graph.output] == ['y']
    assert {p.key: p.value for p in m.metadata_props}['e2e.n_targets'] == '1'
    assert not list(tmp_path.glob('.*tmp'))  # atomic write left nothing behind


@pytest.mark.parametrize('n_scalars,het', [(0, False), (2, True)])
@pytest.mark.filterwarnings('ignore::DeprecationWarning')  # torch.jit.load
def test_export_model(tmp_path, jets, n_scalars, het):
    "All files written; ONNX Runtime and TorchScript reproduce PyTorch on held-out jets (any batch size)"
    x, s = jets
    s = s if n_scalars else None
    model, spec = make_model(n_scalars=n_scalars, heteroscedastic=het), spec_for(n_scalars, het)
    rep = ex.export_model(model, tmp_path/'exp', spec, x, s, name='mass')
    out = tmp_path/'exp'
    for f in ('model.onnx', 'model.pt', 'parity.json', 'triton/mass/config.pbtxt', 'triton/mass/1/model.onnx',
              'cmssw/RecoE2E/MassRegression/data/model.onnx', 'cmssw/RecoE2E/MassRegression/python/massRegression_cfi.py',
              'cmssw/RecoE2E/MassRegression/plugins/MassRegressionProducer.cc', 'cmssw/RecoE2E/MassRegression/BuildFile.xml',
              'cmssw/RecoE2E/MassRegression/src/E2EInferenceCore.cc', 'cmssw/RecoE2E/MassRegression/test/massRegression_cfg.py'):
        assert (out/f).is_file(), f
    assert json.loads((out/'parity.json').read_text()) == json.loads(json.dumps(rep))
    assert rep['n_jets'] == len(x)
    assert rep['promised_max_rel'] == dict(onnx=ex.parity_tolerance(len(x)), onnx_batch1=1e-5, torchscript=ex.parity_tolerance(len(x)))
    for k in ('onnx', 'onnx_batch1', 'torchscript'): assert rep[k]['max_rel'] <= rep['promised_max_rel'][k], (k, rep[k])
    # independent recomputation of the parity numbers
    with torch.no_grad(): ref = model(torch.as_tensor(x), None if s is None else torch.as_tensor(s)).numpy()
    y = ex.onnx_predict(out/'model.onnx', x, s)
    assert y.shape == (len(x), 2 if het else 1)
    np.testing.assert_allclose(y, ref, rtol=ex.parity_tolerance(len(x)), atol=1e-4)
    if het: assert (y[:, 1] > 0).all()
    ts = torch.jit.load(str(out/'model.pt'))
    with torch.no_grad(): yts = (ts(torch.as_tensor(x[:3])) if s is None else ts(torch.as_tensor(x[:3]), torch.as_tensor(s[:3]))).numpy()
    np.testing.assert_allclose(yts, ref[:3], rtol=ex.parity_tolerance(3), atol=1e-4)
    # the Triton configuration matches the ONNX graph
    cfg = (out/'triton/mass/config.pbtxt').read_text()
    assert 'platform: "onnxruntime_onnx"' in cfg and 'dims: [ 8, 125, 125 ]' in cfg and 'dynamic_batching' in cfg
    assert f'dims: [ {2 if het else 1} ]' in cfg and (('name: "s"' in cfg) == bool(n_scalars))
    # the CMSSW package: cfi matches the model, reference jets for its unit test
    pkg = out/'cmssw/RecoE2E/MassRegression'
    cfi = (pkg/'python/massRegression_cfi.py').read_text()
    compile(cfi, 'cfi', 'exec')
    assert f"heteroscedastic = cms.bool({het})" in cfi and "'bpix3'" in cfi
    assert "seeds = cms.InputTag('JetFrames', 'JetSeeds')" in cfi and "jets = cms.InputTag('ak8PFJetsCHS')" in cfi
    assert re.search(r"\bchannelNames = cms\.vstring\(([^)]*)\)", cfi) and 'frameChannels = cms.vstring(' in cfi
    assert ("scalarNames = cms.vstring()" in cfi) == (not n_scalars)
    np.testing.assert_array_equal(np.fromfile(pkg/'data/reference_outputs.bin', '<f4').reshape(2, -1), y[:2])
    np.testing.assert_array_equal(np.fromfile(pkg/'data/reference_images.bin', '<f4').reshape(2, 8, 125, 125), x[:2])
    assert (pkg/'data/reference_scalars.bin').exists() == bool(n_scalars)



def test_shipped_cmssw_defaults_match_the_schema():
    "The static default cfi and MassRegressionProducer's default parameters list the schema's channels and frame size"
    from e2e_nb.recoe2e import push_order, RECOE2E_TO_E2E
    pkg = PACKAGE_DIR/'cmssw/RecoE2E/MassRegression'
    cfi = (pkg/'python/massRegression_cfi.py').read_text()
    vstring = lambda name, txt: re.findall(r"'([^']*)'", re.search(rf"\b{name} = cms\.vstring\(([^)]*)\)", txt)[1])
    assert vstring('channelNames', cfi) == CHANNELS
    assert vstring('frameChannels', cfi) == [RECOE2E_TO_E2E[n] for n in push_order(adj=True)]  # RecoE2E's 9 channels
    assert f'height = cms.uint32({IMG_SIZE})' in cfi and f'width = cms.uint32({IMG_SIZE})' in cfi
    cc = (pkg/'plugins/MassRegressionCommon.h').read_text()   # the defaults both producers share
    assert re.findall(r'"([^"]*)"', re.search(r'"channelNames",\s*\{([^}]*)\}', cc)[1]) == CHANNELS
    assert re.findall(r'"([^"]*)"', re.search(r'kRecoE2EPushOrder\{([^}]*)\}', cc)[1]) == vstring('frameChannels', cfi)
    assert f'"height", {IMG_SIZE})' in cc and f'"width", {IMG_SIZE})' in cc


def test_export_model_bad_inputs(tmp_path, jets):
    x, _ = jets
    with pytest.raises(E2EDataError, match=r'expected \(N, 8, 125, 125\)'):
        ex.export_model(make_model(), tmp_path, spec_for(), x[:, :7])
    with pytest.raises(E2EDataError, match='at least 2 jets'):
        ex.export_model(make_model(), tmp_path, spec_for(), x[:1])
    with pytest.raises(E2EDataError, match='expected 3 names'):
        ex.export_spec(dict(in_channels=3, channels=['a', 'b']))
    with pytest.raises(E2EDataError, match='ONNX model not found'):
        ex.onnx_session(tmp_path/'nope.onnx')


def test_export_run_bad_inputs(tmp_path):
    with pytest.raises(E2EDataError, match='config.json'):
        ex.export_run(tmp_path, tmp_path/'out')
    r = subprocess.run([str(Path(sys.executable).parent/'e2e-export'), '--run', str(tmp_path/'missing'), '--out', str(tmp_path/'o')],
                       capture_output=True, text=True)
    assert r.returncode != 0 and 'config.json' in r.stderr


@pytest.fixture(scope='module')
def run_dir(tmp_path_factory):
    "A tiny real e2e-train run (1 epoch) on a small simulated sample"
    from e2e_nb.training import train
    d = tmp_path_factory.mktemp('run')
    train(sample_file(n_jets=64, seed=1), d/'run', model='cnn', epochs=1, batch_size=16, crop=64, pool=2, device='cpu', show_progress=False)
    return d/'run'


def test_export_run_cli(tmp_path, run_dir):
    "e2e-export on a real run directory: parity.json from held-out jets, ONNX == E2EModel, no overwrite without --overwrite"
    from e2e_nb.training import load_run
    exe = str(Path(sys.executable).parent/'e2e-export')
    out = tmp_path/'export'
    r = subprocess.run([exe, '--run', str(run_dir), '--out', str(out), '--n_jets', '12'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rep = json.loads((out/'parity.json').read_text())
    assert rep['n_jets'] == min(12, len(load_run(run_dir).split()['test'])) >= 2  # the run's own test split
    assert all(rep[k]['max_rel'] <= rep['promised_max_rel'][k] for k in ('onnx', 'onnx_batch1', 'torchscript'))
    assert rep['spec']['channels'] == load_run(run_dir).config['channels']
    fb = rep['frame_bias']   # the model on emulated RecoE2E frames: fixed frames are e2e_nb's own images
    assert fb['n_events'] == 12 and fb['fixed']['n_jets'] >= 12 and abs(fb['fixed']['mean']) < 1e-2
    assert 'fixed_raw_seeds' not in fb   # this run takes no ieta/iphi scalars
    run = load_run(run_dir, device='cpu')
    x = open_jets(sample_file(n_jets=16, seed=3)).read_images(np.arange(5), channels=run.config['channels'])
    np.testing.assert_allclose(ex.onnx_predict(out/'model.onnx', x), run.predict(x), rtol=ex.parity_tolerance(5), atol=1e-4)
    r = subprocess.run([exe, '--run', str(run_dir), '--out', str(out)], capture_output=True, text=True)
    assert r.returncode != 0 and 'refusing to overwrite' in r.stderr
    rep = ex.export_run(run_dir, out, data=sample_file(n_jets=16, seed=3), n_jets=4, overwrite=True, bias_events=0)
    assert 'frame_bias' not in rep
    assert json.loads((out/'parity.json').read_text()) == json.loads(json.dumps(rep))
    assert rep['n_jets'] == 4 and rep['onnx']['max_rel'] <= ex.parity_tolerance(4)
    assert sorted(p.name for p in out.parent.iterdir()) == ['export']  # no temporary directory left behind (nor the old export)


def test_export_run_split_errors_are_not_swallowed(tmp_path, run_dir):
    "A run whose test split cannot be recomputed fails loudly; it is not exported against a fresh sample instead"
    import shutil
    bad = tmp_path/'run'; shutil.copytree(run_dir, bad)
    cfg = json.loads((bad/'config.json').read_text()); cfg['split']['stratify'] = 'no_such_scalar'
    (bad/'config.json').write_text(json.dumps(cfg))
    with pytest.raises(E2EDataError, match='no_such_scalar'): ex.export_run(bad, tmp_path/'out', n_jets=4, bias_events=0)
    assert not (tmp_path/'out').exists()


@pytest.mark.parametrize('key,good,bad,topic,warning', [
    ('image_seed', 'hcal', 'axis', 'centred', 'centred on the jet axis'),                 # sample_file: default seed
    ('track_image', 'recoe2e', 'ecal_face', 'track channels', "track channels made as 'ecal_face'")])
def test_export_warns_about_images_not_made_like_recoe2e(tmp_path, run_dir, caplog, monkeypatch, key, good, bad, topic, warning):
    "The run records how its images were made (centre, track channels); export_run stores it and warns unless it is RecoE2E's"
    import logging, shutil
    monkeypatch.setattr(logging.getLogger('e2e_nb'), 'propagate', True)   # get_logger stops propagation; caplog listens at the root
    from e2e_nb.training import load_run
    cfg = load_run(run_dir).config
    assert cfg[key] == good                                # sample_file: e2e_nb's simulation with its defaults
    old = tmp_path/'old_run'; shutil.copytree(run_dir, old)
    (old/'config.json').write_text(json.dumps({**cfg, key: bad}))
    with caplog.at_level(logging.WARNING, logger='e2e_nb.export'):
        ex.export_run(run_dir, tmp_path/'a', n_jets=4)
        assert not [r for r in caplog.records if topic in r.getMessage()]
        rep = ex.export_run(old, tmp_path/'b', n_jets=4)
    assert any(warning in r.getMessage() for r in caplog.records)
    assert rep['spec'][key] == bad
    meta = {p.key: p.value for p in onnx.load(tmp_path/'b'/'model.onnx').metadata_props}
    assert meta[f'e2e.{key}'] == bad


def test_shipped_weights_record_their_track_channels():
    "The shipped weights were trained on RecoE2E's track channels and seeds, and their config says so"
    from e2e_nb.pipeline import shipped_runs
    shipped = json.loads((shipped_runs()[0]/'config.json').read_text())
    assert shipped['track_image'] == 'recoe2e' and shipped['image_seed'] == 'hcal'


def test_library_fetches_no_headers():
    "Issue #21: the library never runs apt-get; fetching the ONNX Runtime headers is tools/fetch_ort_headers.sh's job"
    src = Path(ex.__file__).read_text()
    assert 'apt-get' not in src and 'dpkg-deb' not in src


def test_ort_sdk_missing_headers(tmp_path, monkeypatch):
    "Without headers `ort_sdk` names where it looked and how to fetch them; it finds them in the cache and system dirs"
    monkeypatch.delenv('E2E_NB_ORT_INCLUDE', raising=False)
    sys_inc = tmp_path/'usr_include'
    with pytest.raises(ex.OrtHeadersMissing, match='fetch_ort_headers.sh') as e: ex.ort_sdk(tmp_path/'cache', sys_dirs=[sys_inc])
    assert str(tmp_path/'cache'/'sdk'/'usr'/'include') in str(e.value) and str(sys_inc) in str(e.value)
    repo = tmp_path/'repo'; (repo/'e2e_nb').mkdir(parents=True); (repo/'settings.ini').touch()
    with monkeypatch.context() as m:   # a source checkout without the cache: its default cache, fetched by `make ort-headers`
        m.setattr(ex, 'PACKAGE_DIR', repo/'e2e_nb')
        with pytest.raises(ex.OrtHeadersMissing, match=f'`make ort-headers` in {repo}'): ex.ort_sdk(sys_dirs=[])
    for inc in (sys_inc, tmp_path/'cache'/'sdk'/'usr'/'include'):   # the cache (the last one made) comes first
        (inc/'onnxruntime').mkdir(parents=True); (inc/'onnxruntime'/'onnxruntime_cxx_api.h').touch()
        assert ex.ort_sdk(tmp_path/'cache', sys_dirs=[sys_inc])['include'] == inc
    monkeypatch.setenv('E2E_NB_ORT_INCLUDE', str(tmp_path/'empty'))
    with pytest.raises(ex.OrtHeadersMissing, match=r'\$E2E_NB_ORT_INCLUDE='): ex.ort_sdk(tmp_path/'cache')
