"""The Triton model repository that export writes into the CMSSW package (data/models/<name>/, as SonicTriton expects):
config.pbtxt parsed with Triton's own protobuf schema (`ModelConfig` from the tritonclient package) and checked against
the ONNX graph beside it (names, dtypes, dims without the batch axis); the SONIC cfi and the cff that clones the cfi"""
import importlib.util, re
from pathlib import Path
import numpy as np, pytest, torch
import onnx
from e2e_nb.schema import CHANNELS
from e2e_nb import export as ex
from e2e_nb.export import cmssw_sources


def model_config_pb2():
    "Triton's `model_config_pb2`, loaded from its file: `tritonclient.grpc`'s __init__ needs grpcio, the schema does not"
    spec = importlib.util.find_spec('tritonclient')
    if spec is None: pytest.skip('tritonclient is not installed (pip install tritonclient): no Triton schema to parse with')
    path = Path(spec.submodule_search_locations[0])/'grpc'/'model_config_pb2.py'
    s = importlib.util.spec_from_file_location('triton_model_config_pb2', path)
    m = importlib.util.module_from_spec(s); s.loader.exec_module(m)
    return m


class Tiny(torch.nn.Module):
    def __init__(self, n_out): super().__init__(); self.lin = torch.nn.Linear(8 + 2, n_out)
    def forward(self, x, s): return self.lin(torch.cat([x.mean((2, 3)), s], 1))


@pytest.fixture(scope='module')
def package(tmp_path_factory):
    d = tmp_path_factory.mktemp('export')
    spec = ex.export_spec(dict(model='tiny', in_channels=8, channels=CHANNELS, targets=['m_gen'], scalars=['ieta', 'iphi'],
                               heteroscedastic=True, n_outputs=1))
    torch.manual_seed(0); m = Tiny(spec['n_outputs']).eval()
    x = np.random.default_rng(0).random((2, 8, 125, 125), dtype=np.float32); s = np.ones((2, 2), np.float32)
    onnx_path = ex.export_onnx(m, d/'model.onnx', torch.as_tensor(x), torch.as_tensor(s))
    return ex.write_cmssw_package(d/'cmssw', onnx_path, spec, name='e2e_mass_regression'), spec


TYPES = {onnx.TensorProto.FLOAT: 'TYPE_FP32', onnx.TensorProto.DOUBLE: 'TYPE_FP64', onnx.TensorProto.INT64: 'TYPE_INT64'}


def test_config_pbtxt_against_onnx_graph(package):
    from google.protobuf import text_format
    pkg, spec = package
    mdir = pkg/'data'/'models'/'e2e_mass_regression'
    cfg = text_format.Parse((mdir/'config.pbtxt').read_text(), model_config_pb2().ModelConfig())  # unknown fields fail
    g = onnx.load(mdir/'1'/'model.onnx').graph
    assert cfg.name == mdir.name and cfg.platform == 'onnxruntime_onnx' and cfg.max_batch_size > 0
    assert cfg.dynamic_batching.max_queue_delay_microseconds > 0
    dt = model_config_pb2().DataType
    for ios, vis in ((cfg.input, g.input), (cfg.output, g.output)):
        assert [i.name for i in ios] == [v.name for v in vis]
        for io, v in zip(ios, vis):
            assert dt.Name(io.data_type) == TYPES[v.type.tensor_type.elem_type]
            dims = v.type.tensor_type.shape.dim
            assert dims[0].dim_param and not dims[0].dim_value        # the batch axis is dynamic in the graph ...
            assert list(io.dims) == [d.dim_value for d in dims[1:]]   # ... and absent from config.pbtxt
    assert list(cfg.input[0].dims) == [8, 125, 125] and list(cfg.input[1].dims) == [2]
    assert list(cfg.output[0].dims) == [spec['n_outputs']] == [2]
    assert (mdir/'1'/'model.onnx').read_bytes() == (pkg/'data'/'model.onnx').read_bytes()


def test_schema_rejects_a_bad_config():
    from google.protobuf import text_format
    with pytest.raises(text_format.ParseError):
        text_format.Parse('name: "m"\nplatform: "onnxruntime_onnx"\nmax_batch: 4\n', model_config_pb2().ModelConfig())


def test_sonic_cfi_points_at_the_repository(package):
    pkg, _ = package
    cfi = (pkg/'python'/'massRegressionSonic_cfi.py').read_text()
    compile(cfi, 'massRegressionSonic_cfi.py', 'exec')
    path = re.search(r"modelConfigPath = cms.FileInPath\('RecoE2E/MassRegression/(\S+)'\)", cfi).group(1)
    assert (pkg/path).exists() and "modelName = cms.string('e2e_mass_regression')" in cfi
    onnx_cfi = (pkg/'python'/'massRegression_cfi.py').read_text()
    strip = lambda s: [l for l in s.splitlines() if not re.search(r'Client|model|massRegression|timeout', l)]
    assert strip(cfi) == strip(onnx_cfi)   # same jets, frames, channels, scalars and targets as the ONNX producer
    assert (pkg.parent/'patches'/'0001-hcal-frame-layout.patch').exists()


def test_cff_clones_the_cfi():
    py = cmssw_sources()/'python'
    cff = (py/'massRegression_cff.py').read_text()
    compile(cff, 'massRegression_cff.py', 'exec')
    assert 'from RecoE2E.MassRegression.massRegression_cfi import massRegression' in cff
    assert 'from RecoE2E.MassRegression.massRegressionSonic_cfi import massRegressionSonic' in cff
    assert '_massRegression.clone(' in cff and 'enableSonicTriton.toReplaceWith' in cff
    for f in ('massRegression_cfi.py', 'massRegressionSonic_cfi.py'): assert (py/f).exists()
