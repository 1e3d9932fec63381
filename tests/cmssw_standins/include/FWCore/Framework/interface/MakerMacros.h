// Stand-in for CMSSW's FWCore/Framework/interface/MakerMacros.h: DEFINE_FWK_MODULE(T) registers T by name in a
// process-wide table; the stand-in "framework" (tests/cmssw_standins/run_module.cc) looks the module up by its
// cfi's type, validates the configuration with T::fillDescriptions, calls T::initializeGlobalCache once, constructs
// T(pset, cache) (T(pset) for a Triton module, whose cache is TritonDummyCache), beginStream(StreamID) and later
// T::globalEndJob(cache), as CMSSW does for a stream module with a GlobalCache.
#ifndef FWCore_Framework_MakerMacros_h
#define FWCore_Framework_MakerMacros_h
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include "FWCore/Framework/interface/stream/EDProducer.h"
#include "FWCore/ParameterSet/interface/ConfigurationDescriptions.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"

namespace edm {
  namespace standin {
    struct Module {
      std::shared_ptr<const void> cache;  // destroyed after the producers, as in CMSSW
      std::vector<std::unique_ptr<stream::EDProducerBase>> streams;
      std::function<void()> endJob;
    };
    struct Maker {
      std::function<void(ConfigurationDescriptions&)> fillDescriptions;
      std::function<Module(const ParameterSet&, unsigned int)> make;  // (validated pset, number of streams)
    };
    inline std::map<std::string, Maker>& registry() {
      static std::map<std::string, Maker> r;
      return r;
    }
    template <typename T>
    bool registerModule(const char* name) {
      Maker m;
      m.fillDescriptions = [](ConfigurationDescriptions& d) { T::fillDescriptions(d); };
      m.make = [](const ParameterSet& ps, unsigned int nStreams) {
        using C = typename T::GlobalCacheType;
        std::shared_ptr<C> cache(T::initializeGlobalCache(ps).release());
        Module mod;
        mod.cache = cache;
        for (unsigned int s = 0; s < nStreams; ++s) {
          std::unique_ptr<T> p;
          if constexpr (std::is_constructible_v<T, const ParameterSet&, const C*>)
            p.reset(stream::impl::makeStreamModule<T>(ps, static_cast<const C*>(cache.get())));
          else  // TritonDummyCache.h's makeStreamModule: T(pset)
            p.reset(new T(ps));
          p->setGlobalCache_(cache.get());
          p->beginStream(StreamID(s));
          mod.streams.push_back(std::move(p));
        }
        mod.endJob = [cache] { T::globalEndJob(cache.get()); };
        return mod;
      };
      registry()[name] = m;
      return true;
    }
  }  // namespace standin
}  // namespace edm

#define DEFINE_FWK_MODULE(type) \
  static const bool e2e_standin_registered_##type [[maybe_unused]] = edm::standin::registerModule<type>(#type)
#endif
