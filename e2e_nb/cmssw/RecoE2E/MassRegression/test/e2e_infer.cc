// Command-line driver of E2EInferenceCore, for tests and benchmarks outside CMSSW.
//
//   e2e_infer MODEL.onnx IMAGES.bin N [--scalars S.bin] [--out OUT.bin] [--channels C] [--height H]
//             [--width W] [--missing j,k,...] [--failed-seeds j,k,...] [--threads T] [--repeat R]
//
// IMAGES.bin holds N x C x H x W raw float32 (native endian) frames, [jet][channel][eta][phi]; C, H, W default to
// the model's.  They are turned into RecoE2E-style nested vectors (Frame4D), jets listed in --missing are replaced
// by a {-1} placeholder frame, jets listed in --failed-seeds keep their frame but get the seed {-1, -1} (as RecoE2E's
// JetFrameProducer marks a failed jet), and all jets go through one predict() call.  OUT.bin receives N rows of
// nOutputs() float32 (means, then sigmas if heteroscedastic; -1 everywhere for missing jets); without --out the
// predictions are printed.  --repeat R times R further predict() calls and prints the latency per jet.
#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

using namespace e2e::regression;

static std::vector<float> readFloats(const std::string& path, std::size_t n) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw std::runtime_error("cannot open input file '" + path + "'");
  f.seekg(0, std::ios::end);
  const std::size_t bytes = static_cast<std::size_t>(f.tellg());
  if (bytes != n * sizeof(float))
    throw std::runtime_error("input file '" + path + "' has " + std::to_string(bytes) + " bytes; expected " +
                             std::to_string(n * sizeof(float)) + " (" + std::to_string(n) + " float32)");
  f.seekg(0);
  std::vector<float> v(n);
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " MODEL.onnx IMAGES.bin N [--scalars S.bin] [--out OUT.bin] [--channels C]"
              << " [--height H] [--width W] [--missing j,k] [--failed-seeds j,k] [--threads T] [--repeat R]\n";
    return 1;
  }
  try {
    const std::string model = argv[1], images = argv[2];
    const long n = std::stol(argv[3]);
    std::string scalarsPath, outPath, missingList, seedList;
    long channels = -1, height = -1, width = -1, threads = 1, repeat = 0;
    for (int i = 4; i < argc; ++i) {
      const std::string a = argv[i];
      if (i + 1 >= argc)
        throw std::runtime_error("option " + a + " needs a value");
      const std::string v = argv[++i];
      if (a == "--scalars")
        scalarsPath = v;
      else if (a == "--out")
        outPath = v;
      else if (a == "--channels")
        channels = std::stol(v);
      else if (a == "--height")
        height = std::stol(v);
      else if (a == "--width")
        width = std::stol(v);
      else if (a == "--threads")
        threads = std::stol(v);
      else if (a == "--repeat")
        repeat = std::stol(v);
      else if (a == "--missing")
        missingList = v;
      else if (a == "--failed-seeds")
        seedList = v;
      else
        throw std::runtime_error("unknown option " + a);
    }
    E2EInferenceCore core(model, static_cast<int>(threads));
    const ModelSpec& spec = core.spec();
    if (channels < 0)
      channels = spec.channels;
    if (height < 0)
      height = spec.height;
    if (width < 0)
      width = spec.width;
    auto parseList = [](const std::string& list) {
      std::set<long> out;
      std::stringstream ss(list);
      for (std::string tok; std::getline(ss, tok, ',');)
        if (!tok.empty())
          out.insert(std::stol(tok));
      return out;
    };
    const std::set<long> missing = parseList(missingList), failedSeeds = parseList(seedList);
    // RecoE2E-style seeds: (ieta, iphi) per jet, {-1, -1} for a jet whose seed failed (its frame stays a zero frame)
    std::vector<std::vector<float>> seeds;
    if (!failedSeeds.empty())
      for (long j = 0; j < n; ++j)
        seeds.push_back(failedSeeds.count(j) ? std::vector<float>{-1.f, -1.f} : std::vector<float>{85.f, 180.f});

    const std::vector<float> flat = readFloats(images, static_cast<std::size_t>(n * channels * height * width));
    Frame4D frames(static_cast<std::size_t>(n));
    const float* p = flat.data();
    for (long j = 0; j < n; ++j) {
      if (missing.count(j)) {
        frames[j] = Frame3D{Frame2D{std::vector<float>{-1.f}}};
        p += channels * height * width;
        continue;
      }
      frames[j].assign(channels, Frame2D(height, std::vector<float>(width)));
      for (auto& ch : frames[j])
        for (auto& row : ch)
          for (auto& x : row)
            x = *p++;
    }
    std::vector<std::vector<float>> scalars;
    if (!scalarsPath.empty()) {
      // the number of scalars per jet comes from the file size, so that a mismatch reaches the core's own check
      std::ifstream sf(scalarsPath, std::ios::binary | std::ios::ate);
      if (!sf)
        throw std::runtime_error("cannot open scalar file '" + scalarsPath + "'");
      const long perJet = n > 0 ? static_cast<long>(sf.tellg()) / long(sizeof(float)) / n : 0;
      const std::vector<float> s = readFloats(scalarsPath, static_cast<std::size_t>(n * perJet));
      for (long j = 0; j < n; ++j)
        scalars.emplace_back(s.begin() + j * perJet, s.begin() + (j + 1) * perJet);
    }

    const std::vector<bool> valid = validFromSeeds(seeds, frames.size());
    Predictions pred = core.predict(frames, scalars, valid);
    if (repeat > 0) {
      const auto t0 = std::chrono::steady_clock::now();
      for (long r = 0; r < repeat; ++r)
        pred = core.predict(frames, scalars, valid);
      const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      std::printf("latency_us_per_jet %.3f\n", us / double(repeat) / double(n));
    }

    const int64_t nOut = spec.nOutputs();
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(n * nOut));
    for (long j = 0; j < n; ++j) {
      std::vector<float> row(pred.values[j]);
      if (spec.heteroscedastic)
        row.insert(row.end(), pred.sigmas[j].begin(), pred.sigmas[j].end());
      row.resize(static_cast<std::size_t>(nOut), -1.f);  // a missing jet's {-1} fills the whole row
      out.insert(out.end(), row.begin(), row.end());
    }
    if (!outPath.empty()) {
      std::ofstream f(outPath, std::ios::binary);
      f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
      if (!f)
        throw std::runtime_error("cannot write output file '" + outPath + "'");
    } else if (repeat == 0) {
      std::cout << "# " << spec.describe() << "\n";
      for (long j = 0; j < n; ++j) {
        std::cout << "jet " << j << ':';
        for (int64_t k = 0; k < nOut; ++k)
          std::cout << ' ' << out[j * nOut + k];
        std::cout << '\n';
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "e2e_infer: error: " << e.what() << "\n";
    return 2;
  }
}
