"""Kill tests (#23): the long-running commands (e2e-simulate with workers, e2e-train, e2e-evaluate, e2e-export, e2e-run)
stopped with SIGKILL, SIGTERM or Ctrl-C while they work. Afterwards no process of theirs is left, no partial output is
visible, the next run of the same command removes the stale temporary files, and it gives the bytes (for training: the
weights) of an uninterrupted run; SIGTERM and Ctrl-C end with one line on stderr and exit code 143 / 130. Two commands
writing the same file at once: one wins, the other fails with exit code 3, and the file is complete.
Sizes are tiny: about 2 min in all on 2 busy cores (1.5 min of CPU), a third of it the main job."""
import configparser, json, os, signal, subprocess, sys, time, hashlib
from pathlib import Path
import numpy as np, psutil, pytest, torch
from safetensors.torch import load_file
from e2e_nb.data import write_synthetic_e2e, open_jets, validate_file

REPO = Path(__file__).resolve().parents[1]
_cfg = configparser.ConfigParser(); _cfg.read(REPO/'settings.ini')
SCRIPTS = dict(l.strip().split('=') for l in _cfg['DEFAULT']['console_scripts'].split('\n') if l.strip())


def start(cmd, *args, cwd, home):
    "Start console script `cmd` of this checkout as a process of its own session (a terminal's Ctrl-C reaches the group)"
    mod, fn = SCRIPTS[cmd].split(':')
    return subprocess.Popen([sys.executable, '-c', f'import sys; sys.argv[0] = {cmd!r}; from {mod} import {fn}; {fn}()', *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, start_new_session=True,
                            env={**os.environ, 'PYTHONPATH': str(REPO), 'E2E_NB_HOME': str(home), 'E2E_NB_PROGRESS': '0'})

def run(cmd, *args, cwd, home):
    "Run console script `cmd` in this process (no interpreter start: references and reruns cost only their work)"
    import importlib, io, contextlib
    mod, fn = SCRIPTS[cmd].split(':')
    mp = pytest.MonkeyPatch()
    mp.setattr(sys, 'argv', [cmd, *map(str, args)]); mp.chdir(cwd)
    mp.setenv('E2E_NB_HOME', str(home)); mp.setenv('E2E_NB_PROGRESS', '0')
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try: getattr(importlib.import_module(mod), fn)()
            except SystemExit as e: assert e.code in (0, None), (e.code, err.getvalue()[-3000:])
    finally: mp.undo()
    return out.getvalue(), err.getvalue()

def wait_for(cond, p, what, timeout=120):
    t0 = time.time()
    while not cond():
        assert p.poll() is None, f'ended before {what}: {p.returncode} {p.stderr.read()[-2000:]}'
        assert time.time() - t0 < timeout, f'no {what} after {timeout} s'
        time.sleep(0.02)

def family(p)->list:
    "The process and all its descendants"
    try: return [psutil.Process(p.pid), *psutil.Process(p.pid).children(recursive=True)]
    except psutil.NoSuchProcess: return []

def stop(p, sig, procs, faults, case, lost)->str:
    "Send `sig` to `p` (SIGINT: to its process group, as a terminal does); wait for it and its `procs`; its stderr"
    if sig == signal.SIGINT: os.killpg(p.pid, sig)
    else: os.kill(p.pid, sig)
    _, err = p.communicate(timeout=120)
    _, alive = psutil.wait_procs([q for q in procs if q.pid != p.pid], timeout=10)
    survivors = [q.pid for q in alive]
    for q in alive: q.kill()
    faults.kill(case, lost(), survivors)
    assert not survivors, f'{case}: processes {survivors} outlived their parent'
    assert p.returncode == -signal.SIGKILL if sig == signal.SIGKILL else p.returncode != 0, f'{case}: it ended before the signal ({p.returncode}); stderr: {err[-3000:]}'
    return err

def temps(d:Path, name:str)->list: return sorted(d.glob(f'.{name}.*.tmp'))

def sha(p:Path)->str: return hashlib.sha256(p.read_bytes()).hexdigest()

def one_line(err, cmd, code_p, code, *contains):
    "Exit code `code` and exactly one error line (log lines, e.g. warnings, may precede it); no traceback"
    assert code_p == code, f'{cmd}: exit code {code_p}, expected {code}; the end of its stderr:\n{err[-4000:]}'
    assert 'Traceback' not in err, err
    lines = [l for l in err.splitlines() if l.startswith(f'{cmd}: error: ')]
    assert len(lines) == 1 and err.strip().splitlines()[-1] == lines[0], err
    for c in contains: assert c in lines[0], lines[0]


# ---------------------------------------------------------------- e2e-simulate with 2 workers

SIM = ['--process', 'topgun', '--n-jets', 100, '--seed', 4, '--workers', 2]

@pytest.fixture(scope='module')
def sim_ref(tmp_path_factory):
    d = tmp_path_factory.mktemp('simref')
    run('e2e-simulate', *SIM, '--out', d/'ref.h5', cwd=d, home=d)
    return d/'ref.h5'

def _sim_running(tmp_path, n_jets=None):
    "`e2e-simulate` (`SIM`, or `n_jets` jets) started, once it writes with both workers up"
    args = [*SIM]
    if n_jets is not None: args[args.index('--n-jets') + 1] = n_jets
    p = start('e2e-simulate', *args, '--out', tmp_path/'tg.h5', cwd=tmp_path, home=tmp_path)
    procs = []
    def busy():   # writing, with both workers up
        procs[:] = family(p)
        return temps(tmp_path, 'tg.h5') and len(procs) >= 3
    wait_for(busy, p, 'a temporary file and two workers')
    return p, procs

def test_simulate_sigkill_then_rerun(tmp_path, sim_ref, faults):
    p, procs = _sim_running(tmp_path)
    stale = temps(tmp_path, 'tg.h5')
    stop(p, signal.SIGKILL, procs, faults, 'e2e-simulate SIGKILL', lambda: (tmp_path/'tg.h5').exists())
    assert not (tmp_path/'tg.h5').exists() and temps(tmp_path, 'tg.h5') == stale # a killed writer cannot clean up ...
    run('e2e-simulate', *SIM, '--out', tmp_path/'tg.h5', cwd=tmp_path, home=tmp_path)
    assert temps(tmp_path, 'tg.h5') == []                                          # ... the next run does
    assert sha(tmp_path/'tg.h5') == sha(sim_ref)

@pytest.mark.parametrize('sig,code', [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_simulate_sigterm_ctrl_c(tmp_path, sig, code, faults):
    p, procs = _sim_running(tmp_path, n_jets=20_000)   # long enough that a loaded machine cannot finish before the signal
    err = stop(p, sig, procs, faults, f'e2e-simulate {sig.name}', lambda: (tmp_path/'tg.h5').exists())
    one_line(err, 'e2e-simulate', p.returncode, code, 'SIGTERM' if sig == signal.SIGTERM else 'interrupted')
    assert not (tmp_path/'tg.h5').exists() and temps(tmp_path, 'tg.h5') == [] # a clean stop removes its own


def test_two_writers_one_file(tmp_path, sim_ref, faults):
    "Two simulations into one file at once: one wins, the other fails with exit code 3; the file is complete and valid"
    ps = [start('e2e-simulate', *SIM, '--out', tmp_path/'tg.h5', cwd=tmp_path, home=tmp_path) for _ in range(2)]
    res = [(p.wait(timeout=300), p.stderr.read()) for p in ps]
    codes = sorted(c for c, _ in res)
    faults.bad_input('two e2e-simulate writing one file', codes != [0, 3])
    assert codes == [0, 3], res
    one_line(next(e for c, e in res if c == 3), 'e2e-simulate', 3, 3, 'tg.h5', 'refusing to overwrite')
    assert validate_file(tmp_path/'tg.h5') == [] and sha(tmp_path/'tg.h5') == sha(sim_ref)
    assert temps(tmp_path, 'tg.h5') == []


# ---------------------------------------------------------------- e2e-train

EPOCHS = 4
def _train_args(f, out):
    return ['--data', f, '--model', 'fcnn', '--epochs', EPOCHS, '--out', out, '--crop', 32, '--pool', 2, '--batch-size', 8,
            '--threads', 1, '--quiet', '--seed', 3, '--model-kwargs', '{"dropout": 0.2}']

@pytest.fixture(scope='module')
def train_ref(tmp_path_factory):
    d = tmp_path_factory.mktemp('trainref')
    f = write_synthetic_e2e(d/'top.h5', n_jets=100, seed=5, compression=None)
    run('e2e-train', *_train_args(f, d/'ref'), cwd=d, home=d)
    return f, d/'ref'

@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGKILL])
def test_train_stopped_then_resumed(tmp_path, train_ref, sig, faults):
    f, ref = train_ref
    out = tmp_path/'run'; ck = out/'checkpoints'/'last.pt'
    p = start('e2e-train', *_train_args(f, out), *(['--workers', 1] if sig == signal.SIGKILL else []), cwd=tmp_path, home=tmp_path)
    procs = []
    def busy(): procs[:] = family(p); return ck.exists()
    wait_for(busy, p, 'the first checkpoint')
    err = stop(p, sig, procs, faults, f'e2e-train {sig.name}', lambda: not ck.exists())
    if sig == signal.SIGTERM: one_line(err, 'e2e-train', p.returncode, 143, 'SIGTERM', '--resume')
    done = torch.load(ck, weights_only=True)['epoch']
    assert 1 <= done < EPOCHS, f'stopped after epoch {done}: nothing left to resume'
    run('e2e-train', '--out', out, '--resume', '--threads', 1, '--quiet', cwd=tmp_path, home=tmp_path)
    assert not list(out.rglob('.*.tmp'))
    a, b = load_file(ref/'model.safetensors'), load_file(out/'model.safetensors')
    for k, v in a.items(): assert torch.equal(v, b[k]), k


# ---------------------------------------------------------------- e2e-evaluate and e2e-export of a tiny run

@pytest.mark.parametrize('sig', [signal.SIGKILL, signal.SIGTERM])
def test_evaluate_stopped_then_rerun(tmp_path, train_ref, sig, faults):
    f, rd = train_ref
    args = ['--run', rd, '--data', f, '--out', tmp_path/'rep', '--n-boot', 5]
    p = start('e2e-evaluate', *args, cwd=tmp_path, home=tmp_path)
    procs = []
    def busy(): procs[:] = family(p); return (tmp_path/'rep').exists()   # the report is being written
    wait_for(busy, p, 'the report directory')
    def partial():   # a visible file that is not whole
        m = tmp_path/'rep'/'metrics.json'
        try: m.exists() and json.loads(m.read_text())
        except ValueError: return True
        return any(q.stat().st_size == 0 for q in (tmp_path/'rep').glob('[!.]*'))
    err = stop(p, sig, procs, faults, f'e2e-evaluate {sig.name}', partial)
    assert not partial()
    if sig == signal.SIGTERM:
        one_line(err, 'e2e-evaluate', p.returncode, 143, 'SIGTERM'); assert not list((tmp_path/'rep').glob('.*.tmp'))
        return
    run('e2e-evaluate', *args, cwd=tmp_path, home=tmp_path)
    run('e2e-evaluate', *args[:-3], tmp_path/'ref', '--n-boot', 5, cwd=tmp_path, home=tmp_path)
    assert not list((tmp_path/'rep').glob('.*.tmp'))
    for k in ('metrics.json', 'report.md'): assert sha(tmp_path/'rep'/k) == sha(tmp_path/'ref'/k), k

@pytest.mark.parametrize('sig', [signal.SIGKILL, signal.SIGTERM])
def test_export_stopped_then_rerun(tmp_path, train_ref, sig, faults):
    f, rd = train_ref
    args = ['--run', rd, '--data', f, '--n-jets', 8, '--bias-events', 0]
    p = start('e2e-export', *args, '--out', tmp_path/'exp', cwd=tmp_path, home=tmp_path)
    procs = []
    def busy(): procs[:] = family(p); return temps(tmp_path, 'exp')
    wait_for(busy, p, 'the temporary export directory')
    err = stop(p, sig, procs, faults, f'e2e-export {sig.name}', lambda: (tmp_path/'exp').exists())
    assert not (tmp_path/'exp').exists()
    if sig == signal.SIGTERM: one_line(err, 'e2e-export', p.returncode, 143, 'SIGTERM'); assert temps(tmp_path, 'exp') == []
    run('e2e-export', *args, '--out', tmp_path/'exp', cwd=tmp_path, home=tmp_path)
    run('e2e-export', *args, '--out', tmp_path/'ref', cwd=tmp_path, home=tmp_path)
    assert temps(tmp_path, 'exp') == []
    assert sha(tmp_path/'exp'/'model.onnx') == sha(tmp_path/'ref'/'model.onnx')
    pa, pb = (json.loads((tmp_path/d/'parity.json').read_text()) for d in ('exp', 'ref'))
    assert pa['onnx'] == pb['onnx'] and pa['n_jets'] == pb['n_jets']


# ---------------------------------------------------------------- the main job

JOB = ['--n-test', 20, '--n-qcd', 0, '--n-scan', 0, '--workers', 2, '--quiet']

def test_main_job_stopped_three_times(tmp_path, faults):
    """e2e-run (shipped weights, 20 test jets): SIGTERM and SIGKILL while it simulates with 2 workers, then a third run,
    stopped by SIGTERM once its test sample is written: that run removed the killed run's temporary file and wrote the
    sample's bytes. (A complete tiny e2e-run costs a minute: tests/test_pipeline.py runs one.)"""
    from e2e_nb.generate import simulate
    out = tmp_path/'job'; data = out/'data'
    for sig in (signal.SIGTERM, signal.SIGKILL, 'third'):
        p = start('e2e-run', *JOB, '--out', out, cwd=tmp_path, home=tmp_path)
        procs = []
        if sig == 'third':
            stale = temps(data, 'test.h5'); assert stale # left by SIGKILL
            def busy(): procs[:] = family(p); return (data/'test.h5').exists()
            wait_for(busy, p, 'the test sample'); sig = signal.SIGTERM
        else:
            def busy(): procs[:] = family(p); return data.exists() and temps(data, 'test.h5') and len(procs) >= 3
            wait_for(busy, p, 'the simulation with its workers')
        err = stop(p, sig, procs, faults, f'e2e-run {sig.name}', lambda: (data/'test.h5').exists() and validate_file(data/'test.h5') != [])
        if sig == signal.SIGTERM: one_line(err, 'e2e-run', p.returncode, 143, 'SIGTERM')
        if sig == signal.SIGKILL: assert not (data/'test.h5').exists()
    assert all(not t.exists() for t in stale) and temps(data, 'test.h5') == []
    ref = simulate(tmp_path/'ref.h5', 'topgun', 20, seed=1000, workers=1, show_progress=False)
    assert sha(data/'test.h5') == sha(ref)
