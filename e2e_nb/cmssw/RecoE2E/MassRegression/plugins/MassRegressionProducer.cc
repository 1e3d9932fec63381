// Jet-mass regression for RecoE2E: consumes the AK8 jets and the JetFrames/JetSeeds that RecoE2E's JetFrameProducer
// made from them (one frame and one seed per jet of the collection), runs the exported e2e_nb model with ONNX Runtime
// (one session shared by all streams, all selected jets of an event in one call) and puts, keyed to the jets, an
// edm::ValueMap<float> per regressed target (plus its uncertainty for heteroscedastic models). Jets that fail RecoE2E's
// jet selection (pT >= minJetPt, |eta| <= maxJetEta, as its TopTagger) or whose seed failed ({-1, -1}) get -1.
//
// Channels and scalars are matched by name: `frameChannels` names the JetFrames' channels in the order RecoE2E's
// DetFrameProducer pushes them, `channelNames` the model's inputs in the model's order; `scalarNames` are built from
// the JetSeeds (ieta = row - seedRowOffset, iphi = (column + seedColumnOffset) mod 360: e2e_nb's convention with
// RecoE2E's defaults 55, 170) or the jet (pt, eta, phi, m_jet). Everything is checked in the constructor, against the
// ONNX model too; a configuration the producer cannot serve is a cms::Exception there.
#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/Common/interface/View.h"
#include "DataFormats/JetReco/interface/Jet.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/MakerMacros.h"
#include "FWCore/Framework/interface/stream/EDProducer.h"
#include "FWCore/MessageLogger/interface/MessageLogger.h"
#include "FWCore/ParameterSet/interface/ConfigurationDescriptions.h"
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "FWCore/Utilities/interface/InputTag.h"
#include "PhysicsTools/ONNXRuntime/interface/ONNXRuntime.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"
#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"
#include "MassRegressionCommon.h"

namespace er = e2e::regression;
using namespace e2e::regression::cmssw;
using cms::Ort::ONNXRuntime;

class MassRegressionProducer : public edm::stream::EDProducer<edm::GlobalCache<ONNXRuntime>> {
public:
  MassRegressionProducer(const edm::ParameterSet&, const ONNXRuntime*);
  static std::unique_ptr<ONNXRuntime> initializeGlobalCache(const edm::ParameterSet&);
  static void globalEndJob(const ONNXRuntime*) {}
  static void fillDescriptions(edm::ConfigurationDescriptions&);

private:
  void produce(edm::Event&, const edm::EventSetup&) override;
  void checkModel(const ONNXRuntime&, const std::string& path) const;

  const Inputs inputs_;
  const OutputTokens outputs_;
};

std::unique_ptr<ONNXRuntime> MassRegressionProducer::initializeGlobalCache(const edm::ParameterSet& ps) {
  // defaultSessionOptions: CPU, one intra-op thread; the session is shared by all streams.
  return std::make_unique<ONNXRuntime>(ps.getParameter<edm::FileInPath>("model_path").fullPath());
}

void MassRegressionProducer::checkModel(const ONNXRuntime& ort, const std::string& path) const {
  const auto& outs = ort.getOutputNames();
  if (std::find(outs.begin(), outs.end(), inputs_.spec.output) == outs.end())
    throw cms::Exception("Configuration") << "MassRegressionProducer: model " << path << " has no output '"
                                          << inputs_.spec.output << "' (its outputs: " << join(outs) << ")";
  const auto& oshape = ort.getOutputShape(inputs_.spec.output);
  if (oshape.size() == 2 && oshape[1] > 0 && oshape[1] != inputs_.spec.nOutputs())
    throw cms::Exception("Configuration")
        << "MassRegressionProducer: model " << path << " returns " << oshape[1]
        << " values per jet; the configuration expects " << inputs_.spec.nOutputs() << " (" << inputs_.spec.nTargets
        << " targets" << (inputs_.spec.heteroscedastic ? " and their uncertainties)" : ")");
  // cms::Ort::ONNXRuntime does not expose input shapes: one dry run on an empty jet checks the channel count, the frame
  // size and the scalar count against the model's inputs.
  std::vector<std::string> names{inputs_.spec.imageInput};
  cms::Ort::FloatArrays in{std::vector<float>(inputs_.spec.frameSize(), 0.f)};
  std::vector<std::vector<int64_t>> shapes{{1, inputs_.spec.channels, inputs_.spec.height, inputs_.spec.width}};
  if (inputs_.spec.nScalars > 0) {
    names.push_back(inputs_.spec.scalarInput);
    in.emplace_back(inputs_.spec.nScalars, 0.f);
    shapes.push_back({1, inputs_.spec.nScalars});
  }
  try {
    const auto y = ort.run(names, in, shapes, {inputs_.spec.output}, 1).at(0);
    if (static_cast<int64_t>(y.size()) != inputs_.spec.nOutputs())
      throw cms::Exception("Configuration") << "it returned " << y.size() << " values for one jet";
  } catch (const std::exception& e) {
    throw cms::Exception("Configuration")
        << "MassRegressionProducer: model " << path << " does not take the configured inputs "
        << inputs_.spec.describe() << " (channelNames has " << inputs_.spec.channels << " channels, scalarNames "
        << inputs_.spec.nScalars << " scalars): " << e.what();
  }
}

MassRegressionProducer::MassRegressionProducer(const edm::ParameterSet& ps, const ONNXRuntime* cache)
    : inputs_(ps, consumesCollector()), outputs_(ps, inputs_.spec.heteroscedastic, producesCollector()) {
  const std::string path = ps.getParameter<edm::FileInPath>("model_path").fullPath();
  checkModel(*cache, path);
  edm::LogInfo("MassRegressionProducer") << "model " << path << ": " << inputs_.spec.describe();
}

void MassRegressionProducer::produce(edm::Event& iEvent, const edm::EventSetup&) {
  const auto jets = iEvent.getHandle(inputs_.jets);
  const e2e::Frame4D& frames = iEvent.get(inputs_.frames);
  const JetInputs in = inputs_.read(iEvent, *jets, frames);
  const std::vector<bool>& valid = in.valid;

  er::Predictions pred;
  try {
    er::Batch batch = er::packFrames(frames, inputs_.spec, in.scalars, valid);
    std::vector<float> out;
    if (batch.rows() > 0) {
      std::vector<std::string> names{inputs_.spec.imageInput};
      std::vector<std::vector<int64_t>> shapes{
          {batch.rows(), inputs_.spec.channels, inputs_.spec.height, inputs_.spec.width}};
      cms::Ort::FloatArrays inputs;
      inputs.emplace_back(std::move(batch.images));
      if (inputs_.spec.nScalars > 0) {
        names.push_back(inputs_.spec.scalarInput);
        shapes.push_back({batch.rows(), inputs_.spec.nScalars});
        inputs.emplace_back(std::move(batch.scalars));
      }
      out = globalCache()->run(names, inputs, shapes, {inputs_.spec.output}, batch.rows()).at(0);
    }
    pred = er::unpackOutputs(out, batch, inputs_.spec);
  } catch (const er::InferenceError& e) {
    throw cms::Exception("MassRegression") << e.what();
  }

  outputs_.put(iEvent, jets, std::move(pred), valid);
}

void MassRegressionProducer::fillDescriptions(edm::ConfigurationDescriptions& descriptions) {
  edm::ParameterSetDescription desc;
  fillCommonDescription(desc);
  desc.add<edm::FileInPath>("model_path", edm::FileInPath("RecoE2E/MassRegression/data/model.onnx"))
      ->setComment("ONNX model exported by e2e-export (preprocessing included: feed raw frames)");
  descriptions.addWithDefaultLabel(desc);
}

DEFINE_FWK_MODULE(MassRegressionProducer);
