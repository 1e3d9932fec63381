// Stand-in for CMSSW's edm::EventSetup (the mass regression reads no conditions).
#ifndef FWCore_Framework_EventSetup_h
#define FWCore_Framework_EventSetup_h
namespace edm {
  class EventSetup {};
}  // namespace edm
#endif
