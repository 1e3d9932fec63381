# cmsRun RecoE2E/MassRegression/test/massRegression_cfg.py inputFiles=file:AODSIM.root maxEvents=10
#
# RecoE2E's frame producers followed by the e2e_nb mass regression:
#   DetFrames (detector images) -> JetFrames (125 x 125 frames around each AK8 jet) -> massRegression
# The regressed masses are put on the AK8 jets as edm::ValueMap<float> 'massRegression:<target>' (m_target for the
# shipped model; -1 for a jet that fails RecoE2E's selection or has no frame), '<target>Uncertainty' for heteroscedastic
# models, and as e2e::Frame2D 'massRegression:RegressedMass' ([jet][target]).
import FWCore.ParameterSet.Config as cms
from FWCore.ParameterSet.VarParsing import VarParsing

options = VarParsing('analysis')
options.register('threads', 1, VarParsing.multiplicity.singleton, VarParsing.varType.int, 'number of threads/streams')
options.parseArguments()

process = cms.Process('E2EMassRegression')
process.load('FWCore.MessageService.MessageLogger_cfi')
process.MessageLogger.cerr.FwkReport.reportEvery = 100
process.load('Configuration.StandardSequences.GeometryRecoDB_cff')
process.load('Configuration.StandardSequences.MagneticField_AutoFromDBCurrent_cff')
process.load('Configuration.StandardSequences.FrontierConditions_GlobalTag_cff')
from Configuration.AlCa.GlobalTag import GlobalTag
process.GlobalTag = GlobalTag(process.GlobalTag, 'auto:run2_mc', '')

process.source = cms.Source('PoolSource', fileNames=cms.untracked.vstring(options.inputFiles))
process.maxEvents = cms.untracked.PSet(input=cms.untracked.int32(options.maxEvents))
process.options = cms.untracked.PSet(numberOfThreads=cms.untracked.uint32(options.threads),
                                     numberOfStreams=cms.untracked.uint32(0))

process.load('RecoE2E.FrameProducers.DetFrameProducer_cfi')
process.load('RecoE2E.FrameProducers.JetFrameProducer_cfi')
process.JetFrames.jetCollection = 'ak8'
process.JetFrames.minJetPt = 400.
process.JetFrames.maxJetEta = 1.37
process.load('RecoE2E.MassRegression.massRegression_cfi')
# the jets the frames were made of, and the same jet selection
process.massRegression.jets = process.JetFrames.ak8PFJetCollection
process.massRegression.minJetPt = process.JetFrames.minJetPt
process.massRegression.maxJetEta = process.JetFrames.maxJetEta

process.p = cms.Path(process.DetFrames + process.JetFrames + process.massRegression)

process.out = cms.OutputModule('PoolOutputModule',
    fileName=cms.untracked.string(options.outputFile),
    outputCommands=cms.untracked.vstring('drop *', 'keep *_JetFrames_JetSeeds_*', 'keep *_massRegression_*_*'))
process.ep = cms.EndPath(process.out)
