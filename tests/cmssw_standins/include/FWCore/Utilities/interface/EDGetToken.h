// Stand-in for CMSSW's FWCore/Utilities/interface/EDGetToken.h. The real token is an index into the module's consumes
// list; this one carries the InputTag itself, which the stand-in edm::Event looks up.
#ifndef FWCore_Utilities_EDGetToken_h
#define FWCore_Utilities_EDGetToken_h
#include "FWCore/Utilities/interface/InputTag.h"

namespace edm {
  template <typename T>
  class EDGetTokenT {
  public:
    EDGetTokenT() = default;
    bool isUninitialized() const { return !set_; }
    const InputTag& tag() const { return tag_; }  // stand-in only
    static EDGetTokenT make(const InputTag& t) {  // stand-in only (the framework's consumes<T>() makes tokens)
      EDGetTokenT k;
      k.tag_ = t, k.set_ = true;
      return k;
    }

  private:
    InputTag tag_;
    bool set_ = false;
  };
}  // namespace edm
#endif
