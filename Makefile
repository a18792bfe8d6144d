# The kit's commands. Every target installs what it needs first (into .venv, pinned).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# A system interpreter (not one under root's home) so the unprivileged sandbox user can run the venv.
SYSTEM_PYTHON ?= $(shell for p in /usr/bin/python3.11 /usr/bin/python3 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import venv, ensurepip' 2>/dev/null; then echo $$p; break; fi; done)
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip install -q --disable-pip-version-check -c requirements/constraints.txt

ASSIGNMENT ?= recurrent
SUB ?= student_templates
SUBMISSIONS ?= assignments/$(ASSIGNMENT)/class
OUTPUT ?= grading/$(ASSIGNMENT)
ARGS ?=

.PHONY: help install test test-install test-fast templates grade-one grade demo bench dist check-python clean

help:
	@echo "make demo        install, build the distributions, grade the bundled examples, print the scores"
	@echo "make test        install, run the whole test suite"
	@echo "make test-install  the student and grader installs on every Python 3.10-3.13 found (fresh venvs, ~10 min)"
	@echo "make test-fast   install, run the tests that start no grader, sandbox or build (pytest -m \"not slow\")"
	@echo "make templates   regenerate student_templates/ from solutions/"
	@echo "make grade-one   SUB=path ASSIGNMENT=name  grade one submission into results.json"
	@echo "make grade       ASSIGNMENT=name SUBMISSIONS=folder OUTPUT=folder [ARGS='--roster r.csv --due ...']  grade a class"
	@echo "make dist        build dist/<assignment>/ student and Gradescope zips"
	@echo "make bench       time one correct submission, the bundled class and a class of 300 against the speed targets"

check-python:
	@test -n "$(SYSTEM_PYTHON)" || { echo "error: no Python 3 with the venv module found; install python3 and python3-venv" >&2; exit 1; }

install: $(STAMP)

$(STAMP): requirements/grader.txt requirements/kit.txt requirements/test.txt requirements/torch.txt requirements/constraints.txt | check-python
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/grader.txt -r requirements/kit.txt -r requirements/test.txt
	@$(PIP) -r requirements/torch.txt || echo "note: torch is not installable here; its cross-checks will be skipped"
	@$(PY) -m compileall -q -j 0 $(VENV) > /dev/null || true  # bytecode once (pip skips it under PYTHONDONTWRITEBYTECODE)
	@touch $@

test: install
	$(PY) -m pytest tests

test-fast: install
	$(PY) -m pytest -n 2 -m "not slow" tests

test-install: install
	KIT_INSTALL_MATRIX=all $(PY) -m pytest tests/release/test_install.py

templates: install
	$(PY) -m autograder templates

grade-one: install
	$(PY) -m autograder grade --assignment "$(ASSIGNMENT)" --submission "$(SUB)" --output results.json

grade: install
	$(PY) -m autograder grade-batch --assignment "$(ASSIGNMENT)" --submissions "$(SUBMISSIONS)" --output "$(OUTPUT)" $(ARGS)

dist: install
	$(PY) -m autograder dist

demo: install
	$(PY) -m autograder demo

bench: install
	$(PY) -m autograder bench --large 300

clean:
	rm -rf dist grading results.json .pytest_cache .cache
