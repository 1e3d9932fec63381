"""Shared fixtures. `cpp_sdk`: ONNX Runtime's C++ headers and library for the tests that compile C++
(tests/test_cpp_parity.py, tests/test_cmssw_producer.py). Without g++ or the headers these tests skip and say why;
`make test` fetches the headers first (`make ort-headers`) and sets E2E_NB_REQUIRE_CPP=1, which turns such a skip into
a failure, so that CI really runs them."""
import os, shutil
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]


def _unavailable(reason:str):
    "Skip with `reason`, or fail where $E2E_NB_REQUIRE_CPP=1 (`make test`)"
    if os.environ.get('E2E_NB_REQUIRE_CPP') == '1':
        pytest.fail(f'{reason} ($E2E_NB_REQUIRE_CPP=1: the C++ tests must run here)', pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope='session')
def cpp_sdk():
    "`e2e_nb.export.ort_sdk` of this checkout (headers in .cache/onnxruntime, $E2E_NB_ORT_INCLUDE or the system's)"
    from e2e_nb import export as ex
    cxx = os.environ.get('CXX', 'g++')
    if not shutil.which(cxx): _unavailable(f'C++ compiler {cxx!r} not found (install g++ or set $CXX): no C++ to test')
    try: return ex.ort_sdk(REPO/'.cache'/'onnxruntime')
    except ex.OrtHeadersMissing as e: _unavailable(f'ONNX Runtime C++ headers missing: {e}')
