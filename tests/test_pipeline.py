"""End to end: the main job `e2e-run` (what `make run` calls) on a tiny sample, as a user runs it from a shell."""
import json, os, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent

def e2e_run(tmp_path, *args, timeout=900):
    "`e2e-run ARGS --workers 1 --quiet` from a shell, in a fresh $E2E_NB_HOME"
    env = dict(os.environ, E2E_NB_HOME=str(tmp_path/'home'), E2E_NB_PROGRESS='0')
    return subprocess.run([str(BIN/'e2e-run'), *map(str, args), '--workers', '1', '--quiet'], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=timeout)

def test_e2e_run_tiny(tmp_path):
    out = tmp_path/'job'
    r = e2e_run(tmp_path, '--out', out, '--n-train', 120, '--n-test', 60, '--n-qcd', 30, '--n-scan', 40, '--model', 'cnn',
                '--epochs', 1, '--pool', 4, '--retrain')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # the metrics table and where things are
    for s in ('| estimator', '| cnn', 'plots:', 'metrics:', 'export:', 'σ_F all'): assert s in r.stdout, (s, r.stdout)
    m = json.loads((out/'report'/'metrics.json').read_text())
    assert m['target'] == 'm_gen' and m['n_jets'] > 0
    assert m['mass_scan']['top_masses'] == [166.5, 169.5, 172.5, 175.5, 178.5] and 'cnn' in m['mass_scan']['selections']['all']
    # every baseline is calibrated or its calibration refused (with the reason), and only calibrated ones are in the table
    refused = m['calibration']['refused']
    assert {'cnn', 'reco_mjet', 'reco_msd', 'gen_msd'} <= set(m['estimators']) | set(refused) and not set(refused) & set(m['estimators'])
    assert ('| reco_msd' in r.stdout) == ('reco_msd' not in refused)
    assert sorted(p.name for p in (out/'report').glob('*.png')), 'no plots written'
    for f in ('model.onnx', 'model.pt', 'parity.json'): assert (out/'export'/f).exists(), f
    assert json.loads((out/'export'/'parity.json').read_text())['onnx']['max_rel'] < 1e-4

def test_e2e_run_bad_model(tmp_path):
    r = e2e_run(tmp_path, '--out', tmp_path/'job', '--n-train', 40, '--n-test', 20, '--n-qcd', 0, '--model', 'nosuchmodel', '--retrain')
    assert r.returncode != 0 and 'nosuchmodel' in (r.stdout + r.stderr)

def test_e2e_run_default_path_shipped_weights(tmp_path):
    "`make run`'s path: no --model, no --retrain, so the shipped weights are evaluated and exported (tiny samples, no scan)"
    from e2e_nb.pipeline import shipped_runs
    shipped = shipped_runs()
    assert shipped, 'the package ships no weights (e2e_nb/weights/<name>/): the default path cannot be tested'
    have = json.loads((shipped[0]/'config.json').read_text())['model']
    out = tmp_path/'job'
    r = e2e_run(tmp_path, '--out', out, '--n-test', 40, '--n-qcd', 0, '--n-scan', 0)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert f'(shipped {have}, run: {shipped[0]})' in r.stdout and f'| {have}' in r.stdout, r.stdout
    assert not (out/'run').exists() and not (out/'data'/'train.h5').exists()   # nothing trained
    m = json.loads((out/'report'/'metrics.json').read_text())
    assert m['n_jets'] > 0 and have in set(m['estimators']) | set(m['calibration']['refused'])
    assert json.loads((out/'export'/'parity.json').read_text())['onnx']['max_rel'] < 1e-4

def test_e2e_run_model_differs_from_shipped(tmp_path):
    "A --model other than the shipped one, without --retrain, is an error before any simulation (no silent swap)"
    r = e2e_run(tmp_path, '--out', tmp_path/'job', '--model', 'cnn')
    assert r.returncode != 0 and "model 'cnn' asked for" in r.stderr and '--retrain' in r.stderr, r.stderr
    assert not (tmp_path/'job'/'data').exists()
