import FWCore.ParameterSet.Config as cms

# Stand-in: the part of the release's MessageLogger that configuration files usually change
MessageLogger = cms.Service('MessageLogger',
    cerr = cms.untracked.PSet(FwkReport = cms.untracked.PSet(reportEvery = cms.untracked.int32(1))))
