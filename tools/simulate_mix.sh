#!/bin/bash
# The training mix of the shipped mass regression (issue 19; CMS-DP-2021/017's recipe): containment-aware flat-mass
# top-gun jets, flat-mass tt̄ with the underlying event, QCD jets (target: their generated soft-drop mass), and the
# same three at pile-up μ = 15 ... 60. Usage: simulate_mix.sh DIR [nopu|pu|stage2|stage3a|stage3b|all] [SCALE];
# skips finished files (e2e-simulate writes atomically), so a killed run resumes. SCALE multiplies every sample size.
set -euo pipefail
DIR=$1; PART=${2:-all}; SCALE=${3:-1}
B=$(cd "$(dirname "$0")/.." && pwd)/.venv/bin
mkdir -p "$DIR"
n() { python3 -c "print(max(50, int($1*$SCALE)))"; }
sim() { local out=$DIR/$1; shift; [ -f "$out" ] || "$B/e2e-simulate" "$@" --workers 1 --out "$out"; }
if [ "$PART" = stage2 ]; then   # the second training stage's extra tt̄ and QCD jets (make weights)
  sim mix_ttbar2_pu0.h5 --process ttbar --top_mass 172.5 --mass_window 0.25 --n_jets $(n 60000) --seed 304
  sim mix_qcd2_pu0.h5 --process qcd --n_jets $(n 30000) --seed 305
  exit 0
fi
if [ "$PART" = stage3a ] || [ "$PART" = stage3b ]; then   # make pileup-stage's extra jets, in two halves
  for mk in 15:0 30:1 45:2; do   # μ:k (μ = 60 is in the mix; at 4-10 jets/s here it would double the time)
    mu=${mk%%:*}; k=${mk##*:}
    if [ "$PART" = stage3a ]; then
      sim mix3_topgun_pu$mu.h5 --process topgun --pileup $mu --n_jets $(n 4000) --seed $((320 + k))
    else
      sim mix3_ttbar_pu$mu.h5 --process ttbar --top_mass 172.5 --mass_window 0.25 --pileup $mu --n_jets $(n 1500) \
        --seed $((330 + k))
      sim mix3_qcd_pu$mu.h5 --process qcd --pileup $mu --n_jets $(n 2500) --seed $((340 + k))
    fi
  done
  exit 0
fi
if [ "$PART" != pu ]; then
  sim mix_topgun_pu0.h5 --process topgun --n_jets $(n 150000) --seed 301
  sim mix_ttbar_pu0.h5 --process ttbar --top_mass 172.5 --mass_window 0.25 --n_jets $(n 40000) --seed 302
  sim mix_qcd_pu0.h5 --process qcd --n_jets $(n 40000) --seed 303
fi
if [ "$PART" != nopu ]; then
  s=310
  for mu in 15 30 45 60; do
    sim mix_topgun_pu$mu.h5 --process topgun --pileup $mu --n_jets $(n 2500) --seed $((s++))
    sim mix_ttbar_pu$mu.h5 --process ttbar --top_mass 172.5 --mass_window 0.25 --pileup $mu --n_jets $(n 1500) --seed $((s++))
    sim mix_qcd_pu$mu.h5 --process qcd --pileup $mu --n_jets $(n 1500) --seed $((s++))
  done
fi
