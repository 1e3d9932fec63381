"""DDP: `torchrun --nproc_per_node 2 e2e-train` on the CPU (gloo) trains exactly like one process on the global batch.

What is compared: rank r of the DDP run reads its shard of the training split (`JetDataset(rank=r, world_size=2)`) in
batches of b = 4 jets and DistributedDataParallel averages the two ranks' gradients. The reference is ONE process that
runs the same `fit` (same seed, same initial weights, same preprocessing, constant learning rate) on global batches
made of rank 0's batch k followed by rank 1's batch k (2b = 8 jets, the mean loss over them). After one epoch (13 steps)
the weights must agree to float32 round-off (1e-6), and so must the logged training loss.
The test uses SGD with momentum and the MSE loss: both are smooth in the gradient, so round-off differences stay at
round-off level. (Adam's first steps move every weight by ±lr whatever the size of its gradient, so weights whose
gradient is zero up to round-off jump by ±lr at random: Adam runs agree only statistically, not to 1e-6.)"""
import json, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
from torch.utils.data import DataLoader
from e2e_nb.core import seed_everything
from e2e_nb.loader import JetDataset
from e2e_nb.preprocess import Preprocessor
import e2e_nb.training as T

BIN = Path(sys.executable).parent

class GlobalBatches:
    "Single-process view of a 2-rank epoch: batch k = rank 0's batch k + rank 1's batch k"
    def __init__(self, dls): self.dls = dls
    def set_epoch(self, e):
        for d in self.dls: d.dataset.set_epoch(e)
    def __len__(self): return min(len(d) for d in self.dls)
    def __iter__(self):
        for bs in zip(*self.dls): yield tuple(torch.cat(t) for t in zip(*bs))

def test_torchrun_two_cpu_processes_match_single_process(tmp_path, one_thread, synthetic):
    f = synthetic(100, 4)
    out = tmp_path/'ddp'
    cmd = [str(BIN/'torchrun'), '--standalone', '--nproc_per_node', '2', str(BIN/'e2e-train'), '--data', str(f), '--model', 'cnn',
           '--epochs', '1', '--out', str(out), '--crop', '32', '--pool', '2', '--batch-size', '4', '--threads', '1', '--quiet',
           '--schedule', 'constant', '--optimizer', 'sgd', '--loss', 'mse', '--lr', '0.05', '--seed', '7', '--scalars', 'ieta']
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    cfg = json.loads((out/'config.json').read_text())
    ck = torch.load(out/'checkpoints'/'last.pt', weights_only=True)

    seed_everything(7); model = T.build_model(cfg)
    init = {k: v.clone() for k, v in model.state_dict().items()}
    sp = T.run_split(cfg)
    dls = [DataLoader(JetDataset(cfg['data'], channels=cfg['channels'], targets=cfg['targets'], scalars=cfg['scalars'],
                                 indices=sp['train'], shuffle=True, seed=7, rank=r, world_size=2), batch_size=4) for r in (0, 1)]
    assert len(GlobalBatches(dls)) >= 5
    h = T.fit(model, GlobalBatches(dls), None, epochs=1, prep=Preprocessor.from_dict(cfg['preprocessing']), optimizer='sgd',
              loss='mse', lr=0.05, schedule='constant', seed=7, scalar_mean=cfg['scalar_scaling']['mean'],
              scalar_std=cfg['scalar_scaling']['std'], show_progress=False)
    moved = 0.
    for k, v in model.state_dict().items():
        torch.testing.assert_close(ck['model'][k], v, rtol=1e-5, atol=1e-6)
        moved = max(moved, (v - init[k]).abs().max().item())
    assert moved > 1e-2   # training did change the weights, so the agreement is not trivial
    np.testing.assert_allclose(ck['history'][0]['train_loss'], h[0]['train_loss'], rtol=1e-5)

ALLREDUCE = '''import json, sys
import torch.distributed as dist
import e2e_nb.training as T
rank, ws, dev = T.init_distributed('cpu')   # WORLD_SIZE=2 from torchrun: joins a gloo group
res = dict(rank=rank, ws=ws, sum=T._allreduce([rank + 1., 10.*(rank + 1)], dev), min=T._allreduce([rank + 3.], dev, 'min'))
with open(f'{sys.argv[1]}/{rank}.json', 'w') as f: json.dump(res, f)
dist.destroy_process_group()
'''

def test_allreduce_in_two_gloo_processes(tmp_path):
    "`init_distributed` joins torchrun's group and `_allreduce` sums (or takes the minimum) over the ranks (~10 s)"
    (tmp_path/'allreduce.py').write_text(ALLREDUCE)
    r = subprocess.run([str(BIN/'torchrun'), '--standalone', '--nproc_per_node', '2', str(tmp_path/'allreduce.py'), str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = sorted((json.loads((tmp_path/f'{k}.json').read_text()) for k in (0, 1)), key=lambda d: d['rank'])
    assert [d['rank'] for d in res] == [0, 1] and all(d['ws'] == 2 for d in res)
    assert all(d['sum'] == [3., 30.] and d['min'] == [3.] for d in res)
