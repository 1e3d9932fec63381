// Stand-in for CMSSW's HeterogeneousCore/SonicCore/interface/SonicClient.h (and SonicClientTypes.h): a client with
// Input and Output types, input() for acquire() to fill and output() for produce() to read.
#ifndef HeterogeneousCore_SonicCore_SonicClient
#define HeterogeneousCore_SonicCore_SonicClient
#include <string>
#include "HeterogeneousCore/SonicCore/interface/SonicClientBase.h"

template <typename InputT, typename OutputT = InputT>
class SonicClientTypes {
public:
  typedef InputT Input;
  typedef OutputT Output;
  virtual ~SonicClientTypes() = default;
  Input& input() { return input_; }
  const Output& output() const { return output_; }

protected:
  Input input_;
  Output output_;
};

template <typename InputT, typename OutputT = InputT>
class SonicClient : public SonicClientBase, public SonicClientTypes<InputT, OutputT> {
public:
  SonicClient(const edm::ParameterSet& params, const std::string& debugName, const std::string& clientName)
      : SonicClientBase(params, debugName, clientName) {}
};
#endif
