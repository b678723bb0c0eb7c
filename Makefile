# Two commands for a fresh machine: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= data/index
API_PORT ?= 8000
UI_PORT ?= 8501

.PHONY: install lock run test eval index bench clean ocr-tools

$(PY):
	$(PYTHON) -m venv $(VENV)

# Everything comes from the committed lock (exact versions, SHA-256 hashes), so two installs a month apart are the
# same program. Re-installs only when the lock or pyproject.toml changes; the project itself goes in editable,
# without dependencies of its own. torch 2.13.0+cpu: pip takes the local CPU wheel where the machine has one;
# elsewhere set TORCH_INDEX=https://download.pytorch.org/whl/cpu (the PyPI torch is a CUDA build).
LOCK := requirements.lock
PIP_VERSION := 26.3
TORCH_INDEX ?=
PIP_INDEX_ARGS := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))

$(STAMP): $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet "pip==$(PIP_VERSION)"
	$(PY) -m pip install --quiet --require-hashes --no-deps $(PIP_INDEX_ARGS) -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $(STAMP)

# `make lock` pins what pyproject.toml added or changed and keeps every other pin; `make lock UPGRADE=1` takes the
# newest releases within pyproject.toml's bounds. In a tools venv of its own, so that
# pip-tools never enters the project's environment. Review the diff, run `make test`, commit both files.
LOCK_VENV := .venv-lock
$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet "pip==$(PIP_VERSION)" "pip-tools==7.6.2"

lock: $(LOCK_VENV)/bin/pip-compile
	$(LOCK_VENV)/bin/pip-compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --extra st,dev,milvus --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links $(PIP_INDEX_ARGS) -o $(LOCK) pyproject.toml

# The browser tests drive Debian's Chromium: `playwright install` cannot download browsers on a closed network.
# Installed only when missing; sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Scanned PDFs and images are read by Debian's Tesseract with its Vietnamese model, old Word (.doc), RTF and
# OpenDocument files converted by LibreOffice without its GUI; both offline. Installed only when missing, the same
# way; ingest without them skips those files and says why (`make ocr-tools` installs them for `make run`).
TESSERACT_VIE := /usr/share/tesseract-ocr/5/tessdata/vie.traineddata
SOFFICE := /usr/bin/soffice

$(TESSERACT_VIE):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-vie

$(SOFFICE):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui

ocr-tools: $(TESSERACT_VIE) $(SOFFICE)

install: $(STAMP)

# Incremental: a second run reads nothing that did not change, and upgrades an index of an older format.
index: install
	$(PY) -m ingest corpus/ --index $(INDEX) --quiet

run: index
	@echo "API: http://127.0.0.1:$(API_PORT)  (docs: http://127.0.0.1:$(API_PORT)/docs)"
	@echo "UI:  http://127.0.0.1:$(UI_PORT)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(PY) -m api --index $(INDEX) --port $(API_PORT) & \
	POLICYQA_API_URL=http://127.0.0.1:$(API_PORT) $(PY) -m streamlit run ui/app.py \
		--server.port $(UI_PORT) --server.address 127.0.0.1 --server.headless true \
		--browser.gatherUsageStats false & \
	wait

test: install $(CHROMIUM) ocr-tools
	$(PY) -m pytest

eval: index
	$(PY) -m evals.evaluate ../shared/eval/seed_dev.jsonl --index $(INDEX)

# Benchmarks of the issue "Performance and scale" (python -m bench --help); BENCH picks one, e.g. BENCH=ann.
BENCH ?= all
bench: install $(if $(filter ocr all,$(BENCH)),ocr-tools)
	$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) $(LOCK_VENV) data .pytest_cache
