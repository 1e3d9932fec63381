"A run killed with SIGKILL and resumed with --resume ends with exactly the weights of an uninterrupted run."
import os, signal, subprocess, sys, time, csv
from pathlib import Path
import pytest, torch
from safetensors.torch import load_file
from e2e_nb.data import write_synthetic_e2e

BIN = Path(sys.executable).parent
EPOCHS = 4

def _args(f, out):
    # one thread: bit-identical CPU arithmetic; AdamW + one-cycle: optimiser and scheduler state matter; dropout: the RNG state matters
    return [str(BIN/'e2e-train'), '--data', str(f), '--model', 'fcnn', '--epochs', str(EPOCHS), '--out', str(out), '--crop', '32',
            '--pool', '2', '--batch-size', '8', '--threads', '1', '--quiet', '--seed', '3', '--model-kwargs', '{"dropout": 0.2}']

def _ck(out): return torch.load(out/'checkpoints'/'last.pt', weights_only=True)

def test_sigkill_and_resume_gives_identical_weights(tmp_path):
    f = write_synthetic_e2e(tmp_path/'top.h5', n_jets=100, seed=5, compression=None)
    ref, cut = tmp_path/'ref', tmp_path/'cut'
    r = subprocess.run(_args(f, ref), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    p = subprocess.Popen(_args(f, cut), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ck = cut/'checkpoints'/'last.pt'
    t0 = time.time()
    while not ck.exists() and p.poll() is None and time.time() - t0 < 300: time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL, f'the run ended before it could be killed: {p.returncode}'
    done = _ck(cut)['epoch']
    assert 1 <= done < EPOCHS, f'killed after epoch {done}: nothing left to resume'
    r = subprocess.run([str(BIN/'e2e-train'), '--out', str(cut), '--resume', '--threads', '1', '--quiet'], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    a, b = _ck(ref), _ck(cut)
    assert a['epoch'] == b['epoch'] == EPOCHS
    for k in a['model']: assert torch.equal(a['model'][k], b['model'][k]), k
    for k, v in load_file(ref/'model.safetensors').items(): assert torch.equal(v, load_file(cut/'model.safetensors')[k]), k
    assert a['best_val_loss'] == b['best_val_loss']
    loss = lambda h: [(r['epoch'], r['train_loss'], r['val_loss'], r['lr']) for r in h]   # timings differ, the numbers must not
    assert loss(a['history']) == loss(b['history'])
    assert torch.equal(a['rng']['torch'], b['rng']['torch'])
    rows = list(csv.DictReader(open(cut/'log.csv')))
    assert [int(r['epoch']) for r in rows] == list(range(1, EPOCHS + 1))
