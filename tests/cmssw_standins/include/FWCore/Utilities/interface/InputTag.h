// Stand-in for CMSSW's FWCore/Utilities/interface/InputTag.h: module label, product instance, process name.
#ifndef FWCore_Utilities_InputTag_h
#define FWCore_Utilities_InputTag_h
#include <string>

namespace edm {
  class InputTag {
  public:
    InputTag() = default;
    InputTag(std::string label, std::string instance = "", std::string process = "")
        : label_(std::move(label)), instance_(std::move(instance)), process_(std::move(process)) {}
    const std::string& label() const { return label_; }
    const std::string& instance() const { return instance_; }
    const std::string& process() const { return process_; }
    std::string encode() const {
      std::string s = label_;
      if (!instance_.empty() || !process_.empty()) s += ":" + instance_;
      if (!process_.empty()) s += ":" + process_;
      return s;
    }
    bool operator==(const InputTag& o) const {
      return label_ == o.label_ && instance_ == o.instance_ && process_ == o.process_;
    }

  private:
    std::string label_, instance_, process_;
  };
}  // namespace edm
#endif
