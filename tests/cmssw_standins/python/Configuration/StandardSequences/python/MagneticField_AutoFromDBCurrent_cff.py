import FWCore.ParameterSet.Config as cms
# Stand-in: the release's magnetic field from the run's current (EventSetup modules only)
