// Stand-in for CMSSW's edm::FileInPath: a path relative to the release areas, resolved at construction against the
// colon-separated $CMSSW_SEARCH_PATH (as in CMSSW); throws cms::Exception("FileInPathError") when no area holds it.
#ifndef FWCore_ParameterSet_FileInPath_h
#define FWCore_ParameterSet_FileInPath_h
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include "FWCore/Utilities/interface/Exception.h"

namespace edm {
  class FileInPath {
  public:
    FileInPath() = default;
    explicit FileInPath(const std::string& relative) : relative_(relative) {
      const char* env = std::getenv("CMSSW_SEARCH_PATH");
      std::istringstream areas(env ? env : "");
      for (std::string a; std::getline(areas, a, ':');) {
        if (a.empty()) continue;
        const std::string p = a + "/" + relative;
        if (std::ifstream(p).good()) {
          full_ = p;
          return;
        }
      }
      throw cms::Exception("FileInPathError") << "edm::FileInPath unable to find file " << relative
                                              << " anywhere in the search path.\nThe search path is defined by: "
                                              << "CMSSW_SEARCH_PATH\n${CMSSW_SEARCH_PATH} is: " << (env ? env : "");
    }
    const std::string& relativePath() const { return relative_; }
    const std::string& fullPath() const { return full_; }

  private:
    std::string relative_, full_;
  };
}  // namespace edm
#endif
