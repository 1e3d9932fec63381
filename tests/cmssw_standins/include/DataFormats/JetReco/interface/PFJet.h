// Stand-in for CMSSW's reco::PFJet and reco::PFJetCollection (what RecoE2E's JetFrameProducer reads).
#ifndef DataFormats_JetReco_PFJet_h
#define DataFormats_JetReco_PFJet_h
#include <vector>
#include "DataFormats/Common/interface/View.h"
#include "DataFormats/JetReco/interface/Jet.h"
namespace reco {
  class PFJet : public Jet {
  public:
    using Jet::Jet;
  };
  typedef std::vector<PFJet> PFJetCollection;
}  // namespace reco
namespace edm {
  namespace standin {
    template <>
    struct ViewBases<reco::PFJet> {  // a PFJetCollection is also seen as edm::View<reco::Jet>
      template <typename F>
      static void each(F&& f) {
        f(static_cast<const reco::Jet*>(nullptr));
      }
    };
  }  // namespace standin
}  // namespace edm
#endif
