// Jet-mass regression for RecoE2E: consumes the AK8 jets and the JetFrames/JetSeeds that RecoE2E's JetFrameProducer
// made from them (one frame and one seed per jet of the collection), runs the exported e2e_nb model with ONNX Runtime
// (one session shared by all streams, all selected jets of an event in one call) and puts, keyed to the jets, an
// edm::ValueMap<float> per regressed target (plus its uncertainty for heteroscedastic models). Jets that fail RecoE2E's
// jet selection (pT >= minJetPt, |eta| <= maxJetEta, as its TopTagger) or whose seed failed ({-1, -1}) get -1.
//
// Channels and scalars are matched by name: `frameChannels` names the JetFrames' channels in the order RecoE2E's
// DetFrameProducer pushes them, `channelNames` the model's inputs in the model's order; `scalarNames` are built from the
// JetSeeds (ieta, iphi in e2e_nb's convention) or the jet (pt, eta, phi, m_jet). Everything is checked in the
// constructor, against the ONNX model too; a configuration the producer cannot serve is a cms::Exception there.
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

namespace er = e2e::regression;
using cms::Ort::ONNXRuntime;

namespace {
  // RecoE2E's JetSeeds are (row, column) of its 280 x 360 stitched ECAL frame: rows start with the 55 rows of EE-,
  // column 0 is at phi = -10 deg. e2e_nb's `ieta` is the EB crystal index and its `iphi` starts at phi = -pi.
  constexpr int kSeedRowOffset = 55;   // ieta = row - 55
  constexpr int kSeedColOffset = 170;  // iphi = (column + 170) mod 360
  constexpr int kNPhi = 360;

  enum class Scalar { ieta, iphi, pt, eta, phi, mass };
  const std::vector<std::pair<std::string, Scalar>> kScalars{{"ieta", Scalar::ieta}, {"iphi", Scalar::iphi},
                                                             {"pt", Scalar::pt},     {"eta", Scalar::eta},
                                                             {"phi", Scalar::phi},   {"m_jet", Scalar::mass}};

  const std::vector<std::string> kRecoE2EPushOrder{
      "hcal", "ecal", "track_pt", "track_d0", "track_dz", "track_pt_adj", "bpix1", "bpix2", "bpix3"};

  std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }
}  // namespace

class MassRegressionProducer : public edm::stream::EDProducer<edm::GlobalCache<ONNXRuntime>> {
public:
  MassRegressionProducer(const edm::ParameterSet&, const ONNXRuntime*);
  static std::unique_ptr<ONNXRuntime> initializeGlobalCache(const edm::ParameterSet&);
  static void globalEndJob(const ONNXRuntime*) {}
  static void fillDescriptions(edm::ConfigurationDescriptions&);

private:
  void produce(edm::Event&, const edm::EventSetup&) override;
  static er::ModelSpec makeSpec(const edm::ParameterSet&);
  static std::vector<Scalar> makeScalars(const edm::ParameterSet&);
  void checkModel(const ONNXRuntime&, const std::string& path) const;
  float scalar(Scalar, const reco::Jet&, const std::vector<float>& seed) const;

  const er::ModelSpec spec_;
  const std::vector<Scalar> scalars_;
  const std::vector<std::string> targets_;
  const double minJetPt_, maxJetEta_;
  const edm::EDGetTokenT<edm::View<reco::Jet>> jetsToken_;
  const edm::EDGetTokenT<e2e::Frame4D> framesToken_;
  const edm::EDGetTokenT<e2e::Frame2D> seedsToken_;
  std::vector<edm::EDPutTokenT<edm::ValueMap<float>>> valueTokens_, sigmaTokens_;
  const edm::EDPutTokenT<e2e::Frame2D> massToken_;
  edm::EDPutTokenT<e2e::Frame2D> massSigmaToken_;
};

er::ModelSpec MassRegressionProducer::makeSpec(const edm::ParameterSet& ps) {
  er::ModelSpec s;
  const auto channels = ps.getParameter<std::vector<std::string>>("channelNames");
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
    throw cms::Exception("Configuration") << "MassRegressionProducer: 'channelNames' and 'targets' must not be empty";
  for (std::size_t i = 0; i < frameChannels.size(); ++i)
    if (std::find(frameChannels.begin(), frameChannels.begin() + i, frameChannels[i]) != frameChannels.begin() + i)
      throw cms::Exception("Configuration") << "MassRegressionProducer: frame channel '" << frameChannels[i]
                                            << "' appears twice in 'frameChannels'";
  // Model channel c is read from the JetFrames channel of the same name, whatever the order of either.
  s.frameChannels = static_cast<int64_t>(frameChannels.size());
  for (const auto& c : channels) {
    const auto it = std::find(frameChannels.begin(), frameChannels.end(), c);
    if (it == frameChannels.end())
      throw cms::Exception("Configuration") << "MassRegressionProducer: model channel '" << c
                                            << "' is not among the JetFrames channels 'frameChannels' ("
                                            << join(frameChannels) << ")";
    s.channelOrder.push_back(it - frameChannels.begin());
  }
  return s;
}

std::vector<Scalar> MassRegressionProducer::makeScalars(const edm::ParameterSet& ps) {
  std::vector<Scalar> out;
  std::vector<std::string> known;
  for (const auto& k : kScalars) known.push_back(k.first);
  for (const auto& name : ps.getParameter<std::vector<std::string>>("scalarNames")) {
    const auto it = std::find_if(kScalars.begin(), kScalars.end(), [&](const auto& k) { return k.first == name; });
    if (it == kScalars.end())
      throw cms::Exception("Configuration") << "MassRegressionProducer: cannot provide the model's scalar input '" << name
                                            << "'; it provides " << join(known)
                                            << " (ieta, iphi from the JetSeeds, the others from the jet)";
    out.push_back(it->second);
  }
  return out;
}

std::unique_ptr<ONNXRuntime> MassRegressionProducer::initializeGlobalCache(const edm::ParameterSet& ps) {
  // defaultSessionOptions: CPU, one intra-op thread; the session is shared by all streams.
  return std::make_unique<ONNXRuntime>(ps.getParameter<edm::FileInPath>("model_path").fullPath());
}

void MassRegressionProducer::checkModel(const ONNXRuntime& ort, const std::string& path) const {
  const auto& outs = ort.getOutputNames();
  if (std::find(outs.begin(), outs.end(), spec_.output) == outs.end())
    throw cms::Exception("Configuration") << "MassRegressionProducer: model " << path << " has no output '"
                                          << spec_.output << "' (its outputs: " << join(outs) << ")";
  const auto& oshape = ort.getOutputShape(spec_.output);
  if (oshape.size() == 2 && oshape[1] > 0 && oshape[1] != spec_.nOutputs())
    throw cms::Exception("Configuration") << "MassRegressionProducer: model " << path << " returns " << oshape[1]
                                          << " values per jet; the configuration expects " << spec_.nOutputs() << " ("
                                          << spec_.nTargets << " targets"
                                          << (spec_.heteroscedastic ? " and their uncertainties)" : ")");
  // cms::Ort::ONNXRuntime does not expose input shapes: one dry run on an empty jet checks the channel count, the frame
  // size and the scalar count against the model's inputs.
  std::vector<std::string> names{spec_.imageInput};
  cms::Ort::FloatArrays in{std::vector<float>(spec_.frameSize(), 0.f)};
  std::vector<std::vector<int64_t>> shapes{{1, spec_.channels, spec_.height, spec_.width}};
  if (spec_.nScalars > 0) {
    names.push_back(spec_.scalarInput);
    in.emplace_back(spec_.nScalars, 0.f);
    shapes.push_back({1, spec_.nScalars});
  }
  try {
    const auto y = ort.run(names, in, shapes, {spec_.output}, 1).at(0);
    if (static_cast<int64_t>(y.size()) != spec_.nOutputs())
      throw cms::Exception("Configuration") << "it returned " << y.size() << " values for one jet";
  } catch (const std::exception& e) {
    throw cms::Exception("Configuration") << "MassRegressionProducer: model " << path
                                          << " does not take the configured inputs " << spec_.describe()
                                          << " (channelNames has " << spec_.channels << " channels, scalarNames "
                                          << spec_.nScalars << " scalars): " << e.what();
  }
}

MassRegressionProducer::MassRegressionProducer(const edm::ParameterSet& ps, const ONNXRuntime* cache)
    : spec_(makeSpec(ps)),
      scalars_(makeScalars(ps)),
      targets_(ps.getParameter<std::vector<std::string>>("targets")),
      minJetPt_(ps.getParameter<double>("minJetPt")),
      maxJetEta_(ps.getParameter<double>("maxJetEta")),
      jetsToken_(consumes<edm::View<reco::Jet>>(ps.getParameter<edm::InputTag>("jets"))),
      framesToken_(consumes<e2e::Frame4D>(ps.getParameter<edm::InputTag>("frames"))),
      seedsToken_(consumes<e2e::Frame2D>(ps.getParameter<edm::InputTag>("seeds"))),
      massToken_(produces<e2e::Frame2D>("RegressedMass")) {
  const std::string path = ps.getParameter<edm::FileInPath>("model_path").fullPath();
  checkModel(*cache, path);
  for (const auto& t : targets_) {
    valueTokens_.push_back(produces<edm::ValueMap<float>>(t));
    if (spec_.heteroscedastic) sigmaTokens_.push_back(produces<edm::ValueMap<float>>(t + "Uncertainty"));
  }
  if (spec_.heteroscedastic) massSigmaToken_ = produces<e2e::Frame2D>("RegressedMassUncertainty");
  edm::LogInfo("MassRegressionProducer") << "model " << path << ": " << spec_.describe();
}

float MassRegressionProducer::scalar(Scalar k, const reco::Jet& jet, const std::vector<float>& seed) const {
  switch (k) {
    case Scalar::ieta:
      return static_cast<float>(static_cast<int>(seed[0]) - kSeedRowOffset);
    case Scalar::iphi:
      return static_cast<float>(((static_cast<int>(seed[1]) + kSeedColOffset) % kNPhi + kNPhi) % kNPhi);
    case Scalar::pt:
      return jet.pt();
    case Scalar::eta:
      return jet.eta();
    case Scalar::phi:
      return jet.phi();
    case Scalar::mass:
      return jet.mass();
  }
  return 0.f;
}

void MassRegressionProducer::produce(edm::Event& iEvent, const edm::EventSetup&) {
  const auto jets = iEvent.getHandle(jetsToken_);
  const e2e::Frame4D& frames = iEvent.get(framesToken_);
  const e2e::Frame2D& seeds = iEvent.get(seedsToken_);
  const std::size_t n = jets->size();
  if (frames.size() != n || seeds.size() != n)
    throw cms::Exception("MassRegression") << "MassRegressionProducer: " << n << " jets but " << frames.size()
                                           << " JetFrames and " << seeds.size() << " JetSeeds; RecoE2E's "
                                           << "JetFrameProducer makes one frame and one seed per jet of the collection "
                                           << "(check that 'jets' is the collection the frames were built from)";
  std::vector<bool> valid(n, false);
  std::vector<std::vector<float>> scalars(spec_.nScalars > 0 ? n : 0);
  for (std::size_t j = 0; j < n; ++j) {
    const reco::Jet& jet = (*jets)[j];
    const bool seeded = seeds[j].size() >= 2 && seeds[j][0] >= 0.f && seeds[j][1] >= 0.f;
    valid[j] = seeded && jet.pt() >= minJetPt_ && std::abs(jet.eta()) <= maxJetEta_;
    if (spec_.nScalars > 0 && valid[j])
      for (Scalar k : scalars_) scalars[j].push_back(scalar(k, jet, seeds[j]));
  }

  er::Predictions pred;
  try {
    er::Batch batch = er::packFrames(frames, spec_, scalars, valid);
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

  auto fill = [&](const std::vector<std::vector<float>>& perJet, std::size_t t, const auto& token) {
    std::vector<float> v(n, -1.f);
    for (std::size_t j = 0; j < n; ++j)
      if (valid[j] && t < perJet[j].size()) v[j] = perJet[j][t];
    auto map = std::make_unique<edm::ValueMap<float>>();
    edm::ValueMap<float>::Filler filler(*map);
    filler.insert(jets, v.begin(), v.end());
    filler.fill();
    iEvent.put(token, std::move(map));
  };
  for (std::size_t t = 0; t < targets_.size(); ++t) {
    fill(pred.values, t, valueTokens_[t]);
    if (spec_.heteroscedastic) fill(pred.sigmas, t, sigmaTokens_[t]);
  }
  iEvent.emplace(massToken_, std::move(pred.values));
  if (spec_.heteroscedastic) iEvent.emplace(massSigmaToken_, std::move(pred.sigmas));
}

void MassRegressionProducer::fillDescriptions(edm::ConfigurationDescriptions& descriptions) {
  edm::ParameterSetDescription desc;
  desc.add<edm::InputTag>("jets", edm::InputTag("ak8PFJetsCHS"))
      ->setComment("the jets RecoE2E's JetFrameProducer made the frames of (its ak8PFJetCollection)");
  desc.add<edm::InputTag>("frames", edm::InputTag("JetFrames", "JetFrames"))
      ->setComment("RecoE2E jet frames, e2e::Frame4D [jet][channel][eta][phi], one per jet of 'jets'");
  desc.add<edm::InputTag>("seeds", edm::InputTag("JetFrames", "JetSeeds"))
      ->setComment("RecoE2E jet seeds, e2e::Frame2D [jet][row, column] of the 280 x 360 frame; {-1, -1}: no frame");
  desc.add<double>("minJetPt", 400.)->setComment("jets below this pT (GeV) get -1 (RecoE2E's jet selection)");
  desc.add<double>("maxJetEta", 1.37)->setComment("jets with |eta| above this get -1 (RecoE2E's jet selection)");
  desc.add<edm::FileInPath>("model_path", edm::FileInPath("RecoE2E/MassRegression/data/model.onnx"))
      ->setComment("ONNX model exported by e2e-export (preprocessing included: feed raw frames)");
  desc.add<std::string>("imageInput", "x")->setComment("ONNX input name of the frames (N, C, H, W)");
  desc.add<std::string>("scalarInput", "s")->setComment("ONNX input name of the scalars (N, S)");
  desc.add<std::string>("output", "y")->setComment("ONNX output name (N, targets [+ sigmas])");
  desc.add<std::vector<std::string>>("frameChannels", kRecoE2EPushOrder)
      ->setComment("names of the JetFrames channels in RecoE2E's push order (doTracksAtECALadjPt on: 9 channels)");
  desc.add<std::vector<std::string>>(
          "channelNames", {"track_pt", "track_d0", "track_dz", "ecal", "hcal", "bpix1", "bpix2", "bpix3"})
      ->setComment("the model's input channels in its order, each taken from the frame channel of the same name");
  desc.add<std::vector<std::string>>("scalarNames", {})
      ->setComment("the model's scalar inputs in order: ieta, iphi (from JetSeeds), pt, eta, phi, m_jet (from the jet)");
  desc.add<std::vector<std::string>>("targets", {"m_gen"})
      ->setComment("regressed quantities per jet; each is put as a ValueMap<float> of that instance name");
  desc.add<unsigned int>("height", 125)->setComment("eta pixels of a frame");
  desc.add<unsigned int>("width", 125)->setComment("phi pixels of a frame");
  desc.add<bool>("heteroscedastic", false)
      ->setComment("the model also returns one sigma per target (ValueMaps '<target>Uncertainty')");
  descriptions.addWithDefaultLabel(desc);
}

DEFINE_FWK_MODULE(MassRegressionProducer);
