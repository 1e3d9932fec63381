"""Fault matrix (#23): every `e2e-*` console script (settings.ini) against every kind of bad input it can meet.

Each case must end with a non-zero exit code of `e2e_nb.core.EXIT_CODES`, exactly one `e2e-CMD: error: ...` line on stderr
that names the file or option and what was expected, no traceback, and no file written or changed anywhere (outputs,
inputs, $E2E_NB_HOME). The commands run in-process (`main()` with `sys.argv` set; SystemExit caught), which costs
milliseconds per case; a few cases run as real subprocesses to check what a user's terminal shows."""
import configparser, contextlib, importlib, io, os, re, shutil, subprocess, sys
from pathlib import Path
import h5py, numpy as np, pytest
from e2e_nb.core import EXIT_CODES
from e2e_nb.data import write_synthetic_e2e, write_ml4sci

REPO = Path(__file__).resolve().parents[1]
_cfg = configparser.ConfigParser(); _cfg.read(REPO/'settings.ini')
SCRIPTS = dict(l.strip().split('=') for l in _cfg['DEFAULT']['console_scripts'].split('\n') if l.strip())
N = 24


def main(cmd:str):
    "The entry point of console script `cmd`"
    mod, fn = SCRIPTS[cmd].split(':')
    return getattr(importlib.import_module(mod), fn)


def run_cli(cmd:str, *args)->tuple:
    "Run console script `cmd` in-process on `args`: (exit code, stdout, stderr)"
    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = [cmd, *map(str, args)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try: main(cmd)(); code = 0
            except SystemExit as e:
                code = e.code
                if isinstance(code, str): print(code, file=sys.stderr); code = 1 # what the interpreter does with it
                code = 0 if code is None else code
    finally: sys.argv = old
    return code, out.getvalue(), err.getvalue()


def snapshot(*dirs)->dict:
    "path -> (size, mtime_ns) of every file below `dirs`"
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for d in dirs if Path(d).exists() for p in Path(d).rglob('*') if p.is_file()}


# ---------------------------------------------------------------- tiny valid inputs (once per session) and their bad copies

@pytest.fixture(scope='session')
def good(tmp_path_factory):
    "Valid inputs: an e2e_nb file, ML4SCI HDF5 and parquet copies of it, and a tiny trained run"
    d = tmp_path_factory.mktemp('good')
    g = dict(e2e=write_synthetic_e2e(d/'good.h5', n_jets=N, seed=3, process='topgun'))
    g['ml4sci_h5'] = write_ml4sci(g['e2e'], d/'ml4sci.h5', 'ml4sci_h5', n_jets=8)
    g['parquet'] = write_ml4sci(g['e2e'], d/'topgun.parquet', 'parquet_topgun', n_jets=8)
    from e2e_nb.training import train
    train([g['e2e']], out=d/'run', model='fcnn', epochs=1, pool=5, batch_size=8, show_progress=False, threads=1)
    g['run'] = d/'run'
    return g


def _h5_edit(src, dst, fn):
    shutil.copy(src, dst)
    with h5py.File(dst, 'a') as f: fn(f)
    return dst

def _replace(f, key, value): del f[key]; f[key] = value

def _write(p, data:bytes): p.write_bytes(data); return p

def _mkdir(p): p.mkdir(); return p

BAD = { # name -> (writer(good, dir) -> path, what the error line must contain besides the file name)
    'truncated': (lambda g, d: _write(d/'truncated.h5', g['e2e'].read_bytes()[:g['e2e'].stat().st_size // 3]), 'truncated'),
    'nan': (lambda g, d: _h5_edit(g['e2e'], d/'nan.h5', lambda f: f['X_jet'].__setitem__((1, 3, 60, 60), np.nan)), 'NaN'),
    'inf': (lambda g, d: _h5_edit(g['e2e'], d/'inf.h5', lambda f: f['X_jet'].__setitem__((2, 4, 60, 60), np.inf)), 'Inf'),
    'wrong_shape': (lambda g, d: _h5_edit(g['e2e'], d/'shape.h5', lambda f: _replace(f, 'X_jet', np.zeros((N, 8, 64, 64), np.float32))), 'X_jet'),
    'missing_image': (lambda g, d: _h5_edit(g['e2e'], d/'noimg.h5', lambda f: f.__delitem__('X_jet')), 'X_jet'),
    'missing_scalar': (lambda g, d: _h5_edit(g['e2e'], d/'nomass.h5', lambda f: f.__delitem__('m_gen')), 'm_gen'),
    'wrong_dtype': (lambda g, d: _h5_edit(g['e2e'], d/'dtype.h5', lambda f: _replace(f, 'm_gen', np.array([b'x'] * N))), 'm_gen'),
    'empty': (lambda g, d: _write(d/'empty.h5', b''), 'empty.h5'),
    'directory': (lambda g, d: _mkdir(d/'adir.h5'), 'adir.h5'),
    'missing': (lambda g, d: d/'nope.h5', 'nope.h5'),
    'wrong_format': (lambda g, d: _write(d/'notes.h5', b'hello, I am not HDF5\n' * 50), 'notes.h5'),
}

@pytest.fixture(scope='session')
def bad(good, tmp_path_factory):
    d = tmp_path_factory.mktemp('bad')
    return {k: Path(w(good, d)) for k, (w, _) in BAD.items()}


@pytest.fixture
def check(good, bad, tmp_path, monkeypatch, faults):
    "Run a command on a bad input in an empty directory and check the answer; returns the error line"
    monkeypatch.setenv('E2E_NB_HOME', str(tmp_path/'home')); monkeypatch.setenv('E2E_NB_PROGRESS', '0')
    monkeypatch.chdir(tmp_path)
    inputs = [Path(good['run']).parent, Path(bad['nan']).parent]
    def _check(case, cmd, args, code, *contains):
        before = snapshot(tmp_path, *inputs)
        got, out, err = run_cli(cmd, *args)
        lost = snapshot(tmp_path, *inputs) != before
        faults.bad_input(f'{cmd} {case}', lost)
        assert 'Traceback' not in err + out, err
        lines = [l for l in err.splitlines() if l.startswith(f'{cmd}: error: ')]
        assert len(lines) == 1, (got, err)
        assert got == code and got in EXIT_CODES, (got, code, err)
        for c in contains: assert c in lines[0], (c, lines[0])
        assert not lost, sorted(set(snapshot(tmp_path, *inputs).items()) ^ set(before.items()))
        return lines[0]
    return _check


# ---------------------------------------------------------------- bad input files × the commands that read files

def _file_args(cmd, f, good, tmp_path):
    return {'e2e-inspect': [f],
            'e2e-train': ['--data', f, '--out', tmp_path/'run', '--model', 'fcnn', '--epochs', 1, '--pool', 5, '--quiet', '--threads', 1],
            'e2e-evaluate': ['--run', good['run'], '--data', f, '--out', tmp_path/'report', '--n_boot', 0],
            'e2e-export': ['--run', good['run'], '--data', f, '--out', tmp_path/'export', '--n_jets', N, '--bias_events', 0]}[cmd]

@pytest.mark.parametrize('case', list(BAD))
@pytest.mark.parametrize('cmd', ['e2e-inspect', 'e2e-train', 'e2e-evaluate', 'e2e-export'])
def test_bad_file(cmd, case, good, bad, check, tmp_path):
    f = bad[case]
    line = check(case, cmd, _file_args(cmd, f, good, tmp_path), 1, f.name)
    assert 'expected' in line or 'does not exist' in line or 'not found' in line, line
    if cmd != 'e2e-inspect' and case not in ('nan', 'inf', 'missing', 'directory', 'empty'): assert BAD[case][1] in line, line


# ---------------------------------------------------------------- bad arguments and existing outputs

def _existing(t): p = t/'exists.h5'; p.write_bytes(b'jets'); return p
def _done_run(g, t): d = t/'done_run'; shutil.copytree(g['run'], d); (d/'checkpoints').mkdir(exist_ok=True); (d/'checkpoints'/'last.pt').write_bytes(b'x'); return d
def _done_export(t): d = t/'done_export'; d.mkdir(); (d/'model.onnx').write_bytes(b'x'); return d
def _tr(t): return ['--model', 'fcnn', '--quiet', '--out', t/'r']

ARGS = [ # (cmd, case, exit code, what the error line names, (good, bad, tmp) -> arguments)
    ('e2e-simulate', 'n_jets=0', 1, 'n_jets', lambda g, b, t: ['--n-jets', 0, '--out', t/'s.h5']),
    ('e2e-simulate', 'unknown process', 1, 'zz', lambda g, b, t: ['--process', 'zz', '--out', t/'s.h5']),
    ('e2e-simulate', 'bad shard', 1, '3/2', lambda g, b, t: ['--shard', '3/2', '--out', t/'s.h5']),
    ('e2e-simulate', 'eta_max out of range', 1, 'eta_max', lambda g, b, t: ['--eta-max', 5, '--out', t/'s.h5']),
    ('e2e-simulate', 'm_min > m_max', 1, 'mass', lambda g, b, t: ['--m-min', 500, '--m-max', 100, '--out', t/'s.h5']),
    ('e2e-simulate', 'no --out', 1, '--out', lambda g, b, t: ['--n-jets', 5]),
    ('e2e-simulate', 'not a number', 2, 'ten', lambda g, b, t: ['--n-jets', 'ten', '--out', t/'s.h5']),
    ('e2e-simulate', 'unknown option', 2, '--n_jest', lambda g, b, t: ['--n-jest', 5, '--out', t/'s.h5']),
    ('e2e-simulate', 'existing output', 3, 'exists.h5', lambda g, b, t: ['--n-jets', 5, '--out', _existing(t)]),
    ('e2e-simulate', 'output is a directory', 3, 'adir.h5', lambda g, b, t: ['--n-jets', 5, '--out', b['directory']]),
    ('e2e-inspect', 'unknown format', 1, 'zz', lambda g, b, t: [g['e2e'], '--format', 'zz']),
    ('e2e-train', 'epochs=0', 1, '--epochs', lambda g, b, t: ['--data', g['e2e'], '--epochs', 0, *_tr(t)]),
    ('e2e-train', 'batch_size=0', 1, '--batch_size', lambda g, b, t: ['--data', g['e2e'], '--batch-size', 0, *_tr(t)]),
    ('e2e-train', 'lr<0', 1, '--lr', lambda g, b, t: ['--data', g['e2e'], '--lr', -1, *_tr(t)]),
    ('e2e-train', 'unknown model', 1, 'zz', lambda g, b, t: ['--data', g['e2e'], '--quiet', '--out', t/'r', '--model', 'zz']),
    ('e2e-train', 'unknown task', 1, 'zz', lambda g, b, t: ['--data', g['e2e'], '--task', 'zz', *_tr(t)]),
    ('e2e-train', 'unknown target', 1, 'zz', lambda g, b, t: ['--data', g['e2e'], '--targets', 'zz', *_tr(t)]),
    ('e2e-train', 'model_kwargs not JSON', 1, '--model_kwargs', lambda g, b, t: ['--data', g['e2e'], '--model-kwargs', '{depth', *_tr(t)]),
    ('e2e-train', 'resume with data', 1, '--data', lambda g, b, t: ['--data', g['e2e'], '--resume', *_tr(t)]),
    ('e2e-train', 'resume nothing', 1, 'config.json', lambda g, b, t: ['--resume', '--out', t/'r']),
    ('e2e-train', 'no data', 1, 'data', lambda g, b, t: _tr(t)),
    ('e2e-train', 'existing run', 3, 'done_run', lambda g, b, t: ['--data', g['e2e'], '--model', 'fcnn', '--quiet', '--out', _done_run(g, t)]),
    ('e2e-evaluate', 'run missing', 1, 'norun', lambda g, b, t: ['--run', t/'norun', '--data', g['e2e'], '--out', t/'o']),
    ('e2e-evaluate', 'run not a run', 1, 'adir.h5', lambda g, b, t: ['--run', b['directory'], '--data', g['e2e'], '--out', t/'o']),
    ('e2e-evaluate', 'no --data', 1, '--data', lambda g, b, t: ['--run', g['run'], '--out', t/'o']),
    ('e2e-evaluate', 'unknown target', 1, 'zz', lambda g, b, t: ['--run', g['run'], '--data', g['e2e'], '--target', 'zz', '--out', t/'o']),
    ('e2e-evaluate', 'n_boot<0', 1, '--n_boot', lambda g, b, t: ['--run', g['run'], '--data', g['e2e'], '--n-boot', -1, '--out', t/'o']),
    ('e2e-export', 'run missing', 1, 'norun', lambda g, b, t: ['--run', t/'norun', '--out', t/'x']),
    ('e2e-export', 'no --run', 1, '--run', lambda g, b, t: ['--out', t/'x']),
    ('e2e-export', 'n_jets=1', 1, 'jets', lambda g, b, t: ['--run', g['run'], '--data', g['e2e'], '--n-jets', 1, '--out', t/'x', '--bias-events', 0]),
    ('e2e-export', 'existing output', 3, 'done_export', lambda g, b, t: ['--run', g['run'], '--data', g['e2e'], '--out', _done_export(t), '--bias-events', 0]),
    ('e2e-run', 'unknown model', 1, 'zz', lambda g, b, t: ['--model', 'zz', '--out', t/'j']),
    ('e2e-run', 'n_test=0', 1, '--n_test', lambda g, b, t: ['--n-test', 0, '--out', t/'j']),
    ('e2e-run', 'epochs=0', 1, '--epochs', lambda g, b, t: ['--epochs', 0, '--out', t/'j']),
    ('e2e-run', 'workers=0', 1, '--workers', lambda g, b, t: ['--workers', 0, '--out', t/'j']),
    ('e2e-run', 'not a number', 2, 'many', lambda g, b, t: ['--n-train', 'many']),
]

@pytest.mark.parametrize('cmd,case,code,names,args', ARGS, ids=[f'{c[0]}-{c[1]}' for c in ARGS])
def test_bad_argument(cmd, case, code, names, args, good, bad, check, tmp_path):
    a = args(good, bad, tmp_path) # inputs the case needs exist before the snapshot
    check(case, cmd, a, code, names)


def test_every_command_is_covered():
    "The matrix names every console script of settings.ini"
    assert {'e2e-inspect', 'e2e-train', 'e2e-evaluate', 'e2e-export'} | {c[0] for c in ARGS} == set(SCRIPTS)


# ---------------------------------------------------------------- what a terminal shows: a few real subprocesses

@pytest.mark.parametrize('cmd,args,code', [
    ('e2e-train', ['--data', '{truncated}', '--out', '{tmp}/run', '--model', 'fcnn', '--quiet'], 1),
    ('e2e-simulate', ['--n-jets', 0, '--out', '{tmp}/s.h5'], 1),
])
def test_subprocess_one_line(cmd, args, code, bad, tmp_path, faults):
    args = [str(a).format(truncated=bad['truncated'], tmp=tmp_path) for a in args]
    mod, fn = SCRIPTS[cmd].split(':')
    r = subprocess.run([sys.executable, '-c', f'import sys; sys.argv[0] = {cmd!r}; from {mod} import {fn}; {fn}()', *args],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path,
                       env={**os.environ, 'PYTHONPATH': str(REPO), 'E2E_NB_HOME': str(tmp_path/'home'), 'E2E_NB_PROGRESS': '0'})
    written = [p for p in tmp_path.rglob('*') if p.is_file()]
    faults.bad_input(f'{cmd} (subprocess)', bool(written))
    assert r.returncode == code, r.stderr
    assert 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith(f'{cmd}: error: ') and not written, (r.stderr, written)


def test_readme_lists_the_exit_codes():
    "README.md (from nbs/index.ipynb) documents every exit code of `EXIT_CODES`, and no other"
    md = (REPO/'README.md').read_text()
    sec = md[md.index('### Exit codes and interruptions'):]
    sec = sec[:sec.index('What holds after an interruption')]
    assert sorted(int(c) for c in re.findall(r'^\| (\d+) \|', sec, re.M)) == sorted(EXIT_CODES)
