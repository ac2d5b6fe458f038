PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
EVAL_OUT ?= /tmp/paper-kg-eval

.PHONY: install install-test run test eval lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed  ## set up .venv with the kg CLI

install-test: $(VENV)/.installed-test

run: install  ## build the bundled sample into output/
	$(BIN)/kg build --sample -o output

test: install-test  ## run the whole test suite
	$(BIN)/python -m pytest

eval: install  ## score builds of the two dev sets in ../shared
	$(BIN)/kg build $(SHARED)/corpus/daily-papers-sep-2.jsonl -o $(EVAL_OUT)/seed --formats ttl
	@echo "== dev gold (seed_gold.jsonl) =="
	$(BIN)/python $(SHARED)/eval/score.py --graph $(EVAL_OUT)/seed/graph.ttl --gold $(SHARED)/eval/seed_gold.jsonl
	$(BIN)/kg build $(SHARED)/gsap/paragraphs.jsonl -o $(EVAL_OUT)/gsap --formats ttl
	@echo "== GSAP-NER paragraphs (ours vs peer SciDeBERTa) =="
	$(BIN)/python $(SHARED)/eval/gsap_score.py --graph $(EVAL_OUT)/gsap/graph.ttl --holdout $(SHARED)/gsap/paragraphs.jsonl | $(BIN)/python -m kg.evalfmt

clean:
	rm -rf $(VENV) output/graph.* output/entities.csv
