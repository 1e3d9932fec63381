// Stand-in for CMSSW's HeterogeneousCore/SonicTriton/interface/TritonEDProducer.h: TritonEDProducer<> is a
// SonicEDProducer of a TritonClient with the TritonDummyCache global cache. (CMSSW's initializeGlobalCache registers
// the model with the TritonService, which may start a fallback server; the stand-in client loads the model itself, so
// this only reads the two parameters, as CMSSW's does.)
#ifndef HeterogeneousCore_SonicTriton_TritonEDProducer
#define HeterogeneousCore_SonicTriton_TritonEDProducer
// TritonDummyCache include comes first for overload resolution
#include "HeterogeneousCore/SonicTriton/interface/TritonDummyCache.h"
#include <memory>
#include <string>
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "HeterogeneousCore/SonicCore/interface/SonicEDProducer.h"
#include "HeterogeneousCore/SonicTriton/interface/TritonClient.h"

template <typename G, typename... Capabilities>
class TritonEDProducerT : public SonicEDProducer<TritonClient, edm::GlobalCache<G>, Capabilities...> {
public:
  TritonEDProducerT(edm::ParameterSet const& cfg)
      : SonicEDProducer<TritonClient, edm::GlobalCache<G>, Capabilities...>(cfg) {}

  static std::unique_ptr<G> initializeGlobalCache(edm::ParameterSet const& pset) {
    const auto& clientPset = pset.getParameterSet("Client");
    clientPset.getParameter<std::string>("modelName");
    clientPset.getParameter<edm::FileInPath>("modelConfigPath").fullPath();
    return nullptr;
  }

  static void globalEndJob(G*) {}
};

template <typename... Capabilities>
using TritonEDProducer = TritonEDProducerT<TritonDummyCache, Capabilities...>;
#endif
