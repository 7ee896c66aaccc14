# make test: set up a virtualenv with the test dependencies and run the whole suite.
# make demo: start a local S3 server and run the everyday commands through the real s3cmd.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: test demo lint venv clean bench gpg

$(BIN)/.installed: setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# gpg for the client-side encryption tests (-e/--encrypt): installed when missing and we may
# (root with apt-get, as in the CI image); elsewhere those tests skip and say why.
gpg:
	@if ! command -v gpg >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q >/dev/null && apt-get install -y -q gnupg >/dev/null; \
	  else echo "gpg not installed (not root, or no apt-get): the encryption tests will skip"; fi; \
	fi

venv: $(BIN)/.installed gpg

lint: venv
	$(BIN)/ruff check S3 tests s3cmd demo benchmarks iam

test: venv lint
	$(BIN)/python -m pytest -q tests

demo: venv
	$(BIN)/python demo/run_demo.py

# side by side with upstream s3cmd 2.4.0 (installed in a scratch virtualenv under /tmp)
bench: venv
	$(BIN)/python benchmarks/run.py --runs 5

clean:
	rm -rf $(VENV) build dist *.egg-info
