"""The benchmarks are scripts outside the package: each one runs here end to end at a tiny size (what is timed means
nothing at that size; that every step runs and reports does). Costs on 2 loaded cores: simulate ~10 s, loader ~25 s,
train ~10 s, inference ~35 s (the C++ core is built once per checkout and cached)."""
import json, os, re, subprocess, sys
from pathlib import Path
import pytest

BENCH = Path(__file__).resolve().parents[1]/'benchmarks'

def test_there_are_benchmarks():
    assert {p.stem for p in BENCH.glob('*.py')} == {'simulate', 'loader', 'train', 'inference'}

def _run(name, *args, timeout=600):
    r = subprocess.run([sys.executable, str(BENCH/f'{name}.py'), *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, env=dict(os.environ, E2E_NB_PROGRESS='0'))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r.stdout

def test_simulate_tiny():
    out = _run('simulate', '--process', 'topgun', '--chunks', '1', '--n-jets', '4', '--mem-sizes', '4', '--workers', '1')
    for s in ('Pythia alone (1 core)', 'ratio full / Pythia', 'floor of full / Pythia', 'bytes per jet on disk'): assert s in out, out
    assert float(re.search(r'peak memory,\s+4 jets:\s+(\d+) MB', out).group(1)) > 0   # e2e-simulate ran (it fails loudly)

def test_loader_tiny(tmp_path):
    out = _run('loader', '--n_jets', '16', '--n_mem', '8', '--workers', '1', '--batch', '4', '--chunk_size', '4',
               '--train_steps', '1', '--device', 'cpu', '--dir', tmp_path)
    assert 'template: simulated' in out and 'wrote 16 jets' in out, out
    assert float(re.search(r'ratio loader / training = ([\d.]+)x', out).group(1)) > 0
    assert not list(tmp_path.glob('*.h5'))   # its scratch files removed

def test_train_tiny():
    out = _run('train', '--batch-size', '2', '--steps', '1', '--repeats', '1', '--img', '16', '--models', 'cnn', 'fcnn',
               '--threads', '1', '--part-batch-size', '2', '--gemm-size', '64')
    for m in ('cnn', 'fcnn'): assert float(re.search(rf'^{m}\s+[\d,]+\s+([\d.]+)$', out, re.M).group(1)) > 0, out
    assert len(re.findall(r'^threads 1  channels_last', out, re.M)) == 4 and 'speed-up of the best' in out
    assert len(re.findall(r'^threads 1  bf16 (True|False)\s+[\d.]+ jets/s', out, re.M)) == 2, out   # part 3

def test_inference_tiny(cpp_sdk):
    out = _run('inference', '--untrained', '--model', 'cnn', '--crop', '32', '--pool', '4', '--seconds', '0.2', '--rounds', '1')
    res = json.loads(out.strip().splitlines()[-1])
    assert res['model'].startswith('untrained cnn') and [r['batch'] for r in res['rows']] == [1, 16]
    for r in res['rows']:   # the C++ core agrees with PyTorch, and every path was timed
        assert r['cpp_vs_torch_max_rel'] < 1e-4 and min(r['eager_us'], r['ort_us'], r['ort_plain_us'], r['cpp_us']) > 0
