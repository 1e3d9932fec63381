// Stand-in for CMSSW's edm::ValueMap<T> and edm::ValueMap<T>::Filler: one value per element of one or more
// collections, keyed by the collection's ProductID and the element's index. As in CMSSW, Filler::insert needs as many
// values as the collection (Handle) has elements, once per collection, and fill() writes them into the map.
#ifndef DataFormats_Common_ValueMap_h
#define DataFormats_Common_ValueMap_h
#include <cstddef>
#include <iterator>
#include <map>
#include <vector>
#include "DataFormats/Common/interface/ProductID.h"
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  template <typename T>
  class ValueMap {
  public:
    typedef T value_type;
    class Filler {
    public:
      explicit Filler(ValueMap& map) : map_(map) {}
      template <typename H, typename I>
      void insert(const H& handle, I begin, I end) {
        const std::size_t n = std::distance(begin, end), want = handle->size();
        if (n != want)
          throw cms::Exception("InvalidReference") << "ValueMap::Filler::insert: " << n << " values for a collection of "
                                                   << want << " elements; expected one value per element";
        if (pending_.count(handle.id()) || map_.values_.count(handle.id()))
          throw cms::Exception("InvalidReference")
              << "ValueMap::Filler::insert: values for product " << handle.id().id() << " inserted twice";
        pending_[handle.id()].assign(begin, end);
      }
      void fill() {
        for (auto& [id, v] : pending_) map_.values_[id] = std::move(v);
        pending_.clear();
      }

    private:
      ValueMap& map_;
      std::map<ProductID, std::vector<T>> pending_;
    };
    std::size_t size() const {
      std::size_t n = 0;
      for (const auto& kv : values_) n += kv.second.size();
      return n;
    }
    std::size_t idSize() const { return values_.size(); }
    // As CMSSW's: one step per collection (ProductID); it[i] is the value of element i of that collection.
    class const_iterator {
    public:
      typedef typename std::map<ProductID, std::vector<T>>::const_iterator Base;
      explicit const_iterator(Base i) : i_(i) {}
      ProductID id() const { return i_->first; }
      std::size_t size() const { return i_->second.size(); }
      const T& operator[](std::size_t i) const { return i_->second[i]; }
      typename std::vector<T>::const_iterator begin() const { return i_->second.begin(); }
      typename std::vector<T>::const_iterator end() const { return i_->second.end(); }
      const_iterator& operator++() {
        ++i_;
        return *this;
      }
      bool operator!=(const const_iterator& o) const { return i_ != o.i_; }
      bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
      Base i_;
    };
    const_iterator begin() const { return const_iterator(values_.begin()); }
    const_iterator end() const { return const_iterator(values_.end()); }
    bool contains(ProductID id) const { return values_.count(id) > 0; }
    const T& get(ProductID id, std::size_t idx) const {
      auto it = values_.find(id);
      if (it == values_.end())
        throw cms::Exception("InvalidReference") << "ValueMap: no values for product " << id.id();
      return it->second.at(idx);
    }
    template <typename RefKey>
    const T& operator[](const RefKey& k) const {
      return get(k.id(), k.key());
    }

  private:
    std::map<ProductID, std::vector<T>> values_;
  };
}  // namespace edm
#endif
