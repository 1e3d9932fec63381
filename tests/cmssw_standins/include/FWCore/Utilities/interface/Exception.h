// Stand-in for CMSSW's FWCore/Utilities/interface/Exception.h: cms::Exception(category) << message, what(), category().
#ifndef FWCore_Utilities_Exception_h
#define FWCore_Utilities_Exception_h
#include <exception>
#include <sstream>
#include <string>

namespace cms {
  class Exception : public std::exception {
  public:
    explicit Exception(std::string category, std::string message = "")
        : category_(std::move(category)), message_(std::move(message)) {
      update();
    }
    template <typename T>
    Exception& operator<<(const T& x) {
      std::ostringstream o;
      o << x;
      message_ += o.str();
      update();
      return *this;
    }
    const char* what() const noexcept override { return what_.c_str(); }
    const std::string& category() const { return category_; }
    std::string message() const { return message_; }
    std::string explainSelf() const { return what_; }

  private:
    void update() { what_ = "An exception of category '" + category_ + "' occurred.\n" + message_; }
    std::string category_, message_, what_;
  };
}  // namespace cms
#endif
