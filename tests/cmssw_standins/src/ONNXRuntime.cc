// Stand-in implementation of cms::Ort::ONNXRuntime (see the header) on the ONNX Runtime C++ API. Behaviour as in
// CMSSW: one process-wide Ort::Env, default options = one intra-op thread, inputs matched to the model's inputs by
// name, a wrong input size is a cms::Exception("RuntimeError") before ONNX Runtime is called, ONNX Runtime's own
// errors (e.g. a dimension the model does not accept) propagate as Ort::Exception.
#include "PhysicsTools/ONNXRuntime/interface/ONNXRuntime.h"

#include <algorithm>
#include <functional>
#include <numeric>

#include "FWCore/Utilities/interface/Exception.h"

namespace cms::Ort {

  namespace {
    ::Ort::Env& env() {
      static ::Ort::Env e(ORT_LOGGING_LEVEL_ERROR, "");
      return e;
    }
  }  // namespace

  ::Ort::SessionOptions ONNXRuntime::defaultSessionOptions(Backend backend) {
    ::Ort::SessionOptions opts;
    opts.SetIntraOpNumThreads(1);
    if (backend == Backend::cuda)
      throw cms::Exception("RuntimeError") << "ONNXRuntime stand-in: the CUDA backend is not available here";
    return opts;
  }

  ONNXRuntime::ONNXRuntime(const std::string& model_path, const ::Ort::SessionOptions* session_options) {
    if (session_options) {
      session_ = std::make_unique<::Ort::Session>(env(), model_path.c_str(), *session_options);
    } else {
      const ::Ort::SessionOptions opts = defaultSessionOptions();
      session_ = std::make_unique<::Ort::Session>(env(), model_path.c_str(), opts);
    }
    ::Ort::AllocatorWithDefaultOptions alloc;
    for (std::size_t i = 0; i < session_->GetInputCount(); ++i) {
      input_node_strings_.push_back(session_->GetInputNameAllocated(i, alloc).get());
      auto dims = session_->GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
      if (!dims.empty()) dims[0] = 1;  // batch size 1 by default
      input_node_dims_[input_node_strings_.back()] = dims;
    }
    for (std::size_t i = 0; i < session_->GetOutputCount(); ++i) {
      output_node_strings_.push_back(session_->GetOutputNameAllocated(i, alloc).get());
      auto dims = session_->GetOutputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
      if (!dims.empty()) dims[0] = -1;  // the 0th dim depends on the batch size
      output_node_dims_[output_node_strings_.back()] = dims;
    }
    for (const auto& s : input_node_strings_) input_node_names_.push_back(s.c_str());
    for (const auto& s : output_node_strings_) output_node_names_.push_back(s.c_str());
  }

  ONNXRuntime::~ONNXRuntime() = default;

  FloatArrays ONNXRuntime::run(const std::vector<std::string>& input_names,
                               FloatArrays& input_values,
                               const std::vector<std::vector<int64_t>>& input_shapes,
                               const std::vector<std::string>& output_names,
                               int64_t batch_size) const {
    if (input_names.size() != input_values.size())
      throw cms::Exception("RuntimeError") << "run: " << input_names.size() << " input names for "
                                           << input_values.size() << " input arrays";
    if (!input_shapes.empty() && input_shapes.size() != input_names.size())
      throw cms::Exception("RuntimeError") << "run: " << input_shapes.size() << " input shapes for "
                                           << input_names.size() << " inputs";
    std::vector<::Ort::Value> tensors;
    auto memory = ::Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    for (const auto& name : input_node_strings_) {
      auto it = std::find(input_names.begin(), input_names.end(), name);
      if (it == input_names.end()) throw cms::Exception("RuntimeError") << "Input " << name << " is not provided!";
      const auto k = it - input_names.begin();
      auto& value = input_values[k];
      std::vector<int64_t> dims;
      if (input_shapes.empty()) {
        dims = input_node_dims_.at(name);
        dims[0] = batch_size;
      } else {
        dims = input_shapes[k];
      }
      const int64_t want = std::accumulate(dims.begin(), dims.end(), int64_t(1), std::multiplies<int64_t>());
      if (want != static_cast<int64_t>(value.size()))
        throw cms::Exception("RuntimeError")
            << "Input array " << name << " has a wrong size of " << value.size() << ", expected " << want;
      tensors.push_back(::Ort::Value::CreateTensor<float>(memory, value.data(), value.size(), dims.data(), dims.size()));
    }
    std::vector<const char*> outs;
    if (output_names.empty())
      outs = output_node_names_;
    else
      for (const auto& n : output_names) outs.push_back(n.c_str());
    auto results =
        session_->Run(::Ort::RunOptions{nullptr}, input_node_names_.data(), tensors.data(), tensors.size(), outs.data(),
                      outs.size());
    FloatArrays out;
    for (auto& r : results) {
      const float* p = r.GetTensorData<float>();
      out.emplace_back(p, p + r.GetTensorTypeAndShapeInfo().GetElementCount());
    }
    return out;
  }

  const std::vector<std::string>& ONNXRuntime::getOutputNames() const { return output_node_strings_; }

  const std::vector<int64_t>& ONNXRuntime::getOutputShape(const std::string& output_name) const {
    auto it = output_node_dims_.find(output_name);
    if (it == output_node_dims_.end())
      throw cms::Exception("RuntimeError") << "Output name " << output_name << " is invalid!";
    return it->second;
  }

}  // namespace cms::Ort
