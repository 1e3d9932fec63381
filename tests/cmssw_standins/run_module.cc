// A minimal stand-in for cmsRun: runs one stream module, found by the type in its configuration,
// on events read from binary files, the way the framework would:
//   1. read the module's ParameterSet (a text dump of its cfi: pset.py, standin/Framework.h), validate it against the
//      module's fillDescriptions (unknown or mistyped parameters are errors, missing ones get their defaults);
//   2. initializeGlobalCache(pset) once, construct the module (its constructor checks the configuration);
//   3. for each event: put the AK8 jets (std::vector<reco::PFJet>, also seen as edm::View<reco::Jet>), RecoE2E's
//      JetFrames (e2e::Frame4D) and JetSeeds (e2e::Frame2D), call acquire() (an ExternalWork module: SONIC) and
//      produce(), read the ValueMaps back by jet;
//   4. globalEndJob.
// Usage: run_module PSET [DATA_DIR OUT_DIR [--drop-last-frame]]
//        run_module --write-cfi DIR: as scram's edmWriteConfigs, DIR/<label>_cfi.py from each registered module's
//        fillDescriptions (ConfigurationDescriptions::writeCfis), one label per line on stdout.
//   DATA_DIR/meta.txt "n_jets channels height width"; jets.bin (n, 5) float32 [event, pt, eta, phi, mass];
//   frames.bin (n, C, H, W) float32; seeds.bin (n, 2) float32 [row, column]. Jets of an event are consecutive.
//   OUT_DIR/values.bin (n, targets) float32 from the ValueMaps; sigmas.bin likewise for heteroscedastic models;
//   frame2d.bin (n, targets) float32 from the e2e::Frame2D "RegressedMass".
// Errors: the exception's message on stderr, exit status 1. Without DATA_DIR only steps 1, 2 and 4 run.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "DataFormats/Common/interface/ValueMap.h"
#include "DataFormats/JetReco/interface/PFJet.h"
#include "FWCore/Framework/interface/Event.h"
#include "FWCore/Framework/interface/MakerMacros.h"
#include "FWCore/ParameterSet/interface/FileInPath.h"
#include "FWCore/ParameterSet/interface/ParameterSet.h"
#include "RecoE2E/DataFormats/interface/FrameCollections.h"
#include "standin/Framework.h"

namespace {
  std::vector<float> readFloats(const std::string& path, std::size_t n) {
    std::vector<float> v(n);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f || std::fread(v.data(), sizeof(float), n, f) != n)
      throw cms::Exception("FileReadError") << "cannot read " << n << " floats from " << path;
    std::fclose(f);
    return v;
  }

  void writeFloats(const std::string& path, const std::vector<float>& v) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(v.data(), sizeof(float), v.size(), f) != v.size())
      throw cms::Exception("FileWriteError") << "cannot write " << path;
    std::fclose(f);
  }

  int writeCfis(const std::string& dir) {
    for (const auto& [type, maker] : edm::standin::registry()) {
      edm::ConfigurationDescriptions descs("EDProducer", type);
      maker.fillDescriptions(descs);
      for (const auto& label : descs.writeCfis(dir)) std::cout << label << "\n";
    }
    return 0;
  }

  int run(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--write-cfi") return writeCfis(argv[2]);
    if (argc != 2 && argc != 4 && argc != 5) {
      std::cerr << "usage: run_module PSET [DATA_DIR OUT_DIR [--drop-last-frame]] | --write-cfi DIR\n";
      return 2;
    }
    std::ifstream psIn(argv[1]);
    if (!psIn) throw cms::Exception("Configuration") << "cannot read the configuration " << argv[1];
    edm::ParameterSet ps = edm::standin::readPSet(psIn);
    const std::string type = ps.getParameter<std::string>("@module_type");
    const std::string label = ps.getParameter<std::string>("@module_label");
    edm::standin::Module mod = edm::standin::makeModule(ps);
    std::cout << "constructed " << type << " '" << label << "'" << std::endl;
    if (argc == 2) {
      mod.endJob();
      return 0;
    }
    const std::string data = argv[2], outDir = argv[3];
    const bool dropLast = argc == 5 && std::string(argv[4]) == "--drop-last-frame";
    std::size_t n = 0, C = 0, H = 0, W = 0;
    std::ifstream(data + "/meta.txt") >> n >> C >> H >> W;
    const auto jets = readFloats(data + "/jets.bin", n * 5);
    const auto frames = readFloats(data + "/frames.bin", n * C * H * W);
    const auto seeds = readFloats(data + "/seeds.bin", n * 2);
    const auto targets = ps.getParameter<std::vector<std::string>>("targets");
    const bool het = ps.getParameter<bool>("heteroscedastic");
    const std::size_t T = targets.size();
    std::vector<float> values(n * T, -9.f), sigmas(het ? n * T : 0, -9.f), frame2d(n * T, -9.f);
    std::size_t nEvents = 0;
    for (std::size_t b = 0; b < n;) {
      std::size_t e = b;
      while (e < n && jets[e * 5] == jets[b * 5]) ++e;
      auto pf = std::make_unique<reco::PFJetCollection>();
      auto fr = std::make_unique<e2e::Frame4D>();
      auto sd = std::make_unique<e2e::Frame2D>();
      for (std::size_t j = b; j < e; ++j) {
        const float* k = &jets[j * 5];
        pf->emplace_back(k[1], k[2], k[3], k[4]);
        sd->push_back({seeds[j * 2], seeds[j * 2 + 1]});
        e2e::Frame3D f(C, e2e::Frame2D(H, e2e::Frame1D(W)));
        const float* p = &frames[j * C * H * W];
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t r = 0; r < H; ++r) f[c][r].assign(p + (c * H + r) * W, p + (c * H + r + 1) * W);
        fr->push_back(std::move(f));
      }
      if (dropLast && !fr->empty()) fr->pop_back();
      const auto tags = [&](const char* what) { return ps.getParameter<edm::InputTag>(what); };
      edm::Event event(label);
      const edm::ProductID jetsId = edm::standin::putWithViews(event, tags("jets"), std::move(pf));
      event.addProduct(tags("frames"), std::move(fr));
      event.addProduct(tags("seeds"), std::move(sd));
      edm::standin::runEvent(*mod.streams.at(0), event, edm::EventSetup());
      for (std::size_t t = 0; t < T; ++t) {
        const auto* vm = event.product<edm::ValueMap<float>>(label, targets[t]);
        const auto* sm = het ? event.product<edm::ValueMap<float>>(label, targets[t] + "Uncertainty") : nullptr;
        if (!vm || (het && !sm))
          throw cms::Exception("ProductNotFound") << "no ValueMap<float> '" << label << ":" << targets[t] << "'";
        for (std::size_t j = b; j < e; ++j) {
          values[j * T + t] = vm->get(jetsId, j - b);
          if (het) sigmas[j * T + t] = sm->get(jetsId, j - b);
        }
      }
      const auto* f2 = event.product<e2e::Frame2D>(label, "RegressedMass");
      if (!f2 || f2->size() != e - b) throw cms::Exception("ProductNotFound") << "no RegressedMass for every jet";
      for (std::size_t j = b; j < e; ++j)
        for (std::size_t t = 0; t < T && t < (*f2)[j - b].size(); ++t) frame2d[j * T + t] = (*f2)[j - b][t];
      b = e;
      ++nEvents;
    }
    mod.endJob();
    writeFloats(outDir + "/values.bin", values);
    writeFloats(outDir + "/frame2d.bin", frame2d);
    if (het) writeFloats(outDir + "/sigmas.bin", sigmas);
    std::cout << "processed " << nEvents << " events, " << n << " jets" << std::endl;
    return 0;
  }
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 1;
  }
}
