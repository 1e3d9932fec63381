# e2e_nb — the two commands of the README live here:
#   make run    set up .venv and run the package's main job on its embedded default
#   make test   set up .venv (+ Chromium) and run the whole test suite (what CI runs)
# Other targets: make docs (offline docs site into _docs/), make readme, make bench, make clean.
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

# The shipped weights (e2e_nb/weights/resnet15_topgun): `make weights` reproduces them on a 2-core CPU machine
# (about 5 min of simulation and 30-45 min of training), then evaluates them on an independent top-gun file.
WEIGHTS := e2e_nb/weights/resnet15_topgun
WORK ?= $(HOME)/.e2e_nb/ship

.PHONY: weights weights-report run test check-sync nbtest pytest docs readme bench chromium clean

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

# notebooks clean and library in sync with them (the nbdev CI recipe), README in sync with nbs/index.ipynb
check-sync: $(STAMP)
	$(BIN)/python tools/check_sync.py

nbtest: $(STAMP)
	$(BIN)/nbdev_test --n_workers 2 --timing

pytest: $(STAMP) chromium
	$(BIN)/python -m pytest tests/ -ra --durations=15

test: $(STAMP) chromium check-sync nbtest pytest

docs: $(STAMP)
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	$(BIN)/python docs/build.py site

readme: $(STAMP)
	$(BIN)/python docs/build.py readme

weights: $(STAMP)
	mkdir -p $(WORK)
	$(BIN)/e2e-simulate --process topgun --n-jets 30000 --seed 1 --workers 1 --out $(WORK)/topgun_train_s1.h5 --overwrite
	$(BIN)/e2e-simulate --process topgun --n-jets 5000 --seed 2 --workers 1 --out $(WORK)/topgun_test_s2.h5 --overwrite
	rm -rf $(WORK)/run
	$(BIN)/e2e-train --data $(WORK)/topgun_train_s1.h5 --model resnet15 --epochs 20 --pool 2 --bf16 --channels-last \
	  --augment --threads 2 --out $(WORK)/run
	$(BIN)/python -c "from e2e_nb.response import fit_response_correction as f; f('$(WORK)/run')"
	$(BIN)/python tools/ship_weights.py $(WORK)/run $(WEIGHTS)
	$(MAKE) weights-report

# The shipped model's report: an independent top-gun file, QCD jets, and the tt̄ mass scan (m_t = 160, 172.5, 185 GeV)
# whose per-jet information on m_t (σ_F, σ_eff) is the report's headline. About 3 minutes of simulation on 2 cores.
weights-report: $(STAMP)
	mkdir -p $(WORK)
	test -f $(WORK)/topgun_test_s2.h5 || $(BIN)/e2e-simulate --process topgun --n-jets 5000 --seed 2 --workers 2 --out $(WORK)/topgun_test_s2.h5
	test -f $(WORK)/qcd_s14.h5 || $(BIN)/e2e-simulate --process qcd --n-jets 2000 --seed 14 --workers 2 --out $(WORK)/qcd_s14.h5
	for ms in 160:11 172.5:12 185:13; do m=$${ms%%:*}; s=$${ms##*:}; test -f $(WORK)/ttbar_m$$m.h5 || \
	  $(BIN)/e2e-simulate --process ttbar --top-mass $$m --n-jets 4000 --seed $$s --workers 2 --out $(WORK)/ttbar_m$$m.h5; done
	$(BIN)/e2e-evaluate --run $(WEIGHTS) --data $(WORK)/topgun_test_s2.h5 --qcd $(WORK)/qcd_s14.h5 \
	  --scan $(WORK)/ttbar_m160.h5 $(WORK)/ttbar_m172.5.h5 $(WORK)/ttbar_m185.h5 --out $(WEIGHTS)/report

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf _docs _proc artefacts .pytest_cache .cache/docs_src .cache/docs_static
