// Stand-in for CMSSW's edm::WaitingTaskWithArenaHolder: what an ExternalWork module's acquire() gets to signal that its
// asynchronous work is done (doneWaiting, with the exception that work ended with, if any). The stand-in framework
// runs one event at a time: it calls produce() after acquire() returned and rethrows an exception passed here.
#ifndef FWCore_Concurrency_WaitingTaskWithArenaHolder_h
#define FWCore_Concurrency_WaitingTaskWithArenaHolder_h
#include <exception>
#include <memory>

namespace edm {
  class WaitingTaskWithArenaHolder {
  public:
    WaitingTaskWithArenaHolder() : state_(std::make_shared<State>()) {}
    void doneWaiting(std::exception_ptr e) {
      state_->done = true;
      if (e && !state_->exception)
        state_->exception = e;
    }
    bool done() const { return state_->done; }                          // stand-in only
    std::exception_ptr exception() const { return state_->exception; }  // stand-in only

  private:
    struct State {
      bool done = false;
      std::exception_ptr exception;
    };
    std::shared_ptr<State> state_;  // copies share the task, as in CMSSW
  };
}  // namespace edm
#endif
