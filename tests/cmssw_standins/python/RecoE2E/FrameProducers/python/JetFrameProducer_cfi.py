import FWCore.ParameterSet.Config as cms

# Stand-in for RecoE2E's FrameProducers/python/JetFrameProducer_cfi.py (cms-e2e/RecoE2E, unpatched): its jet-level
# parameters, with its values. It makes one 125 x 125 frame (JetFrames:JetFrames, from DetFrames:DetFrames) and one seed
# (JetFrames:JetSeeds) per jet of ak8PFJetCollection (jetCollection 'ak8').
JetFrames = cms.EDProducer('JetFrameProducer'
    , DetFrames = cms.InputTag('DetFrames','DetFrames')
    , ak8PFJetCollection = cms.InputTag('ak8PFJetsCHS')
    , ak4PFJetCollection = cms.InputTag('ak4PFJetsCHS')
    , mode = cms.string("JetLevel")
    , siPixelRecHitCollection = cms.InputTag('siPixelRecHits')
    # Jet level cfg
    , nJets = cms.int32(2)
    , minJetPt = cms.double(400.)
    , maxJetEta = cms.double(1.37)
    , z0PVCut  = cms.double(0.1)
    , jetCollection = cms.string('ak8')
    , doECALstitched = cms.bool(True)
    , doTracksAtECALstitchedPt = cms.bool(True)
    , doTracksAtECALadjPt = cms.bool(True)
    , doHBHEenergy = cms.bool(True)
    , doBPIX = cms.bool(True)
    )
