# Two commands: `make run` and `make test`. Each creates .venv if missing and
# installs what it needs (re-installing only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench eval install rust-test node-deps browser clean
NODE_DEPS := tests/anchor_ts/node_modules/.package-lock.json

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,web]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# The official Anchor TS client, for the byte-agreement tests (pinned by package-lock.json).
$(NODE_DEPS): tests/anchor_ts/package.json tests/anchor_ts/package-lock.json
	npm ci --prefix tests/anchor_ts --no-audit --no-fund --loglevel=error
	touch $@

node-deps: $(NODE_DEPS)

# The browser test drives Debian's Chromium (Playwright cannot download browsers here), with
# fonts for its screenshots. Installed once, as root; quiet when already there.
BROWSER_PACKAGES := chromium fonts-dejavu-core fonts-noto-color-emoji
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "error: the browser test needs /usr/bin/chromium: run 'sudo apt-get install -y $(BROWSER_PACKAGES)'"; exit 2; \
		fi; \
		apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null 2>&1 \
			|| { apt-get update -qq && apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }; \
	fi

run: install
	$(VENV)/bin/quantdesk run

# The lint gates first (a minute or two; a finding stops the build), then Rust (it also
# builds the engine runner the Python differential tests use), then pytest, whose
# summary line closes the output. pytest's own exit code is kept: 5 ("no tests
# collected") fails the build.
test: install node-deps browser
	$(MAKE) lint
	$(MAKE) rust-test
	$(PY) -m pytest

# ruff over the whole tree, mypy --strict over the packages [tool.mypy] names (pyproject.toml).
lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

rust-test:
	@if [ -f programs/Cargo.toml ]; then cargo test --manifest-path programs/Cargo.toml --workspace; \
	else echo "programs/Cargo.toml absent: no Rust tests to run"; fi

bench: install
	$(PY) benchmarks/run.py

# Every suite on the rules model; results.json and report.md/html in evals/out (compared with the last run there).
eval: install
	$(PY) -m evals run --suite all --out evals/out

clean:
	rm -rf $(VENV) .pytest_cache
