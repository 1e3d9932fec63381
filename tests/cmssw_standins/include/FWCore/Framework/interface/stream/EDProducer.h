// Stand-in for CMSSW's edm::stream::EDProducer<Abilities...> with the abilities this project's plugins use:
// edm::GlobalCache<C> (globalCache(); the module's static initializeGlobalCache, globalEndJob and fillDescriptions
// are called by the stand-in module maker, MakerMacros.h, as the framework does) and edm::ExternalWork (acquire(Event
// const&, EventSetup const&, WaitingTaskWithArenaHolder) before produce()). consumes<T>(InputTag),
// produces<T>(instance), consumesCollector() and producesCollector() for helper classes, beginStream(StreamID), virtual
// produce(Event&, const EventSetup&).
#ifndef FWCore_Framework_stream_EDProducer_h
#define FWCore_Framework_stream_EDProducer_h
#include <string>
#include <type_traits>
#include <vector>
#include "FWCore/Concurrency/interface/WaitingTaskWithArenaHolder.h"
#include "FWCore/Framework/interface/ConsumesCollector.h"
#include "FWCore/Framework/interface/ProducesCollector.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/InputTag.h"
#include "FWCore/Utilities/interface/StreamID.h"

namespace edm {
  template <typename C>
  struct GlobalCache {};
  struct ExternalWork {};

  namespace stream {
    class EDProducerBase {
    public:
      virtual ~EDProducerBase() = default;
      virtual void beginStream(StreamID) {}
      virtual void produce(Event&, const EventSetup&) = 0;
      const std::vector<std::string>& consumed() const { return consumed_; }  // stand-in only
      const std::vector<std::string>& produced() const { return produced_; }  // stand-in only

    protected:
      template <typename T>
      EDGetTokenT<T> consumes(const InputTag& tag) {
        consumed_.push_back(tag.encode());
        return EDGetTokenT<T>::make(tag);
      }
      template <typename T>
      EDPutTokenT<T> produces(const std::string& instance = "") {
        for (const auto& p : produced_)
          if (p == instance)
            throw cms::Exception("LogicError") << "produces: product instance '" << instance << "' declared twice";
        produced_.push_back(instance);
        return EDPutTokenT<T>::make(instance);
      }
      ConsumesCollector consumesCollector() { return ConsumesCollector(this); }
      ProducesCollector producesCollector() { return ProducesCollector(this); }

    private:
      friend class edm::ConsumesCollector;
      friend class edm::ProducesCollector;
      std::vector<std::string> consumed_, produced_;
    };

    // stand-in only: what the framework calls on an ExternalWork module before produce()
    class ExternalWorkBase {
    public:
      virtual ~ExternalWorkBase() = default;
      virtual void acquire(Event const&, EventSetup const&, WaitingTaskWithArenaHolder) = 0;
    };
    class NoExternalWork {};

    namespace impl {
      template <typename... T>
      struct CacheOf {
        typedef void type;
      };
      template <typename C, typename... R>
      struct CacheOf<GlobalCache<C>, R...> {
        typedef C type;
      };
      template <typename F, typename... R>
      struct CacheOf<F, R...> : CacheOf<R...> {};

      // As CMSSW's makeGlobal.h: a module with a GlobalCache is constructed from (pset, cache); Triton's
      // TritonDummyCache.h adds an overload that constructs T(pset). (The stand-in maker chooses by
      // constructibility, see MakerMacros.h: a qualified call would not see an overload declared after it.)
      template <typename T, typename G>
      T* makeStreamModule(const ParameterSet& iPSet, const G* iGlobal) {
        return new T(iPSet, iGlobal);
      }
    }  // namespace impl

    template <typename... T>
    class EDProducer
        : public EDProducerBase,
          public std::conditional_t<(std::is_same_v<T, ExternalWork> || ...), ExternalWorkBase, NoExternalWork> {
    public:
      typedef typename impl::CacheOf<T...>::type GlobalCacheType;  // stand-in only
      // As in CMSSW, the cache is set after construction: the constructor gets it as its second argument.
      const GlobalCacheType* globalCache() const { return cache_; }
      void setGlobalCache_(const GlobalCacheType* c) { cache_ = c; }  // stand-in only

    private:
      const GlobalCacheType* cache_ = nullptr;
    };
  }  // namespace stream

  template <typename T>
  EDGetTokenT<T> ConsumesCollector::consumes(const InputTag& tag) {
    return module_->consumes<T>(tag);
  }
  template <typename T>
  EDPutTokenT<T> ProducesCollector::produces(const std::string& instance) {
    return module_->produces<T>(instance);
  }
}  // namespace edm
#endif
