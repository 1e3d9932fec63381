// Stand-in for CMSSW's FWCore/Utilities/interface/EDPutToken.h; carries the product instance name (a module's
// produces<T>(instance)) or, as CMSSW's, an index (TestProcessor::Config::produces).
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
    unsigned int index() const { return index_; }
    static EDPutTokenT makeIndexed(unsigned int i) {  // stand-in only (CMSSW's private EDPutTokenT(index))
      EDPutTokenT k;
      k.index_ = i, k.set_ = true;
      return k;
    }
    static EDPutTokenT make(const std::string& i) {  // stand-in only (produces<T>() makes tokens)
      EDPutTokenT k;
      k.instance_ = i, k.set_ = true;
      return k;
    }

  private:
    std::string instance_;
    unsigned int index_ = 0;
    bool set_ = false;
  };
}  // namespace edm
#endif
