// Stand-in for CMSSW's FWCore/Utilities/interface/EDPutToken.h; carries the product instance name.
#ifndef FWCore_Utilities_EDPutToken_h
#define FWCore_Utilities_EDPutToken_h
#include <string>

namespace edm {
  template <typename T>
  class EDPutTokenT {
  public:
    EDPutTokenT() = default;
    bool isUninitialized() const { return !set_; }
    const std::string& instance() const { return instance_; }  // stand-in only
    static EDPutTokenT make(const std::string& i) {  // stand-in only (produces<T>() makes tokens)
      EDPutTokenT k;
      k.instance_ = i, k.set_ = true;
      return k;
    }

  private:
    std::string instance_;
    bool set_ = false;
  };
}  // namespace edm
#endif
