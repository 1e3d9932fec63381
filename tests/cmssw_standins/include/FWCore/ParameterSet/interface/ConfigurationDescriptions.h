// Stand-in for CMSSW's edm::ConfigurationDescriptions: the descriptions a module's fillDescriptions registers, and
// writeCfis, which writes <label>_cfi.py for each labelled description as scram's edmWriteConfigs does
// (FWCore/ParameterSet/src/ConfigurationDescriptions.cc: writeCfiForLabel).
#ifndef FWCore_ParameterSet_ConfigurationDescriptions_h
#define FWCore_ParameterSet_ConfigurationDescriptions_h
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "FWCore/ParameterSet/interface/ParameterSetDescription.h"

namespace edm {
  class ConfigurationDescriptions {
  public:
    ConfigurationDescriptions(std::string baseType = "EDProducer", std::string pluginName = "")
        : baseType_(std::move(baseType)), pluginName_(std::move(pluginName)) {}
    void add(const std::string& label, ParameterSetDescription d) { descs_[label] = std::move(d); }
    // CMSSW labels it defaultModuleLabel(pluginName): leading capitals lowercased (all but the last of a run of
    // several), e.g. MassRegressionProducer -> massRegressionProducer.
    void addWithDefaultLabel(ParameterSetDescription d) { add(defaultModuleLabel(pluginName_), std::move(d)); }
    const std::map<std::string, ParameterSetDescription>& descriptions() const { return descs_; }  // stand-in only

    // Writes DIR/<label>_cfi.py per description: "import FWCore.ParameterSet.Config as cms", a blank line,
    // "<label> = cms.<baseType>('<pluginName>'" and the defaults (ParameterSetDescription::writeCfi, indentation 2),
    // then ")". Returns the labels written. (A real release also appends the untracked optional 'mightGet' that the
    // framework adds to every module's description; the stand-in does not, it is no parameter of the plugin's.)
    std::vector<std::string> writeCfis(const std::string& dir) const {
      std::vector<std::string> labels;
      for (const auto& [label, desc] : descs_) {
        if (label.empty() || label[0] == '@') continue;
        const std::string path = dir + "/" + label + "_cfi.py";
        std::ofstream out(path);
        out << "import FWCore.ParameterSet.Config as cms\n\n";
        out << label << " = cms." << baseType_ << "('" << pluginName_ << "'";
        desc.writeCfi(out, true, 2);
        out << ")\n";
        if (!out) throw cms::Exception("FileWriteError") << "cannot write " << path;
        labels.push_back(label);
      }
      return labels;
    }

  private:
    static std::string defaultModuleLabel(std::string label) {  // FWCore/Utilities/src/defaultModuleLabel.cc
      if (label.empty()) return "@default";
      std::string s;
      for (char c : label)
        if (c != ':') s += c;
      s.erase(std::min(s.find('@'), s.size()));  // module alternatives: Type@alpaka
      std::size_t ups = 0;
      while (ups < s.size() && std::isupper(static_cast<unsigned char>(s[ups]))) ++ups;
      if (ups > 1 && ups != s.size()) --ups;
      for (std::size_t i = 0; i < ups; ++i) s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
      return s;
    }
    std::string baseType_, pluginName_;
    std::map<std::string, ParameterSetDescription> descs_;
  };
}  // namespace edm
#endif
