// Stand-in for CMSSW's edm::ConfigurationDescriptions: the descriptions a module's fillDescriptions registers.
#ifndef FWCore_ParameterSet_ConfigurationDescriptions_h
#define FWCore_ParameterSet_ConfigurationDescriptions_h
#include <map>
#include <string>
#include <utility>
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"

namespace edm {
  class ConfigurationDescriptions {
  public:
    void add(const std::string& label, ParameterSetDescription d) { descs_[label] = std::move(d); }
    void addWithDefaultLabel(ParameterSetDescription d) { descs_["@default"] = std::move(d); }
    const std::map<std::string, ParameterSetDescription>& descriptions() const { return descs_; }  // stand-in only

  private:
    std::map<std::string, ParameterSetDescription> descs_;
  };
}  // namespace edm
#endif
