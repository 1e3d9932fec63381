// Stand-in for CMSSW's edm::Event: products keyed by (module label, instance, type). The framework side has the real
// signatures (get, getHandle, getByToken, put, emplace); the test side puts input products with addProduct, which can
// also make an edm::View<B> of a collection for each base class B given (CMSSW makes Views of any collection).
#ifndef FWCore_Framework_Event_h
#define FWCore_Framework_Event_h
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <typeindex>
#include <utility>
#include <vector>
#include "DataFormats/Common/interface/Handle.h"
#include "DataFormats/Common/interface/ProductID.h"
#include "DataFormats/Common/interface/View.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "FWCore/Utilities/interface/InputTag.h"

namespace edm {
  class Event {
  public:
    explicit Event(std::string moduleLabel = "") : label_(std::move(moduleLabel)) {}
    void setModuleLabel(const std::string& l) { label_ = l; }  // stand-in: the module whose put() calls follow

    // ---- test side ----
    template <typename C, typename... ViewBases>
    ProductID addProduct(const InputTag& tag, std::unique_ptr<C> p) {
      const ProductID id(++lastId_);
      std::shared_ptr<const C> sp(std::move(p));
      (addView<ViewBases>(tag, *sp, id, sp), ...);
      store(tag.label(), tag.instance(), std::type_index(typeid(C)), sp, id);
      return id;
    }
    // an edm::View<B> of the collection C already put with `tag`
    template <typename B, typename C>
    void addViewOf(const InputTag& tag) {
      auto it = products_.find(Key{tag.label(), tag.instance(), std::type_index(typeid(C))});
      if (it == products_.end())
        throw cms::Exception("ProductNotFound") << "addViewOf: no product '" << tag.encode() << "' of that type";
      const std::shared_ptr<const C> owner = std::static_pointer_cast<const C>(it->second.p);
      addView<B>(tag, *owner, it->second.id, owner);
    }
    template <typename T>
    const T* product(const std::string& label, const std::string& instance = "") const {
      auto it = products_.find(Key{label, instance, std::type_index(typeid(T))});
      return it == products_.end() ? nullptr : static_cast<const T*>(it->second.p.get());
    }

    // ---- framework side (CMSSW's signatures) ----
    template <typename T>
    Handle<T> getHandle(const EDGetTokenT<T>& token) const {
      if (token.isUninitialized())
        throw cms::Exception("LogicError") << "Event::getHandle called with an uninitialized token";
      auto it = products_.find(Key{token.tag().label(), token.tag().instance(), std::type_index(typeid(T))});
      if (it == products_.end()) return Handle<T>();
      return Handle<T>(static_cast<const T*>(it->second.p.get()), it->second.id);
    }
    template <typename T>
    const T& get(const EDGetTokenT<T>& token) const {
      Handle<T> h = getHandle(token);
      if (!h.isValid())
        throw cms::Exception("ProductNotFound") << "Principal::getByToken: Found zero products matching all criteria\n"
                                                << "Looking for type: " << typeid(T).name() << "\nLooking for module label: "
                                                << token.tag().label() << "\nLooking for productInstanceName: "
                                                << token.tag().instance();
      return *h;
    }
    template <typename T>
    bool getByToken(const EDGetTokenT<T>& token, Handle<T>& h) const {
      h = getHandle(token);
      return h.isValid();
    }
    template <typename T>
    OrphanHandle<T> put(const EDPutTokenT<T>& token, std::unique_ptr<T> p) {
      if (token.isUninitialized()) throw cms::Exception("LogicError") << "Event::put with an uninitialized token";
      return put(std::move(p), token.instance());
    }
    template <typename T>
    OrphanHandle<T> put(std::unique_ptr<T> p, const std::string& instance = "") {
      if (!p) throw cms::Exception("LogicError") << "Event::put: null product for instance '" << instance << "'";
      const ProductID id(++lastId_);
      std::shared_ptr<const T> sp(std::move(p));
      store(label_, instance, std::type_index(typeid(T)), sp, id);
      return OrphanHandle<T>(sp.get(), id);
    }
    template <typename T, typename... Args>
    OrphanHandle<T> emplace(const EDPutTokenT<T>& token, Args&&... args) {
      return put(token, std::make_unique<T>(std::forward<Args>(args)...));
    }

  private:
    struct Key {
      std::string label, instance;
      std::type_index type;
      bool operator<(const Key& o) const {
        return std::tie(label, instance, type) < std::tie(o.label, o.instance, o.type);
      }
    };
    struct Entry {
      std::shared_ptr<const void> p;
      ProductID id;
    };
    void store(const std::string& label, const std::string& instance, std::type_index t, std::shared_ptr<const void> p,
               ProductID id) {
      Key k{label, instance, t};
      if (products_.count(k))
        throw cms::Exception("InsertFailure") << "Event: product '" << label << ":" << instance << "' put twice";
      products_.emplace(k, Entry{std::move(p), id});
    }
    template <typename B, typename C>
    void addView(const InputTag& tag, const C& coll, ProductID id, const std::shared_ptr<const C>& owner) {
      std::vector<const B*> items;
      for (const auto& x : coll) items.push_back(&x);
      auto view = std::make_shared<const View<B>>(std::move(items), id);
      // the view points into the collection: keep both alive together
      std::shared_ptr<const void> both(view.get(), [view, owner](const void*) {});
      store(tag.label(), tag.instance(), std::type_index(typeid(View<B>)), both, id);
    }
    std::string label_;
    std::map<Key, Entry> products_;
    unsigned int lastId_ = 0;
  };
}  // namespace edm
#endif
