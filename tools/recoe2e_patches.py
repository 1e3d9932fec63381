"""Regenerate e2e_nb/cmssw/RecoE2E/patches/*.patch from a checkout (or bare mirror) of cms-e2e/RecoE2E.

Usage: python tools/recoe2e_patches.py GIT_DIR [OUT_DIR]

Each patch is a list of exact edits applied to the files as the previous patches left them; the script fails if an edit
does not match exactly once, so a change of the upstream sources shows up here rather than as a fuzzy patch.
The patches form a series (apply in name order with `patch -p1` or `git apply` from the RecoE2E root).
"""
import re, subprocess, sys, tempfile, shutil
from pathlib import Path

COMMIT = '8c089207c7dfa5a4ec5b125d779e369839d2852f' # cms-e2e/RecoE2E HEAD the patches are made against
DFP, DFH = 'FrameProducers/plugins/DetFrameProducer.cc', 'FrameProducers/interface/DetFrameProducer.h'

def sub(old, new, n=1): return ('sub', old, new, n)
def rsub(pat, repl, n): return ('rsub', pat, repl, n)

HCAL = [(DFP, sub("\t// reshape detector image arrays to 280x360\n\tfor (unsigned int idx=0; idx<vHBHE_energy_.size(); idx++){\n"
                  "\t\tvHBHE_energy_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vHBHE_energy_[idx];\n",
                  "\t// the 56x72 HBHE tower grid goes, row by row with its own width (HBHE_IPHI_NUM = 72), into the top-left\n"
                  "\t// corner of the 280x360 frame: JetFrameProducer's frameStriding reads exactly that corner as [56][72]\n"
                  "\tfor (unsigned int idx=0; idx<vHBHE_energy_.size(); idx++){\n"
                  "\t\tvHBHE_energy_reshaped[idx/HBHE_IPHI_NUM][idx%HBHE_IPHI_NUM]=vHBHE_energy_[idx];\n"))]

BPIX = [(DFP, sub("        // reshape detector image arrays to 280x360\n"
                  "        for (unsigned int idx=0; idx<sizeof(vBPIX_ECAL_)/sizeof(vBPIX_ECAL_[0]); idx++){\n"
                  "        \tvBPIX1_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[0][0][idx];\n"
                  "\t\tvBPIX2_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[1][0][idx];\n"
                  "\t\tvBPIX3_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[2][0][idx];\n",
                  "        // reshape detector image arrays to 280x360: all 280*360 entries (sizeof(vBPIX_ECAL_)/sizeof(vBPIX_ECAL_[0])\n"
                  "        // is nBPIX = 5, the first dimension of the array, not the size of a frame). vBPIX_ECAL_ is indexed by the\n"
                  "        // PXB layer number getLayer returns (1-based; index 0 is never filled): BPIX1-3 are arrays 1-3.\n"
                  "        for (unsigned int idx=0; idx<vBPIX_ECAL_[1][0].size(); idx++){\n"
                  "        \tvBPIX1_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[1][0][idx];\n"
                  "\t\tvBPIX2_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[2][0][idx];\n"
                  "\t\tvBPIX3_ECAL_reshaped[int(idx/nDetFrameW)][idx%nDetFrameW]=vBPIX_ECAL_[3][0][idx];\n"))]

PARSE = '''
namespace {
  // setChannelOrder "2,0,1,..." -> {2, 0, 1, ...}: output channel i is pushed channel order[i]. It must name each of
  // the nChannels enabled channels exactly once; "" keeps the push order (empty result). Entries may have several digits.
  std::vector<int> parseChannelOrder(const std::string& s, unsigned int nChannels) {
    std::vector<int> order;
    if (s.find_first_not_of(' ') == std::string::npos)
      return order;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
      std::size_t end = 0;
      int i = -1;
      try {
        i = std::stoi(item, &end);
      } catch (const std::exception&) {
        end = 0;
      }
      if (end == 0 || item.find_first_not_of(' ', end) != std::string::npos)
        throw cms::Exception("Configuration") << "DetFrameProducer: setChannelOrder entry '" << item << "' is not an integer";
      order.push_back(i);
    }
    std::vector<int> sorted(order);
    std::sort(sorted.begin(), sorted.end());
    bool permutation = sorted.size() == nChannels;
    for (unsigned int k = 0; permutation && k < sorted.size(); k++)
      permutation = sorted[k] == int(k);
    if (!permutation)
      throw cms::Exception("Configuration") << "DetFrameProducer: setChannelOrder '" << s << "' is not a permutation of the "
                                            << nChannels << " enabled channels 0..." << int(nChannels) - 1
                                            << " (use \\"\\" to keep the push order)";
    return order;
  }
}  // namespace
'''

ORDER = [(DFP, sub('#include "RecoE2E/FrameProducers/interface/DetFrameProducer.h"\n',
                   '#include "RecoE2E/FrameProducers/interface/DetFrameProducer.h"\n'
                   '#include "FWCore/Utilities/interface/Exception.h"\n\n#include <algorithm>\n#include <sstream>\n' + PARSE)),
         (DFP, sub('  setChannelOrder = iConfig.getParameter<std::string>("setChannelOrder");\n',
                   '  setChannelOrder = iConfig.getParameter<std::string>("setChannelOrder");\n'
                   '  // checked once, against the channels the switches enable (in push order: HBHE, ECAL, 3 track channels,\n'
                   '  // adjustable-granularity track pT, 3 BPIX layers)\n'
                   '  channelOrder_ = parseChannelOrder(setChannelOrder, doHBHEenergy + doECALstitched + 3 * doTracksAtECALstitchedPt +\n'
                   '                                                         doTracksAtECALadjPt + 3 * doBPIX);\n')),
         (DFP, ('slice', '   // Convert string of channel order to array of integers\n',
                '   //std::cout<<"vDet size: "',
                '   // Reorder channels (the sizeof(std::string) comparison that stood here never let it happen)\n'
                '   if (channelOrder_.empty()) {\n'
                '     vDetFrames_reordered = vDetFrames;\n'
                '   } else {\n'
                '     for (const int ch : channelOrder_) vDetFrames_reordered.push_back(vDetFrames[ch]);\n'
                '   }\n\n')),
         (DFH, sub('      std::string setChannelOrder;     \n',
                   '      std::string setChannelOrder;     \n'
                   '      std::vector<int> channelOrder_;  // parsed setChannelOrder; empty: push order\n'))]

EE = [('FrameProducers/plugins/DetFrameProducer_fillECALstitched.cc',
       sub('    pos  = caloGeom->getPosition( eeId );\n    \n  } // EE+/-\n',
           '    pos  = caloGeom->getPosition( eeId );\n'
           '    // Fill the (phi,eta) projection of its endcap: without this the EE rows of the frame stay empty\n'
           '    hEvt_EE_energy[pos.eta() > 0. ? 1 : 0]->Fill( pos.phi(), pos.eta(), energy_ );\n'
           '  } // EE+/-\n'))]

TOKENS = {'CaloGeometryRecord': 'caloGeomToken_', 'TrackerDigiGeometryRecord': 'trackerGeomToken_',
          'TrackerTopologyRcd': 'tTopoToken_', 'IdealMagneticFieldRecord': 'magFieldToken_'}
def es_get(n): # iSetup.get<Rcd>().get( h ) -> h = iSetup.getHandle( token )
    return rsub(r'iSetup\.get<(\w+)>\(\)\.get\(\s*(\w+)\s*\);',
                lambda m: f'{m.group(2)} = iSetup.getHandle( {TOKENS[m.group(1)]} );', n)
ES_INC = ('#include "FWCore/Framework/interface/stream/EDProducer.h"\n',
          '#include "FWCore/Framework/interface/stream/EDProducer.h"\n#include "FWCore/Utilities/interface/ESGetToken.h"\n')
CALO_TOKEN = '      edm::ESGetToken<CaloGeometry, CaloGeometryRecord> caloGeomToken_;  // esConsumes (needed since CMSSW_12_3)\n'
def calo_only(pkg, cls, after_ctor):
    return [(f'{pkg}/interface/{cls}.h', sub(*ES_INC)),
            (f'{pkg}/interface/{cls}.h', sub('      edm::EDGetTokenT<HBHERecHitCollection> HBHERecHitCollectionT_;\n',
                                             '      edm::EDGetTokenT<HBHERecHitCollection> HBHERecHitCollectionT_;\n' + CALO_TOKEN)),
            (f'{pkg}/plugins/{cls}.cc', sub(after_ctor, after_ctor + '  caloGeomToken_ = esConsumes<CaloGeometry, CaloGeometryRecord>();\n'))]

ESCONSUMES = [
    (DFH, sub(*ES_INC)),
    (DFH, sub('#include "DataFormats/SiPixelDetId/interface/PXBDetId.h"\n#include "DataFormats/SiPixelDetId/interface/PXFDetId.h"\n',
              '#include "DataFormats/TrackerCommon/interface/TrackerTopology.h"\n#include "Geometry/Records/interface/TrackerTopologyRcd.h"\n')),
    (DFH, sub('      // Tokens\n', '      // Tokens\n'
              '      // EventSetup tokens: esConsumes is required since CMSSW_12_3 (token-less iSetup.get<>().get() throws)\n'
              + CALO_TOKEN.replace('  // esConsumes (needed since CMSSW_12_3)', '') +
              '      edm::ESGetToken<TrackerGeometry, TrackerDigiGeometryRecord> trackerGeomToken_;\n'
              '      edm::ESGetToken<TrackerTopology, TrackerTopologyRcd> tTopoToken_;\n'
              '      edm::ESGetToken<MagneticField, IdealMagneticFieldRecord> magFieldToken_;\n')),
    (DFP, sub('  z0PVCut_   = iConfig.getParameter<double>("z0PVCut");\n',
              '  z0PVCut_   = iConfig.getParameter<double>("z0PVCut");\n\n'
              '  // EventSetup products, declared up front as the framework requires since CMSSW_12_3\n'
              '  caloGeomToken_ = esConsumes<CaloGeometry, CaloGeometryRecord>();\n'
              '  if (doBPIX) {\n'
              '    trackerGeomToken_ = esConsumes<TrackerGeometry, TrackerDigiGeometryRecord>();\n'
              '    tTopoToken_ = esConsumes<TrackerTopology, TrackerTopologyRcd>();\n'
              '  }\n'
              '  if (doTracksAtECALadjPt) magFieldToken_ = esConsumes<MagneticField, IdealMagneticFieldRecord>();\n')),
    ('FrameProducers/plugins/DetFrameProducer_fillECALstitched.cc', es_get(1)),
    ('FrameProducers/plugins/DetFrameProducer_fillTracksAtECALstitched.cc', es_get(1)),
    ('FrameProducers/plugins/DetFrameProducer_fillTracksAtECALadj.cc', es_get(2)),
    ('FrameProducers/plugins/DetFrameProducer_fillTRKlayersAtECALstitchedBPIX.cc', es_get(3)),
    ('FrameProducers/plugins/DetFrameProducer_fillTRKlayersAtECALstitchedBPIX.cc',
     sub('      PXBDetId pdetId = PXBDetId(detid);\n      return pdetId.layer();\n',
         '      return tTopo->pxbLayer(detid);  // 1-based PXB layer (PXBDetId is deprecated)\n')),
    *calo_only('FrameProducers', 'JetFrameProducer', '  doHBHEenergy = iConfig.getParameter<bool>("doHBHEenergy");\n'),
    ('FrameProducers/plugins/JetFrameProducer.cc', es_get(1)),
    *calo_only('TopTagger', 'TopTagger', '  JetFramesT_ = consumes<e2e::Frame4D>(iConfig.getParameter<edm::InputTag>("TopFrames"));\n'),
    ('TopTagger/plugins/TopTagger_runEvtSel_jet.cc', es_get(1)),
    *calo_only('QGTagger', 'QGTagger', '  JetFramesT_ = consumes<e2e::Frame4D>(iConfig.getParameter<edm::InputTag>("QGFrames"));\n'),
    ('QGTagger/plugins/QGTagger_runEvtSel_jet.cc', es_get(1)),
]

PIX_NOTE = ("    # Pixel rechits are in FEVT/FEVTDEBUG only: RECO keeps siPixelClusters (rechits must be re-made from them in the\n"
            "    # job), AOD/AODSIM keeps neither -> doBPIX = False there (and a model without BPIX channels)\n")
ADJ_NOTE = "    # off: the e2e_nb models take 8 channels (no adjustable-granularity track pT); on, DetFrames has 9\n"
OPT_ADJ = ("options.register('doTracksAtECALadjPt',\n    default=True,", "options.register('doTracksAtECALadjPt',\n    default=False,")
THREADS = ("\n# The frame producers keep per-event ROOT histograms in file-scope globals: not safe with several streams\n"
           "process.options.numberOfThreads = 1\nprocess.options.numberOfStreams = 1\n")
CFG = [
    ('FrameProducers/python/DetFrameProducer_cfi.py', sub('    , siPixelRecHitCollection = cms.InputTag("siPixelRecHits")\n',
                                                          PIX_NOTE + '    , siPixelRecHitCollection = cms.InputTag("siPixelRecHits")\n')),
    ('FrameProducers/python/DetFrameProducer_cfi.py', sub('    , doTracksAtECALadjPt = cms.bool(True)\n',
                                                          ADJ_NOTE + '    , doTracksAtECALadjPt = cms.bool(False)\n')),
    ('FrameProducers/python/DetFrameProducer_cfi.py', sub('    , setChannelOrder = cms.string("0,1,2,3,4,5,6,7")\n',
        '    # output channel i = pushed channel setChannelOrder[i]; "" keeps the push order (HBHE, ECAL, track pT, d0, dz,\n'
        '    # [adjustable track pT], BPIX1-3). A non-empty order must list every enabled channel once.\n'
        '    , setChannelOrder = cms.string("")\n')),
    ('FrameProducers/python/JetFrameProducer_cfi.py', sub("    , siPixelRecHitCollection = cms.InputTag('siPixelRecHits')\n",
                                                          PIX_NOTE + "    , siPixelRecHitCollection = cms.InputTag('siPixelRecHits')\n")),
    ('FrameProducers/python/JetFrameProducer_cfi.py', sub('    , doTracksAtECALadjPt = cms.bool(True)\n',
                                                          ADJ_NOTE + '    , doTracksAtECALadjPt = cms.bool(False)\n')),
    ('TopTagger/python/TopTagger_cfi.py', sub('    , minJetPt = cms.double(35.)\n    , maxJetEta = cms.double(2.4)\n',
                                              '    , minJetPt = cms.double(400.)\n    , maxJetEta = cms.double(1.37)\n')),
    ('TopTagger/python/TopTagger_cfi.py', sub('    , doTracksAtECALadjPt = cms.bool(True)\n', '    , doTracksAtECALadjPt = cms.bool(False)\n')),
    ('FrameProducers/python/E2eDLreco_cfg.py', sub(*OPT_ADJ)),
    ('FrameProducers/python/E2eDLreco_cfg.py', sub('process = cms.Process("Classifier")\n',
                                                   'process = cms.Process("Classifier")\n' + THREADS)),
    ('TopTagger/python/TopInference_cfg.py', sub(OPT_ADJ[0].replace('=', ' = '), OPT_ADJ[1].replace('=', ' = '))),
    ('TopTagger/python/TopInference_cfg.py', sub('    default = "0,1,2,3,4,5,6,7",\n', '    default = "",\n')),
    ('TopTagger/python/TopInference_cfg.py', sub('    info = "set the order of the channels")\n',
                                                 '    info = "order of the DetFrames channels (\\"\\": push order; else every enabled channel once)")\n')),
    ('TopTagger/python/TopInference_cfg.py', sub('process.JetFrames.minJetPt = cms.double(35.)\nprocess.JetFrames.maxJetEta = cms.double(2.4)\n',
                                                 '# ak8 selection as in E2eDLreco_cfg.py and the cfi files\n'
                                                 'process.JetFrames.minJetPt = cms.double(400.)\nprocess.JetFrames.maxJetEta = cms.double(1.37)\n')),
    ('TopTagger/python/TopInference_cfg.py', sub('process = cms.Process("TopClassifier")\n',
                                                 'process = cms.Process("TopClassifier")\n' + THREADS)),
]

SERIES = [('0001-hcal-frame-layout', HCAL), ('0002-bpix-copy-and-layer', BPIX), ('0003-channel-order', ORDER),
          ('0004-ecal-endcap-fill', EE), ('0005-esconsumes', ESCONSUMES), ('0006-cfg-consistency', CFG)]

def apply_edit(text, e, where):
    kind = e[0]
    if kind == 'sub':
        _, old, new, n = e
        if text.count(old) != n: raise ValueError(f'{where}: {text.count(old)} matches (want {n}) of {old[:60]!r}')
        return text.replace(old, new)
    if kind == 'rsub':
        _, pat, repl, n = e
        out, k = re.subn(pat, repl, text)
        if k != n: raise ValueError(f'{where}: {k} matches (want {n}) of {pat!r}')
        return out
    _, start, end, new = e # 'slice': replace [start, end) by new
    i, j = text.index(start), text.index(end)
    if text.count(start) != 1 or text.count(end) != 1 or j < i: raise ValueError(f'{where}: slice anchors not unique')
    return text[:i] + new + text[j:]

def main(git_dir, out_dir):
    out = Path(out_dir); out.mkdir(parents=True, exist_ok=True)
    files = sorted({f for _, edits in SERIES for f, _ in edits})
    with tempfile.TemporaryDirectory() as tmp:
        cur = {f: subprocess.run(['git', f'--git-dir={git_dir}', 'show', f'{COMMIT}:{f}'], check=True,
                                 capture_output=True, text=True).stdout for f in files}
        for name, edits in SERIES:
            new = dict(cur)
            for f, e in edits: new[f] = apply_edit(new[f], e, f'{name} {f}')
            chunks = []
            for f in files:
                if new[f] == cur[f]: continue
                a, b = Path(tmp)/'a'/f, Path(tmp)/'b'/f
                for p, t in ((a, cur[f]), (b, new[f])): p.parent.mkdir(parents=True, exist_ok=True); p.write_text(t)
                d = subprocess.run(['diff', '-u', f'a/{f}', f'b/{f}'], cwd=tmp, capture_output=True, text=True).stdout
                chunks.append(re.sub(r'^(---|\+\+\+) (\S+)\t.*$', r'\1 \2', d, flags=re.M)) # no timestamps
            (out/f'{name}.patch').write_text(''.join(chunks))
            cur = new
    return [out/f'{n}.patch' for n, _ in SERIES]

if __name__ == '__main__':
    for p in main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else 'e2e_nb/cmssw/RecoE2E/patches'): print(p)
