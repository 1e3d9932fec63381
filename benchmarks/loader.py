#!/usr/bin/env python
"""Benchmark e2e_nb's streaming loader on 8-channel 125 x 125 jet images.

Prints, measured in this one run:
  1. streamed jets/s from a gzip-compressed HDF5 file (one jet per chunk) through a torch DataLoader with 2 workers;
  2. the ResNet-15 training step's consumption (forward + backward + Adam, batch 32) in jets/s, and the ratio loader / training
     (target >= 3x, so I/O never limits training);
  3. peak memory (RSS of the main process plus its DataLoader workers) streaming a file of N jets and one of 4N jets (flat).

    python benchmarks/loader.py [--n_jets 512] [--n_mem 256] [--workers 2] [--batch 32] [--train_steps 8] [--device cpu]

The images are copies of a template sample (simulated by e2e_nb.generate.demo_file; --synthetic: e2e_nb's synthetic
sample with the sparsity of real jets), each copy flipped/rolled so the compressor sees distinct jets.
"""
import argparse, os, sys, tempfile, threading, time
from pathlib import Path
import numpy as np, psutil, torch
from torch import nn
from e2e_nb.data import open_jets, sample_file
from e2e_nb.loader import JetDataset
from e2e_nb.schema import SCALARS, COMPRESSION_LEVEL, JetWriter, compress_images, root_attrs


def template(n=64, synthetic=False):
    "The sample the copies are made of: simulated (`e2e_nb.data.sample_file`), or synthetic when asked for"
    name = 'synthetic (--synthetic)' if synthetic else 'simulated (sample_file)'
    return sample_file(n_jets=n, seed=0, synthetic=synthetic), name


def write_big(src, dest, n, block=64):
    "Write `n` jets with `e2e_nb.schema.JetWriter`, deflated as the generator does, in blocks (flat writer memory)"
    with open_jets(src) as jf:
        X0 = jf.read_images(); S0 = jf.read_scalars(list(SCALARS))
    rng = np.random.default_rng(0)
    with JetWriter(dest, root_attrs({'benchmark': 'loader', 'template': str(src)}, 0)) as w:
        for lo in range(0, n, block):
            k = min(block, n - lo); i = np.arange(lo, lo + k) % len(X0)
            x = X0[i]
            x = np.where(rng.random((k, 1, 1, 1)) < .5, x[..., ::-1, :], x)
            w.append(dict({key: v[i] for key, v in S0.items()}, event=np.arange(lo, lo + k),
                          X_jet_gz=compress_images(np.roll(x, rng.integers(-3, 4), axis=-1))))
    return Path(dest)


class MemSampler(threading.Thread):
    "Peak summed RSS and PSS (shared pages split between processes) of this process and its children, every `dt` seconds"
    def __init__(self, dt=0.05):
        super().__init__(daemon=True); self.dt, self.peak, self.peak_pss, self.stop_ = dt, 0, 0, False
    def run(self):
        me = psutil.Process()
        while not self.stop_:
            try:
                ps = [me] + me.children(recursive=True)
                self.peak = max(self.peak, sum(p.memory_info().rss for p in ps))
                self.peak_pss = max(self.peak_pss, sum(getattr(p.memory_full_info(), 'pss', 0) for p in ps))
            except psutil.Error: pass
            time.sleep(self.dt)
    def __enter__(self): self.start(); return self
    def __exit__(self, *a): self.stop_ = True; self.join()


def stream(path, workers, batch, chunk_size=32, shuffle_chunks=4):
    ds = JetDataset([path], targets=('m_gen',), scalars=('ieta', 'iphi'), shuffle=True, chunk_size=chunk_size, shuffle_chunks=shuffle_chunks)
    dl = torch.utils.data.DataLoader(ds, batch_size=batch, num_workers=workers, pin_memory=torch.cuda.is_available())
    n, t0, t_first = 0, time.perf_counter(), None
    for x, s, y in dl:
        if t_first is None: t_first = time.perf_counter() - t0
        n += len(x)
    dt = time.perf_counter() - t0
    assert n == len(ds), (n, len(ds))
    return n, dt, t_first


class _Block(nn.Module):
    def __init__(self, cin, cout, down=False):
        super().__init__()
        st = 2 if down else 1
        self.c1, self.c2 = nn.Conv2d(cin, cout, 3, st, 1), nn.Conv2d(cout, cout, 3, 1, 1)
        self.skip = nn.Conv2d(cin, cout, 1, st) if (down or cin != cout) else nn.Identity()
    def forward(self, x): return torch.relu(self.c2(torch.relu(self.c1(x))) + self.skip(x))


class ResNet15StandIn(nn.Module):
    "ML4SCI ResNet-15: 7x7 conv, 3 res blocks @16, 16->32 down-sampling block, 3 blocks @32, global max-pool, scalars, FC"
    def __init__(self, in_channels=8, n_scalars=2, n_outputs=1):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, 7, 2, 3)
        self.blocks = nn.Sequential(*[_Block(16, 16) for _ in range(3)], _Block(16, 32, down=True), *[_Block(32, 32) for _ in range(3)])
        self.fc = nn.Linear(32 + n_scalars, n_outputs)
    def forward(self, x, s):
        h = self.blocks(torch.relu(self.stem(x))).amax((2, 3))
        return self.fc(torch.cat([h, s], 1))


def train_rate(batch, steps, device):
    try:
        from e2e_nb.models import create_model
        m, name = create_model('resnet15', in_channels=8, img_size=125, n_outputs=1, n_scalars=2), 'e2e_nb.models resnet15 (+ ieta, iphi)'
    except ImportError:
        m, name = ResNet15StandIn(), 'local ResNet-15 stand-in'
    call = lambda x, s: m(x, s)
    m = m.to(device).train()
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    x = torch.randn(batch, 8, 125, 125, device=device).relu_(); s = torch.randn(batch, 2, device=device); y = torch.randn(batch, 1, device=device)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.l1_loss(call(x, s), y); loss.backward(); opt.step()
    for _ in range(2): step()
    if device.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps): step()
    if device.type == 'cuda': torch.cuda.synchronize()
    return batch * steps / (time.perf_counter() - t0), name, sum(p.numel() for p in m.parameters())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n_jets', type=int, default=512, help='jets in the throughput file')
    ap.add_argument('--n_mem', type=int, default=256, help='jets in the memory-limited run (the large run streams 4x)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--chunk_size', type=int, default=32)
    ap.add_argument('--train_steps', type=int, default=8)
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--dir', default=None, help='scratch directory (default: a temporary one)')
    ap.add_argument('--synthetic', action='store_true',
                    help="copy e2e_nb's synthetic sample (not physics) instead of simulated jets")
    a = ap.parse_args()
    d = Path(a.dir or tempfile.mkdtemp(prefix='e2e_bench_'))
    src, src_name = template(synthetic=a.synthetic)
    print(f'# e2e_nb loader benchmark: {os.cpu_count()} CPUs, torch {torch.__version__}, device {a.device}, template: {src_name}')

    t0 = time.perf_counter(); big = write_big(src, d/'throughput.h5', a.n_jets)
    mb = big.stat().st_size / 2**20
    print(f'wrote {a.n_jets} jets (8 x 125 x 125, gzip filter, zlib-ng level {COMPRESSION_LEVEL}, chunk = 1 jet): {mb:.1f} MiB, {1024 * mb / a.n_jets:.1f} KiB/jet '
          f'(raw 500 KiB/jet) in {time.perf_counter() - t0:.1f} s')

    n, dt, tf = stream(big, a.workers, a.batch, a.chunk_size)
    load = n / dt
    print(f'streaming: {load:,.0f} jets/s with {a.workers} DataLoader workers, batch {a.batch} '
          f'({n} jets in {dt:.2f} s, first batch after {tf:.2f} s; after it: {(n - a.batch) / max(dt - tf, 1e-9):,.0f} jets/s)')
    n0, dt0, _ = stream(big, 0, a.batch, a.chunk_size)
    print(f'streaming: {n0 / dt0:,.0f} jets/s in the main process (0 workers), for reference')

    small = write_big(src, d/'mem_small.h5', a.n_mem); large = write_big(src, d/'mem_large.h5', 4 * a.n_mem)
    peaks = []
    for p, k in ((small, a.n_mem), (large, 4 * a.n_mem)):
        with MemSampler() as ms: stream(p, a.workers, a.batch, a.chunk_size)
        peaks.append((ms.peak, ms.peak_pss))
        print(f'peak memory (main + {a.workers} workers) streaming {k:5d} jets ({p.stat().st_size / 2**20:.1f} MiB file, {k * 0.5:.0f} MiB raw): '
              f'RSS {ms.peak / 2**20:,.0f} MiB, PSS {ms.peak_pss / 2**20:,.0f} MiB')
    print(f'peak memory ratio 4x data / 1x data = {peaks[1][0] / peaks[0][0]:.2f} (RSS), {peaks[1][1] / max(peaks[0][1], 1):.2f} (PSS); flat = 1')
    train, name, npar = train_rate(a.batch, a.train_steps, torch.device(a.device))
    print(f'training:  {train:,.0f} jets/s consumed by {name} ({npar:,} parameters): forward + backward + Adam, batch {a.batch}, {a.device}')
    print(f'ratio loader / training = {load / train:.1f}x (target >= 3x)')

    for f in (big, small, large): f.unlink()


if __name__ == '__main__': main()
