// Stand-in for CMSSW's edm::Handle<T> (and OrphanHandle<T>, what Event::put returns): product pointer + ProductID.
#ifndef DataFormats_Common_Handle_h
#define DataFormats_Common_Handle_h
#include "DataFormats/Common/interface/ProductID.h"
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  template <typename T>
  class Handle {
  public:
    Handle() = default;
    Handle(const T* p, ProductID id) : p_(p), id_(id) {}
    bool isValid() const { return p_ != nullptr; }
    const T* product() const {
      if (!p_) throw cms::Exception("ProductNotFound") << "dereferencing an invalid edm::Handle";
      return p_;
    }
    const T* operator->() const { return product(); }
    const T& operator*() const { return *product(); }
    ProductID id() const { return id_; }

  private:
    const T* p_ = nullptr;
    ProductID id_;
  };
  template <typename T>
  using OrphanHandle = Handle<T>;
}  // namespace edm
#endif
