#ifndef RecoE2E_MassRegression_plugins_MassRegressionCommon_h
#define RecoE2E_MassRegression_plugins_MassRegressionCommon_h
// What MassRegressionProducer (ONNX Runtime in the process) and MassRegressionSonicProducer (Triton, SONIC) share: the
// configuration (channels and scalars by name, checked once) and the tokens of what they consume (Inputs) and put
// (OutputTokens), the jet selection and scalar inputs built from the jets and RecoE2E's JetSeeds, the ValueMaps keyed
// to the jets, and the parameters of both fillDescriptions. The tensors are
// packed and unpacked by the CMSSW-independent core (interface/E2EInferenceCore.h) in both.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "DataFormats/Common/interface/Handle.h"
#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/Common/interface/View.h"
#include "DataFormats/JetReco/interface/Jet.h"
#include "FWCore/Framework/interface/ConsumesCollector.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/ProducesCollector.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/InputTag.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"
#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"

namespace e2e {
  namespace regression {
    namespace cmssw {
      // RecoE2E's JetSeeds are (row, column) of its 280 x 360 stitched ECAL frame: rows start with the 55 rows of EE-,
      // column 0 is at phi = -10 deg. e2e_nb's `ieta` is the EB crystal index and its `iphi` starts at phi = -pi. The
      // offsets are parameters (seedRowOffset, seedColumnOffset) with these defaults.
      constexpr int kSeedRowOffset = 55;   // ieta = row - 55
      constexpr int kSeedColOffset = 170;  // iphi = (column + 170) mod 360
      constexpr int kNPhi = 360;

      struct SeedOffsets {
        int row, column;
      };
      inline SeedOffsets makeSeedOffsets(const edm::ParameterSet& ps) {
        return {ps.getParameter<int>("seedRowOffset"), ps.getParameter<int>("seedColumnOffset")};
      }

      enum class Scalar { ieta, iphi, pt, eta, phi, mass };
      const std::vector<std::pair<std::string, Scalar>> kScalars{{"ieta", Scalar::ieta}, {"iphi", Scalar::iphi},
                                                                 {"pt", Scalar::pt},     {"eta", Scalar::eta},
                                                                 {"phi", Scalar::phi},   {"m_jet", Scalar::mass}};

      const std::vector<std::string> kRecoE2EPushOrder{"hcal",         "ecal",  "track_pt", "track_d0", "track_dz",
                                                       "track_pt_adj", "bpix1", "bpix2",    "bpix3"};

      inline std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v)
          s += (s.empty() ? "" : ", ") + x;
        return s;
      }

      inline e2e::regression::ModelSpec makeSpec(const edm::ParameterSet& ps) {
        e2e::regression::ModelSpec s;
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
          throw cms::Exception("Configuration") << "MassRegression: 'channelNames' and 'targets' must not be empty";
        for (std::size_t i = 0; i < frameChannels.size(); ++i)
          if (std::find(frameChannels.begin(), frameChannels.begin() + i, frameChannels[i]) !=
              frameChannels.begin() + i)
            throw cms::Exception("Configuration")
                << "MassRegression: frame channel '" << frameChannels[i] << "' appears twice in 'frameChannels'";
        // Model channel c is read from the JetFrames channel of the same name, whatever the order of either.
        s.frameChannels = static_cast<int64_t>(frameChannels.size());
        for (const auto& c : channels) {
          const auto it = std::find(frameChannels.begin(), frameChannels.end(), c);
          if (it == frameChannels.end())
            throw cms::Exception("Configuration")
                << "MassRegression: model channel '" << c << "' is not among the JetFrames channels 'frameChannels' ("
                << join(frameChannels) << ")";
          s.channelOrder.push_back(it - frameChannels.begin());
        }
        return s;
      }

      inline std::vector<Scalar> makeScalars(const edm::ParameterSet& ps) {
        std::vector<Scalar> out;
        std::vector<std::string> known;
        for (const auto& k : kScalars)
          known.push_back(k.first);
        for (const auto& name : ps.getParameter<std::vector<std::string>>("scalarNames")) {
          const auto it =
              std::find_if(kScalars.begin(), kScalars.end(), [&](const auto& k) { return k.first == name; });
          if (it == kScalars.end())
            throw cms::Exception("Configuration")
                << "MassRegression: cannot provide the model's scalar input '" << name << "'; it provides "
                << join(known) << " (ieta, iphi from the JetSeeds, the others from the jet)";
          out.push_back(it->second);
        }
        return out;
      }

      inline float scalarValue(Scalar k, const reco::Jet& jet, const std::vector<float>& seed, const SeedOffsets& off) {
        switch (k) {
          case Scalar::ieta:
            return static_cast<float>(static_cast<int>(seed[0]) - off.row);
          case Scalar::iphi:
            return static_cast<float>(((static_cast<int>(seed[1]) + off.column) % kNPhi + kNPhi) % kNPhi);
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

      // Which jets the model sees (RecoE2E's selection and a valid seed) and their scalar inputs; the frames and seeds
      // must be one per jet of the collection, as RecoE2E's JetFrameProducer makes them.
      struct JetInputs {
        std::vector<bool> valid;
        std::vector<std::vector<float>> scalars;
      };

      inline JetInputs jetInputs(const edm::View<reco::Jet>& jets, const e2e::Frame4D& frames,
                                 const e2e::Frame2D& seeds, const ModelSpec& spec, const std::vector<Scalar>& kinds,
                                 const SeedOffsets& offsets, double minJetPt, double maxJetEta) {
        const std::size_t n = jets.size();
        if (frames.size() != n || seeds.size() != n)
          throw cms::Exception("MassRegression")
              << "MassRegression: " << n << " jets but " << frames.size() << " JetFrames and " << seeds.size()
              << " JetSeeds; RecoE2E's JetFrameProducer makes one frame and one seed per jet of the collection "
              << "(check that 'jets' is the collection the frames were built from)";
        JetInputs in{std::vector<bool>(n, false), std::vector<std::vector<float>>(spec.nScalars > 0 ? n : 0)};
        for (std::size_t j = 0; j < n; ++j) {
          const reco::Jet& jet = jets[j];
          const bool seeded = seeds[j].size() >= 2 && seeds[j][0] >= 0.f && seeds[j][1] >= 0.f;
          in.valid[j] = seeded && jet.pt() >= minJetPt && std::abs(jet.eta()) <= maxJetEta;
          if (spec.nScalars > 0 && in.valid[j])
            for (Scalar k : kinds)
              in.scalars[j].push_back(scalarValue(k, jet, seeds[j], offsets));
        }
        return in;
      }

      // One ValueMap<float> on the jets from per-jet results (target t of each valid jet, -1 elsewhere).
      inline void putValueMap(edm::Event& iEvent, const edm::Handle<edm::View<reco::Jet>>& jets,
                              const std::vector<std::vector<float>>& perJet, const std::vector<bool>& valid,
                              std::size_t t, const edm::EDPutTokenT<edm::ValueMap<float>>& token) {
        std::vector<float> v(jets->size(), -1.f);
        for (std::size_t j = 0; j < v.size(); ++j)
          if (valid[j] && j < perJet.size() && t < perJet[j].size())
            v[j] = perJet[j][t];
        auto map = std::make_unique<edm::ValueMap<float>>();
        edm::ValueMap<float>::Filler filler(*map);
        filler.insert(jets, v.begin(), v.end());
        filler.fill();
        iEvent.put(token, std::move(map));
      }

      // What both producers read: the configuration (checked once) and the jets, RecoE2E's frames and its seeds, whose
      // tokens the module's consumesCollector() registers.
      struct Inputs {
        Inputs(const edm::ParameterSet& ps, edm::ConsumesCollector cc)
            : spec(makeSpec(ps)),
              scalars(makeScalars(ps)),
              seedOffsets(makeSeedOffsets(ps)),
              minJetPt(ps.getParameter<double>("minJetPt")),
              maxJetEta(ps.getParameter<double>("maxJetEta")),
              jets(cc.consumes<edm::View<reco::Jet>>(ps.getParameter<edm::InputTag>("jets"))),
              frames(cc.consumes<e2e::Frame4D>(ps.getParameter<edm::InputTag>("frames"))),
              seeds(cc.consumes<e2e::Frame2D>(ps.getParameter<edm::InputTag>("seeds"))) {}

        // The selection and scalar inputs of the event's jets, whose frames the caller has read.
        JetInputs read(const edm::Event& iEvent, const edm::View<reco::Jet>& jetView,
                       const e2e::Frame4D& frameColl) const {
          return jetInputs(jetView, frameColl, iEvent.get(seeds), spec, scalars, seedOffsets, minJetPt, maxJetEta);
        }

        const ModelSpec spec;
        const std::vector<Scalar> scalars;
        const SeedOffsets seedOffsets;
        const double minJetPt, maxJetEta;
        const edm::EDGetTokenT<edm::View<reco::Jet>> jets;
        const edm::EDGetTokenT<e2e::Frame4D> frames;
        const edm::EDGetTokenT<e2e::Frame2D> seeds;
      };

      // The products of both producers, declared through the module's producesCollector(): one ValueMap<float> per
      // target on the jets (and one per uncertainty for a heteroscedastic model), and the per-jet results as RecoE2E's
      // Frame2D.
      struct OutputTokens {
        OutputTokens(const edm::ParameterSet& ps, bool hetero, edm::ProducesCollector pc) : heteroscedastic(hetero) {
          for (const auto& t : ps.getParameter<std::vector<std::string>>("targets")) {
            values.push_back(pc.produces<edm::ValueMap<float>>(t));
            if (heteroscedastic)
              sigmas.push_back(pc.produces<edm::ValueMap<float>>(t + "Uncertainty"));
          }
          mass = pc.produces<e2e::Frame2D>("RegressedMass");
          if (heteroscedastic)
            massSigma = pc.produces<e2e::Frame2D>("RegressedMassUncertainty");
        }

        void put(edm::Event& iEvent, const edm::Handle<edm::View<reco::Jet>>& jets, Predictions&& pred,
                 const std::vector<bool>& valid) const {
          for (std::size_t t = 0; t < values.size(); ++t) {
            putValueMap(iEvent, jets, pred.values, valid, t, values[t]);
            if (heteroscedastic)
              putValueMap(iEvent, jets, pred.sigmas, valid, t, sigmas[t]);
          }
          iEvent.emplace(mass, std::move(pred.values));
          if (heteroscedastic)
            iEvent.emplace(massSigma, std::move(pred.sigmas));
        }

        bool heteroscedastic;
        std::vector<edm::EDPutTokenT<edm::ValueMap<float>>> values, sigmas;
        edm::EDPutTokenT<e2e::Frame2D> mass, massSigma;
      };

      // The parameters of both producers but the model's location (model_path, or the Triton Client PSet).
      inline void fillCommonDescription(edm::ParameterSetDescription& desc) {
        desc.add<edm::InputTag>("jets", edm::InputTag("ak8PFJetsCHS"))
            ->setComment("the jets RecoE2E's JetFrameProducer made the frames of (its ak8PFJetCollection)");
        desc.add<edm::InputTag>("frames", edm::InputTag("JetFrames", "JetFrames"))
            ->setComment("RecoE2E jet frames, e2e::Frame4D [jet][channel][eta][phi], one per jet of 'jets'");
        desc.add<edm::InputTag>("seeds", edm::InputTag("JetFrames", "JetSeeds"))
            ->setComment(
                "RecoE2E jet seeds, e2e::Frame2D [jet][row, column] of the 280 x 360 frame; {-1, -1}: no frame");
        desc.add<double>("minJetPt", 400.)->setComment("jets below this pT (GeV) get -1 (RecoE2E's jet selection)");
        desc.add<double>("maxJetEta", 1.37)->setComment("jets with |eta| above this get -1 (RecoE2E's jet selection)");
        desc.add<std::string>("imageInput", "x")->setComment("ONNX input name of the frames (N, C, H, W)");
        desc.add<std::string>("scalarInput", "s")->setComment("ONNX input name of the scalars (N, S)");
        desc.add<std::string>("output", "y")->setComment("ONNX output name (N, targets [+ sigmas])");
        desc.add<std::vector<std::string>>("frameChannels", kRecoE2EPushOrder)
            ->setComment(
                "names of the JetFrames channels in RecoE2E's push order (doTracksAtECALadjPt on: 9 channels)");
        desc.add<std::vector<std::string>>(
                "channelNames", {"track_pt", "track_d0", "track_dz", "ecal", "hcal", "bpix1", "bpix2", "bpix3"})
            ->setComment("the model's input channels in its order, each taken from the frame channel of the same name");
        desc.add<std::vector<std::string>>("scalarNames", {})
            ->setComment(
                "the model's scalar inputs in order: ieta, iphi (from JetSeeds), pt, eta, phi, m_jet (from the jet)");
        desc.add<int>("seedRowOffset", kSeedRowOffset)
            ->setComment(
                "ieta = JetSeeds row - seedRowOffset (RecoE2E: the 55 EE- rows above EB in its 280-row frame)");
        desc.add<int>("seedColumnOffset", kSeedColOffset)
            ->setComment(
                "iphi = (JetSeeds column + seedColumnOffset) mod 360 (RecoE2E's column 0 is at phi = -10 deg)");
        desc.add<std::vector<std::string>>("targets", {"m_gen"})
            ->setComment("regressed quantities per jet; each is put as a ValueMap<float> of that instance name");
        desc.add<unsigned int>("height", 125)->setComment("eta pixels of a frame");
        desc.add<unsigned int>("width", 125)->setComment("phi pixels of a frame");
        desc.add<bool>("heteroscedastic", false)
            ->setComment("the model also returns one sigma per target (ValueMaps '<target>Uncertainty')");
      }

    }  // namespace cmssw
  }    // namespace regression
}  // namespace e2e

#endif
