// Stand-in for CMSSW's reco::Jet (DataFormats/JetReco): the kinematics the mass regression reads.
#ifndef DataFormats_JetReco_Jet_h
#define DataFormats_JetReco_Jet_h
namespace reco {
  class Jet {
  public:
    Jet() = default;
    Jet(double pt, double eta, double phi, double mass) : pt_(pt), eta_(eta), phi_(phi), mass_(mass) {}
    virtual ~Jet() = default;
    double pt() const { return pt_; }
    double eta() const { return eta_; }
    double phi() const { return phi_; }
    double mass() const { return mass_; }

  private:
    double pt_ = 0, eta_ = 0, phi_ = 0, mass_ = 0;
  };
}  // namespace reco
#endif
