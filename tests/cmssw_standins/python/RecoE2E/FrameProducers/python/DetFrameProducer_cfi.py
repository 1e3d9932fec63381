import FWCore.ParameterSet.Config as cms

# Stand-in for RecoE2E's FrameProducers/python/DetFrameProducer_cfi.py (cms-e2e/RecoE2E, unpatched): its channel
# switches, with its values. doTracksAtECALadjPt True: 9 DetFrames channels in the push order hcal, ecal, track pT,
# d0, dz, adjustable-granularity track pT, BPIX1-3 (e2e_nb.recoe2e.push_order; setChannelOrder has no effect).
DetFrames = cms.EDProducer('DetFrameProducer'
    , siPixelRecHitCollection = cms.InputTag("siPixelRecHits")
    , siStripRecHitCollection = cms.VInputTag("siStripMatchedRecHits")
    , mode = cms.string("JetLevel")
    , nJets = cms.int32(-1)
    , z0PVCut  = cms.double(0.1)
    , granularityMultiPhi = cms.int32(1)
    , granularityMultiEta = cms.int32(1)
    , doECALstitched = cms.bool(True)
    , doTracksAtECALstitchedPt = cms.bool(True)
    , doTracksAtECALadjPt = cms.bool(True)
    , doHBHEenergy = cms.bool(True)
    , doBPIX = cms.bool(True)
    , setChannelOrder = cms.string("0,1,2,3,4,5,6,7")
    )
