# Makefile — a thin front over build.sh and the harness scripts.
#   make fuzz   the main job: set up, build, fuzz every target, print a table
#   make test   unit tests + replay of corpus/ and crashes/ (what CI runs)
#   make test-all   make test plus the slow tier (the end-to-end test)
#   make bench  harness overhead and per-target exec/s (see BENCHMARKS.md)
# Variables (see README.md): FUZZ_SECONDS, FUZZ_RUNS, FUZZ_SEED, TARGETS, ENGINE, JOBS, CMPLOG.

FUZZ_SECONDS ?= 30
FUZZ_RUNS ?=
FUZZ_SEED ?=
ENGINE ?= libfuzzer
TARGETS ?=
JOBS ?=
CMPLOG ?= 0
export FUZZ_SECONDS FUZZ_RUNS FUZZ_SEED ENGINE TARGETS JOBS CMPLOG

.PHONY: all fuzz test test-all bench build clean help

all: help

help:
	@sed -n '2,7p' Makefile | sed 's/^# \{0,1\}//'

fuzz:
	@harness/fuzz.sh

test:
	@tests/run.sh

test-all:
	@CHAINFUZZ_TEST_TIER=all tests/run.sh

bench:
	@bench/run.sh

build:
	@./build.sh

clean:
	rm -rf build work
