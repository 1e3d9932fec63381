// Stand-in for CMSSW's edm::ParameterSetDescription: add<T>(name, default)->setComment(...). validate() does what the
// framework does with a module's description before constructing it: reject parameters it does not describe or of
// another type, and insert the defaults of the missing ones.
#ifndef FWCore_ParameterSet_ParameterSetDescription_h
#define FWCore_ParameterSet_ParameterSetDescription_h
#include <any>
#include <memory>
#include <string>
#include <typeindex>
#include <vector>
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  class ParameterDescriptionBase {
  public:
    ParameterDescriptionBase(std::string name, std::any dflt)
        : name_(std::move(name)), default_(std::move(dflt)), type_(default_.type()) {}
    void setComment(const std::string& c) { comment_ = c; }
    const std::string& name() const { return name_; }
    const std::string& comment() const { return comment_; }
    const std::any& defaultValue() const { return default_; }
    std::type_index type() const { return type_; }

  private:
    std::string name_, comment_;
    std::any default_;
    std::type_index type_;
  };

  class ParameterSetDescription {
  public:
    template <typename T, typename U>
    ParameterDescriptionBase* add(const U& label, const T& dflt) {  // the template arguments of CMSSW's
      const std::string name(label);
      for (const auto& p : params_)
        if (p->name() == name)
          throw cms::Exception("LogicError") << "parameter '" << name << "' is described twice";
      params_.push_back(std::make_shared<ParameterDescriptionBase>(name, std::any(dflt)));
      return params_.back().get();
    }
    void validate(ParameterSet& ps) const {
      for (const auto& n : ps.getParameterNames()) {
        if (n.rfind("@", 0) == 0) continue;  // @module_type, @module_label
        const ParameterDescriptionBase* d = find(n);
        if (!d)
          throw cms::Exception("Configuration") << "Illegal parameter found in configuration.  The parameter is named:\n '"
                                                << n << "'\nYou could be trying to use a parameter name that is not allowed "
                                                << "for this plugin or it could be misspelled.";
        if (std::type_index(ps.raw(n).type()) != d->type())
          throw cms::Exception("Configuration") << "Parameter '" << n << "' has the wrong type; expected the type of its "
                                                << "description (" << d->comment() << ")";
      }
      for (const auto& p : params_)
        if (!ps.exists(p->name())) ps.setRaw(p->name(), p->defaultValue());
    }
    const std::vector<std::shared_ptr<ParameterDescriptionBase>>& parameters() const { return params_; }

  private:
    const ParameterDescriptionBase* find(const std::string& n) const {
      for (const auto& p : params_)
        if (p->name() == n) return p.get();
      return nullptr;
    }
    std::vector<std::shared_ptr<ParameterDescriptionBase>> params_;
  };
}  // namespace edm
#endif
