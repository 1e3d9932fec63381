#include "RecoE2E/MassRegression/interface/E2EInferenceCore.h"

#include <fstream>
#include <sstream>

// ONNX Runtime moved its public headers over the years; CMSSW >= 14_1 (ORT 1.17) and Debian use the first.
#if __has_include(<onnxruntime/onnxruntime_cxx_api.h>)
#include <onnxruntime/onnxruntime_cxx_api.h>
#elif __has_include(<onnxruntime/core/session/onnxruntime_cxx_api.h>)
#include <onnxruntime/core/session/onnxruntime_cxx_api.h>
#else
#include <onnxruntime_cxx_api.h>
#endif

namespace e2e {
  namespace regression {

    namespace {
      const char* kWho = "E2EInferenceCore: ";

      [[noreturn]] void fail(const std::string& msg) { throw InferenceError(kWho + msg); }

      std::string shapeString(const std::vector<int64_t>& s) {
        std::ostringstream o;
        o << '(';
        for (std::size_t i = 0; i < s.size(); ++i)
          o << (i ? ", " : "") << s[i];
        o << ')';
        return o.str();
      }
    }  // namespace

    std::string ModelSpec::describe() const {
      std::ostringstream o;
      o << imageInput << ": (N, " << channels << ", " << height << ", " << width << ")";
      if (nScalars > 0)
        o << ", " << scalarInput << ": (N, " << nScalars << ")";
      o << " -> " << output << ": (N, " << nOutputs() << ")" << (heteroscedastic ? " [means, sigmas]" : "");
      return o.str();
    }

    bool isMissingFrame(const Frame3D& frame) {
      if (frame.empty())
        return true;
      if (frame.size() != 1 || frame[0].size() > 1)
        return false;
      if (frame[0].empty() || frame[0][0].empty())
        return true;
      return frame[0][0].size() == 1 && frame[0][0][0] == -1.f;
    }

    std::vector<bool> validFromSeeds(const std::vector<std::vector<float>>& seeds, std::size_t nJets) {
      if (seeds.empty())
        return std::vector<bool>(nJets, true);
      if (seeds.size() != nJets)
        fail("got seeds for " + std::to_string(seeds.size()) + " jets but " + std::to_string(nJets) +
             " frames; expected one (ieta, iphi) seed per jet");
      std::vector<bool> valid(nJets);
      for (std::size_t j = 0; j < nJets; ++j)
        valid[j] = !seeds[j].empty() && seeds[j][0] >= 0.f;
      return valid;
    }

    Batch packFrames(const Frame4D& frames, const ModelSpec& spec, const std::vector<std::vector<float>>& scalars,
                     const std::vector<bool>& valid) {
      Batch b;
      b.nJets = frames.size();
      if (!valid.empty() && valid.size() != frames.size())
        fail("validity mask has " + std::to_string(valid.size()) + " entries for " + std::to_string(frames.size()) +
             " frames; expected one per jet");
      if (spec.nScalars > 0 && scalars.size() != frames.size()) {
        std::ostringstream o;
        o << "got scalars for " << scalars.size() << " jets but " << frames.size() << " frames; expected one row of "
          << spec.nScalars << " scalars per jet";
        fail(o.str());
      }
      if (spec.nScalars == 0 && !scalars.empty()) {
        bool any = false;
        for (const auto& s : scalars)
          any = any || !s.empty();
        if (any)
          fail("scalars were given but the model takes none (" + spec.describe() + ")");
      }
      if (!spec.channelOrder.empty()) {
        if (static_cast<int64_t>(spec.channelOrder.size()) != spec.channels)
          fail("channelOrder has " + std::to_string(spec.channelOrder.size()) +
               " entries; expected one per model channel (" + std::to_string(spec.channels) + ")");
        for (int64_t k : spec.channelOrder)
          if (k < 0 || k >= spec.frameChannels)
            fail("channelOrder entry " + std::to_string(k) + " is outside the " + std::to_string(spec.frameChannels) +
                 " frame channels");
      }
      const int64_t nFrameChannels = spec.expectedFrameChannels();
      // Validate everything first so that the buffer is allocated once, at its final size.
      for (std::size_t j = 0; j < frames.size(); ++j) {
        const Frame3D& f = frames[j];
        if ((!valid.empty() && !valid[j]) || isMissingFrame(f))
          continue;
        auto bad = [&](const char* what, std::size_t got, int64_t want, std::size_t c, std::size_t r, bool rowLevel) {
          std::ostringstream o;
          o << "jet " << j << ": frame has " << got << ' ' << what;
          if (rowLevel)
            o << " in channel " << c << (r != std::size_t(-1) ? ", eta row " + std::to_string(r) : "");
          o << "; expected " << want << " (frames are [jet][channel][eta][phi] of " << nFrameChannels << " x "
            << spec.height << " x " << spec.width << ")";
          fail(o.str());
        };
        if (static_cast<int64_t>(f.size()) != nFrameChannels)
          bad("channels", f.size(), nFrameChannels, 0, 0, false);
        for (std::size_t c = 0; c < f.size(); ++c) {
          if (static_cast<int64_t>(f[c].size()) != spec.height)
            bad("eta rows", f[c].size(), spec.height, c, std::size_t(-1), true);
          for (std::size_t r = 0; r < f[c].size(); ++r)
            if (static_cast<int64_t>(f[c][r].size()) != spec.width)
              bad("phi columns", f[c][r].size(), spec.width, c, r, true);
        }
        if (spec.nScalars > 0 && static_cast<int64_t>(scalars[j].size()) != spec.nScalars) {
          std::ostringstream o;
          o << "jet " << j << ": got " << scalars[j].size() << " scalars; expected " << spec.nScalars;
          fail(o.str());
        }
        b.jets.push_back(j);
      }
      b.images.reserve(static_cast<std::size_t>(b.rows() * spec.frameSize()));  // one allocation, no zero-fill
      if (spec.nScalars > 0)
        b.scalars.reserve(static_cast<std::size_t>(b.rows() * spec.nScalars));
      for (std::size_t j : b.jets) {
        for (int64_t c = 0; c < spec.channels; ++c)
          for (const auto& row : frames[j][spec.channelOrder.empty() ? c : spec.channelOrder[c]])
            b.images.insert(b.images.end(), row.begin(), row.end());
        if (spec.nScalars > 0)
          b.scalars.insert(b.scalars.end(), scalars[j].begin(), scalars[j].end());
      }
      return b;
    }

    Predictions unpackOutputs(const std::vector<float>& output, const Batch& batch, const ModelSpec& spec) {
      const int64_t nOut = spec.nOutputs();
      if (static_cast<int64_t>(output.size()) != batch.rows() * nOut) {
        std::ostringstream o;
        o << "network returned " << output.size() << " values for " << batch.rows() << " jets; expected "
          << batch.rows() * nOut << " (" << nOut << " per jet)";
        fail(o.str());
      }
      Predictions p;
      p.values.assign(batch.nJets, std::vector<float>{-1.f});
      if (spec.heteroscedastic)
        p.sigmas.assign(batch.nJets, std::vector<float>{-1.f});
      for (int64_t r = 0; r < batch.rows(); ++r) {
        const float* row = output.data() + r * nOut;
        const std::size_t j = batch.jets[r];
        p.values[j].assign(row, row + spec.nTargets);
        if (spec.heteroscedastic)
          p.sigmas[j].assign(row + spec.nTargets, row + 2 * spec.nTargets);
      }
      return p;
    }

    struct E2EInferenceCore::Impl {
      // ONNX Runtime keeps one environment per process behind this handle (reference counted): no static needed
      Ort::Env env{ORT_LOGGING_LEVEL_WARNING, "E2EInferenceCore"};
      std::string path;
      ModelSpec spec;
      std::unique_ptr<Ort::Session> session;
      Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);

      Impl(const std::string& modelPath, int threads) : path(modelPath) {
        if (!std::ifstream(modelPath, std::ios::binary).good())
          fail("cannot open ONNX model '" + modelPath + "' (no such file, or not readable)");
        if (threads < 1)
          fail("intraOpThreads must be >= 1, got " + std::to_string(threads));
        Ort::SessionOptions opts;
        opts.SetIntraOpNumThreads(threads);
        opts.SetInterOpNumThreads(1);
        opts.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
        try {
          session = std::make_unique<Ort::Session>(env, modelPath.c_str(), opts);
        } catch (const Ort::Exception& e) {
          fail("ONNX Runtime could not load model '" + modelPath + "': " + e.what());
        }
        spec = readSpec();
      }

      ModelSpec readSpec() const {
        Ort::AllocatorWithDefaultOptions alloc;
        ModelSpec s;
        const std::size_t nIn = session->GetInputCount(), nOut = session->GetOutputCount();
        if (nIn < 1 || nIn > 2 || nOut < 1)
          fail("model '" + path + "' has " + std::to_string(nIn) + " inputs and " + std::to_string(nOut) +
               " outputs; expected images (N, C, H, W) [+ scalars (N, S)] -> (N, outputs)");
        bool haveImage = false;
        for (std::size_t i = 0; i < nIn; ++i) {
          const std::string name = session->GetInputNameAllocated(i, alloc).get();
          const auto shape = session->GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
          if (shape.size() == 4) {
            if (shape[1] <= 0 || shape[2] <= 0 || shape[3] <= 0)
              fail("model '" + path + "' input '" + name + "' has shape " + shapeString(shape) +
                   "; expected fixed C, H, W and a dynamic batch axis only");
            s.imageInput = name, s.channels = shape[1], s.height = shape[2], s.width = shape[3];
            haveImage = true;
          } else if (shape.size() == 2 && shape[1] > 0) {
            s.scalarInput = name, s.nScalars = shape[1];
          } else {
            fail("model '" + path + "' input '" + name + "' has shape " + shapeString(shape) +
                 "; expected (N, C, H, W) images or (N, S) scalars");
          }
        }
        if (!haveImage)
          fail("model '" + path + "' has no 4-d image input (N, C, H, W)");
        s.output = session->GetOutputNameAllocated(0, alloc).get();
        const auto oshape = session->GetOutputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
        Ort::ModelMetadata meta = session->GetModelMetadata();
        auto lookup = [&](const char* key) -> std::string {
          auto v = meta.LookupCustomMetadataMapAllocated(key, alloc);
          return v ? std::string(v.get()) : std::string();
        };
        const std::string het = lookup("e2e.heteroscedastic"), nt = lookup("e2e.n_targets");
        s.heteroscedastic = (het == "1" || het == "true" || het == "True");
        int64_t nOutputs = (oshape.size() == 2 && oshape[1] > 0) ? oshape[1] : -1;
        if (nOutputs < 0 && !nt.empty())
          nOutputs = std::stoll(nt) * (s.heteroscedastic ? 2 : 1);
        if (nOutputs <= 0)
          fail("model '" + path + "' output '" + s.output + "' has shape " + shapeString(oshape) +
               "; expected (N, outputs) with a fixed number of outputs");
        if (s.heteroscedastic && nOutputs % 2)
          fail("model '" + path + "' is marked heteroscedastic but has an odd number of outputs (" +
               std::to_string(nOutputs) + "); expected means then sigmas");
        s.nTargets = s.heteroscedastic ? nOutputs / 2 : nOutputs;
        return s;
      }
    };

    E2EInferenceCore::E2EInferenceCore(const std::string& modelPath, int intraOpThreads)
        : impl_(std::make_unique<Impl>(modelPath, intraOpThreads)) {}

    E2EInferenceCore::E2EInferenceCore(const std::string& modelPath, const ModelSpec& spec, int intraOpThreads)
        : impl_(std::make_unique<Impl>(modelPath, intraOpThreads)) {
      const ModelSpec& m = impl_->spec;
      std::ostringstream o;
      auto check = [&](const char* what, auto want, auto got) {
        if (want != got)
          o << "\n  " << what << ": configured " << want << ", model has " << got;
      };
      check("channels", spec.channels, m.channels);
      check("height", spec.height, m.height);
      check("width", spec.width, m.width);
      check("nScalars", spec.nScalars, m.nScalars);
      check("nOutputs", spec.nOutputs(), m.nOutputs());
      check("imageInput", spec.imageInput, m.imageInput);
      if (m.nScalars > 0)
        check("scalarInput", spec.scalarInput, m.scalarInput);
      check("output", spec.output, m.output);
      if (!o.str().empty())
        fail("configuration does not match model '" + modelPath + "':" + o.str());
      impl_->spec = spec;
    }

    E2EInferenceCore::~E2EInferenceCore() = default;

    const ModelSpec& E2EInferenceCore::spec() const { return impl_->spec; }
    const std::string& E2EInferenceCore::modelPath() const { return impl_->path; }

    std::vector<float> E2EInferenceCore::run(Batch& batch) const {
      const ModelSpec& s = impl_->spec;
      const int64_t n = batch.rows();
      if (n == 0)
        return {};
      if (static_cast<int64_t>(batch.images.size()) != n * s.frameSize())
        fail("batch holds " + std::to_string(batch.images.size()) + " pixels for " + std::to_string(n) +
             " jets; expected " + std::to_string(n * s.frameSize()));
      std::vector<Ort::Value> inputs;
      std::vector<const char*> names;
      const std::vector<int64_t> ishape{n, s.channels, s.height, s.width}, sshape{n, s.nScalars};
      inputs.push_back(Ort::Value::CreateTensor<float>(impl_->memory, batch.images.data(), batch.images.size(),
                                                       ishape.data(), ishape.size()));
      names.push_back(s.imageInput.c_str());
      if (s.nScalars > 0) {
        if (static_cast<int64_t>(batch.scalars.size()) != n * s.nScalars)
          fail("batch holds " + std::to_string(batch.scalars.size()) + " scalars; expected " +
               std::to_string(n * s.nScalars));
        inputs.push_back(Ort::Value::CreateTensor<float>(impl_->memory, batch.scalars.data(), batch.scalars.size(),
                                                         sshape.data(), sshape.size()));
        names.push_back(s.scalarInput.c_str());
      }
      const char* outName = s.output.c_str();
      std::vector<Ort::Value> out;
      try {
        out = impl_->session->Run(Ort::RunOptions{nullptr}, names.data(), inputs.data(), inputs.size(), &outName, 1);
      } catch (const Ort::Exception& e) {
        fail("ONNX Runtime failed on '" + impl_->path + "' for " + std::to_string(n) + " jets: " + e.what());
      }
      const auto info = out.at(0).GetTensorTypeAndShapeInfo();
      const float* data = out[0].GetTensorData<float>();
      return std::vector<float>(data, data + info.GetElementCount());
    }

    Predictions E2EInferenceCore::predict(const Frame4D& frames, const std::vector<std::vector<float>>& scalars,
                                          const std::vector<bool>& valid) const {
      Batch batch = packFrames(frames, impl_->spec, scalars, valid);
      return unpackOutputs(run(batch), batch, impl_->spec);
    }

  }  // namespace regression
}  // namespace e2e
