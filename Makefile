# `make demo` and `make test` set up everything they need on a fresh Debian machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] && echo "" || (command -v sudo >/dev/null && echo sudo))

.PHONY: demo test venv system lint dist bench bench-argos bench-apertium bench-memory clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,web]'
	# argostranslate is used for its package index only; its own deps pull torch.
	$(BIN)/pip install -q --no-deps 'argostranslate>=1.9'
	touch $(STAMP)

venv: $(STAMP)

# Apertium (engine) and Chromium (browser tests), from Debian, when we may install.
# In CI (CI=true) not having them is an error: the tests would fail on them anyway.
system:
	@if command -v apertium >/dev/null && apertium -l 2>/dev/null | grep -q spa-eng \
	    && command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null; then \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq apertium apertium-eng-spa chromium >/dev/null; \
	elif [ "$$CI" = true ]; then echo "error: CI=true and apertium/chromium cannot be installed (not root, no sudo)" >&2; exit 1; \
	else echo "warning: cannot install apertium/chromium (not root, no sudo); their tests skip" >&2; fi

# A wheel in dist/ (bireader is not on PyPI): pip install dist/bireader-*.whl
dist: venv
	rm -rf dist build
	$(BIN)/pip wheel -q --no-deps -w dist .
	@ls dist/*.whl

demo: venv system
	@mkdir -p $(OUT)
	$(BIN)/bireader engines
	$(BIN)/bireader export texts/miami-talks.es.txt -o $(OUT)/miami-talks.html -o $(OUT)/miami-talks.tmx
	@echo
	@echo "Bilingual reader: $$(realpath $(OUT)/miami-talks.html)"
	@echo "Translation memory (TMX 1.4b): $$(realpath $(OUT)/miami-talks.tmx)"

test: venv system lint
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check bireader tests benchmarks tools
	$(BIN)/mypy

# Argos path vs argostranslate's own; argostranslate needs torch, so a separate venv.
bench-argos:
	@ARGOS_VENV=$$(PYTHON=$(PYTHON) sh benchmarks/_argos_env.sh) && \
	    $$ARGOS_VENV/bin/python benchmarks/argos.py

# Apertium: one process per document vs per sentence; chrF raw vs cleaned.
bench-apertium: venv system
	$(BIN)/python benchmarks/apertium.py

# bireader's own memory at 10k/100k/1M sentences (a test-double engine).
bench-memory: venv
	$(BIN)/python benchmarks/memory.py

clean:
	rm -rf $(VENV) $(OUT) dist build .pytest_cache .mypy_cache .ruff_cache
