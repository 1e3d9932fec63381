// Stand-in for RecoE2E's DataFormats/interface/FrameCollections.h (cms-e2e/RecoE2E): frames as nested float vectors.
#ifndef RecoE2E_DataFormats_FrameCollections_h
#define RecoE2E_DataFormats_FrameCollections_h
#include <vector>

namespace e2e {
  typedef std::vector<float> Frame1D;
  typedef std::vector<Frame1D> Frame2D;
  typedef std::vector<Frame2D> Frame3D;
  typedef std::vector<Frame3D> Frame4D;
}  // namespace e2e
#endif
