// Stand-in for CMSSW's edm::ParameterSet: named, typed parameters, tracked or untracked, nested ParameterSets
// (getParameter<T>, getUntrackedParameter<T>, getParameterSet, addParameter<T>, addUntrackedParameter<T>, existsAs<T>).
// Asking for a missing parameter, for the wrong type or with the wrong trackiness throws
// cms::Exception("Configuration"), as in CMSSW.
#ifndef FWCore_ParameterSet_ParameterSet_h
#define FWCore_ParameterSet_ParameterSet_h
#include <any>
#include <map>
#include <set>
#include <string>
#include <vector>
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  class ParameterSet {
  public:
    template <typename T>
    T getParameter(const std::string& name) const {
      return get<T>(name, false);
    }
    template <typename T>
    T getUntrackedParameter(const std::string& name) const {
      return get<T>(name, true);
    }
    template <typename T>
    T getUntrackedParameter(const std::string& name, const T& dflt) const {
      return exists(name) ? get<T>(name, true) : dflt;
    }
    ParameterSet getParameterSet(const std::string& name) const { return get<ParameterSet>(name, false); }
    ParameterSet getUntrackedParameterSet(const std::string& name) const { return get<ParameterSet>(name, true); }
    template <typename T>
    void addParameter(const std::string& name, T value) {
      params_[name] = std::move(value);
      untracked_.erase(name);
    }
    template <typename T>
    void addUntrackedParameter(const std::string& name, T value) {
      params_[name] = std::move(value);
      untracked_.insert(name);
    }
    template <typename T>
    bool existsAs(const std::string& name, bool trackiness = true) const {
      auto it = params_.find(name);
      return it != params_.end() && std::any_cast<T>(&it->second) != nullptr && isTracked(name) == trackiness;
    }
    bool exists(const std::string& name) const { return params_.count(name) > 0; }
    std::vector<std::string> getParameterNames() const {
      std::vector<std::string> n;
      for (const auto& kv : params_)
        n.push_back(kv.first);
      return n;
    }
    const std::any& raw(const std::string& name) const { return params_.at(name); }  // stand-in only
    void setRaw(const std::string& name, std::any v, bool tracked = true) {          // stand-in only
      params_[name] = std::move(v);
      if (tracked)
        untracked_.erase(name);
      else
        untracked_.insert(name);
    }
    bool isTracked(const std::string& name) const { return untracked_.count(name) == 0; }  // stand-in only

  private:
    template <typename T>
    T get(const std::string& name, bool untracked) const {
      auto it = params_.find(name);
      if (it == params_.end())
        throw cms::Exception("Configuration") << "MissingParameter: " << (untracked ? "untracked " : "")
                                              << "Parameter '" << name << "' not found in the ParameterSet";
      if (isTracked(name) == untracked)
        throw cms::Exception("Configuration")
            << "Parameter '" << name << "' is " << (untracked ? "tracked" : "untracked") << ", asked for as "
            << (untracked ? "untracked" : "tracked");
      if (const T* v = std::any_cast<T>(&it->second))
        return *v;
      throw cms::Exception("Configuration") << "Parameter '" << name << "' is not of the requested type";
    }
    std::map<std::string, std::any> params_;
    std::set<std::string> untracked_;
  };
}  // namespace edm
#endif
