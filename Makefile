# push_actions — PGXS build, plus the README's commands (test, demo, bench).

EXTENSION = push_actions
MODULE_big = push_actions
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA = $(wildcard sql/push_actions--*.sql)

TESTS = $(sort $(wildcard test/sql/*.sql))
REGRESS = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test --load-extension=push_actions

# Bitcode for JIT adds a clang dependency and build time for no gain here.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): $(wildcard src/*.h)

.PHONY: test demo bench

# Install what is missing, build with warnings as errors, run every test on a
# throwaway cluster; the last line is "N passed, N failed".
test:
	@bash scripts/test.sh

# The same set-up, then the sample data and the seed requests with their answers.
demo:
	@bash scripts/demo.sh

# Millions of actions on a throwaway cluster, measured against plain SQL.
bench:
	@bash bench/run.sh
