"""Per-jet inference latency on the CMSSW producer's path (CMSSW's default session options, one thread): PyTorch eager vs
ONNX Runtime (Python) vs the C++ core (E2EInferenceCore, the packing and unpacking code the CMSSW producer runs), at
batch sizes 1 and 16, as ratios measured in one run.

    python benchmarks/inference.py [--run RUN_DIR] [--model resnet15] [--crop 64 --pool 2] [--seconds 6] [--rounds 5]

The model is the exported one: raw frames in, GeV out (preprocessing included). With --run (or shipped weights under
e2e_nb/weights/, unless --untrained) it is that run's `E2EModel`; otherwise the `E2EModel` of an untrained network
(default resnet15, e2e-train's default, on the full 125 x 125 frame; --crop/--pool as in e2e-train) with an unfitted `Preprocessor`: the same graph and
cost as a trained one, since latency does not depend on the weights. The C++ time covers what the producer does per event:
nested-vector frames -> NCHW tensor -> one Run -> per-jet results (not the building of the nested vectors).
`export_onnx` removes the operations that are identities for the model's constants (`simplify_onnx`) and uses cheaper
kernels for `Sign` and `Div` by a constant (`speedup_onnx`); the column "ORT plain" times the graph exported without
these two steps, in the same interleaved rounds.

Models with scalar inputs (the shipped `part` takes the seed's ieta, iphi) get the sample jets' scalars everywhere.

Session options: MassRegressionProducer constructs `cms::Ort::ONNXRuntime` without session options, which (like
`ONNXRuntime::defaultSessionOptions(Backend::cpu)`, PhysicsTools/ONNXRuntime/src/ONNXRuntime.cc) sets one intra-op thread
and leaves the rest at ONNX Runtime's defaults: graph optimisation ORT_ENABLE_ALL, sequential execution (so no
inter-op pool is used; here it is set to 1 explicitly), CPU execution provider. The Python ONNX Runtime sessions here are
built with exactly these options (`cmssw_session_options`, read back from each session and printed), and the C++ core
run with one thread sets the same (E2EInferenceCore.cc: SetIntraOpNumThreads(1), SetInterOpNumThreads(1), ORT_ENABLE_ALL,
ONNX Runtime's default sequential mode; checked below against its source).

It also prints the arithmetic behind the eager/ORT ratio, measured in the same run: the network's floating-point
operations per jet (the convolutions and matrix products counted by torch's FlopCounterMode), the one-thread SGEMM rate of this CPU
(`torch.mm` of 512 × 512 matrices, the best a BLAS kernel reaches on it), the rate ORT achieves, and the ceiling of
eager/ORT: eager's time over the time of the network's operations at SGEMM speed with nothing else (no preprocessing,
no memory traffic, no call overhead). An export cannot make ORT faster than that; where the ceiling is near the target,
the ratio depends on how slow eager PyTorch is on the CPU at hand.
"""
import argparse, json, tempfile, time
from pathlib import Path
import numpy as np, onnxruntime as ort, torch

torch.set_num_threads(1)
from e2e_nb import export as ex
from e2e_nb.core import PACKAGE_DIR
from e2e_nb.data import open_jets, sample_file
from e2e_nb.schema import CHANNELS


def cmssw_session_options():
    "ONNX Runtime options of CMSSW's `ONNXRuntime::defaultSessionOptions(Backend::cpu)`: 1 intra-op thread, ORT's defaults otherwise"
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1          # the one setting CMSSW makes
    so.inter_op_num_threads = 1          # unused in sequential mode (CMSSW leaves 0, i.e. ORT's default)
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL   # ORT's default, which CMSSW keeps
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL                      # ORT's default, which CMSSW keeps
    so.log_severity_level = 3
    return so


def cmssw_session(path):
    "A CPU session of `path` with CMSSW's default session options"
    return ort.InferenceSession(str(path), cmssw_session_options(), providers=['CPUExecutionProvider'])


def describe_options(sess)->str:
    "The options `sess` runs with, read back from it"
    so = sess.get_session_options()
    return (f'intra-op {so.intra_op_num_threads}, inter-op {so.inter_op_num_threads}, {so.graph_optimization_level.name}, '
            f'{so.execution_mode.name}, {"/".join(sess.get_providers())}')


def check_core_options()->str:
    "The C++ core's session options, from its source: those of CMSSW's defaults when run with one thread (else stop)"
    src = (ex.cmssw_sources()/'src'/'E2EInferenceCore.cc').read_text()
    need = ('SetIntraOpNumThreads(threads)', 'SetInterOpNumThreads(1)', 'GraphOptimizationLevel::ORT_ENABLE_ALL')
    missing = [n for n in need if n not in src]
    if missing or 'ORT_PARALLEL' in src:
        raise SystemExit(f'E2EInferenceCore.cc no longer sets CMSSW\'s default session options ({missing or "ORT_PARALLEL"}): '
                         'fix the benchmark\'s labels')
    return 'intra-op 1 (--threads 1), inter-op 1, ORT_ENABLE_ALL, ORT_SEQUENTIAL (ORT default), CPUExecutionProvider'


def load_model(run, name, crop, pool, untrained=False):
    "The exported module: a run's `E2EModel`, else an untrained `name` behind a `Preprocessor` (same graph, same cost)"
    from e2e_nb.training import E2EModel, load_run
    shipped = [] if untrained else sorted(p.parent for p in (PACKAGE_DIR/'weights').glob('*/config.json'))
    runs = [Path(run)] if run else shipped
    if runs:
        r = load_run(runs[0], device='cpu')
        return (r.e2e_model().cpu().eval(), f'run {runs[0]} ({r.config["model"]}, network input {r.config["img_size"]} px)',
                r.config.get('channels'), r.config.get('scalars') or [])
    from e2e_nb.models import create_model
    from e2e_nb.preprocess import Preprocessor
    torch.manual_seed(0)
    prep = Preprocessor(CHANNELS, crop=crop, pool=pool, in_shape=(125, 125))
    size = int(prep(torch.zeros(1, 8, 125, 125)).shape[-1])
    net = create_model(name, in_channels=8, img_size=size)
    return E2EModel(net, prep).eval(), f'untrained {name} (network input {size} px) behind a Preprocessor', CHANNELS, []


def model_flops(model, x, s=None):
    "Floating-point operations per jet of `model` on frames `x` (and scalars `s`): its convolutions and matrix products"
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc, torch.no_grad():
        model(torch.as_tensor(x[:2]), None if s is None else torch.as_tensor(s[:2]))
    return fc.get_total_flops() / 2


def sgemm_rate(seconds=0.6, n=512):
    "Best one-thread SGEMM rate (FLOP/s) of `torch.mm` on n × n float32 matrices within about `seconds`"
    a, b = torch.randn(n, n), torch.randn(n, n)
    mm = lambda: torch.mm(a, b)
    reps = calibrate(mm, seconds / 5)
    return max(2 * n**3 / timed(mm, reps) for _ in range(5))


def calibrate(fn, seconds):
    "Number of calls of `fn` that take about `seconds`"
    fn(); fn()
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.1: fn(); n += 1
    return max(1, int(n * seconds / (time.perf_counter() - t0)))


def timed(fn, reps):
    "Mean seconds per call over `reps` calls"
    t = time.perf_counter()
    for _ in range(reps): fn()
    return (time.perf_counter() - t) / reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', help='run directory (default: shipped weights, else an untrained --model)')
    ap.add_argument('--model', default='resnet15', help='architecture when no run is given')
    ap.add_argument('--crop', type=int, default=None, help='centre crop of the stand-in preprocessing (e2e-train --crop)')
    ap.add_argument('--pool', type=int, default=1, help='sum-pooling of the stand-in preprocessing (e2e-train --pool)')
    ap.add_argument('--seconds', type=float, default=6., help='timing budget per batch size (all methods, all rounds)')
    ap.add_argument('--rounds', type=int, default=5, help='interleaved rounds; the minimum per method is reported')
    ap.add_argument('--untrained', action='store_true', help='time an untrained --model even where weights are shipped')
    a = ap.parse_args()
    x_all = None
    try: sdk = ex.ort_sdk(Path(__file__).resolve().parents[1]/'.cache'/'onnxruntime')
    except ex.OrtHeadersMissing as e: raise SystemExit(f'the C++ core needs ONNX Runtime\'s C++ headers: {e}')
    exe, core_opts = ex.build_core(sdk), check_core_options()
    shipped = not a.untrained and any((PACKAGE_DIR/'weights').glob('*/config.json'))
    # a run (given or shipped) fixes its own input; without one: e2e-train's default input (full 125 x 125 frame) and the
    # cropped/pooled input of the tests and notebooks
    configs = [(a.crop, a.pool)] if (a.run or shipped or a.crop or a.pool != 1) else [(None, 1), (64, 2)]
    for crop, pool in configs:
        model, what, chans, skeys = load_model(a.run, a.model, crop, pool, a.untrained)
        jf = open_jets(sample_file(n_jets=16, seed=5))
        x_all = jf.read_images(np.arange(16), channels=chans)
        s_all = np.stack([jf.read_scalars(skeys)[k] for k in skeys], 1).astype(np.float32) if skeys else None
        rows, ort_opts = bench(model, x_all, s_all, exe, a)
        flops, peak = model_flops(model, x_all, s_all), sgemm_rate()
        for r in rows:
            r.update(mflop_per_jet=flops / 1e6, sgemm_gflops=peak / 1e9, ort_gflops=flops / r['ort_us'] / 1e3,
                     eager_over_ort_ceiling=r['eager_us'] / (1e6 * flops / peak))
        print(f'model: {what}; scalar inputs: {", ".join(skeys) or "none"}; torch {torch.__version__}, 1 intra-op thread everywhere')
        print(f"the CMSSW producer's path (CMSSW default session options, 1 thread): ONNX Runtime {ort.__version__} with the "
              f"options of ONNXRuntime::defaultSessionOptions(Backend::cpu)")
        print(f'  ORT-py, ORT plain (Python sessions): {ort_opts}')
        print(f'  C++ core (E2EInferenceCore, --threads 1): {core_opts}')
        for r in rows:
            print(f"  batch {r['batch']:>2}: C++ core {r['cpp_us']:.0f} µs/jet, ONNX Runtime from Python {r['ort_us']:.0f} µs/jet "
                  f"(the CMSSW producer's path, CMSSW default session options, 1 thread)")
        print(f"{'batch':>5} {'eager µs/jet':>13} {'ORT-py µs/jet':>14} {'ORT plain':>13} {'C++ µs/jet':>11} {'eager/ORT':>10} {'eager/C++':>10} {'ORT/C++':>8} {'C++ vs torch':>13}")
        for r in rows:
            print(f"{r['batch']:>5} {r['eager_us']:>13.0f} {r['ort_us']:>14.0f} {r['ort_plain_us']:>13.0f} {r['cpp_us']:>11.0f} {r['eager_over_ort']:>10.2f} "
                  f"{r['eager_over_cpp']:>10.2f} {r['ort_over_cpp']:>8.2f} {r['cpp_vs_torch_max_rel']:>13.1e}")
        r1 = rows[0]
        print(f"arithmetic: {r1['mflop_per_jet']:.1f} MFLOP per jet (convolutions, matrix products); one-thread SGEMM on this CPU "
              f"{r1['sgemm_gflops']:.1f} GFLOP/s, measured now")
        for r in rows:
            print(f"  batch {r['batch']:>2}: ORT runs the network at {r['ort_gflops']:.1f} GFLOP/s "
                  f"({100 * r['ort_gflops'] / r['sgemm_gflops']:.0f} % of SGEMM); ceiling of eager/ORT here "
                  f"{r['eager_over_ort_ceiling']:.2f} (ORT at SGEMM speed, nothing else; measured {r['eager_over_ort']:.2f})")
        print(json.dumps(dict(model=what, session_options=dict(python=ort_opts, cpp=core_opts), rows=rows)))


def bench(model, x_all, s_all, exe, a):
    "Interleaved timings of eager, ONNX Runtime (Python) and the C++ core at batch 1 and 16 (CMSSW's default session options); rows, options"
    t = lambda v: None if v is None else torch.as_tensor(v)
    with tempfile.TemporaryDirectory() as d:
        ex2 = (torch.as_tensor(x_all[:2]), t(None if s_all is None else s_all[:2]))
        onnx_path = ex.export_onnx(model, Path(d)/'model.onnx', *ex2)
        sess = cmssw_session(onnx_path)
        sess_plain = cmssw_session(ex.export_onnx(model, Path(d)/'plain.onnx', *ex2, simplify=False, speedup=False))
        opts = describe_options(sess)
        rows = []
        for b in (1, 16):
            x, s = x_all[:b], None if s_all is None else s_all[:b]
            xt, st = torch.as_tensor(x), t(s)
            def eager():
                with torch.inference_mode(): model(xt, st)
            ort_call = lambda: ex.onnx_predict(sess, x, s)
            plain_call = lambda: ex.onnx_predict(sess_plain, x, s)
            # interleaved rounds, minimum per method: the machine's other load hits all three alike and the minimum is
            # the least disturbed measurement
            per_round = a.seconds / a.rounds / 4
            r_pt, r_ort = calibrate(eager, per_round), calibrate(ort_call, per_round)
            t_pt, t_ort, t_plain, t_cpp = [], [], [], []
            for _ in range(a.rounds):
                t_pt.append(timed(eager, r_pt) * 1e6 / b)
                t_ort.append(timed(ort_call, r_ort) * 1e6 / b)
                t_plain.append(timed(plain_call, r_ort) * 1e6 / b)
                y_cpp, us = ex.run_core(exe, onnx_path, x, s, threads=1, repeat=r_ort)
                t_cpp.append(us)
            t_pt, t_ort, t_plain, t_cpp = min(t_pt), min(t_ort), min(t_plain), min(t_cpp)
            with torch.no_grad(): diff = ex.compare(y_cpp, model(xt, st).numpy())['max_rel']
            rows.append(dict(batch=b, eager_us=t_pt, ort_us=t_ort, ort_plain_us=t_plain, cpp_us=t_cpp, eager_over_ort=t_pt/t_ort,
                             eager_over_cpp=t_pt/t_cpp, ort_over_cpp=t_ort/t_cpp, cpp_vs_torch_max_rel=diff))
    return rows, opts


if __name__ == '__main__': main()
