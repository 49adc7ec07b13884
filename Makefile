# Backprop: the front door. `make help` lists the targets.
SWIFT ?= swift
# gnuplot-nox: gnuplot without X11/Qt (the plain `gnuplot` package pulls in Qt).
GNUPLOT_PACKAGE := gnuplot-nox
# `make lesson N=4`, `N=04` or `N=12`; extra flags with ARGS="--epochs 5 --format png svg".
# (`expr` reads 08 and 09 as decimal; printf alone would take them for octal.)
N ?= 04
LESSON := lesson$(shell expr "$(N)" + 0 >/dev/null 2>&1 && printf '%02d' "$$(expr "$(N)" + 0)" || echo "$(N)")
# The lessons, read from Package.swift's `let lessonNumbers = Array(1...16)` (the one definition of the list).
LESSONS := $(shell seq -f '%02g' $$(sed -n 's/^let lessonNumbers = Array(\([0-9]*\)\.\.\.\([0-9]*\)).*/\1 \2/p' Package.swift))
# Image formats `make plots` draws (the committed figures are PNG).
FORMATS ?= png

# `make grade TIMEOUT=20 RESULTS=out.json STRICT=1`, `make handout OUT=dir`, `make autograder ZIP=file.zip`.
TIMEOUT ?= 10
RESULTS ?= results.json
OUT ?= handout
ZIP ?= autograder.zip
# `make format FILES="Sources/Neural/Dense.swift …"`: the files the formatter rewrites (none unless named).
FILES ?=
# swift-format ships with the toolchain; its settings and rules are in .swift-format.
SWIFT_FORMAT ?= $(SWIFT) format
# The pretty printer's layout findings, which `make lint` leaves out: the code is laid out by hand
# (aligned tables, formulas in comments, narration continued line by line), a layout no
# swift-format setting reproduces. Every rule of .swift-format is checked.
LAYOUT_FINDINGS := Indentation|AddLines|LineLength|Spacing|TrailingComma|RemoveLine|EndOfLineComment

.PHONY: help setup test bench lesson plots data grader grade handout autograder check-homework fuzz lint format

help:
	@echo "make lesson N=04   run one lesson (installs gnuplot first if needed); ARGS=\"--quick\" passes flags"
	@echo "make plots         regenerate every course figure into Plots/ (release build)"
	@echo "make test          setup, then the whole test suite"
	@echo "make lint          swift-format's rules (.swift-format) on Sources, Lessons, Tests (CI runs it)"
	@echo "make format        swift-format the files named in FILES=\"…\" in place"
	@echo "make bench         release build, then the benchmark against numpy (and PyTorch if BACKPROP_PYTHON=… imports it);"
	@echo "                   ARGS=\"--rounds 10 --only epoch\" for steadier ratios of some lines (backprop-bench --help)"
	@echo "make data          regenerate the shipped datasets from their packages (needs network, numpy, apt)"
	@echo "make setup         install gnuplot if it is missing (apt-get as root, else prints the command)"
	@echo "make grade         grade the homework in Sources/Homework, each part in its own process (TIMEOUT=10 STRICT=1)"
	@echo "make handout       write the student's copy into OUT=dir (solutions stubbed, hidden tests out), then check it"
	@echo "make autograder    build a Gradescope autograder zip (ZIP=autograder.zip)"
	@echo "make fuzz          read FUZZ=20000 mutants of each file format (make test reads 300)"

setup:
	@if command -v gnuplot >/dev/null 2>&1; then \
		echo "gnuplot: $$(gnuplot --version)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(GNUPLOT_PACKAGE)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GNUPLOT_PACKAGE); \
	else \
		echo "gnuplot is missing. Install it, then run make again:"; \
		if command -v brew >/dev/null 2>&1; then echo "  brew install gnuplot"; \
		else echo "  sudo apt-get install -y --no-install-recommends $(GNUPLOT_PACKAGE)"; fi; \
		exit 1; \
	fi

test: setup
	$(SWIFT) test

lesson: setup
	@if [ ! -d Lessons/$(LESSON) ]; then echo "There is no $(LESSON): N must be one of $(LESSONS)"; exit 2; fi
	$(SWIFT) run $(LESSON) $(ARGS)

# Every lesson with its default settings, release build, into Plots/. The data files come out
# identical to the committed ones (only files named *timing* hold measured times).
plots: setup
	$(SWIFT) build -c release
	@log=$$(mktemp); for n in $(LESSONS); do \
		echo "── lesson$$n"; \
		.build/release/lesson$$n --out Plots --format $(FORMATS) > "$$log" 2>&1 \
			|| { cat "$$log"; rm -f "$$log"; echo "make plots: lesson$$n failed (its output is above)"; exit 1; }; \
	done; rm -f "$$log"
	@echo "Figures, scripts, data and transcripts are in Plots/"

# The debug build is measured too (the matmul-debug and epoch-debug lines): the hot modules
# are optimized even in debug builds, so `swift run lessonNN` runs at release speed.
bench:
	$(SWIFT) build --product backprop-bench
	$(SWIFT) build -c release --product backprop-bench
	.build/release/backprop-bench $(ARGS)

data:
	python3 Sources/Datasets/make_data.py

# Homework. The grading tool does not depend on the student's code: it builds homework-runner
# itself, so a compile error in Sources/Homework is reported as such (0 points), not as a crash.
# The grading tool, built quietly (its errors shown if it fails to build).
grader:
	@$(SWIFT) build --product backprop-grade > /dev/null || $(SWIFT) build --product backprop-grade

grade: grader
	@.build/debug/backprop-grade --timeout $(TIMEOUT) --results $(RESULTS) $(if $(STRICT),--strict,)

handout: grader
	.build/debug/backprop-grade handout $(OUT)

autograder: grader
	.build/debug/backprop-grade autograder $(ZIP)

# What CI checks beyond `make test` (three more builds of copies of the package, ~10 min on 2
# cores): the handout builds and grades to 0 with every part not attempted; a compile error in
# it is reported as "build failed" with 0 points; the autograder, run as Gradescope runs it,
# gives the instructor's solutions full marks and an empty submission 0.
check-homework:
	bash Sources/Grade/check-homework.sh

# The readers on mutated real files (bytes flipped, fields set to 0xFF, cut, inserted): any
# trap fails the run. `make test` reads 300 mutants of each of 8 formats; this reads FUZZ.
FUZZ ?= 20000
fuzz:
	BACKPROP_FUZZ_ITERATIONS=$(FUZZ) $(SWIFT) test --filter ReaderTests/testMutatedFilesNeverCrashTheReaders 2>&1 | grep -E "fuzz:|error|passed|failed"

lint:
	@findings=$$($(SWIFT_FORMAT) lint --configuration .swift-format -r Sources Lessons Tests Package.swift 2>&1 \
		| grep -vE '\[($(LAYOUT_FINDINGS))\]' || true); \
	if [ -n "$$findings" ]; then echo "$$findings"; echo "make lint: fix the findings above (rules: .swift-format)"; exit 1; fi; \
	echo "make lint: no findings (rules of .swift-format; layout is by hand)"

format:
	@if [ -z "$(FILES)" ]; then echo 'make format: name the files, e.g. make format FILES="Sources/Neural/Dense.swift"'; exit 1; fi
	$(SWIFT_FORMAT) format --configuration .swift-format -i $(FILES)
