import FWCore.ParameterSet.Config as cms

# Default configuration of MassRegressionProducer, for the shipped model (e2e_nb/weights/part_mass: raw frames and the
# jet seed in, the regressed mass m_target out). `e2e-export` rewrites this file with the parameters of the exported
# model (channel list, scalars, targets, heteroscedastic flag) next to data/model.onnx.
# Caveat: RecoE2E's JetSeeds hold the seed's row of the 280-row stitched frame; e2e_nb's `ieta` is the EB crystal
# index (row - 55). The model needs e2e_nb's convention (it computes the seed's eta from it).
massRegression = cms.EDProducer('MassRegressionProducer',
    frames = cms.InputTag('JetFrames', 'JetFrames'),
    seeds = cms.InputTag('JetFrames', 'JetSeeds'),  # a jet with seed -1 (no valid frame) gets {-1}
    scalars = cms.InputTag('JetFrames', 'JetSeeds'),
    model_path = cms.FileInPath('RecoE2E/MassRegression/data/model.onnx'),
    imageInput = cms.string('x'),
    scalarInput = cms.string('s'),
    output = cms.string('y'),
    channels = cms.vstring('track_pt', 'track_d0', 'track_dz', 'ecal', 'hcal', 'bpix1', 'bpix2', 'bpix3'),
    frameChannels = cms.vstring(),  # channel names of the JetFrames, if their order differs from `channels`
    scalarNames = cms.vstring('ieta', 'iphi'),
    targets = cms.vstring('m_target'),
    height = cms.uint32(125),
    width = cms.uint32(125),
    heteroscedastic = cms.bool(False),
)
