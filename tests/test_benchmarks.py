"The benchmarks are scripts outside the package: check that each one at least compiles and answers --help"
import subprocess, sys
from pathlib import Path
import pytest

BENCH = sorted((Path(__file__).resolve().parents[1]/'benchmarks').glob('*.py'))

def test_there_are_benchmarks():
    assert {p.stem for p in BENCH} >= {'simulate', 'loader', 'train', 'inference'}

@pytest.mark.parametrize('path', BENCH, ids=lambda p: p.stem)
def test_benchmark_answers_help(path):
    r = subprocess.run([sys.executable, str(path), '--help'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'usage' in r.stdout.lower()
