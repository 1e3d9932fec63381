# e2e_nb — the two commands of the README live here:
#   make run    set up .venv and run the package's main job on its embedded default
#   make test   set up .venv (+ Chromium, ONNX Runtime's C++ headers) and run the whole test suite (what CI runs)
# Other targets: make docs (offline docs site into _docs/), make readme, make bench, make ort-headers, make clean.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# a local wheel folder (this project's machines keep the CPU torch wheel there); harmless where absent
PIP := $(BIN)/python -m pip install -q $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export E2E_NB_PROGRESS ?= 0
# notebooks run at the small (CI) scale unless E2E_NB_SCALE=full is set
export E2E_NB_SCALE ?= small

# The shipped weights (e2e_nb/weights/part_mass): `make weights` reproduces them on a 2-core CPU machine: about
# 30 min of simulation (tools/simulate_mix.sh: the CMS-style training mix and the second stage's jets), two trainings
# (stage 1: 4 epochs from scratch, about 80 min on idle cores; stage 2: 2 epochs at a third of the rate on 90 000 more
# jets, about 60 min) and about an hour for the reports (67 min for both, run side by side with the last simulations).
# Every step resumes where a killed `make weights` stopped (finished files are kept, training resumes from its checkpoint).
WEIGHTS := e2e_nb/weights/part_mass
WORK ?= $(HOME)/.e2e_nb/ship
EPOCHS ?= 4
MIX = $(foreach p,topgun ttbar qcd,$(foreach mu,0 15 30 45 60,$(WORK)/mix_$(p)_pu$(mu).h5))
STAGE2 = $(WORK)/mix_ttbar2_pu0.h5 $(WORK)/mix_qcd2_pu0.h5
# the pile-up stage's extra jets (tools/simulate_mix.sh stage3a, stage3b: 24 000 at μ = 15, 30, 45)
PU3 = $(foreach p,topgun ttbar qcd,$(foreach mu,15 30 45,$(WORK)/mix3_$(p)_pu$(mu).h5))
# and its training options (one epoch from stage 2 at a third of its learning rate)
STAGE3 = --init_from $(WORK)/run2 --model part --targets m_target --epochs 1 --lr 1e-4 --bf16 --keep_epochs
# $(call train,DIR,OPTIONS): `e2e-train OPTIONS` into DIR on 2 cores, or its resumption where a killed make left it
train = if [ -f $(1)/config.json ]; then $(BIN)/e2e-train --resume --out $(1) --threads 2 --workers 1; \
	else $(BIN)/e2e-train $(2) --threads 2 --workers 1 --out $(1); fi
# the samples of report/ (tools/simulate_eval.sh), which no training used; the reference is scored on the same jets.
# The tt̄ scan's masses are 3 GeV apart: σ_F comes from a slope, and a scan 12.5 GeV apart overstates the σ_F of a
# sharp estimator (m_SD's contained peak) by a third (see the metrics notebook)
SCAN_MASSES = 166.5 169.5 172.5 175.5 178.5
EVAL = --data $(WORK)/topgun_test_s2.h5 --qcd $(WORK)/qcd_s14.h5 \
	--scan $(foreach m,$(SCAN_MASSES),$(WORK)/scan_ttbar_m$(m).h5)
# and those of report_pu30/ (μ = 30)
EVAL_PU30 = --data $(WORK)/topgun_test_pu30.h5 --qcd $(WORK)/qcd_pu30.h5 \
	--scan $(foreach m,$(SCAN_MASSES),$(WORK)/scan_ttbar_m$(m)_pu30.h5)

.PHONY: weights weights-report pileup-stage reference run test check-sync nbtest pytest docs readme bench chromium ort-headers clean

$(STAMP): setup.py settings.ini
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip wheel setuptools
	# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build
	$(PIP) torch==2.13.0
	$(PIP) -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/e2e-run

# Debian packages the tests need: chromium (browser test), npm (vendors the docs' widget JavaScript), g++ (C++ parity)
chromium:
	@missing=""; for p in chromium:chromium npm:npm g++:g++; do command -v $${p%%:*} >/dev/null || missing="$$missing $${p#*:}"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@chromium --version

# ONNX Runtime's C/C++ headers for the C++ core and the CMSSW plugin tests (the onnxruntime wheel has none): Debian's
# libonnxruntime-dev, fetched once into .cache/onnxruntime (no root, the system's apt untouched), where e2e_nb looks;
# nothing to do where $E2E_NB_ORT_INCLUDE points at headers already. The library itself never fetches them.
ort-headers:
	@if [ -n "$${E2E_NB_ORT_INCLUDE:-}" ]; then echo "ONNX Runtime headers: $$E2E_NB_ORT_INCLUDE (\$$E2E_NB_ORT_INCLUDE)"; \
	else tools/fetch_ort_headers.sh .cache/onnxruntime; fi

# notebooks clean and library in sync with them (the nbdev CI recipe), README in sync with nbs/index.ipynb
check-sync: $(STAMP)
	$(BIN)/python tools/check_sync.py

nbtest: $(STAMP)
	$(BIN)/nbdev_test --n_workers 2 --timing

# E2E_NB_REQUIRE_CPP=1: the C++ tests (tests/conftest.py's cpp_sdk) fail instead of skipping without g++ or the headers
pytest: $(STAMP) chromium ort-headers
	E2E_NB_REQUIRE_CPP=1 $(BIN)/python -m pytest tests/ -ra --durations=15

test: $(STAMP) chromium ort-headers check-sync nbtest pytest

docs: $(STAMP)
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	$(BIN)/python docs/build.py site

readme: $(STAMP)
	$(BIN)/python docs/build.py readme

weights: $(STAMP)
	tools/simulate_mix.sh $(WORK) nopu & tools/simulate_mix.sh $(WORK) pu; wait $$!
	tools/simulate_mix.sh $(WORK) stage2
	# stage 1: EPOCHS epochs from scratch on the mix
	$(call train,$(WORK)/run,--data $(MIX) --model part --targets m_target --epochs $(EPOCHS) --bf16 --keep_epochs)
	# stage 2: 2 epochs at a third of the rate from stage 1, on the mix plus 60 000 tt̄ and 30 000 QCD jets
	$(call train,$(WORK)/run2,--data $(MIX) $(STAGE2) --init_from $(WORK)/run --model part --targets m_target \
	  --epochs 2 --lr 3e-4 --bf16 --keep_epochs)
	$(BIN)/python tools/ship_weights.py $(WORK)/run2 $(WEIGHTS)
	$(MAKE) weights-report

# The shipped model's reports on samples no training saw (tools/simulate_eval.sh, about 30 min on 2 cores): a top-gun
# file, QCD jets and the tt̄ mass scan (m_t = 166.5–178.5 GeV) whose per-jet information on m_t (σ_F, σ_eff) is the
# headline; `report/` without pile-up, `report_pu30/` at μ = 30 (against the CHS soft-drop mass).
# the learning curve in report/: σ_F of the network at each epoch of both stages of `make weights` (--keep_epochs)
CHECKPOINTS = $(sort $(wildcard $(WORK)/run/checkpoints/epoch_*.pt)) $(sort $(wildcard $(WORK)/run2/checkpoints/epoch_*.pt))
weights-report: $(STAMP)
	tools/simulate_eval.sh $(WORK) 2
	$(BIN)/e2e-evaluate --quiet --run $(WEIGHTS) $(EVAL) --ablate --out $(WEIGHTS)/report \
	  $(if $(CHECKPOINTS),--checkpoints $(CHECKPOINTS))
	$(BIN)/e2e-evaluate --quiet --run $(WEIGHTS) $(EVAL_PU30) --ablate --out $(WEIGHTS)/report_pu30
	for r in report report_pu30; do $(BIN)/python tools/ship_weights.py --portable $(WEIGHTS)/$$r $(WORK); done

# The pile-up stage (#19; measured, not shipped: see the README): does more pile-up in the training mend the shipped
# model's top-gun bias at μ = 30? One more epoch from stage 2 at learning rate 1e-4 (a third of stage 2's) with the
# pile-up jets PU3 added (a fifth of the jets at pile-up instead of a tenth): run3full on the mix and the second stage's
# jets (21 min on idle cores), run3 on the same without the mix's no-pile-up top gun (15 min); each scored on the
# samples of report/ and report_pu30/ into WORK/report_RUN and WORK/report_RUN_pu30; then the top-gun bias against μ.
# Resumable.
pileup-stage: $(STAMP)
	tools/simulate_mix.sh $(WORK) stage3a & tools/simulate_mix.sh $(WORK) stage3b; wait $$!
	tools/simulate_eval.sh $(WORK) 2
	$(call train,$(WORK)/run3full,--data $(MIX) $(STAGE2) $(PU3) $(STAGE3))
	$(call train,$(WORK)/run3,--data $(filter-out $(WORK)/mix_topgun_pu0.h5,$(MIX)) $(STAGE2) $(PU3) \
	  $(STAGE3))
	for r in run3full run3; do $(BIN)/e2e-evaluate --quiet --run $(WORK)/$$r $(EVAL) --out $(WORK)/report_$$r && \
	  $(BIN)/e2e-evaluate --quiet --run $(WORK)/$$r $(EVAL_PU30) --out $(WORK)/report_$${r}_pu30 || exit 1; done
	# the top-gun bias against μ: the shipped model and run3full on top-gun files at μ = 15, 45, 60 (μ = 0 and 30 above)
	tools/simulate_eval.sh $(WORK) 2 mu
	for mu in 15 45 60; do $(BIN)/e2e-evaluate --quiet --run $(WEIGHTS) --data $(WORK)/topgun_test_pu$$mu.h5 \
	  --out $(WORK)/report_topgun_pu$$mu && $(BIN)/e2e-evaluate --quiet --run $(WORK)/run3full \
	  --data $(WORK)/topgun_test_pu$$mu.h5 --out $(WORK)/report_run3full_topgun_pu$$mu || exit 1; done

# The reference (#19): ML4SCI's ResNet-15 (images only) trained as stage 1 of the shipped model was (the same mix, split,
# seed, learning rate and 4 epochs), on 2 × 2 sum-pooled images (62 × 62, as the comparison notebook trains the image
# CNNs; 400 jets/s, 35 min on 2 idle cores), and scored on the same samples as report/. Only its report.md and
# metrics.json are kept in the package ($(WEIGHTS)/reference_resnet15; its weights and plots stay in WORK). Resumable.
reference: $(STAMP)
	tools/simulate_mix.sh $(WORK) nopu & tools/simulate_mix.sh $(WORK) pu; wait $$!
	$(call train,$(WORK)/resnet15,--data $(MIX) --model resnet15 --targets m_target --epochs $(EPOCHS) --bf16 \
	  --channels-last --pool 2)
	tools/simulate_eval.sh $(WORK) 2
	$(BIN)/e2e-evaluate --quiet --run $(WORK)/resnet15 $(EVAL) --out $(WORK)/reference_resnet15
	mkdir -p $(WEIGHTS)/reference_resnet15 # report.md without its plots' links
	sed '/^!\[.*\](.*\.png)$$/d' $(WORK)/reference_resnet15/report.md > $(WEIGHTS)/reference_resnet15/report.md
	$(BIN)/python tools/ship_weights.py --portable $(WORK)/reference_resnet15 $(WORK)
	cp $(WORK)/reference_resnet15/metrics.json $(WEIGHTS)/reference_resnet15/

bench: $(STAMP) ort-headers
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf _docs _proc artefacts .pytest_cache .cache/docs_src .cache/docs_static
