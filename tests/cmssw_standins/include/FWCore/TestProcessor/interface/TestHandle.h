// Stand-in for CMSSW's FWCore/TestProcessor/interface/TestHandle.h: the product a test reads back from the event a
// TestProcessor ran; dereferencing a handle to a product the module did not make throws cms::Exception.
#ifndef FWCore_TestProcessor_TestHandle_h
#define FWCore_TestProcessor_TestHandle_h
#include <memory>
#include <string>
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  namespace test {
    template <typename T>
    class TestHandle {
    public:
      explicit TestHandle(T const* product) : product_{product} {}
      explicit TestHandle(std::string whyFailed) : product_{nullptr}, whyFailed_{std::move(whyFailed)} {}

      operator bool() { return product_ != nullptr; }
      bool isValid() const { return product_ != nullptr; }
      T const* product() const { return productStorage(); }
      T const* operator->() const { return product(); }
      T const& operator*() const { return *product(); }

    private:
      T const* productStorage() const {
        if (product_)
          return product_;
        throw cms::Exception("ProductNotFound") << whyFailed_;
      }
      T const* product_;
      std::string whyFailed_;
    };
  }  // namespace test
}  // namespace edm
#endif
