// Module test of MassRegressionProducer with FWCore/TestProcessor (scram b runtests): one ValueMap<float> value per
// AK8 jet, -1 for a jet that fails RecoE2E's selection or whose seed failed, no jets, and the errors for frames of the
// wrong size or not one per jet. (Outside CMSSW, e2e_nb's tests/test_cmssw_producer.py compiles this producer against
// framework stand-ins and checks its masses against Python; this file needs a CMSSW release and is not built there.)
#define CATCH_CONFIG_MAIN
#if __has_include("catch.hpp")
#include "catch.hpp"
#else
#include <catch2/catch.hpp>
#endif

#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/JetReco/interface/PFJet.h"
#include "FWCore/TestProcessor/interface/TestProcessor.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"

namespace {
  reco::PFJet jet(double pt, double eta, double phi, double m) {
    reco::PFJet j;
    j.setP4(reco::Particle::PolarLorentzVector(pt, eta, phi, m));
    return j;
  }
  std::vector<float> values(const edm::ValueMap<float>& vm) {
    std::vector<float> v;
    for (auto it = vm.begin(); it != vm.end(); ++it)
      for (std::size_t i = 0; i < it.size(); ++i)
        v.push_back(it[i]);
    return v;
  }
}  // namespace

TEST_CASE("MassRegressionProducer", "[MassRegression]") {
  edm::test::TestProcessor::Config config{R"_(
from FWCore.TestProcessor.TestProcess import *
process = TestProcess()
process.load('RecoE2E.MassRegression.massRegression_cfi')
process.moduleToTest(process.massRegression)
)_"};
  const auto jets = config.produces<std::vector<reco::PFJet>>("ak8PFJetsCHS");
  const auto frames = config.produces<e2e::Frame4D>("JetFrames", "JetFrames");
  const auto seeds = config.produces<e2e::Frame2D>("JetFrames", "JetSeeds");
  edm::test::TestProcessor tester(config);
  // 9 channels x 125 x 125 in RecoE2E's push order (the default frameChannels); a zero frame is what RecoE2E keeps
  // for a failed seed
  const e2e::Frame3D zero(9, e2e::Frame2D(125, std::vector<float>(125, 0.f)));
  e2e::Frame3D hit = zero;
  hit[1][62][62] = 50.f;  // 50 GeV in the ECAL channel at the centre

  SECTION("one mass per jet, -1 for a failed seed or a jet RecoE2E does not select") {
    auto j = std::make_unique<std::vector<reco::PFJet>>(
        std::vector<reco::PFJet>{jet(500, 0.1, 0.2, 170), jet(500, 0.1, 0.2, 170), jet(300, 0.1, 0.2, 170),
                                 jet(500, 1.5, 0.2, 170), jet(500, 0.1, 0.2, 170)});
    auto f = std::make_unique<e2e::Frame4D>(e2e::Frame4D{hit, zero, hit, hit, hit});
    auto s = std::make_unique<e2e::Frame2D>(e2e::Frame2D{{137, 182}, {-1, -1}, {137, 182}, {137, 182}, {137, 182}});
    const auto event = tester.test(std::make_pair(jets, std::move(j)), std::make_pair(frames, std::move(f)),
                                   std::make_pair(seeds, std::move(s)));
    const auto m = values(*event.get<edm::ValueMap<float>>("m_target"));
    REQUIRE(m.size() == 5);
    CHECK(m[1] == -1.f);
    CHECK(m[2] == -1.f);
    CHECK(m[3] == -1.f);
    CHECK(m[0] == m[4]);
    CHECK(m[0] != -1.f);
  }

  SECTION("an event without jets") {
    const auto event = tester.test(std::make_pair(jets, std::make_unique<std::vector<reco::PFJet>>()),
                                   std::make_pair(frames, std::make_unique<e2e::Frame4D>()),
                                   std::make_pair(seeds, std::make_unique<e2e::Frame2D>()));
    CHECK(event.get<edm::ValueMap<float>>("m_target")->size() == 0);
  }

  SECTION("a frame of the wrong size, or frames that are not one per jet, are errors") {
    const e2e::Frame3D bad(7, e2e::Frame2D(125, std::vector<float>(125, 0.f)));
    auto one = [] { return std::make_unique<std::vector<reco::PFJet>>(1, jet(500, 0.1, 0.2, 170)); };
    REQUIRE_THROWS_AS(tester.test(std::make_pair(jets, one()),
                                  std::make_pair(frames, std::make_unique<e2e::Frame4D>(e2e::Frame4D{bad})),
                                  std::make_pair(seeds, std::make_unique<e2e::Frame2D>(e2e::Frame2D{{137, 182}}))),
                      cms::Exception);
    REQUIRE_THROWS_AS(tester.test(std::make_pair(jets, one()), std::make_pair(frames, std::make_unique<e2e::Frame4D>()),
                                  std::make_pair(seeds, std::make_unique<e2e::Frame2D>())),
                      cms::Exception);
  }
}
