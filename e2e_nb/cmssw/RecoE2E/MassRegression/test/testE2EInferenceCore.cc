// Unit test of E2EInferenceCore (Catch2): packing rules, errors, and the predictions of data/model.onnx on the
// reference jets that e2e-export stored next to it (computed with ONNX Runtime in Python).
// Data directory: $E2E_MASSREGRESSION_DATA, else $CMSSW_BASE/src/RecoE2E/MassRegression/data (or the release's).
#define CATCH_CONFIG_MAIN
#if __has_include("catch.hpp")
#include "catch.hpp"
#else
#include <catch2/catch.hpp>
#endif

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"

using namespace e2e::regression;

namespace {
  std::string dataDir() {
    if (const char* d = std::getenv("E2E_MASSREGRESSION_DATA"))
      return d;
    for (const char* base : {"CMSSW_BASE", "CMSSW_RELEASE_BASE"}) {
      const char* b = std::getenv(base);
      const std::string d = std::string(b ? b : "") + "/src/RecoE2E/MassRegression/data";
      if (b && std::ifstream(d + "/model.onnx").good())
        return d;
    }
    return "RecoE2E/MassRegression/data";
  }

  std::vector<float> readFloats(const std::string& path) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    REQUIRE(f.good());
    std::vector<float> v(static_cast<std::size_t>(f.tellg()) / sizeof(float));
    f.seekg(0);
    f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
    return v;
  }

  Frame3D frame(const ModelSpec& s, float value) {
    return Frame3D(s.channels, Frame2D(s.height, std::vector<float>(s.width, value)));
  }
}  // namespace

TEST_CASE("packFrames builds one NCHW batch of the valid jets", "[E2EInferenceCore]") {
  ModelSpec s;
  s.channels = 2, s.height = 3, s.width = 4;
  Frame4D frames{frame(s, 1.f), Frame3D{}, Frame3D{Frame2D{{-1.f}}}, frame(s, 2.f)};
  const Batch b = packFrames(frames, s);
  REQUIRE(b.rows() == 2);
  REQUIRE(b.jets == std::vector<std::size_t>{0, 3});
  REQUIRE(b.images.size() == 2u * 2 * 3 * 4);
  CHECK(b.images.front() == 1.f);
  CHECK(b.images.back() == 2.f);

  const Predictions p = unpackOutputs({170.f, 80.f}, b, s);
  REQUIRE(p.values.size() == 4);
  CHECK(p.values[0] == std::vector<float>{170.f});
  CHECK(p.values[1] == std::vector<float>{-1.f});
  CHECK(p.values[2] == std::vector<float>{-1.f});
  CHECK(p.values[3] == std::vector<float>{80.f});
}

TEST_CASE("jets with a failed RecoE2E seed {-1, -1} are skipped", "[E2EInferenceCore]") {
  ModelSpec s;
  s.channels = 1, s.height = 2, s.width = 2;
  Frame4D frames{frame(s, 1.f), frame(s, 0.f), frame(s, 3.f)};
  const std::vector<bool> valid = validFromSeeds({{80, 100}, {-1, -1}, {90, 200}}, frames.size());
  const Batch b = packFrames(frames, s, {}, valid);
  CHECK(b.jets == std::vector<std::size_t>{0, 2});
  CHECK(validFromSeeds({}, 3) == std::vector<bool>(3, true));
  REQUIRE_THROWS_WITH(validFromSeeds({{1, 2}}, 3), Catch::Contains("seeds for 1 jets but 3 frames"));
}

TEST_CASE("packFrames selects and reorders channels by index", "[E2EInferenceCore]") {
  ModelSpec s;
  s.channels = 2, s.height = 1, s.width = 1, s.frameChannels = 3, s.channelOrder = {2, 0};
  Frame4D frames{Frame3D{Frame2D{{10.f}}, Frame2D{{11.f}}, Frame2D{{12.f}}}};
  CHECK(packFrames(frames, s).images == std::vector<float>{12.f, 10.f});
}

TEST_CASE("wrong sizes give clear errors", "[E2EInferenceCore]") {
  ModelSpec s;
  Frame4D frames{frame(s, 0.f)};
  frames[0].pop_back();
  REQUIRE_THROWS_WITH(packFrames(frames, s), Catch::Contains("frame has 7 channels; expected 8"));
  frames = Frame4D{frame(s, 0.f)};
  frames[0][3][5].resize(124);
  REQUIRE_THROWS_WITH(packFrames(frames, s), Catch::Contains("124 phi columns in channel 3, eta row 5; expected 125"));
  REQUIRE_THROWS_AS(E2EInferenceCore("/no/such/model.onnx"), InferenceError);
}

TEST_CASE("data/model.onnx reproduces the Python predictions", "[E2EInferenceCore]") {
  const std::string dir = dataDir();
  E2EInferenceCore core(dir + "/model.onnx");
  const ModelSpec& s = core.spec();
  const std::vector<float> images = readFloats(dir + "/reference_images.bin");
  const std::vector<float> expected = readFloats(dir + "/reference_outputs.bin");
  const std::size_t n = images.size() / static_cast<std::size_t>(s.frameSize());
  REQUIRE(n > 0);
  REQUIRE(expected.size() == n * static_cast<std::size_t>(s.nOutputs()));
  std::vector<std::vector<float>> scalars;
  if (s.nScalars > 0) {
    const std::vector<float> sc = readFloats(dir + "/reference_scalars.bin");
    for (std::size_t j = 0; j < n; ++j)
      scalars.emplace_back(sc.begin() + j * s.nScalars, sc.begin() + (j + 1) * s.nScalars);
  }
  Frame4D frames(n, frame(s, 0.f));
  const float* p = images.data();
  for (auto& f : frames)
    for (auto& ch : f)
      for (auto& row : ch)
        for (auto& x : row)
          x = *p++;
  const Predictions pred = core.predict(frames, scalars);
  // The reference comes from the ONNX Runtime of the Python export; CMSSW's may be older and use other kernels
  // (a ViT differs by 1.5e-4 relative between 1.17 and 1.32; convolutional networks by < 1e-5). A wrong layout,
  // channel order or preprocessing gives differences of order 1.
  const float rtol = 5e-4f;
  for (std::size_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < s.nTargets; ++k) {
      const float want = expected[j * s.nOutputs() + k];
      CHECK(std::abs(pred.values[j][k] - want) <= rtol * std::abs(want) + 1e-6f);
      if (s.heteroscedastic) {
        const float wantSigma = expected[j * s.nOutputs() + s.nTargets + k];
        CHECK(std::abs(pred.sigmas[j][k] - wantSigma) <= rtol * std::abs(wantSigma) + 1e-6f);
      }
    }
}
