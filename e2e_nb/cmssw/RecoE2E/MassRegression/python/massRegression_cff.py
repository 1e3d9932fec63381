import FWCore.ParameterSet.Config as cms

# The e2e_nb jet-mass regression on RecoE2E's JetFrames, as clones of the generated cfi files (massRegression_cfi.py:
# ONNX Runtime in the process; massRegressionSonic_cfi.py: a Triton server through SONIC, model repository
# RecoE2E/MassRegression/data/models/). With the process modifier enableSonicTriton the SONIC producer replaces the
# ONNX one under the same label, as CMSSW does for its ParticleNet taggers.
from RecoE2E.MassRegression.massRegression_cfi import massRegression as _massRegression
from RecoE2E.MassRegression.massRegressionSonic_cfi import massRegressionSonic as _massRegressionSonic
from Configuration.ProcessModifiers.enableSonicTriton_cff import enableSonicTriton

# RecoE2E as patched (patches/0006-cfg-consistency.patch: doTracksAtECALadjPt off): 8 DetFrames channels, push order
_patchedFrameChannels = cms.vstring('hcal', 'ecal', 'track_pt', 'track_d0', 'track_dz', 'bpix1', 'bpix2', 'bpix3')

massRegression = _massRegression.clone()                       # frames of RecoE2E's own cfg (9 channels)
massRegressionPatched = _massRegression.clone(frameChannels = _patchedFrameChannels)
enableSonicTriton.toReplaceWith(massRegression, _massRegressionSonic.clone())
enableSonicTriton.toReplaceWith(massRegressionPatched, _massRegressionSonic.clone(frameChannels = _patchedFrameChannels))

massRegressionTask = cms.Task(massRegression)
massRegressionPatchedTask = cms.Task(massRegressionPatched)
