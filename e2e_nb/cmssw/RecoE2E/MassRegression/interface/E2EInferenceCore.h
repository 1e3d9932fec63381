#ifndef RecoE2E_MassRegression_E2EInferenceCore_h
#define RecoE2E_MassRegression_E2EInferenceCore_h
// CMSSW-independent inference core of the E2E jet-mass regression.
//
// frames [jet][channel][eta][phi] -> one NCHW tensor for all valid jets -> one ONNX Runtime call -> one
// regressed value (and its uncertainty for heteroscedastic models) per jet.  Jets without a valid frame get
// {-1}, as in RecoE2E's taggers.  The preprocessing (per-channel scaling) is part of the ONNX graph: frames
// are fed raw, exactly as RecoE2E's JetFrameProducer makes them.
//
// The packing helpers (packFrames / unpackOutputs) need no ONNX Runtime: the CMSSW producer uses them with
// cms::Ort::ONNXRuntime held in a GlobalCache; E2EInferenceCore owns its own session for standalone use
// (tests, benchmarks, non-CMSSW applications).  ONNX Runtime headers stay out of this header (pimpl).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace e2e {
  namespace regression {

    typedef std::vector<std::vector<float>> Frame2D;
    typedef std::vector<Frame2D> Frame3D;
    typedef std::vector<Frame3D> Frame4D;  // same type and layout as RecoE2E's e2e::Frame4D

    // Every error of the core: bad model path, model/config mismatch, wrong frame or scalar sizes.
    class InferenceError : public std::runtime_error {
    public:
      using std::runtime_error::runtime_error;
    };

    // What the network expects and returns.
    struct ModelSpec {
      int64_t channels = 8;           // image channels, in the order of the training configuration
      int64_t height = 125;           // eta pixels
      int64_t width = 125;            // phi pixels
      int64_t nScalars = 0;           // per-jet scalar inputs (0: image-only model)
      int64_t nTargets = 1;           // regressed quantities per jet (1: the jet mass)
      bool heteroscedastic = false;   // output row = nTargets means followed by nTargets sigmas
      std::string imageInput = "x";   // ONNX input name of the images (N, C, H, W)
      std::string scalarInput = "s";  // ONNX input name of the scalars (N, nScalars), if nScalars > 0
      std::string output = "y";       // ONNX output name (N, nOutputs())
      // Optional channel selection/reordering: model channel c is taken from frame channel channelOrder[c], frames
      // then hold frameChannels channels (RecoE2E's JetFrames may carry more channels, or another order).
      std::vector<int64_t> channelOrder;
      int64_t frameChannels = 0;

      int64_t nOutputs() const { return heteroscedastic ? 2 * nTargets : nTargets; }
      int64_t frameSize() const { return channels * height * width; }
      int64_t expectedFrameChannels() const { return channelOrder.empty() ? channels : frameChannels; }
      std::string describe() const;  // one line, for log messages
    };

    // The valid jets of one event packed row by row, ready for a single Run call.
    struct Batch {
      std::vector<float> images;      // rows() x C x H x W, NCHW
      std::vector<float> scalars;     // rows() x nScalars (empty for image-only models)
      std::vector<std::size_t> jets;  // event jet index of each row
      std::size_t nJets = 0;          // number of jets in the event, valid or not
      int64_t rows() const { return static_cast<int64_t>(jets.size()); }
    };

    // Per-jet results; an invalid jet has {-1} in values (and in sigmas for heteroscedastic models).
    struct Predictions {
      std::vector<std::vector<float>> values;  // [jet][target]
      std::vector<std::vector<float>> sigmas;  // [jet][target]; empty unless heteroscedastic
    };

    // A frame is "missing" (the jet gets {-1}) when it is empty or a {-1} placeholder; any other shape that is not
    // channels x height x width is an error.
    bool isMissingFrame(const Frame3D& frame);

    // RecoE2E's JetFrameProducer keeps a zero frame for a jet whose seed failed, and marks it with the seed {-1, -1}:
    // valid[j] = (seeds[j][0] >= 0).  An empty `seeds` means every jet has a valid seed.
    std::vector<bool> validFromSeeds(const std::vector<std::vector<float>>& seeds, std::size_t nJets);

    // Check shapes and copy the valid frames (and their scalars) into one NCHW buffer.  Jets with a missing frame or
    // with valid[j] == false (when `valid` is given) are skipped and get {-1}.
    Batch packFrames(const Frame4D& frames, const ModelSpec& spec, const std::vector<std::vector<float>>& scalars = {},
                     const std::vector<bool>& valid = {});

    // Split the flat network output (batch.rows() x spec.nOutputs()) back into per-jet results.
    Predictions unpackOutputs(const std::vector<float>& output, const Batch& batch, const ModelSpec& spec);

    // Owns one ONNX Runtime session (created once, 1 intra-op thread by default) and batches all jets of a
    // call into one Run.
    class E2EInferenceCore {
    public:
      // Read the spec (sizes, names, heteroscedastic flag) from the model file itself.
      explicit E2EInferenceCore(const std::string& modelPath, int intraOpThreads = 1);
      // Use `spec` (e.g. from a configuration) and check it against the model file.
      E2EInferenceCore(const std::string& modelPath, const ModelSpec& spec, int intraOpThreads = 1);
      ~E2EInferenceCore();
      E2EInferenceCore(const E2EInferenceCore&) = delete;
      E2EInferenceCore& operator=(const E2EInferenceCore&) = delete;

      Predictions predict(const Frame4D& frames, const std::vector<std::vector<float>>& scalars = {},
                          const std::vector<bool>& valid = {}) const;
      // Raw output, batch.rows() x nOutputs(). `batch` is not modified; it is taken by non-const reference because
      // ONNX Runtime's CreateTensor wants non-const pointers to the input buffers (no copy, no const_cast).
      std::vector<float> run(Batch& batch) const;
      const ModelSpec& spec() const;
      const std::string& modelPath() const;

    private:
      struct Impl;
      std::unique_ptr<Impl> impl_;
    };

  }  // namespace regression
}  // namespace e2e

#endif
