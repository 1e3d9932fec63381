// Stand-in for CMSSW's PhysicsTools/ONNXRuntime/interface/ONNXRuntime.h, with its public interface: the constructor
// (model path, optional session options; default: CMSSW's defaultSessionOptions, one intra-op thread), run() with
// CMSSW's signature and semantics, getOutputNames(), getOutputShape(). Implemented in src/ONNXRuntime.cc on the real
// ONNX Runtime C++ API.
#ifndef PHYSICSTOOLS_ONNXRUNTIME_INTERFACE_ONNXRUNTIME_H_
#define PHYSICSTOOLS_ONNXRUNTIME_INTERFACE_ONNXRUNTIME_H_
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "onnxruntime/onnxruntime_cxx_api.h"

namespace cms::Ort {

  typedef std::vector<std::vector<float>> FloatArrays;

  enum class Backend { cpu, cuda };

  class ONNXRuntime {
  public:
    ONNXRuntime(const std::string& model_path, const ::Ort::SessionOptions* session_options = nullptr);
    ONNXRuntime(const ONNXRuntime&) = delete;
    ONNXRuntime& operator=(const ONNXRuntime&) = delete;
    ~ONNXRuntime();

    static ::Ort::SessionOptions defaultSessionOptions(Backend backend = Backend::cpu);

    // input_values in the order of input_names; input_shapes may be empty (the model's shapes, dim 0 = batch_size);
    // empty output_names: all outputs. Returns one flat array per output.
    FloatArrays run(const std::vector<std::string>& input_names,
                    FloatArrays& input_values,
                    const std::vector<std::vector<int64_t>>& input_shapes = {},
                    const std::vector<std::string>& output_names = {},
                    int64_t batch_size = 1) const;

    const std::vector<std::string>& getOutputNames() const;
    // The 0th dim depends on the batch size, therefore is set to -1
    const std::vector<int64_t>& getOutputShape(const std::string& output_name) const;

  private:
    std::unique_ptr<::Ort::Session> session_;
    std::vector<std::string> input_node_strings_;
    std::vector<const char*> input_node_names_;
    std::map<std::string, std::vector<int64_t>> input_node_dims_;
    std::vector<std::string> output_node_strings_;
    std::vector<const char*> output_node_names_;
    std::map<std::string, std::vector<int64_t>> output_node_dims_;
  };

}  // namespace cms::Ort

#endif
