/*
 * module.c
 *	  The shared library's magic block; every other file holds one concern.
 */
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;
