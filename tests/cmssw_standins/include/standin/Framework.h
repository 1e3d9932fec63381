// Stand-in only (no CMSSW header): what the stand-in framework (run_module.cc, FWCore/TestProcessor) shares.
//   readPSet: a module's ParameterSet from the text that tests/cmssw_standins/pset.py writes of a python
//     configuration: TYPE<TAB>NAME<TAB>VALUE[<TAB>VALUE...] per line; TYPE one of string, vstring, InputTag ("a:b:c"),
//     VInputTag, FileInPath, uint32, int32, double, bool (True/False), or "PSet" with the number N of its parameters as
//     value, followed by those N lines; any TYPE may be prefixed by "untracked ".
//   makeModule: the module of the ParameterSet's @module_type, validated against its fillDescriptions and constructed
//     as the framework does (MakerMacros.h), one stream.
//   putWithViews: put a collection into an Event as a product, and as an edm::View<B> for each element's base B.
//   runEvent: the event transition of one stream module: acquire() for an ExternalWork module (rethrowing the
//     exception its asynchronous work ended with), then produce().
#ifndef standin_Framework_h
#define standin_Framework_h
#include <istream>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/Framework/interface/MakerMacros.h"
#include "FWCore/ParameterSet/interface/ConfigurationDescriptions.h"
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "FWCore/Utilities/interface/InputTag.h"

namespace edm {
  namespace standin {
    inline std::vector<std::string> split(const std::string& s, char sep) {
      std::vector<std::string> out;
      std::string cur;
      std::istringstream in(s);
      while (std::getline(in, cur, sep))
        out.push_back(cur);
      if (!s.empty() && s.back() == sep)
        out.push_back("");
      return out;
    }

    inline InputTag inputTag(const std::string& s) {
      auto p = split(s, ':');
      p.resize(3);
      return InputTag(p[0], p[1], p[2]);
    }

    // Reads `count` parameters (all if count < 0) from `in` into a ParameterSet.
    inline ParameterSet readPSet(std::istream& in, long count = -1) {
      ParameterSet ps;
      std::string line;
      for (long i = 0; (count < 0 || i < count) && std::getline(in, line);) {
        if (line.empty())
          continue;
        ++i;
        auto f = split(line, '\t');
        if (f.size() < 2)
          throw cms::Exception("Configuration") << "bad configuration line: " << line;
        std::string type = f[0];
        const std::string name = f[1];
        const bool tracked = type.rfind("untracked ", 0) != 0;
        if (!tracked)
          type = type.substr(10);
        std::vector<std::string> v(f.begin() + 2, f.end());
        auto one = [&]() -> std::string {
          if (v.size() != 1)
            throw cms::Exception("Configuration") << name << ": expected one value";
          return v[0];
        };
        std::any value;
        if (type == "string")
          value = std::string(v.empty() ? "" : one());
        else if (type == "vstring")
          value = v;
        else if (type == "InputTag")
          value = inputTag(one());
        else if (type == "VInputTag") {
          std::vector<InputTag> tags;
          for (const auto& s : v)
            tags.push_back(inputTag(s));
          value = tags;
        } else if (type == "FileInPath")
          value = FileInPath(one());
        else if (type == "uint32")
          value = static_cast<unsigned int>(std::stoul(one()));
        else if (type == "int32")
          value = std::stoi(one());
        else if (type == "double")
          value = std::stod(one());
        else if (type == "bool")
          value = one() == "True" || one() == "true" || one() == "1";
        else if (type == "PSet")
          value = readPSet(in, std::stol(one()));
        else
          throw cms::Exception("Configuration") << "unknown parameter type " << type << " of " << name;
        ps.setRaw(name, std::move(value), tracked);
      }
      return ps;
    }

    // The module of ps's @module_type, validated and constructed as the framework does (one stream).
    inline Module makeModule(ParameterSet& ps) {
      const std::string type = ps.getParameter<std::string>("@module_type");
      auto it = registry().find(type);
      if (it == registry().end())
        throw cms::Exception("PluginNotFound") << "Unable to find plugin '" << type << "'";
      ConfigurationDescriptions descs("EDProducer", type);
      it->second.fillDescriptions(descs);
      for (const auto& kv : descs.descriptions())
        kv.second.validate(ps);
      return it->second.make(ps, 1);
    }

    template <typename C>
    struct IsVector : std::false_type {};
    template <typename E, typename A>
    struct IsVector<std::vector<E, A>> : std::true_type {};

    template <typename C>
    ProductID putWithViews(Event& event, const InputTag& tag, std::unique_ptr<C> p) {
      const ProductID id = event.addProduct(tag, std::move(p));
      if constexpr (IsVector<C>::value) {
        using E = typename C::value_type;
        event.addViewOf<E, C>(tag);
        ViewBases<E>::each(
            [&](auto* base) { event.addViewOf<std::remove_cv_t<std::remove_pointer_t<decltype(base)>>, C>(tag); });
      }
      return id;
    }

    inline void runEvent(stream::EDProducerBase& module, Event& event, const EventSetup& es) {
      if (auto* ew = dynamic_cast<stream::ExternalWorkBase*>(&module)) {
        WaitingTaskWithArenaHolder holder;
        ew->acquire(event, es, holder);
        if (holder.exception())
          std::rethrow_exception(holder.exception());
      }
      module.produce(event, es);
    }
  }  // namespace standin
}  // namespace edm
#endif
