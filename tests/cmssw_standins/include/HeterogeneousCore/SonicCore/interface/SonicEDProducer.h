// Stand-in for CMSSW's HeterogeneousCore/SonicCore/interface/SonicEDProducer.h (same code, less the debug timing): a
// stream producer with ExternalWork whose produce(Event, EventSetup, Output const&) reads client_->output(), after
// which the client is reset.
#ifndef HeterogeneousCore_SonicCore_SonicEDProducer
#define HeterogeneousCore_SonicCore_SonicEDProducer
#include "FWCore/Framework/interface/stream/EDProducer.h"
#include "HeterogeneousCore/SonicCore/interface/SonicAcquirer.h"

template <typename Client, typename... Capabilities>
class SonicEDProducer : public SonicAcquirer<Client, edm::stream::EDProducer<edm::ExternalWork, Capabilities...>> {
public:
  typedef typename Client::Output Output;
  SonicEDProducer(edm::ParameterSet const& cfg)
      : SonicAcquirer<Client, edm::stream::EDProducer<edm::ExternalWork, Capabilities...>>(cfg) {}
  ~SonicEDProducer() override = default;

  void produce(edm::Event& iEvent, edm::EventSetup const& iSetup) final {
    produce(iEvent, iSetup, this->client_->output());
    this->client_->reset();
  }
  virtual void produce(edm::Event& iEvent, edm::EventSetup const& iSetup, Output const& iOutput) = 0;
};
#endif
