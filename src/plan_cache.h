/*
 * plan_cache.h
 *	  Saved SPI plans reused per query shape within one backend.
 */
#ifndef PLAN_CACHE_H
#define PLAN_CACHE_H

#include "postgres.h"
#include "executor/spi.h"

/* The saved plan of sql (prepared on first use); call inside SPI. */
extern SPIPlanPtr plan_cache_get(const char *sql, int nargs, Oid *argtypes);

#endif							/* PLAN_CACHE_H */
