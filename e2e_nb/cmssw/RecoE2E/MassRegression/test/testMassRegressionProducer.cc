// Module test of MassRegressionProducer with FWCore/TestProcessor (scram b runtests): one ValueMap<float> value per
// AK8 jet, -1 for a jet that fails RecoE2E's selection or whose seed failed, no jets, the errors for frames of the
// wrong size or not one per jet and for configurations the producer cannot serve, and, given reference events, the
// masses themselves. Outside CMSSW, e2e_nb's tests/test_cmssw_producer.py builds this test against framework and
// Catch2 stand-ins and runs it with reference events and masses from the Python model.
// Reference events: the directory $E2E_MASSREGRESSION_EVENTS with meta.txt "jets channels height width", jets.bin
// (jets x 5 float32: event, pt, eta, phi, mass; the jets of an event consecutive), frames.bin (jets x channels x
// height x width float32, the JetFrames channels in the cfi's frameChannels order), seeds.bin (jets x 2 float32:
// JetSeeds row, column) and masses.bin (jets float32: the expected mass, -1 for a jet the producer must skip). Without
// it that test case says so and checks nothing.
#define CATCH_CONFIG_MAIN
#if __has_include("catch.hpp")
#include "catch.hpp"
#else
#include <catch2/catch.hpp>
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/JetReco/interface/PFJet.h"
#include "FWCore/TestProcessor/interface/TestProcessor.h"
#include "FWCore/Utilities/interface/Exception.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"

namespace {
  const std::string kConfig = R"_(
from FWCore.TestProcessor.TestProcess import *
process = TestProcess()
process.load('RecoE2E.MassRegression.massRegression_cfi')
process.moduleToTest(process.massRegression)
)_";

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

  std::vector<float> readFloats(const std::string& path, std::size_t n) {
    std::vector<float> v(n);
    std::ifstream f(path, std::ios::binary);
    f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(float)));
    if (!f)
      throw cms::Exception("FileReadError") << "cannot read " << n << " floats from " << path;
    return v;
  }

  struct Tokens {
    edm::EDPutTokenT<std::vector<reco::PFJet>> jets;
    edm::EDPutTokenT<e2e::Frame4D> frames;
    edm::EDPutTokenT<e2e::Frame2D> seeds;
  };
  Tokens inputs(edm::test::TestProcessor::Config& config) {
    return {config.produces<std::vector<reco::PFJet>>("ak8PFJetsCHS"),
            config.produces<e2e::Frame4D>("JetFrames", "JetFrames"),
            config.produces<e2e::Frame2D>("JetFrames", "JetSeeds")};
  }
}  // namespace

TEST_CASE("MassRegressionProducer", "[MassRegression]") {
  edm::test::TestProcessor::Config config{kConfig};
  const Tokens t = inputs(config);
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
    const auto event = tester.test(std::make_pair(t.jets, std::move(j)), std::make_pair(t.frames, std::move(f)),
                                   std::make_pair(t.seeds, std::move(s)));
    const auto m = values(*event.get<edm::ValueMap<float>>("m_target"));
    REQUIRE(m.size() == 5);
    CHECK(m[1] == -1.f);
    CHECK(m[2] == -1.f);
    CHECK(m[3] == -1.f);
    CHECK(m[0] == m[4]);
    CHECK(m[0] > 0.f);
    const auto& frame2d = *event.get<e2e::Frame2D>("RegressedMass");
    REQUIRE(frame2d.size() == 5);
    CHECK(frame2d[0] == std::vector<float>{m[0]});
  }

  SECTION("an event without jets") {
    const auto event = tester.test(std::make_pair(t.jets, std::make_unique<std::vector<reco::PFJet>>()),
                                   std::make_pair(t.frames, std::make_unique<e2e::Frame4D>()),
                                   std::make_pair(t.seeds, std::make_unique<e2e::Frame2D>()));
    CHECK(event.get<edm::ValueMap<float>>("m_target")->size() == 0);
  }

  SECTION("a frame of the wrong size, or frames that are not one per jet, are errors") {
    const e2e::Frame3D bad(7, e2e::Frame2D(125, std::vector<float>(125, 0.f)));
    auto one = [] { return std::make_unique<std::vector<reco::PFJet>>(1, jet(500, 0.1, 0.2, 170)); };
    REQUIRE_THROWS_AS(tester.test(std::make_pair(t.jets, one()),
                                  std::make_pair(t.frames, std::make_unique<e2e::Frame4D>(e2e::Frame4D{bad})),
                                  std::make_pair(t.seeds, std::make_unique<e2e::Frame2D>(e2e::Frame2D{{137, 182}}))),
                      cms::Exception);
    REQUIRE_THROWS_AS(
        tester.test(std::make_pair(t.jets, one()), std::make_pair(t.frames, std::make_unique<e2e::Frame4D>()),
                    std::make_pair(t.seeds, std::make_unique<e2e::Frame2D>())),
        cms::Exception);
  }
}

TEST_CASE("MassRegressionProducer refuses configurations it cannot serve", "[MassRegression]") {
  auto construct = [](const std::string& change) {
    edm::test::TestProcessor::Config config{kConfig + change + "\n"};
    inputs(config);
    edm::test::TestProcessor tester(config);
  };
  SECTION("a scalar input it cannot provide") {
    REQUIRE_THROWS_AS(construct("process.massRegression.scalarNames = ['ieta', 'm_sd']"), cms::Exception);
    REQUIRE_THROWS_WITH(construct("process.massRegression.scalarNames = ['ieta', 'm_sd']"),
                        Catch::Contains("cannot provide the model's scalar input 'm_sd'"));
  }
  SECTION("channels the model does not take") {
    REQUIRE_THROWS_WITH(construct("process.massRegression.channelNames = ['ecal', 'hcal']"),
                        Catch::Contains("does not take the configured inputs"));
  }
  SECTION("a model channel the JetFrames lack") {
    REQUIRE_THROWS_WITH(construct("process.massRegression.frameChannels = ['hcal', 'ecal']"),
                        Catch::Contains("model channel 'track_pt' is not among the JetFrames channels"));
  }
  SECTION("the unchanged configuration constructs") { REQUIRE_NOTHROW(construct("")); }
}

TEST_CASE("MassRegressionProducer masses on reference events", "[MassRegression][reference]") {
  const char* dir = std::getenv("E2E_MASSREGRESSION_EVENTS");
  if (!dir) {
    WARN("E2E_MASSREGRESSION_EVENTS is not set: no reference events, the masses are not checked");
    return;
  }
  const std::string d(dir);
  std::size_t n = 0, C = 0, H = 0, W = 0;
  std::ifstream(d + "/meta.txt") >> n >> C >> H >> W;
  REQUIRE(n > 0);
  const auto jets = readFloats(d + "/jets.bin", n * 5);
  const auto frames = readFloats(d + "/frames.bin", n * C * H * W);
  const auto seeds = readFloats(d + "/seeds.bin", n * 2);
  const auto expected = readFloats(d + "/masses.bin", n);

  edm::test::TestProcessor::Config config{kConfig};
  const Tokens t = inputs(config);
  edm::test::TestProcessor tester(config);
  double maxRel = 0.;
  std::size_t nMasses = 0, nSkipped = 0;
  for (std::size_t b = 0; b < n;) {  // one event per run of equal event numbers
    std::size_t e = b;
    while (e < n && jets[e * 5] == jets[b * 5])
      ++e;
    auto j = std::make_unique<std::vector<reco::PFJet>>();
    auto f = std::make_unique<e2e::Frame4D>();
    auto s = std::make_unique<e2e::Frame2D>();
    for (std::size_t k = b; k < e; ++k) {
      j->push_back(jet(jets[k * 5 + 1], jets[k * 5 + 2], jets[k * 5 + 3], jets[k * 5 + 4]));
      s->push_back({seeds[k * 2], seeds[k * 2 + 1]});
      e2e::Frame3D frame(C, e2e::Frame2D(H));
      const float* p = &frames[k * C * H * W];
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t r = 0; r < H; ++r)
          frame[c][r].assign(p + (c * H + r) * W, p + (c * H + r + 1) * W);
      f->push_back(std::move(frame));
    }
    const auto event = tester.test(std::make_pair(t.jets, std::move(j)), std::make_pair(t.frames, std::move(f)),
                                   std::make_pair(t.seeds, std::move(s)));
    const auto m = values(*event.get<edm::ValueMap<float>>("m_target"));
    REQUIRE(m.size() == e - b);
    for (std::size_t k = b; k < e; ++k) {
      INFO("jet " << k << ": producer " << m[k - b] << ", reference " << expected[k]);
      if (expected[k] == -1.f) {
        CHECK(m[k - b] == -1.f);
        ++nSkipped;
        continue;
      }
      const double rel = std::abs(m[k - b] - expected[k]) / std::abs(expected[k]);
      CHECK(rel <= 1e-5);
      maxRel = std::max(maxRel, rel);
      ++nMasses;
    }
    b = e;
  }
  CHECK(nMasses > 0);
  std::cout << "reference events: " << nMasses << " masses, max rel. diff " << maxRel << "; " << nSkipped
            << " jets skipped" << std::endl;
}
