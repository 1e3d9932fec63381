// Stand-in for CMSSW's edm::ParameterSetDescription: add<T>(name, default)->setComment(...), add<T>(name) (required),
// addUntracked<T>(...), and add<ParameterSetDescription>(name, desc) for a nested PSet. validate() does what the
// framework does with a module's description before constructing it: reject parameters it does not describe, of
// another type or trackiness, and missing required ones, insert the defaults of the missing optional ones, and
// validate nested PSets against their descriptions. (CMSSW's ifValue/allowedValues is not stood in for.)
// writeCfi() writes the defaults as CMSSW's ParameterSetDescription::writeCfi does for a generated <label>_cfi.py
// (FWCore/ParameterSet/src/ParameterDescription.cc, ParameterDescriptionBase.cc: "\n<indent>name = cms.type(value)"
// comma-separated; doubles at the shortest of 17 or 15 significant digits that reads back exactly; an InputTag as
// 'label', 'instance', 'process'; a vector of one element inline, of several one element per line). Only the parameter
// types this project's plugins describe.
#ifndef FWCore_ParameterSet_ParameterSetDescription_h
#define FWCore_ParameterSet_ParameterSetDescription_h
#include <any>
#include <cstdlib>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <typeindex>
#include <vector>
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/Utilities/interface/InputTag.h"
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  class ParameterDescriptionBase {
  public:
    ParameterDescriptionBase(std::string name, std::any dflt, std::type_index type, bool tracked)
        : name_(std::move(name)), default_(std::move(dflt)), type_(type), tracked_(tracked) {}
    void setComment(const std::string& c) { comment_ = c; }
    const std::string& name() const { return name_; }
    const std::string& comment() const { return comment_; }
    const std::any& defaultValue() const { return default_; }
    std::type_index type() const { return type_; }
    bool isTracked() const { return tracked_; }
    bool hasDefault() const { return default_.has_value(); }

  private:
    std::string name_, comment_;
    std::any default_;
    std::type_index type_;
    bool tracked_;
  };

  class ParameterSetDescription {
  public:
    template <typename T, typename U>
    ParameterDescriptionBase* add(const U& label, const T& dflt) {  // the template arguments of CMSSW's
      return insert<T>(std::string(label), std::any(dflt), true);
    }
    template <typename T, typename U>
    ParameterDescriptionBase* add(const U& label) {  // a required parameter: no default
      return insert<T>(std::string(label), std::any(), true);
    }
    template <typename T, typename U>
    ParameterDescriptionBase* addUntracked(const U& label, const T& dflt) {
      return insert<T>(std::string(label), std::any(dflt), false);
    }
    template <typename T, typename U>
    ParameterDescriptionBase* addUntracked(const U& label) {
      return insert<T>(std::string(label), std::any(), false);
    }
    void validate(ParameterSet& ps) const {
      for (const auto& n : ps.getParameterNames()) {
        if (n.rfind("@", 0) == 0)
          continue;  // @module_type, @module_label
        const ParameterDescriptionBase* d = find(n);
        if (!d)
          throw cms::Exception("Configuration")
              << "Illegal parameter found in configuration.  The parameter is named:\n '" << n
              << "'\nYou could be trying to use a parameter name that is not allowed "
              << "for this plugin or it could be misspelled.";
        const bool pset = d->type() == std::type_index(typeid(ParameterSetDescription));
        const std::type_index want = pset ? std::type_index(typeid(ParameterSet)) : d->type();
        if (std::type_index(ps.raw(n).type()) != want)
          throw cms::Exception("Configuration")
              << "Parameter '" << n << "' has the wrong type; expected the type of its "
              << "description (" << d->comment() << ")";
        if (ps.isTracked(n) != d->isTracked())
          throw cms::Exception("Configuration")
              << "Parameter '" << n << "' is " << (d->isTracked() ? "untracked" : "tracked")
              << " in the configuration but " << (d->isTracked() ? "tracked" : "untracked") << " in its description";
      }
      for (const auto& p : params_) {
        const bool pset = p->type() == std::type_index(typeid(ParameterSetDescription));
        if (pset) {  // validate the nested PSet (an absent one gets its description's defaults)
          ParameterSet nested = ps.exists(p->name()) ? std::any_cast<ParameterSet>(ps.raw(p->name())) : ParameterSet();
          if (p->hasDefault())
            std::any_cast<const ParameterSetDescription&>(p->defaultValue()).validate(nested);
          ps.setRaw(p->name(), nested, p->isTracked());
        } else if (!ps.exists(p->name())) {
          if (!p->hasDefault())
            throw cms::Exception("Configuration")
                << "Missing required parameter: the ParameterSet has no " << (p->isTracked() ? "" : "untracked ")
                << "parameter '" << p->name() << "' and its description gives no default";
          ps.setRaw(p->name(), p->defaultValue(), p->isTracked());
        }
      }
    }
    const std::vector<std::shared_ptr<ParameterDescriptionBase>>& parameters() const { return params_; }

    // The defaults as the arguments of a cms.EDProducer(...) in a cfi, each after a comma (startWithComma) on its own
    // line indented by `indentation`; then a newline and indentation - 2 spaces, as in CMSSW.
    void writeCfi(std::ostream& os, bool startWithComma, int indentation) const {
      for (const auto& p : params_) {
        if (startWithComma)
          os << ",";
        startWithComma = true;
        os << "\n" << std::string(indentation, ' ') << p->name() << " = cms.";
        writeValue(os, p->defaultValue(), indentation, p->name());
        os << ")";
      }
      if (!params_.empty())
        os << "\n" << std::string(indentation - 2, ' ');
    }

  private:
    template <typename T>
    ParameterDescriptionBase* insert(const std::string& name, std::any dflt, bool tracked) {
      for (const auto& p : params_)
        if (p->name() == name)
          throw cms::Exception("LogicError") << "parameter '" << name << "' is described twice";
      params_.push_back(
          std::make_shared<ParameterDescriptionBase>(name, std::move(dflt), std::type_index(typeid(T)), tracked));
      return params_.back().get();
    }
    static std::string formatDouble(double v) {  // CMSSW's writeParameterValue::formatDouble
      std::ostringstream s17;
      s17 << std::setprecision(17) << v;
      std::string r = s17.str();
      if (r.size() > 15 && r.find('.') != std::string::npos) {
        std::ostringstream s15;
        s15 << std::setprecision(15) << v;
        const std::string shorter = s15.str();
        if (shorter.size() < r.size() - 2 && std::strtod(shorter.c_str(), nullptr) == v)
          r = shorter;
      }
      return r;
    }
    static void writeValue(std::ostream& os, const std::any& v, int indentation, const std::string& name) {
      const auto& t = v.type();
      if (t == typeid(std::string))
        os << "string('" << std::any_cast<std::string>(v) << "'";
      else if (t == typeid(double))
        os << "double(" << formatDouble(std::any_cast<double>(v));
      else if (t == typeid(int))
        os << "int32(" << std::any_cast<int>(v);
      else if (t == typeid(unsigned int))
        os << "uint32(" << std::any_cast<unsigned int>(v);
      else if (t == typeid(bool))
        os << "bool(" << (std::any_cast<bool>(v) ? "True" : "False");
      else if (t == typeid(FileInPath))
        os << "FileInPath('" << std::any_cast<FileInPath>(v).relativePath() << "'";
      else if (t == typeid(InputTag)) {
        const auto& tag = std::any_cast<InputTag>(v);
        os << "InputTag('" << tag.label() << "'";
        if (!tag.instance().empty() || !tag.process().empty())
          os << ", '" << tag.instance() << "'";
        if (!tag.process().empty())
          os << ", '" << tag.process() << "'";
      } else if (t == typeid(std::vector<std::string>)) {
        const auto& vs = std::any_cast<std::vector<std::string>>(v);
        os << "vstring(";
        if (vs.size() == 1)
          os << "'" << vs[0] << "'";
        else if (!vs.empty()) {
          for (std::size_t i = 0; i < vs.size(); ++i)
            os << (i ? "," : "") << "\n" << std::string(indentation + 2, ' ') << "'" << vs[i] << "'";
          os << "\n" << std::string(indentation, ' ');
        }
      } else
        throw cms::Exception("LogicError")
            << "writeCfi: the stand-in cannot write the type of parameter '" << name << "'";
    }
    const ParameterDescriptionBase* find(const std::string& n) const {
      for (const auto& p : params_)
        if (p->name() == n)
          return p.get();
      return nullptr;
    }
    std::vector<std::shared_ptr<ParameterDescriptionBase>> params_;
  };
}  // namespace edm
#endif
