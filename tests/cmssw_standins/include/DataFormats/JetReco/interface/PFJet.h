// Stand-in for CMSSW's reco::PFJet and reco::PFJetCollection (what RecoE2E's JetFrameProducer reads).
#ifndef DataFormats_JetReco_PFJet_h
#define DataFormats_JetReco_PFJet_h
#include <vector>
#include "DataFormats/JetReco/interface/Jet.h"
namespace reco {
  class PFJet : public Jet {
  public:
    using Jet::Jet;
  };
  typedef std::vector<PFJet> PFJetCollection;
}  // namespace reco
#endif
