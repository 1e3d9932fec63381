// Stand-in for CMSSW's edm::ParameterSet: named, typed parameters (getParameter<T>, addParameter<T>, existsAs<T>).
// Asking for a missing parameter or for the wrong type throws cms::Exception("Configuration"), as in CMSSW.
#ifndef FWCore_ParameterSet_ParameterSet_h
#define FWCore_ParameterSet_ParameterSet_h
#include <any>
#include <map>
#include <string>
#include <vector>
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  class ParameterSet {
  public:
    template <typename T>
    T getParameter(const std::string& name) const {
      auto it = params_.find(name);
      if (it == params_.end())
        throw cms::Exception("Configuration") << "MissingParameter: Parameter '" << name
                                              << "' not found in the ParameterSet";
      if (const T* v = std::any_cast<T>(&it->second)) return *v;
      throw cms::Exception("Configuration") << "Parameter '" << name << "' is not of the requested type";
    }
    template <typename T>
    void addParameter(const std::string& name, T value) {
      params_[name] = std::move(value);
    }
    template <typename T>
    bool existsAs(const std::string& name) const {
      auto it = params_.find(name);
      return it != params_.end() && std::any_cast<T>(&it->second) != nullptr;
    }
    bool exists(const std::string& name) const { return params_.count(name) > 0; }
    std::vector<std::string> getParameterNames() const {
      std::vector<std::string> n;
      for (const auto& kv : params_) n.push_back(kv.first);
      return n;
    }
    const std::any& raw(const std::string& name) const { return params_.at(name); }  // stand-in only
    void setRaw(const std::string& name, std::any v) { params_[name] = std::move(v); }  // stand-in only

  private:
    std::map<std::string, std::any> params_;
  };
}  // namespace edm
#endif
