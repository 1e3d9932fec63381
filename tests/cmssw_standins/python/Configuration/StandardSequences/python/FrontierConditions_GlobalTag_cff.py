import FWCore.ParameterSet.Config as cms

# Stand-in: the conditions source that Configuration.AlCa.GlobalTag.GlobalTag configures
GlobalTag = cms.ESSource('PoolDBESSource', globaltag = cms.string(''))
