// Stand-in for CMSSW's MessageLogger: edm::LogInfo / LogWarning / LogError(category) << ...; printed to stderr when
// $E2E_STANDIN_LOG is set (LogWarning and LogError always).
#ifndef FWCore_MessageLogger_MessageLogger_h
#define FWCore_MessageLogger_MessageLogger_h
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace edm {
  namespace standin {
    class Log {
    public:
      Log(const char* severity, std::string category, bool show) : show_(show) {
        o_ << '%' << severity << "-" << category << ": ";
      }
      ~Log() {
        if (show_) std::cerr << o_.str() << '\n';
      }
      template <typename T>
      Log& operator<<(const T& x) {
        o_ << x;
        return *this;
      }

    private:
      std::ostringstream o_;
      bool show_;
    };
  }  // namespace standin
  struct LogInfo : standin::Log {
    explicit LogInfo(std::string c) : standin::Log("MSG-i", std::move(c), std::getenv("E2E_STANDIN_LOG") != nullptr) {}
  };
  struct LogWarning : standin::Log {
    explicit LogWarning(std::string c) : standin::Log("MSG-w", std::move(c), true) {}
  };
  struct LogError : standin::Log {
    explicit LogError(std::string c) : standin::Log("MSG-e", std::move(c), true) {}
  };
}  // namespace edm
#endif
