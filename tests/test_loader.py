"Split rules and the streaming `JetDataset` of `e2e_nb.loader`"
import numpy as np, h5py, pytest, torch
from torch.utils.data import DataLoader
from e2e_nb.core import E2EDataError
from e2e_nb.data import write_synthetic_e2e, write_ml4sci, open_jets
from e2e_nb.loader import split_indices, JetDataset, file_lengths

@pytest.fixture(scope='module')
def files(synthetic):
    "Two events per tt̄ file entry, one jet per QCD event, five per top-gun event (gzip): what the split must respect"
    return [synthetic(60, 1, 'ttbar', jets_per_event=2), synthetic(30, 2, 'qcd'), synthetic(50, 3, 'topgun', 5, 'gzip')]

def _events(files):
    "(file, event) per global index"
    out = []
    for k, f in enumerate(files):
        with h5py.File(f) as h: out += [(k, int(e)) for e in h['event'][:]]
    return out

# ---------------------------------------------------------------- splits

def test_split_partition_and_determinism(files):
    sp = split_indices(files, seed=0)
    allidx = np.concatenate([sp['train'], sp['val'], sp['test']])
    assert len(allidx) == 140 and set(allidx) == set(range(140))
    assert all(v.dtype == np.int64 and (np.diff(v) > 0).all() for v in sp.values())
    sp2 = split_indices(files, seed=0)
    assert all((sp[k] == sp2[k]).all() for k in sp)
    sp3 = split_indices(files, seed=1)
    assert any(len(sp[k]) != len(sp3[k]) or (sp[k] != sp3[k]).any() for k in sp)

def test_split_fractions(files):
    sp = split_indices(files, seed=4, fractions=(0.6, 0.2, 0.2))
    n = {k: len(v) for k, v in sp.items()}
    assert abs(n['train'] - 84) <= 12 and abs(n['val'] - 28) <= 10 and abs(n['test'] - 28) <= 10, n

def test_split_never_splits_events(files):
    ev = _events(files)
    for seed in range(5):
        sp = split_indices(files, seed=seed)
        sets = {k: {ev[i] for i in v} for k, v in sp.items()}
        assert not (sets['train'] & sets['val']) and not (sets['train'] & sets['test']) and not (sets['val'] & sets['test'])

def test_split_groups_only_within_file(tmp_path):
    # the same event numbers in two files are different events
    a = write_synthetic_e2e(tmp_path/'a.h5', n_jets=40, seed=0, compression=None)
    b = write_synthetic_e2e(tmp_path/'b.h5', n_jets=40, seed=0, compression=None)
    sp = split_indices([a, b], seed=0, stratify=None)
    assert any(((v < 40).any() and (v >= 40).any()) for v in sp.values())
    assert len(split_indices([a, b], seed=0, stratify=None, group=None)['train']) == 64

def test_split_stratified(files):
    m = np.concatenate([open_jets(f).read_scalars('m_gen')['m_gen'] for f in files])
    # groups of up to 5 jets make one split coarse: check the balance averaged over seeds
    med, qcd, hi = np.nanmedian(m), [], []
    for seed in range(8):
        sp = split_indices(files, seed=seed, stratify='m_gen', n_bins=4)
        qcd.append([np.isnan(m[v]).mean() for v in sp.values()])
        hi.append([(m[v][~np.isnan(m[v])] > med).mean() for v in sp.values()])
    qcd, hi = np.mean(qcd, 0), np.mean(hi, 0)
    assert all(abs(q - 30 / 140) < 0.08 for q in qcd), qcd
    assert all(abs(h - 0.5) < 0.1 for h in hi), hi

def test_split_stratify_discrete_balance(tmp_path):
    # 100 signal, 100 background jets: every set gets the same class balance (±1 jet)
    a = write_synthetic_e2e(tmp_path/'s.h5', n_jets=100, seed=5, process='topgun', compression=None)
    b = write_synthetic_e2e(tmp_path/'b.h5', n_jets=100, seed=6, process='qcd', compression=None)
    sp = split_indices([a, b], seed=3, stratify='is_top')
    for k, v in sp.items():
        assert abs((v < 100).sum() - (v >= 100).sum()) <= 2, (k, (v < 100).sum(), (v >= 100).sum())

def test_split_missing_key(files):
    with pytest.raises(E2EDataError, match="'nope'"): split_indices(files, stratify='nope')

# ---------------------------------------------------------------- streaming

def _ids(ds):
    return np.concatenate([ds.offsets[k] + loc for k, loc in ds.chunks()])

def test_dataset_yields_every_jet_once(files):
    ds = JetDataset(files, channels=['ecal', 'track_pt'], targets=('m_gen', 'is_top'), scalars=('ieta', 'iphi'), chunk_size=8)
    assert len(ds) == 140 and (file_lengths(files) == [60, 30, 50]).all()
    items = list(ds)
    assert len(items) == 140
    x, s, y = items[65]  # unshuffled: global index 65 = qcd jet 5
    assert x.dtype == torch.float32 and x.shape == (2, 125, 125) and s.shape == (2,) and y.shape == (2,)
    with open_jets(files[1]) as jf:
        np.testing.assert_array_equal(x.numpy(), jf.read_images([5], channels=['ecal', 'track_pt'])[0])
        assert torch.isnan(y[0]) and y[1] == 0 and s[0] == jf.read_scalars('ieta', [5])['ieta'][0]

@pytest.mark.parametrize('workers', [0, 2])
def test_dataloader_workers_shuffle(files, workers):
    sp = split_indices(files, seed=0)
    ds = JetDataset(files, channels=['hcal'], targets=('m_gen',), scalars=('event',), indices=sp['train'], shuffle=True, chunk_size=8, shuffle_chunks=3)
    dl = DataLoader(ds, batch_size=16, num_workers=workers)
    ids = []
    ev = {i: e for i, e in enumerate(_events(files))}
    for x, s, y in dl:
        assert x.shape[1:] == (1, 125, 125)
        ids += [int(v) for v in s[:, 0]]
    assert len(ids) == len(sp['train']) == len(ds)
    # every training event's jets, each once
    from collections import Counter
    want = Counter(ev[i][1] for i in sp['train']); assert Counter(ids) == want

def test_epochs_reshuffle_deterministically(files):
    ds = JetDataset(files, shuffle=True, chunk_size=8, seed=3)
    ds.set_epoch(0); a = _ids(ds); ds.set_epoch(1); b = _ids(ds); ds.set_epoch(0); c = _ids(ds)
    assert (a == c).all() and (a != b).any() and set(a) == set(b) == set(range(140))
    # iteration order also changes with the epoch (jets shuffled within the buffer)
    ds.set_epoch(0); y0 = torch.stack([t[2] for t in ds]); ds.set_epoch(0); y0b = torch.stack([t[2] for t in ds])
    assert torch.equal(torch.nan_to_num(y0), torch.nan_to_num(y0b))

def test_shuffle_mixes_files(files):
    ds = JetDataset(files, targets=('is_top',), shuffle=True, chunk_size=8, shuffle_chunks=4, seed=0)
    ys = torch.stack([t[2][0] for t in ds])[:32]
    assert 0 < ys.mean() < 1  # a first batch of 32 is not one process only

@pytest.mark.parametrize('world', [2, 3])
def test_ddp_ranks_partition(files, world):
    sp = split_indices(files, seed=0)
    dss = [JetDataset(files, indices=sp['train'], shuffle=True, chunk_size=8, rank=r, world_size=world) for r in range(world)]
    ids = [_ids(d) for d in dss]
    assert len({len(d) for d in dss}) == 1 and all(len(i) == len(d) for i, d in zip(ids, dss))
    assert set(np.concatenate(ids)) == set(sp['train'])
    assert sum(len(i) for i in ids) - len(sp['train']) < world  # padding only
    assert [len(list(d)) for d in dss] == [len(dss[0])] * world

def test_missing_channel_or_target_fails_early(files, tmp_path):
    qg = write_ml4sci(files[0], tmp_path/'qg.parquet', 'parquet_qg', n_jets=8)
    with pytest.raises(E2EDataError, match=r"track_d0.*qg\.parquet"): JetDataset([qg], channels=['track_d0'], targets=())
    with pytest.raises(E2EDataError, match=r"scalar 'm_gen'.*qg\.parquet"): JetDataset([qg], channels=['ecal'], targets=('m_gen',))
    with pytest.raises(E2EDataError, match='out of range'): JetDataset(files, indices=[1000])

def test_mixed_formats_and_transform(files, tmp_path):
    tg = write_ml4sci(files[2], tmp_path/'tg.parquet', 'parquet_topgun', n_jets=20, row_group_size=6)
    ds = JetDataset([files[2], tg], channels=['ecal', 'hcal'], targets=('m_gen',), chunk_size=4, transform=lambda x: x.sum((1, 2)))
    out = list(ds)
    assert len(out) == 70 and out[0][0].shape == (2,)
    torch.testing.assert_close(out[50][0], out[0][0])  # jet 0 of the parquet copy = jet 0 of the HDF5 file

def test_pickles_without_open_files(files):
    import pickle
    ds = JetDataset(files[:1], chunk_size=8)
    next(iter(ds))  # opens the file in this process
    assert ds._handles
    ds2 = pickle.loads(pickle.dumps(ds))  # as a 'spawn' DataLoader worker receives it
    assert ds2._handles == {} and len(list(ds2)) == 60

def test_spawn_workers(files):
    ds = JetDataset(files[:2], channels=['ecal'], targets=('is_top',), chunk_size=8, shuffle=True)
    next(iter(ds))
    dl = DataLoader(ds, batch_size=30, num_workers=1, multiprocessing_context='spawn')  # macOS / Windows default
    ys = torch.cat([y for _, _, y in dl])
    assert len(ys) == 90 and ys.sum() == 60
