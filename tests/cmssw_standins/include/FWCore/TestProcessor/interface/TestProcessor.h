// Stand-in for CMSSW's FWCore/TestProcessor/interface/TestProcessor.h (edm::test::TestProcessor, its Config), with
// CMSSW's signatures for what a module test uses:
//   edm::test::TestProcessor::Config config{python};   // a TestProcess configuration, as in CMSSW
//   auto token = config.produces<T>(moduleLabel, instance);   // an input product the test provides
//   edm::test::TestProcessor tester(config);          // runs the python, validates and constructs the module
//   auto event = tester.test(std::make_pair(token, std::make_unique<T>(...)), ...);   // one event
//   event.get<U>(instance)->...;                      // the module's product
// As CMSSW's TestProcessor embeds python, this one runs it: tests/cmssw_standins/pset.py executes the configuration
// (process.load of a cfi resolves on $CMSSW_SEARCH_PATH as scram lays out python/) and writes the ParameterSet of
// the module given to process.moduleToTest, which is validated against the module's fillDescriptions and constructed
// (standin/Framework.h). The python interpreter and pset.py are fixed when the test is compiled:
// -DE2E_STANDIN_PYTHON='"..."' -DE2E_STANDIN_PSET_PY='"..."'. Exceptions of the configuration, the module's
// constructor or its event methods propagate out of the constructor or test(), as in CMSSW. One stream; no
// EventSetup products, runs or lumis.
#ifndef FWCore_TestProcessor_TestProcessor_h
#define FWCore_TestProcessor_TestProcessor_h
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <typeindex>
#include <unistd.h>
#include <utility>
#include <vector>
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/EventSetup.h"
#include "FWCore/TestProcessor/interface/Event.h"
#include "FWCore/Utilities/interface/EDPutToken.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "standin/Framework.h"

#if !defined(E2E_STANDIN_PYTHON) || !defined(E2E_STANDIN_PSET_PY)
#error "the TestProcessor stand-in needs -DE2E_STANDIN_PYTHON and -DE2E_STANDIN_PSET_PY (see its header)"
#endif

namespace edm {
  namespace test {
    class TestProcessorConfig;

    class ProcessToken {
      friend TestProcessorConfig;

    public:
      ProcessToken() : index_{undefinedIndex()} {}
      int index() const { return index_; }
      static int undefinedIndex() { return -1; }

    private:
      explicit ProcessToken(int index) : index_{index} {}
      int index_;
    };

    class TestProcessorConfig {
    public:
      TestProcessorConfig(std::string const& iPythonConfiguration) : config_(iPythonConfiguration) {}
      std::string const& pythonConfiguration() const { return config_; }
      void setPythonConfiguration(std::string iConfig) { config_ = std::move(iConfig); }

      ProcessToken addExtraProcess(std::string const& iProcessName) {
        extraProcesses_.emplace_back(iProcessName);
        return ProcessToken(extraProcesses_.size() - 1);
      }
      std::vector<std::string> const& extraProcesses() const { return extraProcesses_; }

      template <typename T>
      edm::EDPutTokenT<T> produces(std::string iModuleLabel, std::string iProductInstanceLabel = std::string(),
                                   ProcessToken iToken = ProcessToken()) {
        produceEntries_.emplace_back(std::type_index(typeid(T)), std::move(iModuleLabel),
                                     std::move(iProductInstanceLabel), processName(iToken));
        return edm::EDPutTokenT<T>::makeIndexed(produceEntries_.size() - 1);
      }

      struct ProduceEntry {
        ProduceEntry(std::type_index iType, std::string moduleLabel, std::string instanceLabel, std::string processName)
            : type_{iType},
              moduleLabel_{std::move(moduleLabel)},
              instanceLabel_{std::move(instanceLabel)},
              processName_{std::move(processName)} {}
        std::type_index type_;
        std::string moduleLabel_;
        std::string instanceLabel_;
        std::string processName_;
      };
      std::vector<ProduceEntry> const& produceEntries() const { return produceEntries_; }

    private:
      std::string processName(ProcessToken iToken) {
        return iToken.index() == ProcessToken::undefinedIndex() ? std::string() : extraProcesses_[iToken.index()];
      }
      std::string config_;
      std::vector<std::string> extraProcesses_;
      std::vector<ProduceEntry> produceEntries_;
    };

    class TestProcessor {
    public:
      using Config = TestProcessorConfig;

      TestProcessor(Config const& iConfig) : entries_(iConfig.produceEntries()) {
        edm::ParameterSet ps = moduleParameterSet(iConfig.pythonConfiguration());
        labelOfTestModule_ = ps.getParameter<std::string>("@module_label");
        module_ = edm::standin::makeModule(ps);
      }
      TestProcessor(const TestProcessor&) = delete;
      const TestProcessor& operator=(const TestProcessor&) = delete;
      ~TestProcessor() noexcept(false) {
        if (module_.endJob)
          module_.endJob();
      }

      // Run the module on one event holding the given products.
      template <typename... T>
      edm::test::Event test(T&&... iArgs) {
        pending_.clear();
        return testImpl(std::forward<T>(iArgs)...);
      }

      std::string const& labelOfTestModule() const { return labelOfTestModule_; }

    private:
      template <typename T, typename... U>
      edm::test::Event testImpl(std::pair<edm::EDPutTokenT<T>, std::unique_ptr<T>>&& iPut, U&&... iArgs) {
        put(std::move(iPut));
        return testImpl(std::forward<U>(iArgs)...);
      }

      template <typename T>
      void put(std::pair<edm::EDPutTokenT<T>, std::unique_ptr<T>>&& iPut) {
        if (iPut.first.isUninitialized() || iPut.first.index() >= entries_.size())
          throw cms::Exception("LogicError") << "TestProcessor::test: a token not made by this Config's produces";
        const auto& e = entries_[iPut.first.index()];
        if (e.type_ != std::type_index(typeid(T)))
          throw cms::Exception("LogicError") << "TestProcessor::test: product '" << e.moduleLabel_ << ":"
                                             << e.instanceLabel_ << "' of another type than its produces<T>";
        if (!iPut.second)
          throw cms::Exception("LogicError") << "TestProcessor::test: null product for '" << e.moduleLabel_ << "'";
        auto product = std::make_shared<std::unique_ptr<T>>(std::move(iPut.second));
        const edm::InputTag tag(e.moduleLabel_, e.instanceLabel_, e.processName_);
        pending_.push_back(
            [tag, product](edm::Event& ev) { edm::standin::putWithViews(ev, tag, std::move(*product)); });
      }

      edm::test::Event testImpl() {
        auto event = std::make_shared<edm::Event>(labelOfTestModule_);
        for (auto& p : pending_)
          p(*event);
        pending_.clear();
        edm::standin::runEvent(*module_.streams.at(0), *event, edm::EventSetup());
        return edm::test::Event(event, labelOfTestModule_, "TEST", true);
      }

      // The python side: pset.py executes the configuration and writes the tested module's ParameterSet as text.
      static edm::ParameterSet moduleParameterSet(const std::string& python) {
        char dir[] = "/tmp/e2e_testprocessor_XXXXXX";
        if (!mkdtemp(dir))
          throw cms::Exception("FileOpenError") << "TestProcessor: cannot make a temporary directory";
        const std::string cfg = std::string(dir) + "/config.py", out = std::string(dir) + "/pset.txt";
        std::ofstream(cfg) << python;
        const std::string cmd =
            std::string("'") + E2E_STANDIN_PYTHON + "' '" + E2E_STANDIN_PSET_PY + "' '" + cfg + "' '" + out + "'";
        const int rc = std::system(cmd.c_str());
        std::ifstream in(out);
        std::stringstream text;
        text << in.rdbuf();
        std::remove(cfg.c_str());
        std::remove(out.c_str());
        rmdir(dir);
        if (rc != 0 || text.str().empty())
          throw cms::Exception("Configuration")
              << "TestProcessor: the python configuration failed (its error is on stderr):\n"
              << python;
        return edm::standin::readPSet(text);
      }

      std::vector<TestProcessorConfig::ProduceEntry> entries_;
      std::string labelOfTestModule_;
      edm::standin::Module module_;
      std::vector<std::function<void(edm::Event&)>> pending_;
    };
  }  // namespace test
}  // namespace edm
#endif
