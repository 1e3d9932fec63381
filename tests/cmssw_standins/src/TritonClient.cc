// Stand-in TritonClient (see the header): an in-process "server" for one model of a Triton model repository, on the
// ONNX Runtime C++ API.
#include "HeterogeneousCore/SonicTriton/interface/TritonClient.h"

#include <algorithm>
#include <cctype>
#include <dirent.h>
#include <fstream>
#include <regex>
#include <sstream>

#include "FWCore/MessageLogger/interface/MessageLogger.h"
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "onnxruntime/onnxruntime_cxx_api.h"

namespace standin {
  struct TensorConfig {
    std::string name, dataType;
    std::vector<int64_t> dims;
  };
  struct ModelConfig {
    std::string name, platform;
    unsigned maxBatchSize = 0;
    std::vector<TensorConfig> inputs, outputs;
  };

  // The fields of a config.pbtxt (protobuf text format) that Triton needs to serve an ONNX model: name, platform,
  // max_batch_size and the input [ ... ] / output [ ... ] lists of { name data_type dims }.
  ModelConfig parseConfig(const std::string& path) {
    std::ifstream f(path);
    if (!f)
      throw cms::Exception("TritonServerFailure") << "cannot read the model configuration " << path;
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    ModelConfig c;
    std::smatch m;
    auto field = [&](const std::string& s, const char* key) -> std::string {
      std::smatch k;
      const std::regex r(std::string(key) + R"re(\s*:\s*("([^"]*)"|[A-Za-z0-9_]+))re");
      if (!std::regex_search(s, k, r))
        return "";
      return k[2].matched ? k[2].str() : k[1].str();
    };
    // top-level fields: the text before the first list
    const std::string head = text.substr(0, text.find('['));
    c.name = field(head, "name");
    c.platform = field(head, "platform");
    const std::string mbs = field(text, "max_batch_size");
    c.maxBatchSize = mbs.empty() ? 0 : static_cast<unsigned>(std::stoul(mbs));
    for (const char* list : {"input", "output"}) {
      const std::regex lr(std::string(R"((^|\s))") + list + R"(\s*\[)");
      if (!std::regex_search(text, m, lr))
        throw cms::Exception("TritonServerFailure") << path << ": no '" << list << " [ ... ]' list";
      std::size_t pos = m.position(0) + m.length(0), depth = 1, end = pos;
      while (end < text.size() && depth > 0) {  // the matching ']' (dims lists nest inside)
        depth += text[end] == '[' ? 1 : text[end] == ']' ? -1 : 0;
        ++end;
      }
      const std::string body = text.substr(pos, end - 1 - pos);
      const std::regex er(R"(\{([^{}]*)\})");
      for (auto it = std::sregex_iterator(body.begin(), body.end(), er); it != std::sregex_iterator(); ++it) {
        const std::string e = (*it)[1].str();
        TensorConfig t{field(e, "name"), field(e, "data_type"), {}};
        std::smatch d;
        if (std::regex_search(e, d, std::regex(R"(dims\s*:\s*\[([^\]]*)\])"))) {
          std::stringstream ds(d[1].str());
          for (std::string x; std::getline(ds, x, ',');)
            t.dims.push_back(std::stoll(x));
        }
        (std::string(list) == "input" ? c.inputs : c.outputs).push_back(t);
      }
    }
    return c;
  }

  ::Ort::Env& env() {
    static ::Ort::Env e(ORT_LOGGING_LEVEL_ERROR, "");
    return e;
  }

  class TritonServerModel {
  public:
    ModelConfig config;
    std::unique_ptr<::Ort::Session> session;
    std::vector<std::string> inputNames, outputNames;
  };

  std::string highestVersion(const std::string& dir, const std::string& wanted) {
    if (!wanted.empty())
      return wanted;
    long best = -1;
    if (DIR* d = opendir(dir.c_str())) {
      while (dirent* e = readdir(d)) {
        const std::string n = e->d_name;
        if (!n.empty() && std::all_of(n.begin(), n.end(), ::isdigit))
          best = std::max(best, std::stol(n));
      }
      closedir(d);
    }
    if (best < 0)
      throw cms::Exception("TritonServerFailure") << "no model version directory in " << dir;
    return std::to_string(best);
  }
}  // namespace standin

TritonClient::TritonClient(const edm::ParameterSet& params, const std::string& debugName)
    : SonicClient(params, debugName, "TritonClient"),
      batchSize_(0),
      verbose_(params.getUntrackedParameter<bool>("verbose")),
      useSharedMemory_(params.getUntrackedParameter<bool>("useSharedMemory")),
      server_(std::make_unique<standin::TritonServerModel>()) {
  const auto modelName = params.getParameter<std::string>("modelName");
  const auto configPath = params.getParameter<edm::FileInPath>("modelConfigPath").fullPath();
  auto& c = server_->config;
  c = standin::parseConfig(configPath);
  const std::string dir = configPath.substr(0, configPath.rfind('/'));
  if (c.name != modelName || dir.substr(dir.rfind('/') + 1) != modelName)
    throw cms::Exception("TritonServerFailure")
        << "Model " << modelName << " is not served: the repository entry " << dir << " configures the name '" << c.name
        << "' (Triton serves a model under its directory's name, which its config.pbtxt must repeat)";
  if (c.platform != "onnxruntime_onnx")
    throw cms::Exception("TritonServerFailure") << "stand-in server: platform '" << c.platform << "' not served";
  const std::string version = standin::highestVersion(dir, params.getParameter<std::string>("modelVersion"));
  const std::string model = dir + "/" + version + "/model.onnx";
  ::Ort::SessionOptions opts;
  opts.SetIntraOpNumThreads(1);  // as cms::Ort::ONNXRuntime::defaultSessionOptions
  server_->session = std::make_unique<::Ort::Session>(standin::env(), model.c_str(), opts);
  auto& s = *server_->session;
  ::Ort::AllocatorWithDefaultOptions alloc;
  noBatch_ = c.maxBatchSize == 0;
  maxBatchSize_ = noBatch_ ? 1 : c.maxBatchSize;
  // Triton's model loading: each configured tensor must be one of the graph's, of the same type and shape (the graph's
  // first axis is the batch axis when max_batch_size > 0; -1 in the graph accepts any size)
  auto check = [&](const standin::TensorConfig& t, bool input) {
    const std::size_t n = input ? s.GetInputCount() : s.GetOutputCount();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string name =
          input ? s.GetInputNameAllocated(i, alloc).get() : s.GetOutputNameAllocated(i, alloc).get();
      if (name != t.name)
        continue;
      const ::Ort::TypeInfo type = input ? s.GetInputTypeInfo(i) : s.GetOutputTypeInfo(i);  // owns what info views
      const auto info = type.GetTensorTypeAndShapeInfo();
      auto shape = info.GetShape();
      if (!noBatch_)
        shape.erase(shape.begin());
      bool same = shape.size() == t.dims.size() && t.dataType == "TYPE_FP32" &&
                  info.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
      for (std::size_t k = 0; same && k < shape.size(); ++k)
        same = shape[k] == -1 || shape[k] == t.dims[k];
      if (!same)
        throw cms::Exception("TritonServerFailure")
            << "model " << modelName << " failed to load: " << (input ? "input" : "output") << " '" << t.name
            << "' of config.pbtxt (" << t.dataType << ", " << t.dims.size() << " dims) does not match the ONNX graph's";
      return;
    }
    throw cms::Exception("TritonServerFailure")
        << "model " << modelName << " failed to load: unexpected " << (input ? "input" : "output") << " '" << t.name
        << "' in config.pbtxt";
  };
  // the client's inputs and outputs as the server announces them: one entry per config.pbtxt tensor, in its order
  auto announce = [&](const auto& tensors, auto& map, std::vector<std::string>& names, bool input) {
    for (const auto& t : tensors) {
      check(t, input);
      auto dims = t.dims;
      if (!noBatch_)
        dims.insert(dims.begin(), -1);
      map.emplace(std::piecewise_construct, std::forward_as_tuple(t.name),
                  std::forward_as_tuple(t.name, dims, t.dataType.substr(5), noBatch_));
      names.push_back(t.name);
    }
  };
  announce(c.inputs, input_, server_->inputNames, true);
  if (server_->inputNames.size() != s.GetInputCount())
    throw cms::Exception("TritonServerFailure")
        << "model " << modelName << " failed to load: config.pbtxt configures " << server_->inputNames.size()
        << " of the graph's " << s.GetInputCount() << " inputs";
  announce(c.outputs, output_, server_->outputNames, false);
  edm::LogInfo(fullDebugName_) << "Model name: " << modelName << ", version " << version << ", max batch size "
                               << (noBatch_ ? 0 : maxBatchSize_);
}

TritonClient::~TritonClient() = default;

bool TritonClient::setBatchSize(unsigned bsize) {
  if (bsize > maxBatchSize_) {
    edm::LogWarning(fullDebugName_) << "Requested batch size " << bsize << " exceeds server-specified max batch size "
                                    << maxBatchSize_ << ". Batch size will remain as " << batchSize_;
    return false;
  }
  batchSize_ = bsize;
  for (auto& [name, in] : input_)
    in.setBatchSize(bsize);
  for (auto& [name, out] : output_)
    out.setBatchSize(bsize);
  return true;
}

void TritonClient::reset() {
  for (auto& [name, in] : input_)
    in.reset();
  for (auto& [name, out] : output_)
    out.reset();
}

void TritonClient::evaluate() {
  if (batchSize_ == 0) {  // as CMSSW's: no call for an empty batch
    finish(true);
    return;
  }
  try {
    auto memory = ::Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    std::vector<::Ort::Value> tensors;
    std::vector<std::vector<float>> buffers;
    std::vector<const char*> inNames, outNames;
    for (const auto& name : server_->inputNames) {
      const auto& in = input_.at(name);
      if (!in.isSet())
        throw cms::Exception("TritonDataError") << name << ": no data given to toServer() for this event";
      buffers.push_back(in.data());
      const auto& shape = in.fullShape();
      tensors.push_back(::Ort::Value::CreateTensor<float>(memory, buffers.back().data(), buffers.back().size(),
                                                          shape.data(), shape.size()));
      inNames.push_back(name.c_str());
    }
    for (const auto& name : server_->outputNames)
      outNames.push_back(name.c_str());
    auto results = server_->session->Run(::Ort::RunOptions{nullptr}, inNames.data(), tensors.data(), tensors.size(),
                                         outNames.data(), outNames.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      auto& out = output_.at(server_->outputNames[i]);
      const float* p = results[i].GetTensorData<float>();
      const std::size_t n = results[i].GetTensorTypeAndShapeInfo().GetElementCount();
      if (static_cast<int64_t>(n) != out.sizeShape() * batchSize_)
        throw cms::Exception("TritonDataError")
            << out.name_ << ": the server returned " << n << " values for a batch of " << batchSize_;
      out.setData(std::vector<float>(p, p + n));
    }
  } catch (...) {
    finish(false, std::current_exception());
    return;
  }
  finish(true);
}

void TritonClient::fillPSetDescription(edm::ParameterSetDescription& iDesc) {
  edm::ParameterSetDescription descClient;
  fillBasePSetDescription(descClient);
  descClient.add<std::string>("modelName");
  descClient.add<std::string>("modelVersion", "");
  descClient.add<edm::FileInPath>("modelConfigPath");
  // server parameters should not affect the physics results
  descClient.addUntracked<std::string>("preferredServer", "");
  descClient.addUntracked<unsigned>("timeout");
  descClient.addUntracked<std::string>("timeoutUnit", "seconds");  // CMSSW: ifValue with allowedValues
  descClient.addUntracked<bool>("useSharedMemory", true);
  descClient.addUntracked<std::string>("compression", "");
  descClient.addUntracked<std::vector<std::string>>("outputs", {});
  iDesc.add<edm::ParameterSetDescription>("Client", descClient);
}
