# Two commands for a fresh machine: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= data/index
API_PORT ?= 8000
UI_PORT ?= 8501

.PHONY: install run test eval index bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changes. torch is installed first, pinned, from the local CPU wheel.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[st,dev,milvus]"
	touch $(STAMP)

# The browser tests drive Debian's Chromium: `playwright install` cannot download browsers on a closed network.
# Installed only when missing; sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

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

test: install $(CHROMIUM)
	$(PY) -m pytest

eval: index
	$(PY) -m retriever.evaluate ../shared/eval/seed_dev.jsonl --index $(INDEX)

# Benchmarks of the issue "Performance and scale" (python -m bench --help); BENCH picks one, e.g. BENCH=ann.
BENCH ?= all
bench: install
	$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) data .pytest_cache
