import FWCore.ParameterSet.Config as cms
# Stand-in: the release's reconstruction geometry from the conditions database (EventSetup modules only)
