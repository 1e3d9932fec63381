// Stand-in for CMSSW's HeterogeneousCore/SonicTriton/interface/TritonDummyCache.h: Triton modules have a GlobalCache
// (initializeGlobalCache registers the model with the TritonService) but are constructed from the ParameterSet only.
#ifndef HeterogeneousCore_SonicTriton_TritonDummyCache
#define HeterogeneousCore_SonicTriton_TritonDummyCache

struct TritonDummyCache {};

namespace edm {
  class ParameterSet;
  namespace stream {
    namespace impl {
      template <typename T>
      T* makeStreamModule(edm::ParameterSet const& iPSet, const TritonDummyCache*) {
        return new T(iPSet);
      }
    }  // namespace impl
  }    // namespace stream
}  // namespace edm
#endif
