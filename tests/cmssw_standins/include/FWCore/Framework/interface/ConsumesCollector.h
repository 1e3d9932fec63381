// Stand-in for CMSSW's edm::ConsumesCollector (FWCore/Framework/interface/ConsumesCollector.h): what a module's
// consumesCollector() hands to helper classes so that they register the products they read; consumes<T>(InputTag).
#ifndef FWCore_Framework_ConsumesCollector_h
#define FWCore_Framework_ConsumesCollector_h
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/InputTag.h"

namespace edm {
  namespace stream {
    class EDProducerBase;
  }
  class ConsumesCollector {
  public:
    template <typename T>
    EDGetTokenT<T> consumes(const InputTag& tag);

  private:
    friend class stream::EDProducerBase;
    explicit ConsumesCollector(stream::EDProducerBase* m) : module_(m) {}
    stream::EDProducerBase* module_;
  };
}  // namespace edm
#endif
