import FWCore.ParameterSet.Config as cms

enableSonicTriton = cms.Modifier()
