"""Fuzzing of the readers (#23): random corruptions of valid e2e_nb and ML4SCI files (flipped bytes, truncations, dropped
datasets, changed shapes and dtypes) must end in `E2EDataError` or in a clean read, never in another exception, a hang
or a crash. Bounded: 40-60 examples per format, about 20 s in all on 2 cores; `faulthandler` ends a hung example."""
import faulthandler, itertools, shutil
from pathlib import Path
import h5py, numpy as np, pytest
from hypothesis import given, settings, HealthCheck, strategies as st
from e2e_nb.core import E2EDataError
from e2e_nb.data import open_jets, validate_file, write_synthetic_e2e, write_ml4sci

_n = itertools.count() # a new file name per example: HDF5 keeps open files by name
SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope='module')
def valid(tmp_path_factory):
    d = tmp_path_factory.mktemp('fuzz')
    e2e = write_synthetic_e2e(d/'good.h5', n_jets=6, seed=1, process='ttbar', jets_per_event=2)
    return dict(e2e=e2e, ml4sci_h5=write_ml4sci(e2e, d/'ml4sci.h5', 'ml4sci_h5', n_jets=6),
                parquet=write_ml4sci(e2e, d/'tg.parquet', 'parquet_topgun', n_jets=6, row_group_size=3),
                work=d)


def read_all(p):
    "Everything a command reads: open, validate, all images and all scalars; returns 'ok' or the `E2EDataError`"
    faulthandler.dump_traceback_later(60, exit=True) # a hang ends the run with a stack dump instead of blocking CI
    try:
        validate_file(p)
        with open_jets(p) as jf:
            n = len(jf)
            if n: jf.read_images(np.arange(n)); jf.read_images(slice(0, n)); jf.read_scalars(list(jf.scalar_keys))
        return 'ok'
    except E2EDataError as e: return e
    finally: faulthandler.cancel_dump_traceback_later()


byte_edits = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=8)

def _flip(src:Path, dst:Path, edits, cut):
    b = bytearray(src.read_bytes())
    for pos, x in edits: b[int(pos * len(b))] ^= x
    if cut is not None: b = b[:max(0, int(cut * len(b)))]
    dst.write_bytes(bytes(b)); return dst


@pytest.mark.parametrize('fmt,n', [('e2e', 60), ('ml4sci_h5', 40), ('parquet', 40)])
def test_flipped_bytes_and_truncation(valid, fmt, n, tmp_path_factory):
    d = tmp_path_factory.mktemp(f'flip_{fmt}')
    @settings(max_examples=n, **SETTINGS)
    @given(edits=byte_edits, cut=st.none() | st.floats(0, 1))
    def one(edits, cut):
        p = _flip(valid[fmt], d/f'{next(_n)}{valid[fmt].suffix}', edits, cut)
        r = read_all(p)
        assert r == 'ok' or isinstance(r, E2EDataError)
    one()


def _h5_mutations(keys):
    k = st.sampled_from(sorted(keys))
    return st.one_of(st.tuples(st.just('drop'), k), st.tuples(st.just('shape'), k), st.tuples(st.just('dtype'), k),
                     st.tuples(st.just('attr'), st.sampled_from(['schema_version', 'channels', 'units', 'nope'])))

def _mutate(f, op, key):
    if op == 'attr':
        if key in f.attrs: del f.attrs[key]
        else: f.attrs[key] = 'junk'
        return
    if key not in f: return
    v = f[key][()]
    del f[key]
    if op == 'shape': f[key] = v.reshape(-1)[: max(1, v.size // 2)] if v.ndim > 1 else np.stack([v, v], 1)
    elif op == 'dtype': f[key] = v.astype(np.float64 if v.dtype.kind != 'f' else np.int16) if v.dtype.kind != 'S' else v
    # 'drop': nothing written back

@pytest.mark.parametrize('fmt,n', [('e2e', 50), ('ml4sci_h5', 30)])
def test_h5_datasets_dropped_reshaped_retyped(valid, fmt, n, tmp_path_factory):
    d = tmp_path_factory.mktemp(f'mut_{fmt}')
    with h5py.File(valid[fmt]) as f: keys = list(f.keys())
    @settings(max_examples=n, **SETTINGS)
    @given(ops=st.lists(_h5_mutations(keys), min_size=1, max_size=3))
    def one(ops):
        p = d/f'{next(_n)}.h5'; shutil.copy(valid[fmt], p)
        with h5py.File(p, 'a') as f:
            for op, key in ops: _mutate(f, op, key)
        r = read_all(p)
        assert r == 'ok' or isinstance(r, E2EDataError)
        if any(op == 'drop' and key in ('X_jet', 'X_jets') for op, key in ops): assert isinstance(r, E2EDataError)
    one()


def test_parquet_columns_dropped_and_retyped(valid, tmp_path):
    import pyarrow as pa, pyarrow.parquet as pq
    t = pq.read_table(valid['parquet'])
    @settings(max_examples=20, **SETTINGS)
    @given(col=st.sampled_from(t.column_names), op=st.sampled_from(['drop', 'string', 'flat']))
    def one(col, op):
        u = t.drop([col]) if op == 'drop' else t.set_column(t.column_names.index(col), col,
            pa.array(['x'] * len(t)) if op == 'string' else pa.array(np.arange(len(t), dtype=np.float64)))
        p = tmp_path/f'{next(_n)}.parquet'; pq.write_table(u, p)
        r = read_all(p)
        assert r == 'ok' or isinstance(r, E2EDataError)
    one()
