"tools/ship_weights.py: what travels into the package with a multi-stage run, and what it keeps there"
import json, subprocess, sys
from pathlib import Path

TOOL = Path(__file__).parents[1]/'tools'/'ship_weights.py'

def _run(d:Path, init=None, rows=1)->Path:
    "A fake finished run directory (the tool copies files; it does not load the network)"
    d.mkdir(parents=True)
    (d/'config.json').write_text(json.dumps(dict(model='part', data=[], image_seed='hcal', track_image='recoe2e',
                                                 **({'init_from': str(init)} if init else {}))))
    (d/'model.safetensors').write_bytes(b'weights of ' + d.name.encode())
    (d/'log.csv').write_text('epoch,val_loss\n' + ''.join(f'{i},0.{i}\n' for i in range(1, rows + 1)))
    return d

def test_ship_three_stages_keeps_every_log_and_the_reference(tmp_path):
    r1 = _run(tmp_path/'run', rows=4); r2 = _run(tmp_path/'run2', r1, 2); r3 = _run(tmp_path/'run3', r2)
    dest = tmp_path/'pkg'/'part_mass'
    (dest/'reference_resnet15').mkdir(parents=True); (dest/'reference_resnet15'/'report.md').write_text('# ref')
    (dest/'report').mkdir(); (dest/'report'/'report.md').write_text('# old report')   # the old model's: dropped
    subprocess.run([sys.executable, TOOL, r3, dest], check=True, capture_output=True)
    assert sorted(p.name for p in dest.iterdir()) == ['config.json', 'log.csv', 'log_run.csv', 'log_run2.csv',
                                                      'model.safetensors', 'reference_resnet15']
    assert (dest/'log_run.csv').read_text() == (r1/'log.csv').read_text()
    assert (dest/'reference_resnet15'/'report.md').read_text() == '# ref'
    cfg = json.loads((dest/'config.json').read_text())
    assert cfg['shipped_from']['run'] == 'run3' and cfg['shipped_from']['init_from'] == 'run2'
    assert not list(dest.parent.glob('.part_mass.*'))   # no temporary directory left

def test_ship_refuses_an_unfinished_run(tmp_path):
    (tmp_path/'run').mkdir()
    r = subprocess.run([sys.executable, TOOL, tmp_path/'run', tmp_path/'dest'], capture_output=True, text=True)
    assert r.returncode != 0 and 'config.json missing' in r.stderr and not (tmp_path/'dest').exists()
