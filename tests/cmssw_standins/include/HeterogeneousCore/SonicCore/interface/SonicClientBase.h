// Stand-in for CMSSW's HeterogeneousCore/SonicCore/interface/SonicClientBase.h: dispatch(holder) runs the client's
// evaluate(), which ends with finish(success, exception): the holder is told the work is done (with the exception).
// The stand-in runs evaluate() in the calling thread for every mode (CMSSW: Sync in the calling thread, PseudoAsync in
// a separate thread, Async in the client library's); one event at a time, the module cannot tell the difference.
#ifndef HeterogeneousCore_SonicCore_SonicClientBase
#define HeterogeneousCore_SonicCore_SonicClientBase
#include <exception>
#include <optional>
#include <string>
#include "FWCore/Concurrency/interface/WaitingTaskWithArenaHolder.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"
#include "FWCore/Utilities/interface/Exception.h"

enum class SonicMode { Sync = 1, Async = 2, PseudoAsync = 3 };

class SonicClientBase {
public:
  SonicClientBase(const edm::ParameterSet& params, const std::string& debugName, const std::string& clientName)
      : allowedTries_(params.getUntrackedParameter<unsigned>("allowedTries", 0)),
        debugName_(debugName),
        clientName_(clientName),
        fullDebugName_(debugName + ":" + clientName) {
    const auto mode = params.getParameter<std::string>("mode");
    if (mode == "Sync")
      mode_ = SonicMode::Sync;
    else if (mode == "Async")
      mode_ = SonicMode::Async;
    else if (mode == "PseudoAsync")
      mode_ = SonicMode::PseudoAsync;
    else  // CMSSW's description restricts it with allowedValues
      throw cms::Exception("Configuration") << "Unknown mode for SonicClient: " << mode;
  }
  virtual ~SonicClientBase() = default;

  const std::string& debugName() const { return debugName_; }
  const std::string& clientName() const { return clientName_; }
  SonicMode mode() const { return mode_; }

  virtual void dispatch(edm::WaitingTaskWithArenaHolder holder) {
    holder_ = std::move(holder);
    tries_ = 0;
    evaluate();
  }
  virtual void reset() {}

  // mode (CMSSW: ifValue with allowedValues Sync, Async, PseudoAsync; checked in the constructor here), allowedTries,
  // verbose
  static void fillBasePSetDescription(edm::ParameterSetDescription& desc, bool allowRetry = true) {
    desc.add<std::string>("mode", "PseudoAsync");
    if (allowRetry)
      desc.addUntracked<unsigned>("allowedTries", 0);
    desc.addUntracked<bool>("verbose", false);
  }

protected:
  virtual void evaluate() = 0;

  void finish(bool success, std::exception_ptr eptr = std::exception_ptr{}) {
    if (!success && !eptr) {
      ++tries_;
      if (tries_ < allowedTries_) {
        evaluate();
        return;
      }
      eptr =
          std::make_exception_ptr(cms::Exception("SonicCallFailed") << "call failed after max " << tries_ << " tries");
    }
    if (holder_) {
      holder_->doneWaiting(eptr);
      holder_.reset();
    } else if (eptr)
      std::rethrow_exception(eptr);
    if (eptr)
      reset();
  }

  SonicMode mode_;
  unsigned allowedTries_, tries_ = 0;
  std::optional<edm::WaitingTaskWithArenaHolder> holder_;
  std::string debugName_, clientName_, fullDebugName_;
};
#endif
