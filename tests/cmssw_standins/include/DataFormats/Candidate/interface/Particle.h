// Stand-in for CMSSW's reco::Particle (DataFormats/Candidate): its PolarLorentzVector (math::PtEtaPhiMLorentzVector,
// ROOT's LorentzVector<PtEtaPhiM4D<double>>), with the accessors the jets' kinematics need.
#ifndef DataFormats_Candidate_Particle_h
#define DataFormats_Candidate_Particle_h
namespace math {
  class PtEtaPhiMLorentzVector {
  public:
    PtEtaPhiMLorentzVector(double pt = 0, double eta = 0, double phi = 0, double m = 0)
        : pt_(pt), eta_(eta), phi_(phi), m_(m) {}
    double pt() const { return pt_; }
    double Pt() const { return pt_; }
    double eta() const { return eta_; }
    double Eta() const { return eta_; }
    double phi() const { return phi_; }
    double Phi() const { return phi_; }
    double M() const { return m_; }
    double mass() const { return m_; }

  private:
    double pt_, eta_, phi_, m_;
  };
}  // namespace math
namespace reco {
  class Particle {
  public:
    typedef math::PtEtaPhiMLorentzVector PolarLorentzVector;
  };
}  // namespace reco
#endif
