/*
 * sanitizer_canary.c
 *	  Deliberate defects, so that make stress shows its checkers report what
 *	  they should in a module loaded into the server: a read past a global
 *	  array (AddressSanitizer), a signed overflow (UndefinedBehaviorSanitizer)
 *	  and a read past a malloc'd block (valgrind memcheck).  Built and loaded
 *	  only by make stress, never part of the extension.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

static const int32 canary_table[4] = {1, 2, 3, 4};

PG_FUNCTION_INFO_V1(sanitizer_canary);
Datum
sanitizer_canary(PG_FUNCTION_ARGS)
{
	int32		index = PG_GETARG_INT32(0);
	int32		big = PG_GETARG_INT32(1);

	/* index 4 reads past the table; big = 2^30 overflows when doubled */
	PG_RETURN_INT32(canary_table[index] + big * 2);
}

PG_FUNCTION_INFO_V1(valgrind_canary);
Datum
valgrind_canary(PG_FUNCTION_ARGS)
{
	int32		index = PG_GETARG_INT32(0);
	volatile char *block = malloc(4);
	int32		result;

	if (block == NULL)
		PG_RETURN_NULL();
	block[0] = 1;
	/* index 4 reads past the block */
	result = block[index];
	free((void *) block);
	PG_RETURN_INT32(result);
}
