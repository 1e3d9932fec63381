#!/usr/bin/env python
"""Training throughput of e2e_nb's models at full image size (8 × 125 × 125) on this machine.

    python benchmarks/train.py [--batch-size 16] [--steps 4] [--models resnet15 cnn ...] [--threads 1 2] [--img 125]

Part 1: jets/s of one training epoch of `e2e_nb.training.fit` (forward, backward, AdamW step) for every model of the zoo,
plain fp32, default threads. Part 2: ResNet-15 under every combination of the CPU options `fit` offers (channels-last
memory layout, bfloat16 autocast, thread count), all measured in this one run, and the speed-up of the best over plain
fp32 eager with torch's default thread count (else the most of --threads). Inputs are random sparse images already
preprocessed, so data loading is excluded: this is the cost of the network itself. Each number is the median over
`--repeats` timed epochs of `--steps` batches, after one warm-up epoch. Part 3: the shipped physics-aware `part` as `e2e-train` runs it (raw
images and the seed scalars), fp32 and bf16, 1 and all threads, with the FLOP/s it reaches (matrix products counted
by torch's FlopCounterMode over forward and backward) as a fraction of this CPU's GEMM rate measured in the same run
at the same precision and thread count.
"""
import argparse, itertools, time, os, sys
import numpy as np, torch
from e2e_nb.models import create_model, list_models, count_parameters
from e2e_nb.training import fit

def batches(n_steps, bs, img, seed=0):
    "Random sparse jet-like images (about 3% of pixels non-zero), scaled targets"
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n_steps):
        x = torch.rand(bs, 8, img, img, generator=g)
        x = x * (torch.rand(bs, 8, img, img, generator=g) < 0.03)
        out.append((x, torch.zeros(bs, 0), torch.randn(bs, 1, generator=g)))
    return out

def jets_per_s(name, data, repeats, threads=None, **opts):
    "Median training throughput (jets/s) of `fit` epochs after one warm-up epoch"
    if threads: torch.set_num_threads(threads)
    torch.manual_seed(0)
    m = create_model(name, in_channels=8, img_size=data[0][0].shape[-1], n_outputs=1)
    h = fit(m, data, None, epochs=repeats + 1, loss='l1', schedule='constant', show_progress=False, device='cpu', **opts)
    return float(np.median([r['jets_per_s'] for r in h[1:]])), count_parameters(m)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--batch-size', type=int, default=16)
    ap.add_argument('--steps', type=int, default=3, help='batches per timed epoch')
    ap.add_argument('--repeats', type=int, default=2, help='timed epochs per measurement (median)')
    ap.add_argument('--img', type=int, default=125, help='image side in pixels')
    ap.add_argument('--models', nargs='*', default=None, help='models of part 1 (default: all)')
    ap.add_argument('--threads', nargs='*', type=int, default=None, help='thread counts tried in part 2 (default: 1 and all cores)')
    ap.add_argument('--part-batch-size', type=int, default=64, help='batch of part 3 (e2e-train uses 64)')
    ap.add_argument('--model-threads', type=int, default=None, help="threads in part 1 (default: torch's default)")
    ap.add_argument('--gemm-size', type=int, default=512, help='matrix side of the GEMM rate measurement (part 3)')
    a = ap.parse_args()
    default_threads = torch.get_num_threads()
    data = batches(a.steps, a.batch_size, a.img)
    print(f'torch {torch.__version__}, {os.cpu_count()} CPUs, default threads {default_threads}, batch {a.batch_size}, '
          f'{a.steps} steps × {a.repeats} timed epochs, images 8 × {a.img} × {a.img}')
    if os.path.exists('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f: bf16 = 'avx512_bf16' in f.read()
    else: bf16 = 'unknown'
    print(f'CPU bf16 support: {bf16}')
    mt = a.model_threads or default_threads
    print(f'\n== Part 1: training throughput per model (fp32, eager, {mt} threads)')
    print(f"{'model':12s} {'parameters':>12s} {'jets/s':>9s}")
    failed = []
    for name in a.models or list_models():
        try:
            r, n = jets_per_s(name, data, a.repeats, threads=mt)
            print(f'{name:12s} {n:12,d} {r:9.1f}', flush=True)
        except Exception as e:   # go on with the other models, and exit with an error at the end
            print(f'{name:12s} failed: {type(e).__name__}: {e}', flush=True); failed.append(name)
    print('\n== Part 2: ResNet-15 under CPU options (channels-last, bf16 autocast, threads)')
    threads = a.threads or sorted({1, default_threads})
    res = {}
    for t, cl, bf in itertools.product(threads, (False, True), (False, True)):
        r, _ = jets_per_s('resnet15', data, a.repeats, threads=t, channels_last=cl, bf16=bf)
        res[(t, cl, bf)] = r
        print(f'threads {t}  channels_last {cl!s:5s}  bf16 {bf!s:5s}  {r:8.1f} jets/s', flush=True)
    bt = default_threads if default_threads in threads else max(threads)   # --threads without torch's default
    base = res[(bt, False, False)]
    best = max(res, key=res.get)
    print(f'\nplain fp32 eager (threads {bt}): {base:.1f} jets/s')
    print(f'best: threads {best[0]}, channels_last {best[1]}, bf16 {best[2]}: {res[best]:.1f} jets/s')
    for t in threads:   # the layout/precision gain alone, at a fixed thread count
        b = max(((cl, bf) for cl in (False, True) for bf in (False, True)), key=lambda k: res[(t, *k)])
        print(f'threads {t}: channels_last {b[0]}, bf16 {b[1]} vs fp32 contiguous: {res[(t, *b)]/res[(t, False, False)]:.2f}x')
    print(f'speed-up of the best CPU settings over plain fp32 eager: {res[best]/base:.2f}x (target >= 1.5x)')
    part3(a, threads)
    if failed: sys.exit(f'benchmarks/train.py: error: models that failed to train: {", ".join(failed)}')

def gemm_rate(threads, dtype=torch.float32, n=512, reps=20):
    "Best `torch.mm` rate (FLOP/s) on n × n matrices of `dtype` with `threads` threads"
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    torch.mm(a, b)
    best = 0.
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps): torch.mm(a, b)
        best = max(best, 2 * n**3 * reps / (time.perf_counter() - t0))
    return best

def part_batches(n_steps, bs, seed=0):
    "Raw jet-like frames (GeV, about 3 % of pixels hit) with seed scalars (ieta, iphi), targets in units of 100 GeV"
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n_steps):
        x = torch.rand(bs, 8, 125, 125, generator=g) * 10 * (torch.rand(bs, 8, 125, 125, generator=g) < 0.03)
        s = torch.stack([torch.randint(20, 150, (bs,), generator=g), torch.randint(0, 360, (bs,), generator=g)], 1)
        out.append((x, s.float(), torch.rand(bs, 1, generator=g) * 5))
    return out

def train_flops_per_jet(model, x, s):
    "FLOPs per jet of the matrix products of one forward and backward pass"
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc: model(x, s).sum().backward()
    model.zero_grad()
    return fc.get_total_flops() / len(x)

def part3(a, threads):
    print('\n== Part 3: part (the shipped model) as e2e-train runs it: raw images + seed, batch', a.part_batch_size)
    data = part_batches(a.steps, a.part_batch_size)
    torch.manual_seed(0)
    flops = train_flops_per_jet(create_model('part', n_scalars=2), *data[0][:2])
    print(f'matrix-product FLOPs per jet, forward + backward: {flops/1e6:.1f} M')
    for t, bf in itertools.product(threads, (False, True)):
        torch.set_num_threads(t); torch.manual_seed(0)
        m = create_model('part', n_scalars=2)
        h = fit(m, data, None, epochs=a.repeats + 1, loss='l1', schedule='constant', show_progress=False, device='cpu',
                bf16=bf, scalar_mean=[0., 0.], scalar_std=[1., 1.])
        r = float(np.median([e['jets_per_s'] for e in h[1:]]))
        peak = gemm_rate(t, torch.bfloat16 if bf else torch.float32, n=a.gemm_size)
        print(f'threads {t}  bf16 {bf!s:5s}  {r:7.1f} jets/s  {r*flops/1e9:6.1f} GFLOP/s = {r*flops/peak:5.1%} of '
              f'this CPU\'s {"bf16" if bf else "fp32"} GEMM ({peak/1e9:.0f} GFLOP/s, {t} threads)', flush=True)

if __name__ == '__main__': main()
