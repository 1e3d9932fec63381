// Module test of MassRegressionProducer with FWCore/TestProcessor: one mass per jet in one call, {-1} for a jet whose
// RecoE2E seed failed or whose frame is missing, no jets, and the error for a frame of the wrong size.
#define CATCH_CONFIG_MAIN
#if __has_include("catch.hpp")
#include "catch.hpp"
#else
#include <catch2/catch.hpp>
#endif

#include "FWCore/TestProcessor/interface/TestProcessor.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"

TEST_CASE("MassRegressionProducer", "[MassRegression]") {
  edm::test::TestProcessor::Config config{R"_(
from FWCore.TestProcessor.TestProcess import *
process = TestProcess()
process.load('RecoE2E.MassRegression.massRegression_cfi')
process.moduleToTest(process.massRegression)
)_"};
  const auto frames = config.produces<e2e::Frame4D>("JetFrames", "JetFrames");
  const auto seeds = config.produces<e2e::Frame2D>("JetFrames", "JetSeeds");
  edm::test::TestProcessor tester(config);
  // 8 channels x 125 x 125 as in the default configuration; a zero frame is what RecoE2E keeps for a failed seed
  const e2e::Frame3D zero(8, e2e::Frame2D(125, std::vector<float>(125, 0.f)));
  e2e::Frame3D hit = zero;
  hit[3][62][62] = 50.f;  // 50 GeV in the ECAL channel at the centre

  SECTION("one mass per jet, {-1} for a failed seed or a missing frame") {
    auto in = std::make_unique<e2e::Frame4D>(e2e::Frame4D{hit, zero, e2e::Frame3D{}, hit});
    auto s = std::make_unique<e2e::Frame2D>(e2e::Frame2D{{80, 100}, {-1, -1}, {90, 200}, {85, 300}});
    const auto event = tester.test(std::make_pair(frames, std::move(in)), std::make_pair(seeds, std::move(s)));
    const auto& masses = *event.get<e2e::Frame2D>("RegressedMass");
    REQUIRE(masses.size() == 4);
    CHECK(masses[1] == std::vector<float>{-1.f});
    CHECK(masses[2] == std::vector<float>{-1.f});
    REQUIRE(masses[0].size() == 1);
    CHECK(masses[0] == masses[3]);
    CHECK(masses[0][0] != -1.f);
  }

  SECTION("an event without jets") {
    const auto event = tester.test(std::make_pair(frames, std::make_unique<e2e::Frame4D>()),
                                   std::make_pair(seeds, std::make_unique<e2e::Frame2D>()));
    CHECK(event.get<e2e::Frame2D>("RegressedMass")->empty());
  }

  SECTION("a frame of the wrong size is an error") {
    const e2e::Frame3D bad(7, e2e::Frame2D(125, std::vector<float>(125, 0.f)));
    REQUIRE_THROWS_AS(tester.test(std::make_pair(frames, std::make_unique<e2e::Frame4D>(e2e::Frame4D{bad})),
                                  std::make_pair(seeds, std::make_unique<e2e::Frame2D>(e2e::Frame2D{{80, 100}}))),
                      cms::Exception);
  }
}
