"Tests of e2e_nb.evaluation: metrics on known inputs, calibration, metrics.json schema, the e2e-evaluate CLI (mass scan, QCD block, refused calibrations) and bad inputs"
import json
from pathlib import Path
import numpy as np
import pytest
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from e2e_nb.core import E2EDataError
from e2e_nb.data import write_synthetic_e2e, open_jets
from e2e_nb.loader import split_indices
from e2e_nb.schema import CHANNELS
from e2e_nb.training import RunConfig
from e2e_nb import evaluation as ev

N = 160 # jets per test file: small, the CLI test predicts all of them

# ---------------------------------------------------------------- metrics on known inputs

@pytest.mark.parametrize('sigma,shift', [(0.05, 0.0), (0.12, -0.04), (0.3, 0.1)])
def test_resolution_bias_gaussian(sigma, shift):
    rng = np.random.default_rng(1)
    t = rng.uniform(85, 500, 100_000)
    p = t*(1 + shift + sigma*rng.standard_normal(len(t)))
    m = ev.regression_metrics(p, t)
    assert abs(m['resolution'] - sigma) < 0.02*sigma + 1e-3
    assert abs(m['bias'] - shift) < 3e-3
    b = ev.binned_metrics(p, t, pt := rng.uniform(400, 1000, len(t)), ev.DEFAULT_EDGES['pt_gen'])
    assert sum(b['n']) == len(t) and len(b['n']) == 6
    np.testing.assert_allclose(b['resolution'], sigma, rtol=0.08)
    np.testing.assert_allclose(b['bias'], shift, atol=0.01)

def test_absolute_metrics_known_values():
    t = np.array([100., 200., 300., 400.]); p = np.array([110., 190., 330., 400.])
    m = ev.regression_metrics(p, t)
    assert m['mae'] == pytest.approx(12.5)
    assert m['rmse'] == pytest.approx(np.sqrt((100 + 100 + 900)/4))
    assert m['r2'] == pytest.approx(1 - 1100/50_000)
    assert m['pearson_r'] == pytest.approx(np.corrcoef(p, t)[0, 1])
    assert m['bias'] == pytest.approx(np.median([0.1, -0.05, 0.1, 0.]))

def test_binned_edges_and_empty_bins():
    t = np.array([90., 120., 480., 500.]); b = ev.binned_metrics(t*1.1, t, edges=[85, 100, 150, 200, 500])
    assert b['n'] == [1, 1, 0, 2]                         # 500 (upper edge) is in the last bin
    assert np.isnan(b['bias'][2]) and np.isnan(b['resolution'][0]) # empty bin: NaN, one jet: no width
    assert b['bias'][3] == pytest.approx(0.1)

def test_evaluate_estimators_common_jets():
    rng = np.random.default_rng(2); t = rng.uniform(85, 500, 1000)
    preds = dict(a=t*1.0, b=t*(1 + 0.1*rng.standard_normal(1000)))
    preds['b'][:10] = np.nan; t2 = t.copy(); t2[10:15] = np.nan
    out = ev.evaluate_estimators(preds, t2, extra=dict(pt_gen=rng.uniform(400, 1000, 1000)))
    assert out['a']['n'] == out['b']['n'] == 985
    assert set(out['a']) >= {'mae', 'rmse', 'pearson_r', 'r2', 'resolution', 'bias', 'bins', 'bins_pt_gen'}
    with pytest.raises(E2EDataError, match='one prediction per jet'): ev.evaluate_estimators(dict(a=t[:5]), t)

def test_classifier_metrics_known():
    rng = np.random.default_rng(3); n = 50_000
    y = np.r_[np.ones(n), np.zeros(n)]; s = np.r_[rng.normal(2, 1, n), rng.normal(0, 1, n)]
    m = ev.classifier_metrics(s, y)
    assert m['auc'] == pytest.approx(0.9214, abs=0.005) # Φ(2/√2)
    # ε_S = 50 %: cut at s = 2, ε_B = 1 − Φ(2) = 0.02275; ε_S = 80 %: cut at 2 − 0.8416, ε_B = 1 − Φ(1.1584) = 0.1234
    assert m['rejection_50'] == pytest.approx(1/0.02275, rel=0.08)
    assert m['rejection_80'] == pytest.approx(1/0.1234, rel=0.05)
    fpr, tpr = ev.roc_curve(s, y)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1 and np.all(np.diff(tpr) >= 0)

# ---------------------------------------------------------------- calibration

def test_isotonic_is_monotone_and_least_squares():
    rng = np.random.default_rng(4); y = rng.normal(size=200).cumsum() + rng.normal(0, 3, 200)
    f = ev.isotonic_regression(y)
    assert np.all(np.diff(f) >= -1e-12)
    assert f.mean() == pytest.approx(y.mean())  # PAV preserves the (weighted) mean
    assert ((f - y)**2).sum() <= ((np.maximum.accumulate(y) - y)**2).sum() # better than another monotone fit

def test_calibration_removes_bias_monotone():
    rng = np.random.default_rng(5); t = rng.uniform(85, 500, 20_000)
    est = 0.8*t + 20*rng.standard_normal(len(t))
    c = ev.MonotoneCalibration().fit(est[:10_000], t[:10_000])
    v = c(np.linspace(-100, 1000, 2000))
    assert np.all(np.diff(v) >= 0)
    r = ev.response(c(est[10_000:]), t[10_000:])
    assert abs(ev.bias(r)) < 0.01 and abs(ev.bias(ev.response(est[10_000:], t[10_000:]))) > 0.15
    with pytest.raises(E2EDataError, match='no jets'): ev.MonotoneCalibration().fit([np.nan], [1.])

@pytest.fixture(scope='module')
def files(synthetic, tmp_path_factory):
    return dict(train=synthetic(N, 1), test=synthetic(N, 2), qcd=synthetic(40, 3, 'qcd'), dir=tmp_path_factory.mktemp('evaldata'))

def _config(files, **kw):
    return RunConfig(model='standin', in_channels=8, img_size=125, targets=['m_gen'], channels=CHANNELS, data=[str(files['train'])],
                     split=dict(seed=0, fractions=[0.6, 0.2, 0.2], stratify='m_gen', group='event'), **kw)

def test_calibration_fitted_on_train_split_only(files):
    cfg = _config(files)
    sp = split_indices([files['train']], seed=0, fractions=(0.6, 0.2, 0.2))
    plan = ev.calibration_plan(cfg, files['train'])  # evaluation file = training file: test split only
    (cf, ci), = plan['calib']
    np.testing.assert_array_equal(ci, sp['train']); np.testing.assert_array_equal(plan['eval_idx'], sp['test'])
    assert not set(ci) & set(plan['eval_idx'])
    held = ev.calibration_plan(cfg, files['test'])  # held-out file: all its jets, calibration still on the run's train split
    np.testing.assert_array_equal(held['eval_idx'], np.arange(N)); np.testing.assert_array_equal(held['calib'][0][1], sp['train'])
    cals = ev.fit_calibrations(plan['calib'], 'm_gen', ev.BASELINES['m_gen'])
    sc = open_jets(files['train']).read_scalars(['m_gen', 'm_sd'], sp['train'])
    ref = ev.MonotoneCalibration().fit(sc['m_sd'], sc['m_gen'])
    np.testing.assert_array_equal(cals['reco_msd'].x, ref.x); np.testing.assert_array_equal(cals['reco_msd'].y, ref.y)
    assert cals['reco_msd'].n_fit == len(sp['train'])
    # training files gone (e.g. shipped weights): half of the evaluation file calibrates, the other half is evaluated
    gone = ev.calibration_plan(dict(cfg, data=[str(files['dir']/'missing.h5')]), files['test'])
    assert 'not available' in gone['source'] and not set(gone['eval_idx']) & set(gone['calib'][0][1])
    assert len(gone['eval_idx']) + len(gone['calib'][0][1]) == N

# ---------------------------------------------------------------- e2e-evaluate on a tiny run

@pytest.fixture(scope='module')
def run_dir(files, tmp_path_factory):
    "A real tiny regression run trained with e2e_nb.training (1 epoch, small CNN on cropped, pooled images)"
    from e2e_nb.training import train
    d = tmp_path_factory.mktemp('run')/'run'
    train(str(files['train']), out=d, model='cnn', epochs=1, crop=32, pool=2, batch_size=32, fractions=(0.6, 0.2, 0.2),
          targets=['m_gen', 'pt_gen'], show_progress=False)
    return d

def _check_schema(m, names):
    assert set(m) >= {'n_jets', 'target', 'estimators'} and m['target'] == 'm_gen'
    assert set(m['estimators']) == set(names)
    for k, e in m['estimators'].items():
        assert set(e) >= {'mae', 'rmse', 'pearson_r', 'r2', 'resolution', 'bias', 'bins'}
        assert all(isinstance(e[q], float) for q in ('mae', 'rmse', 'pearson_r', 'r2', 'resolution', 'bias'))
        b = e['bins']; assert set(b) >= {'edges', 'resolution', 'bias', 'n'}
        assert len(b['edges']) == len(b['n']) + 1 == len(b['bias']) + 1 == len(b['resolution']) + 1
        assert sum(b['n']) <= m['n_jets']

def test_cli_quiet_turns_the_progress_bars_off(run_dir, files, tmp_path, monkeypatch):
    "e2e-evaluate --quiet, as e2e-train and e2e-run: evaluate_run is called without progress bars"
    seen, real = [], ev.evaluate_run
    def spy(*a, **kw): seen.append(kw.get('show_progress', True)); return real(*a, **kw)
    monkeypatch.setattr(ev, 'evaluate_run', spy)
    for quiet in (False, True):
        ev.e2e_evaluate(run=str(run_dir), data=str(files['test']), out=str(tmp_path/'r'), n_boot=0, quiet=quiet)
    assert seen == [True, False]

def test_cli_end_to_end(run_dir, files, tmp_path, capsys):
    out = tmp_path/'report'
    assert ev.e2e_evaluate(run=str(run_dir), data=str(files['test']), out=str(out), qcd=str(files['qcd'])) is None
    mj = json.loads((out/'metrics.json').read_text()) # strict JSON (no NaN)
    name = json.loads((run_dir/'config.json').read_text())['model']
    _check_schema(mj, [name, 'reco_mjet', 'reco_msd', 'gen_msd'])
    assert mj['n_jets'] == N and 'held-out' in mj['calibration']['source'] and mj['model'] == name and mj['run'] == str(run_dir)
    assert sum(mj['estimators']['reco_msd']['bins']['n']) == N # every jet of the flat 85–500 GeV sample is in a bin
    for p in ('residuals', 'response_vs_mass', 'response_vs_pt', 'pred_vs_true', 'qcd_mass'): assert (out/f'{p}.png').stat().st_size > 1000
    assert mj['qcd'][name]['n'] == 40
    # the model's numbers are what the metrics functions give on the run's own predictions
    x = open_jets(files['test']).read_images(None); t = open_jets(files['test']).read_scalars(['m_gen'])['m_gen']
    from e2e_nb.training import load_run
    ref = ev.regression_metrics(load_run(run_dir).predict(x)[:, 0], t) # column 0: m_gen
    assert mj['estimators'][name]['mae'] == pytest.approx(ref['mae'], rel=1e-4)
    assert mj['summary']['resolution_gain'] == pytest.approx(1 - ref['resolution']/mj['estimators']['reco_msd']['resolution'], rel=1e-3)
    # calibrated m_SD of the synthetic sample (m_SD = 0.95 (m_gen + 15 GeV noise)) has no bias; the raw one reads 5 % low
    assert abs(mj['estimators']['reco_msd']['bias']) < 0.03 and mj['uncalibrated']['reco_msd']['bias'] < -0.03
    o = capsys.readouterr().out
    assert 'resolution [%]' in o and 'reco_msd' in o and str(out/'metrics.json') in o and 'relative gain' in o
    # on the training file itself only its test split is evaluated
    m2, figs = ev.evaluate_run(run_dir, files['train'], max_jets=20); plt.close('all')
    assert 'test split' in m2['calibration']['source'] and m2['n_jets'] == min(20, len(split_indices([files['train']], seed=0, fractions=(0.6, 0.2, 0.2))['test']))

# ---------------------------------------------------------------- bad inputs

def test_run_without_model(files, tmp_path):
    d = tmp_path/'run'; d.mkdir(); _config(files).save(d/'config.json')
    with pytest.raises(E2EDataError, match='model.safetensors'): ev.evaluate_run(d, files['test'])
    with pytest.raises(E2EDataError, match='run directory not found'): ev.evaluate_run(tmp_path/'nope', files['test'])
    (d/'model.safetensors').write_bytes(b'x'); (d/'config.json').unlink()
    with pytest.raises(E2EDataError, match='config.json'): ev.evaluate_run(d, files['test'])

def test_data_without_target(run_dir, files, tmp_path):
    import h5py
    bad = tmp_path/'no_target.h5'
    with h5py.File(files['test'], 'r') as f, h5py.File(bad, 'w') as g:
        for k in f:
            if k != 'm_gen': f.copy(k, g)
        g.attrs.update(dict(f.attrs))
    with pytest.raises(E2EDataError) as e: ev.evaluate_run(run_dir, bad)
    assert 'no_target.h5' in str(e.value) and "'m_gen'" in str(e.value) and e.value.key == 'm_gen'

def test_cli_bad_input_message(run_dir, tmp_path):
    with pytest.raises(SystemExit, match="e2e-evaluate: error: .*nope.h5"): ev.e2e_evaluate(run=str(run_dir), data=str(tmp_path/'nope.h5'), out=str(tmp_path/'r'))
    with pytest.raises(SystemExit, match='--run RUN_DIR and --data FILE are required'): ev.e2e_evaluate(data='x.h5')

def test_target_not_in_run(run_dir, files):
    with pytest.raises(E2EDataError, match="target 'm_jet'"): ev.evaluate_run(run_dir, files['test'], target='m_jet')

def test_pt_target(run_dir, files):
    "The second target of a two-target run, pT, against the detector-level jet pT"
    m, figs = ev.evaluate_run(run_dir, files['test'], target='pt_gen', show_progress=False); plt.close('all')
    assert m['target'] == 'pt_gen' and set(m['estimators']) == {'cnn', 'reco_pt'} and 'summary' not in m
    assert m['estimators']['cnn']['bins']['edges'] == ev.DEFAULT_EDGES['pt_gen'] and 'bins_m_gen' in m['estimators']['cnn']
    assert {'response_vs_mass', 'response_vs_pt', 'residuals', 'pred_vs_true'} <= set(figs) and 'qcd_mass' not in figs
    x = open_jets(files['test']).read_images(None); t = open_jets(files['test']).read_scalars(['pt_gen'])['pt_gen']
    from e2e_nb.training import load_run
    assert m['estimators']['cnn']['rmse'] == pytest.approx(ev.regression_metrics(load_run(run_dir).predict(x)[:, 1], t)['rmse'], rel=1e-4)

def test_classifier_run(files, tmp_path, capsys):
    from e2e_nb.training import train
    d = tmp_path/'tagger'
    train([str(files['train']), str(files['qcd'])], out=d, task='classification', model='cnn', epochs=1, crop=32, pool=2,
          batch_size=32, fractions=(0.6, 0.2, 0.2), show_progress=False)
    out = tmp_path/'report'
    ev.e2e_evaluate(run=str(d), data=str(files['test']), qcd=str(files['qcd']), out=str(out))
    mj = json.loads((out/'metrics.json').read_text())
    assert mj['task'] == 'classification' and mj['target'] == 'is_top'
    assert set(mj['estimators']) == {'cnn', 'reco_mjet', 'reco_msd', 'gen_msd'}
    sp = split_indices([files['train'], files['qcd']], seed=0, fractions=(0.6, 0.2, 0.2), stratify='is_top')
    assert mj['n_jets'] == N + (sp['test'] >= N).sum() # all of the held-out top file + the run's test split of the QCD file
    for e in mj['estimators'].values(): # rejection null: no background jet passes (1/ε_B = ∞)
        r50, r80 = (np.inf if e[k] is None else e[k] for k in ('rejection_50', 'rejection_80'))
        assert 0 <= e['auc'] <= 1 and r80 >= 1 and r50 >= r80
    assert (out/'roc.png').exists() and 'AUC' in capsys.readouterr().out
    with pytest.raises(E2EDataError, match='only one class'): ev.evaluate_run(d, files['test']) # no background given

def test_heteroscedastic_run(files, tmp_path):
    "A model predicting μ and σ: metrics on μ, and the fraction of jets within ±σ"
    from e2e_nb.training import train, load_run
    d = tmp_path/'het'
    train(str(files['train']), out=d, model='cnn', epochs=1, crop=32, pool=2, batch_size=32, fractions=(0.6, 0.2, 0.2),
          heteroscedastic=True, show_progress=False)
    m, figs = ev.evaluate_run(d, files['test'], show_progress=False); plt.close('all')
    out = load_run(d).predict(open_jets(files['test']).read_images(None)); t = open_jets(files['test']).read_scalars(['m_gen'])['m_gen']
    assert out.shape == (N, 2) and m['heteroscedastic']
    assert m['estimators']['cnn']['mae'] == pytest.approx(np.abs(out[:, 0] - t).mean(), rel=1e-4)
    assert m['coverage_1sigma'] == pytest.approx(np.mean(np.abs(out[:, 0] - t) <= out[:, 1]), abs=1e-9)

def test_residual_explorer_static(files):
    jf = open_jets(files['test']); t = jf.read_scalars(['m_gen'])['m_gen']
    p = t*(1 + 0.2*np.random.default_rng(0).standard_normal(len(t)))
    w = ev.residual_explorer(t, p, lambda i: jf.read_images(i, channels=['ecal', 'hcal']), channels=['ecal', 'hcal'], n_per_region=2)
    assert len(w.regions) == 9 == len(w.views)
    assert sum(len(g['idx']) for g in w.regions) == len(t)
    assert w.links[0].source[1] == 'index' and w.links[0].target[1] == 'selected_index' # menu drives the pre-rendered stack

# ---------------------------------------------------------------- mass scan, QCD block, containment and refused calibrations

def _retouch(src, dst, attrs=None, **cols):
    "Copy the jet file `src` to `dst` with the scalar columns `cols` (and root attributes `attrs`) replaced"
    import h5py
    with h5py.File(src, 'r') as f, h5py.File(dst, 'w') as g:
        for k in f: f.copy(k, g) if k not in cols else g.create_dataset(k, data=np.asarray(cols[k], f[k].dtype))
        g.attrs.update(dict(f.attrs)); g.attrs.update(attrs or {})
    return dst

NS = 100 # jets per scan file

@pytest.fixture(scope='module')
def scan_files(files):
    "Synthetic tt̄ files at three top masses whose traditional masses follow m_t: m_jet = m_t + N(0, 15), m_SD^gen = m_t + N(0, 10)"
    out = []
    for k, mt in enumerate([160., 172.5, 185.]):
        src = write_synthetic_e2e(files['dir']/f'raw_scan{k}.h5', n_jets=NS, seed=10 + k, process='ttbar', compression=None)
        rng = np.random.default_rng(k); mj = mt + 15*rng.standard_normal(NS)
        gs = json.dumps(dict(simulation=dict(process='ttbar', top_mass=mt, mass_window=0.)))
        out.append(_retouch(src, files['dir']/f'ttbar_mt{mt}.h5', dict(generator_settings=gs), m_gen=np.full(NS, mt),
                            m_jet=mj, m_sd=0.95*mj, m_sd_gen=mt + 10*rng.standard_normal(NS)))
    return out

@pytest.fixture(scope='module')
def qcd_gen(files):
    "QCD jets with a generated soft-drop mass that the raw masses follow"
    sc = open_jets(files['qcd']).read_scalars(['m_sd'])
    return _retouch(files['qcd'], files['dir']/'qcd_gen.h5', m_sd_gen=sc['m_sd']*1.1 + 2)

def test_cli_scan_qcd_containment(run_dir, files, scan_files, qcd_gen, tmp_path, capsys):
    from e2e_nb.metrics import sigma_fisher, sigma_eff
    out = tmp_path/'report'
    ev.e2e_evaluate(run=str(run_dir), data=str(files['test']), out=str(out), qcd=str(qcd_gen), scan=[str(f) for f in scan_files], n_boot=50)
    mj = json.loads((out/'metrics.json').read_text()); name = mj['model']
    sc = mj['mass_scan']
    assert sc['top_masses'] == [160., 172.5, 185.] and sc['files'] == [str(f) for f in scan_files] and sc['n_boot'] == 50
    assert set(sc['selections']) == {'all', 'contained'}
    for sel, tab in sc['selections'].items():
        assert set(tab) == {name, 'reco_mjet', 'reco_msd', 'gen_msd', 'image_mass'}   # image_mass: from the images
        for d in tab.values(): assert set(d) == {'sigma_fisher', 'sigma_fisher_err', 'sigma_eff', 'sigma_eff_err', 'n'}
    assert sc['selections']['all']['reco_msd']['n'] == [NS]*3
    # the table holds exactly what the metrics functions give on the files' raw values (calibration-free)
    ms = [open_jets(f).read_scalars(['m_sd', 'contained']) for f in scan_files]
    assert sc['selections']['all']['reco_msd']['sigma_fisher'] == pytest.approx(sigma_fisher([m['m_sd'] for m in ms], sc['top_masses'])['sigma'])
    c = sigma_eff([m['m_sd'][m['contained'] == 1] for m in ms], sc['top_masses'], n_boot=0)['sigma']
    assert sc['selections']['contained']['reco_msd']['sigma_eff'] == pytest.approx(c)
    assert 4 < sc['selections']['all']['gen_msd']['sigma_eff'] < 25 # m_t + N(0, 10) on 100 jets per mass
    # containment split of the pooled tables
    ct = mj['containment']
    assert ct['contained']['n_jets'] + ct['uncontained']['n_jets'] == mj['n_jets'] == N
    assert set(ct['contained']['estimators']) == set(mj['estimators']) and 'resolution_err' in mj['estimators'][name]['bins']
    # QCD block: every estimator against the generated soft-drop mass
    q = mj['qcd']
    assert set(q) >= {name, 'reco_msd (raw)', 'reco_mjet (raw)'} and q[name]['n'] == 40
    for d in q.values(): assert set(d) >= {'median_ratio', 'spearman', 'frac_window', 'window', 'n_ref'}
    assert q['reco_msd (raw)']['spearman'] == pytest.approx(1.) and q['reco_msd (raw)']['median_ratio'] < 1
    assert (out/'qcd_vs_msd_gen.png').stat().st_size > 1000
    # the report's headline is the scan table; the pooled resolution comes after it
    md = (out/'report.md').read_text()
    assert md.index('Per-jet information on the top mass') < md.index('Pooled response') < md.index('QCD jets')
    assert 'σ_F all' in md and 'Contained jets' in md and 'Uncontained jets' in md
    o = capsys.readouterr().out
    assert o.index('per-jet information on m_t') < o.index('resolution [%]')

def test_refused_calibration_reported(run_dir, files, tmp_path, capsys):
    "An anti-correlated m_SD: its calibration is refused, it appears only uncalibrated, and the reason is in metrics.json and report.md"
    t = open_jets(files['test']).read_scalars(['m_gen'])['m_gen']
    bad = _retouch(files['test'], tmp_path/'anti.h5', m_sd=600 - t, m_jet=np.full(len(t), 170.))
    run = tmp_path/'run'; import shutil; shutil.copytree(run_dir, run)
    cfg = json.loads((run/'config.json').read_text()); cfg['data'] = [str(tmp_path/'gone.h5')] # calibrate on half of the file
    (run/'config.json').write_text(json.dumps(cfg))
    out = tmp_path/'report'
    ev.e2e_evaluate(run=str(run), data=str(bad), out=str(out), n_boot=0)
    mj = json.loads((out/'metrics.json').read_text())
    ref = mj['calibration']['refused']
    assert set(ref) == {'reco_msd', 'reco_mjet'} and 'Spearman correlation -1.00' in ref['reco_msd'] and 'flat' in ref['reco_mjet']
    assert set(mj['estimators']) == {mj['model'], 'gen_msd'} and set(mj['uncalibrated']) == {'reco_mjet', 'reco_msd', 'gen_msd'}
    assert mj['calibration']['curves']['reco_msd']['refused'] == ref['reco_msd'] and 'summary' in mj and 'resolution_gain' not in mj['summary']
    md = (out/'report.md').read_text()
    assert '`reco_msd`: **refused**' in md and 'No mass scan given' in md
    assert 'reco_msd: calibration refused' in capsys.readouterr().out

def test_scan_bad_inputs(run_dir, files, scan_files, tmp_path):
    with pytest.raises(SystemExit, match='no tt̄ top mass'):
        ev.e2e_evaluate(run=str(run_dir), data=str(files['test']), out=str(tmp_path/'r'), scan=[str(files['test']), str(scan_files[0])])
    with pytest.raises(E2EDataError, match='two or more distinct top masses'): ev.scan_masses([scan_files[0], scan_files[0]])
    with pytest.raises(E2EDataError, match='scan file not found'): ev.scan_masses([tmp_path/'nope.h5'])
