// Stand-in for CMSSW's edm::ProducesCollector (FWCore/Framework/interface/ProducesCollector.h): what a module's
// producesCollector() hands to helper classes so that they declare the products the module puts; produces<T>(instance).
#ifndef FWCore_Framework_ProducesCollector_h
#define FWCore_Framework_ProducesCollector_h
#include <string>
#include "FWCore/Utilities/interface/EDPutToken.h"

namespace edm {
  namespace stream {
    class EDProducerBase;
  }
  class ProducesCollector {
  public:
    template <typename T>
    EDPutTokenT<T> produces(const std::string& instance = "");

  private:
    friend class stream::EDProducerBase;
    explicit ProducesCollector(stream::EDProducerBase* m) : module_(m) {}
    stream::EDProducerBase* module_;
  };
}  // namespace edm
#endif
