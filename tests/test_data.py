"Readers, channel map, validation (files written broken on purpose) and the e2e-inspect CLI of `e2e_nb.data`"
import json, shutil, subprocess, sys
from pathlib import Path
import numpy as np, h5py, pytest
import pyarrow as pa, pyarrow.parquet as pq
from e2e_nb.core import E2EDataError
from e2e_nb.data import (open_jets, validate_file, write_synthetic_e2e, write_ml4sci, channel_map, inspect_file,
                         format_inspection, sample_file,
                         CHANNELS_QG, CHANNELS_EGAMMA, H5JetFile, ParquetJetFile)
from e2e_nb.schema import CHANNELS, compress_images

N = 24

@pytest.fixture(scope='module')
def good(tmp_path_factory):
    d = tmp_path_factory.mktemp('data')
    return write_synthetic_e2e(d/'good.h5', n_jets=N, seed=3, process='ttbar', jets_per_event=2)

@pytest.fixture
def copy(good, tmp_path):
    def f(name='bad.h5'):
        p = tmp_path/name; shutil.copy(good, p); return p
    return f

def _problems(p, **kw):
    probs = validate_file(p, **kw)
    assert all(isinstance(e, E2EDataError) for e in probs)
    return probs

def _one(p, *contains, **kw):
    "Exactly one problem, naming the file and containing all of `contains`"
    probs = _problems(p, **kw)
    assert len(probs) == 1, [str(e) for e in probs]
    s = str(probs[0])
    assert str(p) in s or p.name in s, s
    for c in contains: assert c in s, (c, s)
    return probs[0]

# ---------------------------------------------------------------- readers

def test_e2e_nb_reader(good):
    with open_jets(good) as jf:
        assert isinstance(jf, H5JetFile) and jf.format == 'e2e_nb' and len(jf) == N and jf.channels == CHANNELS
        with h5py.File(good) as f: X, m, proc = f['X_jet'][:], f['m_gen'][:], f['process'][:]
        np.testing.assert_array_equal(jf.read_images(), X)
        np.testing.assert_array_equal(jf.read_images(slice(2, 7)), X[2:7])
        idx = np.array([0, 3, 4, 20])  # sparse: read in runs
        np.testing.assert_array_equal(jf.read_images(idx), X[idx])
        x = jf.read_images(idx, channels=['hcal', 'ECAL', 'Tracks'])
        assert x.dtype == np.float32 and x.shape == (4, 3, 125, 125)
        np.testing.assert_array_equal(x, X[idx][:, [4, 3, 0]])
        s = jf.read_scalars(['m_gen', 'is_top', 'event'], idx)
        np.testing.assert_array_equal(s['m_gen'], m[idx]); assert (s['is_top'] == (proc[idx] != 2)).all()
        assert {'m_gen', 'pt', 'is_top', 'event'} <= set(jf.scalar_keys)
        assert jf.validate() == []

def test_ml4sci_h5_reader(good, tmp_path):
    p = write_ml4sci(good, tmp_path/'x.h5', 'ml4sci_h5', n_jets=10)
    with h5py.File(p) as f: assert f['X_jets'].shape == (10, 125, 125, 8)
    with open_jets(p) as jf, open_jets(good) as ref:
        assert jf.format == 'ml4sci_h5' and jf.channels == CHANNELS
        np.testing.assert_array_equal(jf.read_images([1, 4]), ref.read_images([1, 4]))
        np.testing.assert_array_equal(jf.read_scalars('m_gen', [1, 4])['m_gen'], ref.read_scalars('m_gen', [1, 4])['m_gen'])
        np.testing.assert_array_equal(jf.read_scalars('m0')['m0'], jf.read_scalars('m_gen')['m_gen'])  # raw name works too
        assert jf.validate() == []

def test_ml4sci_h5_quark_gluon(tmp_path):
    p = tmp_path/'qg.h5'; rng = np.random.default_rng(0)
    X = rng.exponential(1, (6, 125, 125, 3)).astype(np.float32)
    with h5py.File(p, 'w') as f:
        f['X_jets'] = X; f['m0'] = rng.uniform(0, 100, 6).astype(np.float32); f['pt'] = np.ones(6, np.float32); f['y'] = np.r_[0, 1, 0, 1, 1, 0].astype(np.float32)
    with open_jets(p) as jf:
        assert jf.channels == CHANNELS_QG and 'm_jet' in jf.scalar_keys and 'm_gen' not in jf.scalar_keys  # m0 = jet mass here
        np.testing.assert_array_equal(jf.read_images(channels=['ecal'])[:, 0], X[..., 1])
        with pytest.raises(E2EDataError, match="track_d0"): jf.read_images([0], channels=['track_d0'])
        assert jf.validate() == []
    with open_jets(p, aliases={'m_gen': 'm0'}) as jf: assert 'm_gen' in jf.scalar_keys

def test_egamma_reader(tmp_path):
    p = tmp_path/'SinglePhotonPt50_IMGCROPS_n249k_RHv1.hdf5'; rng = np.random.default_rng(1)
    X = rng.exponential(1, (5, 32, 32, 2)).astype(np.float32)
    with h5py.File(p, 'w') as f: f['X'] = X; f['y'] = np.zeros(5, np.float32)
    with open_jets(p) as jf:
        assert jf.format == 'ml4sci_egamma' and jf.channels == CHANNELS_EGAMMA and jf.image_shape == (2, 32, 32)
        np.testing.assert_array_equal(jf.read_images(channels=['time', 'energy']), np.moveaxis(X, 3, 1)[:, ::-1])
        assert jf.validate() == []

@pytest.mark.parametrize('mass_key', ['m', 'genM', 'mass'])
def test_topgun_parquet_reader(good, tmp_path, mass_key):
    p = write_ml4sci(good, tmp_path/'top_gun_opendata_0.parquet', 'parquet_topgun', n_jets=20, row_group_size=6, mass_key=mass_key)
    assert pq.ParquetFile(p).metadata.num_row_groups == 4
    with open_jets(p) as jf, open_jets(good) as ref:
        assert isinstance(jf, ParquetJetFile) and jf.format == 'parquet_topgun' and len(jf) == 20 and jf.channels == CHANNELS
        for idx in (slice(0, 20), np.array([0, 5, 6, 19]), slice(4, 14)):
            np.testing.assert_array_equal(jf.read_images(idx), ref.read_images(idx))
        np.testing.assert_allclose(jf.read_scalars('m_gen', [2, 17])['m_gen'], ref.read_scalars('m_gen', [2, 17])['m_gen'])
        assert {'pt', 'ieta', 'iphi', mass_key} <= set(jf.scalar_keys)
        assert jf.validate() == []

def test_parquet_reads_row_groups_only(good, tmp_path, monkeypatch):
    p = write_ml4sci(good, tmp_path/'tg.parquet', 'parquet_topgun', n_jets=20, row_group_size=5)
    jf = open_jets(p); groups = []
    orig = jf.pf.read_row_group
    monkeypatch.setattr(jf.pf, 'read_row_group', lambda g, **kw: groups.append(g) or orig(g, **kw))
    monkeypatch.setattr(jf.pf, 'read', lambda *a, **kw: pytest.fail('whole-file read of the image column'))
    jf.read_images(np.array([6, 7, 8])); jf.read_images(slice(9, 10)); jf.read_images([16])
    assert groups == [1, 3]  # group 1 decoded once for both reads

def test_qg_parquet_reader(good, tmp_path):
    p = write_ml4sci(good, tmp_path/'QCDToGGQQ_IMGjet_RH1all_jet0_run0_n36272.test.snappy.parquet', 'parquet_qg', n_jets=9, row_group_size=4)
    with open_jets(p) as jf, open_jets(good) as ref:
        assert jf.format == 'parquet_qg' and jf.channels == CHANNELS_QG and {'y', 'pt', 'm0', 'm_jet'} <= set(jf.scalar_keys)
        np.testing.assert_array_equal(jf.read_images(channels=['hcal', 'track_pt']), ref.read_images(slice(0, 9), channels=['hcal', 'track_pt']))
        assert jf.validate() == []

def test_format_sniffing_and_forcing(good, tmp_path):
    p = tmp_path/'noext'; shutil.copy(good, p)
    assert open_jets(p).format == 'e2e_nb'
    assert open_jets(good, format='hdf5').format == 'e2e_nb'
    q = tmp_path/'x.dat'; q.write_bytes(b'hello world')
    with pytest.raises(E2EDataError, match='unknown file format'): open_jets(q)
    with pytest.raises(E2EDataError, match='unknown format'): open_jets(good, format='root')
    with pytest.raises(E2EDataError, match='does not exist'): open_jets(tmp_path/'missing.h5')

def test_channel_map():
    assert channel_map(CHANNELS, ['BPIX3', 'd0']) == [7, 1]
    assert channel_map(CHANNELS_QG) == [0, 1, 2]
    with pytest.raises(E2EDataError, match=r"channel 'bpix1'.*f\.parquet"): channel_map(CHANNELS_QG, ['bpix1'], file='f.parquet')

def test_index_errors(good):
    with open_jets(good) as jf:
        with pytest.raises(E2EDataError, match='sorted'): jf.read_images([3, 1])
        with pytest.raises(E2EDataError, match='out of range'): jf.read_images([N])
        with pytest.raises(E2EDataError, match="scalar 'nope'"): jf.read_scalars('nope')
        assert jf.read_images([]).shape == (0, 8, 125, 125)

# ---------------------------------------------------------------- validation: every error, files broken on purpose

def test_missing_image_key(copy):
    p = copy()
    with h5py.File(p, 'a') as f: del f['X_jet']
    with h5py.File(p, 'a') as f: f['X_jets'] = np.zeros((N, 125, 125, 1), np.float32); del f['X_jets']  # no image at all
    _one(p, 'image dataset missing', "'X_jets'")  # sniffed as ML4SCI, still named

def test_missing_scalar(copy):
    p = copy()
    with h5py.File(p, 'a') as f: del f['m_gen']
    e = _one(p, 'missing scalar', "'m_gen'", f'length {N}'); assert e.key == 'm_gen'
    with pytest.raises(E2EDataError, match='m_gen'): open_jets(p)  # strict open raises the same

def test_missing_attribute(copy):
    p = copy()
    with h5py.File(p, 'a') as f: del f.attrs['schema_version']
    _one(p, 'missing root attribute', 'schema_version')

def test_wrong_schema_version(copy):
    p = copy()
    with h5py.File(p, 'a') as f: f.attrs['schema_version'] = 7
    _one(p, 'schema_version 7', 'expected 1')

def test_wrong_image_shape(copy):
    p = copy()
    with h5py.File(p, 'a') as f: del f['X_jet']; f['X_jet'] = np.zeros((N, 8, 64, 64), np.float32)
    _one(p, 'image shape', '(N, 8, 125, 125)')
    with h5py.File(p, 'a') as f: del f['X_jet']; f['X_jet'] = np.zeros((N, 125, 125), np.float32)
    _one(p, 'shape', '4 dimensions')

def test_wrong_image_dtype(copy):
    p = copy()
    with h5py.File(p, 'a') as f: X = f['X_jet'][:]; del f['X_jet']; f['X_jet'] = X.astype(np.float64)
    _one(p, 'dtype float64', 'float32')
    with h5py.File(p, 'a') as f: del f['X_jet']; f['X_jet'] = X.astype(np.int32)
    probs = _problems(p); assert any('a float dtype' in str(e) for e in probs)

def test_wrong_scalar_dtype(copy):
    p = copy()
    with h5py.File(p, 'a') as f: v = f['event'][:]; del f['event']; f['event'] = v.astype(np.float32)
    e = _one(p, 'dtype float32', 'int64'); assert e.key == 'event'
    with h5py.File(p, 'a') as f: del f['event']; f['event'] = np.array([b'x'] * N)
    _one(p, "'event'", 'int64')

def test_wrong_scalar_shape(copy):
    p = copy()
    with h5py.File(p, 'a') as f: del f['pt']; f['pt'] = np.zeros((N, 3), np.float32)
    _one(p, 'shape', "'pt'", 'per-jet scalars')

def test_mismatched_lengths(copy):
    p = copy()
    with h5py.File(p, 'a') as f: v = f['pt'][:]; del f['pt']; f['pt'] = v[:-5]
    e = _one(p, f'length {N - 5} differs from {N}', "'pt'"); assert e.expected == f'length {N}'

def test_nan_and_inf_pixels(copy):
    p = copy()
    with h5py.File(p, 'a') as f: f['X_jet'][7, 3, 60, 61] = np.nan; f['X_jet'][9, 3, 1, 1] = np.inf; f['X_jet'][11, 1, 0, 0] = -np.inf
    probs = _problems(p); assert len(probs) == 2
    s = {str(e) for e in probs}
    assert any("channel 'ecal' (2 jets)" in x and 'index 7' in x for x in s), s
    assert any("channel 'track_d0' (1 jets)" in x and 'index 11' in x for x in s), s
    assert _problems(p, max_jets=5) == []  # only the first 5 jets scanned

def test_negative_energies(copy):
    p = copy()
    with h5py.File(p, 'a') as f: f['X_jet'][13, 4, 5, 5] = -0.5; f['X_jet'][2, 1, 5, 5] = -0.5  # hcal < 0 bad, d0 < 0 fine
    e = _one(p, "negative values in energy channel 'hcal'", 'values >= 0'); assert e.index == 13

def test_nonfinite_scalars(copy):
    p = copy()
    with h5py.File(p, 'a') as f: f['pt'][4] = np.nan; f['m_gen'][5] = np.nan  # m_gen NaN is legal (QCD)
    e = _one(p, 'non-finite', "'pt'"); assert e.index == 4

def test_truncated_h5(good, tmp_path):
    p = tmp_path/'trunc.h5'; b = good.read_bytes(); p.write_bytes(b[:len(b) // 3])
    _one(p, 'cannot open as HDF5', 'truncated')
    with pytest.raises(E2EDataError, match='truncated'): open_jets(p)

def test_corrupt_chunk(copy):
    p = copy()
    with h5py.File(p) as f: info = f['X_jet'].id.get_chunk_info(10)
    with open(p, 'r+b') as fh: fh.seek(info.byte_offset + 4); fh.write(b'\xff' * (info.size - 8))
    e = _one(p, 'cannot read images', 'corrupt'); assert e.key == 'X_jet' and e.index <= 10
    with open_jets(p) as jf:
        with pytest.raises(E2EDataError, match='cannot read images'): jf.read_images([10])

def test_not_hdf5(tmp_path):
    p = tmp_path/'junk.h5'; p.write_bytes(b'\0' * 1000)
    _one(p, 'cannot open as HDF5')

def _topgun_table(n=6, C=8, HW=125, mass_key='m', rng=np.random.default_rng(0)):
    X = rng.exponential(1, (n, C, HW, HW)).astype(np.float32)
    return X, {'X_jet': pa.array(X.tolist(), type=pa.list_(pa.list_(pa.list_(pa.float32())))),
               mass_key: rng.uniform(85, 500, n), 'pt': rng.uniform(400, 1000, n), 'ieta': np.zeros(n), 'iphi': np.zeros(n)}

def test_parquet_missing_column(tmp_path):
    _, cols = _topgun_table(); del cols['m']
    p = tmp_path/'tg.parquet'; pq.write_table(pa.table(cols), p)
    _one(p, 'missing mass column', "'genM'")
    _, cols = _topgun_table(); del cols['X_jet']
    pq.write_table(pa.table(cols), p); _one(p, 'image column missing')

def test_parquet_wrong_shape(tmp_path):
    _, cols = _topgun_table(C=5, HW=20)
    p = tmp_path/'tg.parquet'; pq.write_table(pa.table(cols), p)
    _one(p, 'image shape (5, 20, 20)', '8 × 125 × 125')

def test_parquet_wrong_type(tmp_path):
    _, cols = _topgun_table(); cols['pt'] = pa.array(['a'] * 6)
    p = tmp_path/'tg.parquet'; pq.write_table(pa.table(cols), p)
    _one(p, 'type string', "'pt'")

def test_parquet_ragged(tmp_path):
    X, cols = _topgun_table(n=4)
    rows = X.tolist(); rows[2][3][10] = rows[2][3][10][:100]  # one short φ row in jet 2
    cols['X_jet'] = pa.array(rows, type=pa.list_(pa.list_(pa.list_(pa.float32()))))
    p = tmp_path/'tg.parquet'; pq.write_table(pa.table(cols), p, row_group_size=2)
    e = _one(p, 'ragged nested image', '100 entries'); assert e.index == 2

def test_parquet_nan_negative(tmp_path):
    X, cols = _topgun_table(n=4); X[1, 3, 5, 5] = np.nan; X[3, 0, 5, 5] = -1
    cols['X_jet'] = pa.array(X.tolist(), type=pa.list_(pa.list_(pa.list_(pa.float32()))))
    p = tmp_path/'tg.parquet'; pq.write_table(pa.table(cols), p, row_group_size=2)
    s = [str(e) for e in _problems(p)]
    assert len(s) == 2 and any('NaN' in x and 'index 1' in x for x in s) and any("'track_pt'" in x and 'index 3' in x for x in s)

def test_parquet_truncated(good, tmp_path):
    p = write_ml4sci(good, tmp_path/'tg.parquet', 'parquet_topgun', n_jets=8, row_group_size=4)
    b = p.read_bytes(); p.write_bytes(b[:len(b) // 2])
    _one(p, 'cannot open as parquet', 'truncated')

def test_parquet_qg_missing_label(good, tmp_path):
    p = write_ml4sci(good, tmp_path/'qg.parquet', 'parquet_qg', n_jets=4)
    t = pq.read_table(p).drop(['y']); pq.write_table(t, p)
    _one(p, 'missing column', "'y'")

def test_ml4sci_h5_missing_and_lengths(good, tmp_path):
    p = write_ml4sci(good, tmp_path/'x.h5', 'ml4sci_h5', n_jets=8)
    with h5py.File(p, 'a') as f: del f['y']
    assert _problems(p) == []  # the label is optional in 8-channel (mass-regression) files
    with h5py.File(p, 'a') as f: del f['m0']; v = f['pt'][:]; del f['pt']; f['pt'] = v[:3]
    s = [str(e) for e in _problems(p)]
    assert len(s) == 2 and any("missing scalar dataset [file" in x and "'m0'" in x for x in s) and any('length 3' in x for x in s)

def test_ml4sci_qg_h5_requires_label(tmp_path):
    p = tmp_path/'qg.h5'
    with h5py.File(p, 'w') as f: f['X_jets'] = np.zeros((4, 125, 125, 3), np.float32); f['m0'] = np.ones(4); f['pt'] = np.ones(4)
    _one(p, 'missing scalar dataset', "'y'")

def test_egamma_missing_label_and_shape(tmp_path):
    p = tmp_path/'eg.h5'
    with h5py.File(p, 'w') as f: f['X'] = np.zeros((4, 31, 32, 2), np.float32)
    s = [str(e) for e in _problems(p)]
    assert len(s) == 2 and any("'y'" in x for x in s) and any('(N, 32, 32, 2)' in x for x in s)

# ---------------------------------------------------------------- inspection and the CLI

def test_inspect_file(good):
    d = inspect_file(good, max_jets=10)
    assert d['n_jets'] == N and d['format'] == 'e2e_nb' and d['problems'] == [] and d['counts_process'] == {'0': N}
    st = d['channel_stats']
    with open_jets(good) as jf: X = jf.read_images(slice(0, 10))
    assert st['ecal']['max'] == pytest.approx(float(X[:, 3].max()))
    assert st['hcal']['nonzero_frac'] == pytest.approx(float((X[:, 4] != 0).mean()))
    assert st['track_pt']['sparsity'] == pytest.approx(1 - float((X[:, 0] != 0).mean()))
    json.dumps(d)

def test_inspect_file_stats_stop_at_an_unreadable_chunk(tmp_path):
    "Statistics of the jets read before a corrupt chunk, per jet read (not per jet asked for), and the chunk a problem"
    p = write_synthetic_e2e(tmp_path/'big.h5', n_jets=130, seed=5)
    with open_jets(p) as jf: X = jf.read_images(slice(0, 128))
    with h5py.File(p) as f: info = f['X_jet'].id.get_chunk_info(129)
    with open(p, 'r+b') as fh: fh.seek(info.byte_offset + 4); fh.write(b'\xff' * (info.size - 8))
    d = inspect_file(p, max_jets=None)
    assert d['stats_jets'] == 128 and any('cannot read images' in s for s in d['problems'])
    assert d['channel_stats']['ecal']['sum_per_jet'] == pytest.approx(float(X[:, 3].sum()) / 128, rel=1e-6)
    assert 'statistics of the first 128 jets' in format_inspection(d)

def test_sample_file_is_simulated_unless_synthetic_is_asked_for(monkeypatch, tmp_path):
    "No silent synthetic stand-in: a simulation that cannot run is an error; `synthetic=True` is the only way to get one"
    import e2e_nb.generate as G
    def no_pythia(**kw): raise ImportError('No module named pythia8mc')
    monkeypatch.setattr(G, 'demo_file', no_pythia); monkeypatch.setenv('E2E_NB_HOME', str(tmp_path))
    with pytest.raises(ImportError, match='pythia8mc'): sample_file(n_jets=8, seed=12345)
    with open_jets(sample_file(n_jets=8, seed=12345, synthetic=True)) as jf: assert jf.h5.attrs['e2e_nb_version'] == 'synthetic'

def _cli(*args):
    exe = Path(sys.executable).parent/'e2e-inspect'
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=120)

def test_cli_good_and_bad(good, copy, tmp_path):
    r = _cli(good, '--max_jets', 8)
    assert r.returncode == 0, r.stderr
    assert 'format e2e_nb' in r.stdout and 'problems: 0' in r.stdout and 'nonzero%' in r.stdout and 'hcal' in r.stdout
    p = copy()
    with h5py.File(p, 'a') as f: f['X_jet'][1, 3, 0, 0] = np.nan
    q = write_ml4sci(good, tmp_path/'tg.parquet', 'parquet_topgun', n_jets=4)
    r = _cli(p, q, '--json_out')
    assert r.returncode == 1
    res = json.loads(r.stdout)
    assert [len(x['problems']) for x in res] == [1, 0] and 'NaN' in res[0]['problems'][0] and res[1]['format'] == 'parquet_topgun'
    r = _cli(tmp_path/'nope.h5'); assert r.returncode == 1 and 'does not exist' in r.stdout

# ---------------------------------------------------------------- direct chunk reads (zlib-ng) against HDF5's own

def test_direct_chunk_reads_match_hdf5(good, tmp_path):
    "The zlib-ng fast path gives HDF5's images for the generator's chunks, a file with an unwritten (fill-value) chunk and a shuffled file"
    with h5py.File(good) as f: X = f['X_jet'][:]
    p = tmp_path/'direct.h5'
    with h5py.File(p, 'w') as f:
        d = f.create_dataset('X_jet', (N + 2, 8, 125, 125), np.float32, chunks=(1, 8, 125, 125), compression='gzip')
        for i,b in enumerate(compress_images(X)): d.id.write_direct_chunk((i, 0, 0, 0), b)   # chunks N, N+1 never written
        f.create_dataset('shuffled', data=X, chunks=(1, 8, 125, 125), compression='gzip', shuffle=True)
    with h5py.File(p) as f: ref = f['X_jet'][:]
    jf = H5JetFile(p, strict=False)
    assert jf._direct
    got = jf.read_images()
    assert np.array_equal(got[:N], X) and np.array_equal(got, ref) and not got[N:].any()
    from e2e_nb.data import direct_chunks, inflate_chunks
    with h5py.File(p) as f:
        assert np.array_equal(inflate_chunks(f['X_jet'], 0, N), X)   # written chunks: the fast path itself
        with pytest.raises(Exception): inflate_chunks(f['X_jet'], N - 1, N + 1)   # unwritten: _read_block falls back to HDF5
        assert not direct_chunks(f['shuffled'])
    jf.close()
