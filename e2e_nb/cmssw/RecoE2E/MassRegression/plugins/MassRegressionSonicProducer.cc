// Jet-mass regression for RecoE2E as a service (SONIC): the same inputs, configuration and products as
// MassRegressionProducer (MassRegressionCommon.h: channels and scalars by name, RecoE2E's jet selection, one
// ValueMap<float> per target keyed to the jets, -1 for jets without a frame), with the model run by a Triton server
// instead of ONNX Runtime in the process. The model repository is data/models/<modelName>/ (config.pbtxt,
// 1/model.onnx), written by e2e-export; the Client PSet names it (modelName, modelConfigPath). acquire() packs the
// selected jets of the event into one batch (the server's dims exclude the batch axis: frames C x H x W, scalars S) and
// produce() reads one output row per jet. The client exists from beginStream on (SonicAcquirer makes it there): the
// server's model is checked against the configuration then. Outside CMSSW, e2e_nb's tests/test_cmssw_producer.py
// compiles this producer against stand-ins of the framework and of SonicTriton whose client evaluates the model
// repository's ONNX model in the process, and checks its masses against the Python model.
#include <memory>
#include <string>
#include <vector>

#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/Common/interface/View.h"
#include "DataFormats/JetReco/interface/Jet.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/MakerMacros.h"
#include "FWCore/MessageLogger/interface/MessageLogger.h"
#include "FWCore/ParameterSet/interface/ConfigurationDescriptions.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "FWCore/Utilities/interface/InputTag.h"
#include "FWCore/Utilities/interface/StreamID.h"
#include "HeterogeneousCore/SonicTriton/interface/TritonData.h"
#include "HeterogeneousCore/SonicTriton/interface/TritonEDProducer.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"
#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"
#include "MassRegressionCommon.h"

namespace er = e2e::regression;
using namespace e2e::regression::cmssw;

class MassRegressionSonicProducer : public TritonEDProducer<> {
public:
  explicit MassRegressionSonicProducer(const edm::ParameterSet&);
  void beginStream(edm::StreamID) override;
  void acquire(edm::Event const&, edm::EventSetup const&, Input&) override;
  void produce(edm::Event&, edm::EventSetup const&, Output const&) override;
  static void fillDescriptions(edm::ConfigurationDescriptions&);

private:
  void checkServerModel() const;
  void toServer(Input&, const std::string& name, const std::vector<float>& rows, int64_t rowSize) const;

  const Inputs inputs_;
  const OutputTokens outputs_;
  // acquire() -> produce() of the same event (a stream module sees one event at a time)
  er::Batch batch_;
  std::vector<bool> valid_;
};

MassRegressionSonicProducer::MassRegressionSonicProducer(const edm::ParameterSet& ps)
    : TritonEDProducer<>(ps),
      inputs_(ps, consumesCollector()),
      outputs_(ps, inputs_.spec.heteroscedastic, producesCollector()) {
  edm::LogInfo("MassRegressionSonicProducer") << inputs_.spec.describe();
}

// SonicAcquirer::beginStream makes the client, which knows the server's model from then on: check its names and sizes
// against the configuration here rather than at the first event.
void MassRegressionSonicProducer::beginStream(edm::StreamID iStream) {
  TritonEDProducer<>::beginStream(iStream);
  checkServerModel();
}

void MassRegressionSonicProducer::checkServerModel() const {
  auto check = [](const auto& map, const std::string& name, int64_t size, const char* what) {
    const auto it = map.find(name);
    if (it == map.end())
      throw cms::Exception("Configuration")
          << "MassRegressionSonicProducer: the server's model has no " << what << " '" << name << "'";
    if (it->second.sizeDims() != size)
      throw cms::Exception("Configuration")
          << "MassRegressionSonicProducer: " << what << " '" << name << "' has " << it->second.sizeDims()
          << " values per jet on the server; the configuration "
          << "expects " << size << " ("
          << "channelNames, height, width, scalarNames, "
          << "targets, heteroscedastic)";
  };
  check(client_->input(), inputs_.spec.imageInput, inputs_.spec.frameSize(), "input");
  if (inputs_.spec.nScalars > 0)
    check(client_->input(), inputs_.spec.scalarInput, inputs_.spec.nScalars, "input");
  check(client_->output(), inputs_.spec.output, inputs_.spec.nOutputs(), "output");
}

void MassRegressionSonicProducer::toServer(Input& iInput, const std::string& name, const std::vector<float>& rows,
                                           int64_t rowSize) const {
  auto& input = iInput.at(name);
  auto data = input.allocate<float>();  // TritonInput<float>: one vector per batch entry
  for (int64_t r = 0; r < batch_.rows(); ++r)
    (*data)[r].assign(rows.begin() + r * rowSize, rows.begin() + (r + 1) * rowSize);
  input.toServer(data);
}

void MassRegressionSonicProducer::acquire(edm::Event const& iEvent, edm::EventSetup const&, Input& iInput) {
  const auto jets = iEvent.getHandle(inputs_.jets);
  const e2e::Frame4D& frames = iEvent.get(inputs_.frames);
  JetInputs in = inputs_.read(iEvent, *jets, frames);
  try {
    batch_ = er::packFrames(frames, inputs_.spec, in.scalars, in.valid);
  } catch (const er::InferenceError& e) {
    throw cms::Exception("MassRegression") << e.what();
  }
  valid_ = std::move(in.valid);
  // 0: no jet to evaluate, the client skips the call
  if (!client_->setBatchSize(batch_.rows()))
    throw cms::Exception("MassRegression")
        << "MassRegressionSonicProducer: " << batch_.rows()
        << " selected jets in one event exceed the server's max_batch_size (config.pbtxt of the model)";
  if (batch_.rows() == 0)
    return;
  toServer(iInput, inputs_.spec.imageInput, batch_.images, inputs_.spec.frameSize());
  if (inputs_.spec.nScalars > 0)
    toServer(iInput, inputs_.spec.scalarInput, batch_.scalars, inputs_.spec.nScalars);
}

void MassRegressionSonicProducer::produce(edm::Event& iEvent, edm::EventSetup const&, Output const& iOutput) {
  std::vector<float> out;
  if (batch_.rows() > 0) {
    const auto& rows = iOutput.at(inputs_.spec.output).fromServer<float>();  // TritonOutput<float>: one span per batch
                                                                             // entry
    for (const auto& row : rows)
      out.insert(out.end(), row.begin(), row.end());
  }
  er::Predictions pred;
  try {
    pred = er::unpackOutputs(out, batch_, inputs_.spec);
  } catch (const er::InferenceError& e) {
    throw cms::Exception("MassRegression") << e.what();
  }
  const auto jets = iEvent.getHandle(inputs_.jets);
  outputs_.put(iEvent, jets, std::move(pred), valid_);
}

void MassRegressionSonicProducer::fillDescriptions(edm::ConfigurationDescriptions& descriptions) {
  edm::ParameterSetDescription desc;
  TritonClient::fillPSetDescription(desc);  // the Client PSet: mode, modelName, modelVersion, modelConfigPath, ...
  fillCommonDescription(desc);
  descriptions.addWithDefaultLabel(desc);
}

DEFINE_FWK_MODULE(MassRegressionSonicProducer);
