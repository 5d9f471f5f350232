# push_actions — PGXS build, plus the README's commands (test, demo, bench, deb).

EXTENSION = push_actions
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" push_actions.control)
MODULE_big = push_actions
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The current version's install script is built from one file per concept, in
# an order that builds; the frozen 1.0 script and the upgrade steps are
# written by hand and never built.
SQL_SOURCES = $(addprefix sql/src/, schemas.sql push_status.sql vocabulary.sql delivery_summary.sql \
	aggregates.sql tables.sql indexes.sql references.sql kept_rollups.sql api_create.sql api_status.sql \
	retention.sql views.sql listing.sql pushes_api.sql delivery_events.sql distribute.sql)
DATA_built = sql/push_actions--$(EXTVERSION).sql
DATA = sql/push_actions--1.0.sql $(wildcard sql/push_actions--*--*.sql)

TESTS = $(sort $(wildcard test/sql/*.sql))
REGRESS = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test --load-extension=push_actions
# concurrency: isolation specs with fixed interleavings (test/specs/*.spec)
ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --load-extension=push_actions
# servers started, crashed and restarted: TAP tests on PostgreSQL::Test::Cluster
TAP_TESTS ?= 1
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))

# Bitcode for JIT adds a clang dependency and build time for no gain here.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
else ifneq ($(filter-out test demo bench deb stress,$(or $(MAKECMDGOALS),all)),)
$(error $(PG_CONFIG) not found: install postgresql-server-dev-$(or $(PG),15) or set PG_CONFIG; make test, demo, bench and deb install it themselves)
endif

$(OBJS): $(wildcard src/*.h)

sql/push_actions--$(EXTVERSION).sql: $(SQL_SOURCES) push_actions.control
	@{ printf '%s\n' '\echo Use "CREATE EXTENSION push_actions" to load this file. \quit' \
		'-- Built by make from sql/src/; edit those files, not this one.'; \
	   for f in $(SQL_SOURCES); do printf '\n-- %s\n' "$$f"; cat "$$f"; done; } > $@

.PHONY: test demo bench deb stress

# Install what is missing, build with warnings as errors, run every test on a
# throwaway cluster; the last line is "N passed, N failed".
test:
	@bash scripts/test.sh

# The same set-up, then the sample data and the seed requests with their answers.
demo:
	@bash scripts/demo.sh

# Millions of actions on a throwaway cluster, measured against plain SQL;
# with CITUS=1, on a Citus coordinator and two workers against one server.
bench:
	@bash bench/$(if $(filter 1,$(CITUS)),citus.sh,run.sh)

# The reliability suite: fuzzing, a mixed load, sqlsmith (README "Reliability").
stress:
	@bash scripts/stress.sh

# The Debian package (postgresql-15-push-actions), built in ../ by pg_buildext.
deb:
	@bash scripts/deb.sh
