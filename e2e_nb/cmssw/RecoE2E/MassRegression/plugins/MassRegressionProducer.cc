// Jet-mass regression for RecoE2E: consumes the JetFrames of JetFrameProducer, runs the exported e2e_nb model with
// ONNX Runtime (one session shared by all streams, all jets of an event in one call) and produces one regressed mass
// per jet ({-1} for a jet without a frame, as RecoE2E's taggers), plus its uncertainty for heteroscedastic models.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

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

namespace er = e2e::regression;
using cms::Ort::ONNXRuntime;

class MassRegressionProducer : public edm::stream::EDProducer<edm::GlobalCache<ONNXRuntime>> {
public:
  MassRegressionProducer(const edm::ParameterSet&, const ONNXRuntime*);
  static std::unique_ptr<ONNXRuntime> initializeGlobalCache(const edm::ParameterSet&);
  static void globalEndJob(const ONNXRuntime*) {}
  static void fillDescriptions(edm::ConfigurationDescriptions&);

private:
  void produce(edm::Event&, const edm::EventSetup&) override;
  static er::ModelSpec makeSpec(const edm::ParameterSet&);

  const er::ModelSpec spec_;
  const edm::EDGetTokenT<e2e::Frame4D> framesToken_;
  edm::EDGetTokenT<e2e::Frame2D> seedsToken_;
  edm::EDGetTokenT<e2e::Frame2D> scalarsToken_;
  const edm::EDPutTokenT<e2e::Frame2D> massToken_;
  edm::EDPutTokenT<e2e::Frame2D> sigmaToken_;
};

er::ModelSpec MassRegressionProducer::makeSpec(const edm::ParameterSet& ps) {
  er::ModelSpec s;
  const auto channels = ps.getParameter<std::vector<std::string>>("channels");
  const auto frameChannels = ps.getParameter<std::vector<std::string>>("frameChannels");
  s.channels = static_cast<int64_t>(channels.size());
  s.height = ps.getParameter<unsigned int>("height");
  s.width = ps.getParameter<unsigned int>("width");
  s.nScalars = static_cast<int64_t>(ps.getParameter<std::vector<std::string>>("scalarNames").size());
  s.nTargets = static_cast<int64_t>(ps.getParameter<std::vector<std::string>>("targets").size());
  s.heteroscedastic = ps.getParameter<bool>("heteroscedastic");
  s.imageInput = ps.getParameter<std::string>("imageInput");
  s.scalarInput = ps.getParameter<std::string>("scalarInput");
  s.output = ps.getParameter<std::string>("output");
  if (s.channels == 0 || s.nTargets == 0)
    throw cms::Exception("Configuration") << "MassRegressionProducer: 'channels' and 'targets' must not be empty";
  // Select/reorder the JetFrames channels by name, instead of trusting that both orders agree.
  if (!frameChannels.empty() && frameChannels != channels) {
    s.frameChannels = static_cast<int64_t>(frameChannels.size());
    for (const auto& c : channels) {
      const auto it = std::find(frameChannels.begin(), frameChannels.end(), c);
      if (it == frameChannels.end())
        throw cms::Exception("Configuration") << "MassRegressionProducer: model channel '" << c
                                              << "' is not among the frameChannels of the JetFrames";
      s.channelOrder.push_back(it - frameChannels.begin());
    }
  }
  return s;
}

std::unique_ptr<ONNXRuntime> MassRegressionProducer::initializeGlobalCache(const edm::ParameterSet& ps) {
  // defaultSessionOptions: CPU, one intra-op thread; the session is shared by all streams.
  return std::make_unique<ONNXRuntime>(ps.getParameter<edm::FileInPath>("model_path").fullPath());
}

MassRegressionProducer::MassRegressionProducer(const edm::ParameterSet& ps, const ONNXRuntime*)
    : spec_(makeSpec(ps)),
      framesToken_(consumes<e2e::Frame4D>(ps.getParameter<edm::InputTag>("frames"))),
      massToken_(produces<e2e::Frame2D>("RegressedMass")) {
  const auto seedsTag = ps.getParameter<edm::InputTag>("seeds");
  if (!seedsTag.label().empty()) seedsToken_ = consumes<e2e::Frame2D>(seedsTag);
  const auto scalarsTag = ps.getParameter<edm::InputTag>("scalars");
  if (spec_.nScalars > 0) {
    if (scalarsTag.label().empty())
      throw cms::Exception("Configuration") << "MassRegressionProducer: the model takes " << spec_.nScalars
                                            << " scalars per jet but 'scalars' is empty";
    scalarsToken_ = consumes<e2e::Frame2D>(scalarsTag);
  }
  if (spec_.heteroscedastic) sigmaToken_ = produces<e2e::Frame2D>("RegressedMassUncertainty");
  edm::LogInfo("MassRegressionProducer") << "model " << ps.getParameter<edm::FileInPath>("model_path").fullPath() << ": "
                                         << spec_.describe();
}

void MassRegressionProducer::produce(edm::Event& iEvent, const edm::EventSetup&) {
  const e2e::Frame4D& frames = iEvent.get(framesToken_);
  static const e2e::Frame2D none;
  const e2e::Frame2D& scalars = spec_.nScalars > 0 ? iEvent.get(scalarsToken_) : none;
  const e2e::Frame2D& seeds = seedsToken_.isUninitialized() ? none : iEvent.get(seedsToken_);

  er::Predictions pred;
  try {
    // RecoE2E keeps a zero frame for a jet whose seed failed and marks it with the seed {-1, -1}
    er::Batch batch = er::packFrames(frames, spec_, scalars, er::validFromSeeds(seeds, frames.size()));
    std::vector<float> out;
    if (batch.rows() > 0) {
      std::vector<std::string> names{spec_.imageInput};
      std::vector<std::vector<int64_t>> shapes{{batch.rows(), spec_.channels, spec_.height, spec_.width}};
      cms::Ort::FloatArrays inputs;
      inputs.emplace_back(std::move(batch.images));
      if (spec_.nScalars > 0) {
        names.push_back(spec_.scalarInput);
        shapes.push_back({batch.rows(), spec_.nScalars});
        inputs.emplace_back(std::move(batch.scalars));
      }
      out = globalCache()->run(names, inputs, shapes, {spec_.output}, batch.rows()).at(0);
    }
    pred = er::unpackOutputs(out, batch, spec_);
  } catch (const er::InferenceError& e) {
    throw cms::Exception("MassRegression") << e.what();
  }
  iEvent.emplace(massToken_, std::move(pred.values));
  if (spec_.heteroscedastic) iEvent.emplace(sigmaToken_, std::move(pred.sigmas));
}

void MassRegressionProducer::fillDescriptions(edm::ConfigurationDescriptions& descriptions) {
  edm::ParameterSetDescription desc;
  desc.add<edm::InputTag>("frames", edm::InputTag("JetFrames", "JetFrames"))
      ->setComment("RecoE2E jet frames, e2e::Frame4D [jet][channel][eta][phi]");
  desc.add<edm::InputTag>("seeds", edm::InputTag("JetFrames", "JetSeeds"))
      ->setComment("RecoE2E jet seeds, e2e::Frame2D [jet][ieta, iphi]; a jet with seed -1 gets {-1}; empty: all valid");
  desc.add<edm::InputTag>("scalars", edm::InputTag(""))
      ->setComment("per-jet scalar inputs, e2e::Frame2D [jet][scalar] (e.g. JetFrames:JetSeeds); empty if none");
  desc.add<edm::FileInPath>("model_path", edm::FileInPath("RecoE2E/MassRegression/data/model.onnx"))
      ->setComment("ONNX model exported by e2e-export (preprocessing included: feed raw frames)");
  desc.add<std::string>("imageInput", "x")->setComment("ONNX input name of the frames (N, C, H, W)");
  desc.add<std::string>("scalarInput", "s")->setComment("ONNX input name of the scalars (N, S)");
  desc.add<std::string>("output", "y")->setComment("ONNX output name (N, targets [+ sigmas])");
  desc.add<std::vector<std::string>>(
          "channels", {"track_pt", "track_d0", "track_dz", "ecal", "hcal", "bpix1", "bpix2", "bpix3"})
      ->setComment("model input channels, in the model's order");
  desc.add<std::vector<std::string>>("frameChannels", {})
      ->setComment("channel names of the JetFrames if they differ from 'channels' (selected/reordered by name)");
  desc.add<std::vector<std::string>>("scalarNames", {})->setComment("names of the scalar inputs, in order");
  desc.add<std::vector<std::string>>("targets", {"m_gen"})->setComment("regressed quantities per jet");
  desc.add<unsigned int>("height", 125)->setComment("eta pixels of a frame");
  desc.add<unsigned int>("width", 125)->setComment("phi pixels of a frame");
  desc.add<bool>("heteroscedastic", false)
      ->setComment("the model also returns one sigma per target (product RegressedMassUncertainty)");
  descriptions.addWithDefaultLabel(desc);
}

DEFINE_FWK_MODULE(MassRegressionProducer);
