#!/bin/bash
# Independent evaluation samples of the shipped model's report (never in any training): a top-gun file, QCD jets and
# the tt̄ mass scan (m_t = 166.5 to 178.5 GeV in steps of 3, the template masses of the top-mass notebook: its
# no-pile-up files are the notebook's template samples, same seeds, same jets), without pile-up and at μ = 30; with
# `mu`, instead, top-gun files at μ = 15, 45 and 60 (make pileup-stage: the bias against μ). Usage: simulate_eval.sh
# DIR [WORKERS] [mu]; skips finished files (e2e-simulate writes atomically), so a killed run resumes.
set -euo pipefail
DIR=$1; W=${2:-2}
B=$(cd "$(dirname "$0")/.." && pwd)/.venv/bin
mkdir -p "$DIR"
sim() { local out=$DIR/$1; shift; [ -f "$out" ] || "$B/e2e-simulate" "$@" --workers "$W" --out "$out"; }
if [ "${3:-}" = mu ]; then
  for ms in 15:25 45:26 60:27; do
    sim topgun_test_pu${ms%%:*}.h5 --process topgun --pileup ${ms%%:*} --n_jets 2000 --seed ${ms##*:}
  done
  exit 0
fi
sim topgun_test_s2.h5 --process topgun --n_jets 5000 --seed 2
sim qcd_s14.h5 --process qcd --n_jets 2000 --seed 14
for ms in 166.5:1500 169.5:1501 172.5:1502 175.5:1503 178.5:1504; do
  sim scan_ttbar_m${ms%%:*}.h5 --process ttbar --top_mass ${ms%%:*} --n_jets 12000 --seed ${ms##*:}
done
sim topgun_test_pu30.h5 --process topgun --pileup 30 --n_jets 2000 --seed 20
sim qcd_pu30.h5 --process qcd --pileup 30 --n_jets 1000 --seed 24
for ms in 166.5:50 169.5:51 172.5:52 175.5:53 178.5:54; do
  sim scan_ttbar_m${ms%%:*}_pu30.h5 --process ttbar --top_mass ${ms%%:*} --pileup 30 --n_jets 4000 --seed ${ms##*:}
done
