// Stand-in for CMSSW's FWCore/TestProcessor/interface/Event.h: the event after the tested module ran;
// get<T>(instance) returns a TestHandle to the product the module put with that instance label.
#ifndef FWCore_TestProcessor_Event_h
#define FWCore_TestProcessor_Event_h
#include <memory>
#include <string>
#include <typeinfo>
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/TestProcessor/interface/TestHandle.h"

namespace edm {
  namespace test {
    class Event {
    public:
      Event(std::shared_ptr<const edm::Event> principal, std::string moduleLabel, std::string processName,
            bool modulePassed)
          : principal_(std::move(principal)),
            label_(std::move(moduleLabel)),
            processName_(std::move(processName)),
            modulePassed_(modulePassed) {}

      template <typename T>
      TestHandle<T> get() const {
        static const std::string s_null;
        return get<T>(s_null);
      }
      template <typename T>
      TestHandle<T> get(std::string const& iInstanceLabel) const {
        if (const T* p = principal_->product<T>(label_, iInstanceLabel))
          return TestHandle<T>(p);
        return TestHandle<T>("Principal::getByLabel: Found zero products matching all criteria\nLooking for type: " +
                             std::string(typeid(T).name()) + "\nLooking for module label: " + label_ +
                             "\nLooking for productInstanceName: " + iInstanceLabel +
                             "\nLooking for process: " + processName_);
      }
      bool modulePassed() const { return modulePassed_; }

    private:
      std::shared_ptr<const edm::Event> principal_;
      std::string label_;
      std::string processName_;
      bool modulePassed_;
    };
  }  // namespace test
}  // namespace edm
#endif
