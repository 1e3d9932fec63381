// Stand-in for CMSSW's edm::View<T>: a read-only view of a collection of T or of classes derived from T (the
// stand-in Event makes one for a product put with View bases, see Event::addProduct).
#ifndef DataFormats_Common_View_h
#define DataFormats_Common_View_h
#include <cstddef>
#include <vector>
#include "DataFormats/Common/interface/ProductID.h"

namespace edm {
  namespace standin {
    // The base classes of E that a collection of E can be viewed as (CMSSW knows them from the dictionaries): the
    // stand-in DataFormats specialize it, e.g. reco::PFJet -> reco::Jet.
    template <typename E>
    struct ViewBases {
      template <typename F>
      static void each(F&&) {}
    };
  }  // namespace standin

  template <typename T>
  class View {
  public:
    typedef T value_type;
    typedef std::size_t size_type;
    class const_iterator {
    public:
      explicit const_iterator(typename std::vector<const T*>::const_iterator i) : i_(i) {}
      const T& operator*() const { return **i_; }
      const T* operator->() const { return *i_; }
      const_iterator& operator++() {
        ++i_;
        return *this;
      }
      bool operator!=(const const_iterator& o) const { return i_ != o.i_; }
      bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
      typename std::vector<const T*>::const_iterator i_;
    };
    View() = default;
    View(std::vector<const T*> items, ProductID id) : items_(std::move(items)), id_(id) {}
    size_type size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    const T& operator[](size_type i) const { return *items_[i]; }
    const T& at(size_type i) const { return *items_.at(i); }
    const_iterator begin() const { return const_iterator(items_.begin()); }
    const_iterator end() const { return const_iterator(items_.end()); }
    ProductID id() const { return id_; }

  private:
    std::vector<const T*> items_;
    ProductID id_;
  };
}  // namespace edm
#endif
