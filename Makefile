# push_actions — PGXS build, plus the README's commands (test, demo, bench, deb).

EXTENSION = push_actions
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" push_actions.control)
MODULE_big = push_actions
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The current version's install script is built from one file per concept
# part (sql/src/<concept>_<part>.sql), in an order that builds.  An upgrade
# step not yet released is built from its template in sql/upgrade/, which
# includes the current definitions of what it creates or replaces
# (scripts/compose_sql.sh).  Released scripts are frozen sources, never built.
SQL_SOURCES = $(addprefix sql/src/, store_schemas.sql push_status.sql push_status_casts.sql \
	store_vocabulary.sql api_limits.sql tokens_errors.sql delivery_summary.sql delivery_summary_minus.sql delivery_summary_aggregates.sql \
	latency_sketch.sql latency_sketch_aggregates.sql \
	store_tables.sql retention_tables.sql events_tables.sql tokens_tables.sql time_tables.sql store_indexes.sql store_cascades.sql store_references.sql store_reference_keys.sql \
	kept_tables.sql kept_functions.sql time_moments.sql kept_trigger.sql kept_repair.sql apps_roles.sql apps_tokens.sql apps_api.sql tokens_api.sql time_api.sql writes_create.sql writes_status.sql \
	retention.sql kept_views.sql listing_views.sql push_info_views.sql retention_views.sql tokens_views.sql time_views.sql \
	listing.sql push_info.sql events.sql distribution.sql release_1_0_names.sql)
UPGRADE_STEPS = $(patsubst sql/upgrade/%.sql,sql/push_actions--%.sql,$(wildcard sql/upgrade/*.sql))
DATA_built = sql/push_actions--$(EXTVERSION).sql $(UPGRADE_STEPS) sql/push_actions_sample.sql
DATA = $(filter-out $(DATA_built),$(wildcard sql/push_actions--*.sql))

# One database for all, in this order: delivery_summary_index leaves 100,000
# deleted actions behind, and the plans expected (on 15, 17 and 18) were
# recorded with them there for kept_views, and before them for the listing
# tests.  A new test goes last.
REGRESS = release_any_session delivery_summary listing_bounds listing_errors listing_index \
	listing_operators listing_seed delivery_summary_parallel push_info push_info_index push_status \
	delivery_summary_index store_seed_data release_upgrade kept_views latency_sketch
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

sql/push_actions--%.sql: sql/upgrade/%.sql $(SQL_SOURCES) scripts/compose_sql.sh
	@bash scripts/compose_sql.sh $< > $@.tmp && mv $@.tmp $@

# The README tour's sample, installed beside the scripts so that it loads
# from anywhere: test/data/demo_sample.sql with the files it includes.
sql/push_actions_sample.sql: $(wildcard test/data/*.sql) scripts/compose_sql.sh
	@bash scripts/compose_sql.sh test/data/demo_sample.sql > $@.tmp && mv $@.tmp $@

.PHONY: test demo bench deb stress mutate

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

# The reliability suite: fuzzing, a mixed load, sqlsmith (doc/reliability.md).
stress:
	@bash scripts/stress.sh

# The mutation run: small edits to the sources, each judged by the fast
# suites; writes test/MUTATION.md (not part of make test: it takes hours).
mutate:
	@bash scripts/mutate.sh

# The Debian package (postgresql-15-push-actions), built in ../ by pg_buildext.
deb:
	@bash scripts/deb.sh
