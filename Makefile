# Backprop: the front door. `make help` lists the targets.
SWIFT ?= swift
# gnuplot-nox: gnuplot without X11/Qt (the plain `gnuplot` package pulls in Qt).
GNUPLOT_PACKAGE := gnuplot-nox

.PHONY: help setup test bench

help:
	@echo "make setup   install gnuplot if it is missing (apt-get as root, else prints the command)"
	@echo "make test    setup, then the whole test suite"
	@echo "make bench   release build, then the benchmark against numpy (GFLOP/s, GB/s, epoch time)"

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

# The debug build is measured too (the line matmul-debug): the tensor module is optimized
# even in debug builds, so `swift run lessonNN` runs at release speed.
bench:
	$(SWIFT) build --product backprop-bench
	$(SWIFT) build -c release --product backprop-bench
	.build/release/backprop-bench
