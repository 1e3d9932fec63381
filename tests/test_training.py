"Tests of e2e_nb.training: every model trains, losses, run directories, CLI, transfer, classification, export, bad input."
import json, subprocess, sys, os, shutil
from pathlib import Path
import numpy as np, pytest, torch
from e2e_nb.core import E2EDataError
from e2e_nb.models import list_models, create_model
import e2e_nb.training as T

BIN = Path(sys.executable).parent

pytestmark = pytest.mark.usefixtures('one_thread')   # tests/conftest.py

@pytest.fixture(scope='module')
def files(synthetic): return [synthetic(100, 1), synthetic(24, 2, 'qcd')]

KW = dict(crop=32, pool=2, batch_size=8, threads=1, show_progress=False)

@pytest.fixture(scope='module')
def run(files, tmp_path_factory):
    out = tmp_path_factory.mktemp('runs')/'cnn'
    return T.train(files[:1], out=out, model='cnn', epochs=2, scalars=['ieta', 'pt'], targets=['m_gen', 'pt_gen'], **KW)

@pytest.mark.parametrize('name', list_models())
def test_every_model_trains(name):
    "Each model of the zoo takes optimiser steps through `fit` on tiny images and its loss is finite"
    torch.manual_seed(0)
    m = create_model(name, in_channels=8, img_size=16, n_outputs=1)
    before = [p.detach().clone() for p in m.parameters()]
    data = [(torch.rand(4, 8, 16, 16), torch.zeros(4, 0), torch.randn(4, 1)) for _ in range(2)]
    h = T.fit(m, data, data[:1], epochs=1, loss='mse', schedule='constant', lr=1e-2, show_progress=False)
    assert np.isfinite(h[0]['train_loss']) and np.isfinite(h[0]['val_loss'])
    assert any(not torch.equal(a, b) for a, b in zip(before, m.parameters())), 'no parameter changed'

def test_fit_heteroscedastic_learns_sigma():
    "A heteroscedastic linear model learns the noise level of its target (Gaussian NLL)"
    torch.manual_seed(0)
    class Lin(torch.nn.Module):
        def __init__(self): super().__init__(); self.l = torch.nn.Linear(1, 2)
        def forward(self, x, s=None): return self.l(x.flatten(1))
    x = torch.randn(512, 1, 1, 1); y = 2*x.flatten(1) + 0.5*torch.randn(512, 1)
    data = [(x[i:i+64], torch.zeros(64, 0), y[i:i+64]) for i in range(0, 512, 64)]
    m = Lin()
    T.fit(m, data, epochs=30, heteroscedastic=True, lr=5e-2, schedule='constant', show_progress=False)
    sigma = torch.exp(0.5*m(torch.zeros(1, 1, 1, 1))[0, 1]).item()
    assert abs(sigma - 0.5) < 0.1, sigma

def test_run_directory(run, files):
    d = run.dir
    for f in ('config.json', 'model.safetensors', 'checkpoints/last.pt', 'log.csv', 'loss.png'): assert (d/f).exists(), f
    c = json.loads((d/'config.json').read_text())
    for k in ('model', 'model_kwargs', 'in_channels', 'img_size', 'channels', 'targets', 'scalars', 'task', 'heteroscedastic',
              'preprocessing', 'data', 'split', 'training', 'e2e_nb_version'): assert k in c, k
    assert c['img_size'] == 16 and c['in_channels'] == 8 and c['targets'] == ['m_gen', 'pt_gen']
    ck = torch.load(d/'checkpoints'/'last.pt', weights_only=True)
    assert ck['epoch'] == 2 and set(ck['rng']) == {'python', 'numpy', 'torch', 'cuda'}
    assert [h['epoch'] for h in run.history] == [1., 2.]
    # the best weights in model.safetensors are the model of the epoch with the lowest validation loss
    vl = [h['val_loss'] for h in run.history]
    assert run.history[-1]['best_val_loss'] == min(vl)

def test_predictions_in_physical_units(run, files):
    "Predictions come back in GeV (unscaled), for raw images, from files, and from the exportable E2EModel"
    sp = run.split()
    p = run.predict_file(files[0], sp['test'])
    assert p.shape == (len(sp['test']), 2)
    assert 20 < np.median(p[:, 0]) < 2000 and 50 < np.median(p[:, 1]) < 5000   # GeV, not O(1) scaled values
    from e2e_nb.data import open_jets
    jf = open_jets(files[0]); idx = sp['test']
    s = np.stack([jf.read_scalars(['ieta', 'pt'], idx)[k] for k in ('ieta', 'pt')], 1)
    np.testing.assert_allclose(run.predict(jf.read_images(idx), s, batch_size=3), p, rtol=1e-5)
    m = run.e2e_model()
    x = torch.as_tensor(jf.read_images(idx[:2])); st = torch.as_tensor(s[:2], dtype=torch.float32)
    tr = torch.jit.trace(m, (x, st))
    torch.testing.assert_close(tr(x, st), m(x, st))
    with pytest.raises(E2EDataError, match='scalar'): run.predict(jf.read_images(idx))

def test_e2e_model_heteroscedastic_sigma_in_gev():
    "E2EModel turns (μ, log σ²) in scaled units into (mean, σ) in physical units"
    class P(torch.nn.Module):
        def forward(self, x): return x
        def unscale_target(self, y): return 500*y + 100
    class M(torch.nn.Module):
        def forward(self, x, s=None): return torch.tensor([[0.2, 2*float(np.log(0.1))]]).expand(len(x), 2)
    out = T.E2EModel(M(), P(), heteroscedastic=True)(torch.zeros(3, 1, 2, 2))
    torch.testing.assert_close(out, torch.tensor([[200., 50.]]*3))

def test_cli_classification_and_transfer(files, tmp_path):
    "e2e-train: top-vs-QCD classification end to end, then a transfer run initialised from it"
    a = tmp_path/'tag'
    args = ['--crop', '32', '--pool', '2', '--batch-size', '8', '--threads', '1', '--quiet', '--model', 'cnn']
    r = subprocess.run([BIN/'e2e-train', '--data', *map(str, files), '--task', 'classification', '--epochs', '1', '--out', str(a), *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    run = T.load_run(a)
    assert run.config['targets'] == ['is_top'] and run.config['task'] == 'classification'
    p = run.predict_file(files[1], [0, 1, 2])
    assert p.shape == (3, 1) and ((p >= 0) & (p <= 1)).all()
    b = tmp_path/'ft'
    r = subprocess.run([BIN/'e2e-train', '--data', str(files[0]), '--task', 'classification', '--epochs', '1', '--out', str(b),
                        '--init-from', str(a), '--lr', '0', '--schedule', 'constant', *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    ft = T.load_run(b)
    assert ft.config['init_from'] == str(a.resolve()) and ft.config['preprocessing'] == run.config['preprocessing']
    for k, v in run.model.state_dict().items(): torch.testing.assert_close(ft.model.state_dict()[k], v)   # lr 0: unchanged

def test_transfer_to_another_target(run, files, tmp_path):
    "Fine-tuning a 2-target run on m_gen alone: matching weights are loaded, the head is new, targets are rescaled"
    ft = T.train(files[:1], out=tmp_path/'ft', model='cnn', epochs=1, init_from=run.dir, scalars=['ieta', 'pt'], lr=0.,
                 schedule='constant', **KW)
    p0, p1 = run.config['preprocessing'], ft.config['preprocessing']
    assert p1['targets'] == ['m_gen'] and p1['t_shift'] == p0['t_shift'][:1] and p1['shift'] == p0['shift']
    a, b = run.model.state_dict(), ft.model.state_dict()
    assert torch.equal(a['body.0.weight'], b['body.0.weight']) and b['head.weight'].shape[0] == 1

def test_bad_inputs(files, tmp_path):
    with pytest.raises(E2EDataError, match='not found'): T.train([tmp_path/'missing.h5'], out=tmp_path/'x', **KW)
    with pytest.raises(E2EDataError, match='no_such_key'): T.train(files[:1], out=tmp_path/'y', targets=['no_such_key'], epochs=1, **KW)
    with pytest.raises(ValueError, match='unknown loss'): T.get_loss('l3')
    with pytest.raises(ValueError, match='does not fit'): T.get_loss('bce', task='regression')
    with pytest.raises(E2EDataError, match='nothing to resume'): T.train(out=tmp_path/'none', resume=True)
    with pytest.raises(E2EDataError, match='config.json'): T.load_run(tmp_path)

def test_refuses_to_overwrite_a_run(run):
    with pytest.raises(FileExistsError, match='resume'): T.train(run.config['data'], out=run.dir, model='cnn', epochs=1, **KW)

def test_early_stopping(tmp_path):
    "With patience 1 and a learning rate of zero the validation loss never improves after epoch 1: training stops after 2"
    m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1))
    class W(torch.nn.Module):
        def __init__(self): super().__init__(); self.m = m
        def forward(self, x, s=None): return self.m(x)
    data = [(torch.rand(4, 1, 2, 2), torch.zeros(4, 0), torch.randn(4, 1))]
    h = T.fit(W(), data, data, epochs=10, lr=0., patience=1, schedule='constant', out=tmp_path, show_progress=False)
    assert len(h) == 2
    assert torch.load(tmp_path/'checkpoints'/'last.pt', weights_only=True)['stopped']

def test_heteroscedastic_run(files, tmp_path):
    "A heteroscedastic run predicts means and σ, both in GeV, and trains with the Gaussian NLL"
    run = T.train(files[:1], out=tmp_path/'h', model='cnn', epochs=1, heteroscedastic=True, **KW)
    assert run.config['heteroscedastic'] and run.config['training']['loss'] == 'gaussian_nll'
    p = run.predict_file(files[0], run.split()['test'])
    assert p.shape == (len(run.split()['test']), 2) and (p[:, 1] > 0).all()
    assert 1 < np.median(p[:, 1]) < 2000   # σ in GeV: O(the spread of m_gen), not O(1)

def _tiny(seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.rand(4, 8, 16, 16, generator=g), torch.zeros(4, 0), torch.randn(4, 1, generator=g)) for _ in range(3)]

class Stop(Exception): pass

@pytest.mark.parametrize('opts', [dict(bf16=True, channels_last=True, clip=0.5), dict(schedule='plateau', optimizer='adam', loss='huber')])
def test_options_and_in_process_resume(tmp_path, opts):
    "CPU bf16 + channels-last + clipping, and reduce-on-plateau: a run stopped in epoch 3 and resumed = an uninterrupted run"
    kw = dict(epochs=3, show_progress=False, **{'schedule': 'onecycle', 'loss': 'l1', **opts})
    def model(): torch.manual_seed(1); return create_model('cnn', img_size=16)
    a = model(); ha = T.fit(a, _tiny(), _tiny(1), out=tmp_path/'a', **kw)
    calls = []
    def crash(x):   # an 'augmentation' that crashes the run in its 7th batch, i.e. in epoch 3 after two checkpoints
        calls.append(1)
        if len(calls) == 7: raise Stop
        return x
    with pytest.raises(Stop): T.fit(model(), _tiny(), _tiny(1), out=tmp_path/'b', augment=crash, **kw)
    assert torch.load(tmp_path/'b'/'checkpoints'/'last.pt', weights_only=True)['epoch'] == 2
    b = model(); hb = T.fit(b, _tiny(), _tiny(1), out=tmp_path/'b', resume=True, **kw)
    assert [h['train_loss'] for h in ha] == [h['train_loss'] for h in hb]
    for k, v in a.state_dict().items(): assert torch.equal(v, b.state_dict()[k]), k


def test_threads_apply_to_the_run_only(files, tmp_path):
    n = torch.get_num_threads()
    other = 1 if n != 1 else 2
    T.train(files[:1], out=tmp_path/'t', model='cnn', epochs=1, **dict(KW, threads=other))
    assert torch.get_num_threads() == n
    with pytest.raises(E2EDataError): T.train([tmp_path/'missing.h5'], out=tmp_path/'u', **dict(KW, threads=other))
    assert torch.get_num_threads() == n
