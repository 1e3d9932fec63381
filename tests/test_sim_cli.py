"End-to-end checks of the dataset writer and the `e2e-simulate` command"
import hashlib, json, os, subprocess, sys, warnings
from pathlib import Path
import h5py
import numpy as np
import pytest
import e2e_nb
from e2e_nb.core import E2EDataError
from e2e_nb.generate import simulate, simulate_chunk, demo_file, parse_shard
from e2e_nb.schema import CHANNELS, SCALARS, PROCESS_CODES, COMPRESSION_LEVEL, SCHEMA_VERSION, UNITS
from e2e_nb.simulation import SimConfig
from e2e_nb.detector import DetectorConfig
from e2e_nb.data import H5JetFile

warnings.filterwarnings('ignore', message='dcut and exclusive jets')
EXE = str(Path(sys.executable).parent/'e2e-simulate')


def _run(*args):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=300)


def _sha(p): return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def test_cli_writes_a_valid_file(tmp_path):
    out = tmp_path/'tg.h5'
    r = _run('--process', 'topgun', '--n-jets', 12, '--seed', 3, '--out', out, '--workers', 1)
    assert r.returncode == 0, r.stderr
    assert not list(tmp_path.glob('.*.tmp'))  # no temporary file left behind
    with h5py.File(out) as f:
        assert f['X_jet'].shape == (12, 8, 125, 125) and f['X_jet'].dtype == np.float32
        assert f['X_jet'].chunks == (1, 8, 125, 125) and f['X_jet'].compression == 'gzip'
        assert f['X_jet'].compression_opts == COMPRESSION_LEVEL and not f['X_jet'].shuffle   # see 00a_schema
        for k, dt in SCALARS.items():
            assert f[k].shape == (12,) and f[k].dtype == dt, k
        assert [str(c) for c in f.attrs['channels']] == CHANNELS
        assert f.attrs['schema_version'] == SCHEMA_VERSION and f.attrs['seed'] == 3
        assert f.attrs['e2e_nb_version'] == e2e_nb.__version__
        assert json.loads(f.attrs['process_codes']) == PROCESS_CODES
        assert json.loads(f.attrs['units']) == UNITS
        gs = json.loads(f.attrs['generator_settings'])
        assert gs['simulation']['process'] == 'topgun' and 'detector' in gs
        assert (f['process'][:] == 1).all() and np.isfinite(f['m_gen'][:]).all()
        assert ((f['m_gen'][:] >= 85.5) & (f['m_gen'][:] <= 500)).all()
        assert (f['pt'][:] > 400).all() and (f['ieta'][:] >= 0).all() and (f['ieta'][:] < 170).all()
        assert np.all(np.diff(f['event'][:]) >= 0)
        assert f['X_jet'].id.get_storage_size()/12 < 8*1024  # image bytes per jet (the file's fixed ~45 kB of metadata aside)
        X = f['X_jet'][:]                                     # HDF5's own zlib decodes the zlib-ng chunks ...
    with H5JetFile(out) as jf:                                # ... and e2e_nb's direct chunk reads give the same images
        assert jf._direct and np.array_equal(jf.read_images(), X)


def test_same_seed_identical_any_workers(tmp_path):
    a = simulate(tmp_path/'a.h5', 'ttbar', n_jets=15, seed=5, workers=1, show_progress=False)
    b = simulate(tmp_path/'b.h5', 'ttbar', n_jets=15, seed=5, workers=2, show_progress=False)
    c = simulate(tmp_path/'c.h5', 'ttbar', n_jets=15, seed=6, workers=1, show_progress=False)
    assert _sha(a) == _sha(b)
    with h5py.File(a) as fa, h5py.File(c) as fc:
        assert not np.array_equal(fa['m_sd'][:], fc['m_sd'][:])


def test_refuses_to_overwrite(tmp_path):
    out = tmp_path/'x.h5'
    assert _run('--n-jets', 3, '--out', out, '--workers', 1).returncode == 0
    before = _sha(out)
    r = _run('--n-jets', 3, '--seed', 1, '--out', out, '--workers', 1)
    assert r.returncode != 0 and 'refusing to overwrite' in r.stderr
    assert _sha(out) == before
    r = _run('--n-jets', 3, '--seed', 1, '--out', out, '--workers', 1, '--overwrite')
    assert r.returncode == 0 and _sha(out) != before


@pytest.mark.parametrize('args,msg', [
    (('--process', 'topgun', '--m-min', 80), 'impossible'),
    (('--process', 'ttbar', '--top-mass', 84), 'impossible'),
    (('--process', 'ttbar', '--mass-window', 0.7), 'mass window'),
    (('--process', 'higgs',), 'unknown process'),
    (('--shard', '2/2',), 'bad shard'),
    (('--eta-max', 2.0,), 'window'),
    (('--n-jets', 0,), 'n_jets'),
])
def test_clear_errors(tmp_path, args, msg):
    r = _run(*args, '--out', tmp_path/'bad.h5', '--workers', 1)
    assert r.returncode != 0 and msg in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path/'bad.h5').exists()


def test_shards_are_disjoint_and_complete(tmp_path):
    kw = dict(process='topgun', n_jets=21, seed=9, workers=1, show_progress=False, events_per_chunk=8)
    s0 = simulate(tmp_path/'s0.h5', shard='0/2', **kw)
    s1 = simulate(tmp_path/'s1.h5', shard='1/2', **kw)
    with h5py.File(s0) as a, h5py.File(s1) as b:
        assert len(a['pt']) == 11 and len(b['pt']) == 10
        ea, eb = a['event'][:], b['event'][:]
        assert not set(ea) & set(eb)
        assert set(ea//8) <= set(range(0, 100, 2)) and set(eb//8) <= set(range(1, 100, 2))
        # shard 0 starts with exactly the jets of chunk 0
        c0 = simulate_chunk(SimConfig('topgun', events_per_chunk=8), DetectorConfig(), 9, 0, 8)
        n = min(len(c0['pt']), 11)
        assert np.array_equal(a['X_jet'][:n], c0['X_jet'][:n])
    assert parse_shard('3/10') == (3, 10) and parse_shard(None) == (0, 1)
    with pytest.raises(E2EDataError): parse_shard('a/b')


def test_demo_file_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv('E2E_NB_HOME', str(tmp_path))
    p = demo_file('topgun', n_jets=10, seed=1)
    assert p.exists() and p.is_relative_to(tmp_path)
    mtime = p.stat().st_mtime_ns
    assert demo_file('topgun', n_jets=10, seed=1) == p and p.stat().st_mtime_ns == mtime
    assert demo_file('topgun', n_jets=10, seed=2) != p
    with h5py.File(p) as f: assert len(f['pt']) == 10
