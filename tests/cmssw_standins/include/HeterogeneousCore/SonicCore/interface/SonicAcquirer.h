// Stand-in for CMSSW's HeterogeneousCore/SonicCore/interface/SonicAcquirer.h (same code): the client is made from the
// module's Client PSet in beginStream; the framework's acquire() fills client_->input() through the module's
// acquire(Event, EventSetup, Input&) and dispatches the client.
#ifndef HeterogeneousCore_SonicCore_SonicAcquirer
#define HeterogeneousCore_SonicCore_SonicAcquirer
#include <memory>
#include <string>
#include "FWCore/Concurrency/interface/WaitingTaskWithArenaHolder.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/Utilities/interface/StreamID.h"

template <typename Client, typename Module>
class SonicAcquirer : public Module {
public:
  typedef typename Client::Input Input;
  SonicAcquirer(edm::ParameterSet const& cfg)
      : clientPset_(cfg.getParameterSet("Client")),
        debugName_(cfg.getParameter<std::string>("@module_label")),
        verbose_(clientPset_.getUntrackedParameter<bool>("verbose")) {}
  ~SonicAcquirer() override = default;

  void beginStream(edm::StreamID) override { makeClient(); }

  void acquire(edm::Event const& iEvent, edm::EventSetup const& iSetup, edm::WaitingTaskWithArenaHolder holder) final {
    acquire(iEvent, iSetup, client_->input());
    client_->dispatch(holder);
  }
  virtual void acquire(edm::Event const& iEvent, edm::EventSetup const& iSetup, Input& iInput) = 0;

protected:
  void makeClient() { client_ = std::make_unique<Client>(clientPset_, debugName_); }

  edm::ParameterSet clientPset_;
  std::unique_ptr<Client> client_;
  std::string debugName_;
  bool verbose_;
};
#endif
