"Tests of e2e_nb.comparison: the comparison table against e2e_nb.evaluation, tune's use of the splits, pruning and bad inputs"
import json
import numpy as np
import pytest
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import optuna
from e2e_nb.core import E2EDataError
from e2e_nb.models import create_model, count_parameters
from e2e_nb import comparison as cm, evaluation as ev, training, loader

KW = dict(epochs=1, pool=5, batch_size=32, threads=1) # 25 x 25 images, one epoch: fast, not physics
BASE = ['gen_msd', 'reco_mjet', 'reco_msd']

@pytest.fixture(scope='module')
def files(synthetic, tmp_path_factory):
    return dict(train=synthetic(150, 1), test=synthetic(60, 2), dir=tmp_path_factory.mktemp('cmp'))

@pytest.fixture(scope='module')
def comparison(files):
    return cm.compare_models([files['train']], files['test'], models=['fcnn', 'lenet5'], out=files['dir']/'compare',
                             latency_batches=2, **KW)

def test_table_rows_and_finite(comparison):
    t = comparison.table
    assert sorted(t.index) == sorted(['fcnn', 'lenet5', *BASE])
    assert sorted(t.index[t['kind'] == 'model']) == ['fcnn', 'lenet5']
    assert (t['n'] == 60).all()                                    # every estimator on every test jet
    assert np.isfinite(t[['mae', 'rmse', 'resolution', 'bias', 'gain_vs_msd']].to_numpy(float)).all()
    m = t[t['kind'] == 'model']
    assert np.isfinite(m[['params', 'train_s', 'latency_ms']].to_numpy(float)).all() and (m['latency_ms'] > 0).all()
    assert t[t['kind'] == 'baseline'][['params', 'train_s', 'latency_ms']].isna().all().all()
    assert t.loc['reco_msd', 'gain_vs_msd'] == pytest.approx(0)

def test_table_consistent_with_evaluation(comparison, files):
    t,cfg = comparison.table,comparison.config
    for k,p in comparison.preds.items():                           # the table is e2e_nb.evaluation's metrics of the stored predictions
        m = ev.regression_metrics(p, comparison.truth)
        for c in ('mae', 'rmse', 'resolution', 'bias'): assert t.loc[k, c] == pytest.approx(m[c], rel=1e-9)
    for k in ('fcnn', 'lenet5'):                                   # same parameters as the zoo's model on the same input size
        assert t.loc[k, 'params'] == count_parameters(create_model(k, img_size=cfg['img_size']))
    runs = comparison.runs                                         # same split and preprocessing for every model
    assert runs['fcnn'].config['preprocessing'] == runs['lenet5'].config['preprocessing'] == cfg['preprocessing']
    assert runs['fcnn'].config['split'] == runs['lenet5'].config['split']
    met,figs = ev.evaluate_run(runs['lenet5'].dir, files['test'], show_progress=False)  # e2e-evaluate on the same run and file
    for f in figs.values(): plt.close(f)
    for k in ('lenet5', *BASE):
        for c in ('mae', 'resolution', 'bias'): assert t.loc[k, c] == pytest.approx(met['estimators'][k][c], rel=1e-6, abs=1e-9)

def test_save_and_plot(comparison, tmp_path):
    p = comparison.save(tmp_path/'rep')
    m = json.loads(p['metrics'].read_text())
    assert set(m['estimators']) == {'fcnn', 'lenet5', *BASE} and set(m['models']) == {'fcnn', 'lenet5'}
    assert p['png'].stat().st_size > 1000 and p['csv'].read_text().startswith('estimator,')

class _Recorder:
    "Records the indices of every JetDataset built"
    def __init__(self, cls): self.cls,self.seen = cls,[]
    def __call__(self, *a, indices=None, **kw):
        self.seen.append(np.asarray(indices)); return self.cls(*a, indices=indices, **kw)

def test_tune_never_touches_test_split(files, monkeypatch):
    rec = _Recorder(loader.JetDataset)
    monkeypatch.setattr(training, 'JetDataset', rec)   # make_config's preprocessing fit and train_config's loaders
    calls = []
    real = cm.predict_test_jets
    monkeypatch.setattr(cm, 'predict_test_jets', lambda runs, *a, **k: calls.append(list(runs)) or real(runs, *a, **k))
    res = cm.tune('fcnn', [files['train']], n_trials=2, epochs=1, pool=5, batch_sizes=(32,), threads=1, out=files['dir']/'tune')
    assert len(res.study.trials) == 2 and calls == [['fcnn']]     # the test jets are scored once, for the best trial only
    sp = training.run_split(res.best_run.config)
    seen = np.concatenate(rec.seen)
    assert len(seen) and not np.isin(seen, sp['test']).any()       # preprocessing fit + every trial: train/val jets only
    assert np.isin(sp['val'], seen).all() and np.isin(sp['train'], seen).all()
    assert np.array_equal(res.test_idx[0][1], sp['test'])          # ... and the final score is on exactly the test split
    assert res.best_run.dir.name == f'trial_{res.study.best_trial.number}'
    assert set(res.test_table.index) == {'fcnn', *BASE} and np.isfinite(res.test_table['resolution']).all()
    figs = cm.plot_study(res.study, importances=False)
    assert len(figs) == 1
    for f in figs: plt.close(f)

class _PruneLater(optuna.pruners.BasePruner):
    "Prunes every trial after the first one, at its first report"
    def prune(self, study, trial): return trial.number >= 1

def test_tune_reports_and_prunes(files):
    res = cm.tune('fcnn', [files['train']], n_trials=2, epochs=2, pool=5, batch_sizes=(32,), threads=1, pruner=_PruneLater(),
                  out=files['dir']/'prune', keep_runs=True)
    t0,t1 = res.study.trials
    assert t0.state == optuna.trial.TrialState.COMPLETE and t1.state == optuna.trial.TrialState.PRUNED
    h = training.read_log(t0.user_attrs['run_dir'])
    assert t0.intermediate_values == {1: h[0]['val_loss'], 2: h[1]['val_loss']} and t0.value == min(r['val_loss'] for r in h)
    assert len(training.read_log(files['dir']/'prune'/'trial_1')) == 1  # stopped after its first epoch

def test_bad_inputs(files):
    with pytest.raises(ValueError, match="unknown model 'nope'"): cm.compare_models([files['train']], files['test'], models=['fcnn', 'nope'])
    with pytest.raises(ValueError, match='no models'): cm.compare_models([files['train']], files['test'], models=[])
    with pytest.raises(E2EDataError, match='no training files'): cm.compare_models([], files['test'])
    with pytest.raises(E2EDataError, match='not found'): cm.compare_models([files['dir']/'missing.h5'], files['test'])
    with pytest.raises(E2EDataError, match='also a training file'): cm.compare_models([files['train']], files['train'])
    with pytest.raises(ValueError, match="unknown model 'nope'"): cm.tune('nope', [files['train']])
    with pytest.raises(E2EDataError, match='no training files'): cm.tune('fcnn', [])
    with pytest.raises(E2EDataError, match='no example images'): cm.measure_latency(create_model('fcnn', img_size=8), np.zeros((0, 8, 8, 8)))

def test_stopped_comparison_resumes(comparison, files, monkeypatch):
    "A second call with the same `out` keeps the finished runs (no training) and gives the same table; other settings refuse"
    out = files['dir']/'compare'
    mtimes = {m: (out/'runs'/m/'model.safetensors').stat().st_mtime_ns for m in ('fcnn', 'lenet5')}
    monkeypatch.setattr(cm, 'train_config', lambda *a, **k: pytest.fail('a finished run was trained again'))
    again = cm.compare_models([files['train']], files['test'], models=['fcnn', 'lenet5'], out=out, latency_batches=2, **KW)
    assert {m: (out/'runs'/m/'model.safetensors').stat().st_mtime_ns for m in mtimes} == mtimes
    cols = ['params', 'train_s', 'mae', 'resolution', 'bias']
    assert np.allclose(again.table.loc[['fcnn', 'lenet5'], cols].to_numpy(float), comparison.table.loc[['fcnn', 'lenet5'], cols].to_numpy(float))
    monkeypatch.undo()
    with pytest.raises(FileExistsError, match='already holds a run'):   # same directory, another budget: not silently reused
        cm.compare_models([files['train']], files['test'], models=['fcnn'], out=out, latency_batches=2, **{**KW, 'epochs': 2})
