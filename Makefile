# Two commands do all the set-up on a fresh machine:
#   make run    start the app (offline default) at http://127.0.0.1:7860
#   make test   install everything the tests need and run the whole suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-optimizers lint eval bench notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/python app.py

# The whole suite, the offline eval gate on dev and test included (tests/test_run.py), but for the
# optimizer smoke runs: those are `make test-optimizers` (CI runs both).
# Byte code is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE): the suite starts
# a dozen Python processes (three workers, notebook kernels, children that import the app), and each would
# compile the project's modules and rewrite the tests' asserts again, about 1.3 s of CPU each.
test: $(STAMP)
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 3 --dist loadgroup -m "not optimizer"

test-optimizers: $(STAMP)
	$(BIN)/python -m pytest -m optimizer

lint: $(STAMP)
	$(BIN)/ruff check .

eval: $(STAMP)
	$(BIN)/python -m evals.run --program offline --split dev --split test

bench: $(STAMP)
	$(BIN)/python -m evals.bench

# Execute every notebook and write its HTML copy (outputs and charts inline) to docs/notebooks/.
notebooks: $(STAMP)
	$(BIN)/python scripts/render_notebooks.py

clean:
	rm -rf $(VENV) var mlflow.db .pytest_cache
