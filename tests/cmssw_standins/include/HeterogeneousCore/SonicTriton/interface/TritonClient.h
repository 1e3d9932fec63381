// Stand-in for CMSSW's HeterogeneousCore/SonicTriton/interface/TritonClient.h: the client of a SONIC Triton module,
// with CMSSW's interface: TritonClient(Client PSet, debugName), input() / output() maps of TritonInputData /
// TritonOutputData by name, setBatchSize (false, with a warning, above the model's max_batch_size), reset(),
// fillPSetDescription (CMSSW's Client parameters). Instead of a gRPC server the "server" is in the process
// (src/TritonClient.cc): it loads the model repository entry the Client PSet names, as Triton does (modelConfigPath's
// config.pbtxt: name, platform onnxruntime_onnx, max_batch_size, inputs and outputs with data type and dims, checked
// against the ONNX graph as Triton's model loading does; <version>/model.onnx, the highest version unless
// modelVersion is set) and evaluates it with ONNX Runtime (CMSSW's default session options: one thread).
#ifndef HeterogeneousCore_SonicTriton_TritonClient
#define HeterogeneousCore_SonicTriton_TritonClient
#include <memory>
#include <string>
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"
#include "HeterogeneousCore/SonicCore/interface/SonicClient.h"
#include "HeterogeneousCore/SonicTriton/interface/TritonData.h"

namespace standin {
  class TritonServerModel;  // the model as the in-process server holds it
}

class TritonClient : public SonicClient<TritonInputMap, TritonOutputMap> {
public:
  TritonClient(const edm::ParameterSet& params, const std::string& debugName);
  ~TritonClient() override;

  unsigned batchSize() const { return batchSize_; }
  bool verbose() const { return verbose_; }
  bool useSharedMemory() const { return useSharedMemory_; }
  void setUseSharedMemory(bool useShm) { useSharedMemory_ = useShm; }
  bool setBatchSize(unsigned bsize);
  void reset() override;
  bool noBatch() const { return noBatch_; }

  static void fillPSetDescription(edm::ParameterSetDescription& iDesc);

protected:
  void evaluate() override;

  unsigned maxBatchSize_;
  unsigned batchSize_;
  bool noBatch_;
  bool verbose_;
  bool useSharedMemory_;
  std::unique_ptr<standin::TritonServerModel> server_;
};
#endif
