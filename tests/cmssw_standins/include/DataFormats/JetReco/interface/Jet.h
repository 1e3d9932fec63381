// Stand-in for CMSSW's reco::Jet (DataFormats/JetReco): the kinematics the mass regression reads, set as in CMSSW with
// setP4(reco::Particle::PolarLorentzVector) (or, stand-in only, the constructor).
#ifndef DataFormats_JetReco_Jet_h
#define DataFormats_JetReco_Jet_h
#include "DataFormats/Candidate/interface/Particle.h"
namespace reco {
  class Jet {
  public:
    Jet() = default;
    Jet(double pt, double eta, double phi, double mass) : p4_(pt, eta, phi, mass) {}
    virtual ~Jet() = default;
    void setP4(const Particle::PolarLorentzVector& p4) { p4_ = p4; }
    const Particle::PolarLorentzVector& polarP4() const { return p4_; }
    double pt() const { return p4_.pt(); }
    double eta() const { return p4_.eta(); }
    double phi() const { return p4_.phi(); }
    double mass() const { return p4_.mass(); }

  private:
    Particle::PolarLorentzVector p4_;
  };
}  // namespace reco
#endif
