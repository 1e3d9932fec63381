// Stand-in for CMSSW's edm::stream::EDProducer<edm::GlobalCache<C>>: consumes<T>(InputTag), produces<T>(instance),
// globalCache(), virtual produce(Event&, const EventSetup&). The module's static initializeGlobalCache,
// globalEndJob and fillDescriptions are called by the stand-in module maker (MakerMacros.h) as the framework does.
#ifndef FWCore_Framework_stream_EDProducer_h
#define FWCore_Framework_stream_EDProducer_h
#include <string>
#include <vector>
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/Utilities/interface/EDGetToken.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/InputTag.h"

namespace edm {
  template <typename C>
  struct GlobalCache {};

  namespace stream {
    class EDProducerBase {
    public:
      virtual ~EDProducerBase() = default;
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

    private:
      std::vector<std::string> consumed_, produced_;
    };

    template <typename... T>
    class EDProducer;

    template <typename C>
    class EDProducer<GlobalCache<C>> : public EDProducerBase {
    public:
      typedef C GlobalCacheType;  // stand-in only
      // As in CMSSW, the cache is set after construction: the constructor gets it as its second argument.
      const C* globalCache() const { return cache_; }
      void setGlobalCache_(const C* c) { cache_ = c; }  // stand-in only

    private:
      const C* cache_ = nullptr;
    };
  }  // namespace stream
}  // namespace edm
#endif
