/*
 * latency_sketch.c
 *	  The latency_sketch type (latency_sketch.h): its two forms, text and
 *	  binary I/O, equality, merging and the functions analysts call on it.
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "compat.h"
#include "latency_sketch.h"

#define SKETCH_BINS (LATENCY_SKETCH_MAX_BIN - LATENCY_SKETCH_MIN_BIN + 1)
/* a varint of 64 bits takes at most 10 bytes, of a distance between bins 2 */
#define VARINT_MAX_BYTES 10

static double
log_gamma(void)
{
	return log((1.0 + LATENCY_SKETCH_ACCURACY) / (1.0 - LATENCY_SKETCH_ACCURACY));
}

int
latency_sketch_bin(double seconds)
{
	int			index;

	if (isnan(seconds))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("a duration in a latency_sketch must be a number, not NaN")));
	if (seconds < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("a duration in a latency_sketch must not be negative"),
				 errdetail("The duration was %.15g seconds.", seconds),
				 errhint("Clamp durations that clocks make negative, for example with greatest(d, 0).")));
	if (seconds > LATENCY_SKETCH_MAX_SECONDS)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("a duration in a latency_sketch must be at most %g seconds", LATENCY_SKETCH_MAX_SECONDS),
				 errdetail("The duration was %.15g seconds.", seconds)));
	if (seconds < LATENCY_SKETCH_MIN_SECONDS)
		return LATENCY_SKETCH_MIN_BIN - 1;
	index = (int) ceil(log(seconds) / log_gamma());
	/* rounding in log() may move a duration at a bin's edge by one bin, never out of range */
	index = Max(LATENCY_SKETCH_MIN_BIN, Min(LATENCY_SKETCH_MAX_BIN, index));
	return index;
}

/* The value that stands for every duration of bin index: within the accuracy of each. */
static double
bin_value(int index)
{
	double		gamma = (1.0 + LATENCY_SKETCH_ACCURACY) / (1.0 - LATENCY_SKETCH_ACCURACY);

	return 2.0 * exp(index * log_gamma()) / (gamma + 1.0);
}

static void
add_count(int64 *total, int64 count)
{
	if (unlikely(pg_add_s64_overflow(*total, count, total)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("latency_sketch count is out of range")));
}

/* --- reading either form --- */

void
latency_sketch_reader_init(LatencySketchReader *reader, const LatencySketch *sketch)
{
	reader->sketch = sketch;
	reader->position = 0;
	reader->index = LATENCY_SKETCH_MIN_BIN - 1;
	if (sketch->form == SKETCH_COMPACT)
	{
		const LatencySketchCompact *c = (const LatencySketchCompact *) sketch;

		reader->next = c->data;
		reader->end = (const uint8 *) sketch + VARSIZE(sketch);
	}
	else
		reader->next = reader->end = NULL;
}

static uint64
read_varint(LatencySketchReader *reader)
{
	uint64		v = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		b;

		/* a stored value is checked when it comes in; this is its invariant */
		Assert(reader->next < reader->end && shift < 64);
		b = *reader->next++;
		v |= (uint64) (b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return v;
		shift += 7;
	}
}

bool
latency_sketch_reader_next(LatencySketchReader *reader, int *index, int64 *count)
{
	const LatencySketch *s = reader->sketch;

	if (s->form == SKETCH_DENSE)
	{
		const LatencySketchDense *d = (const LatencySketchDense *) s;
		int			slots = (VARSIZE(s) - offsetof(LatencySketchDense, counts)) / sizeof(int64);

		while (reader->position < slots)
		{
			int			k = reader->position++;

			if (d->counts[k] != 0)
			{
				*index = d->first + k;
				*count = d->counts[k];
				return true;
			}
		}
		return false;
	}
	if (reader->position >= ((const LatencySketchCompact *) s)->bins)
		return false;
	reader->position++;
	reader->index += (int) read_varint(reader);
	*index = reader->index;
	*count = (int64) read_varint(reader);
	return true;
}

/* --- making either form --- */

static uint8 *
write_varint(uint8 *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8) v;
	return p;
}

LatencySketch *
latency_sketch_compact(int64 zero, int first, const int64 *counts, int n)
{
	int			bins = 0;
	LatencySketchCompact *c;
	uint8	   *p;
	int			previous = LATENCY_SKETCH_MIN_BIN - 1;

	for (int k = 0; k < n; k++)
		bins += counts[k] != 0;
	c = palloc0(offsetof(LatencySketchCompact, data) + (Size) bins * (2 + VARINT_MAX_BYTES));
	c->head.form = SKETCH_COMPACT;
	c->head.zero = zero;
	c->bins = bins;
	p = c->data;
	for (int k = 0; k < n; k++)
	{
		if (counts[k] == 0)
			continue;
		Assert(counts[k] > 0);
		Assert(first + k >= LATENCY_SKETCH_MIN_BIN && first + k <= LATENCY_SKETCH_MAX_BIN);
		p = write_varint(p, (uint64) (first + k - previous));
		p = write_varint(p, (uint64) counts[k]);
		previous = first + k;
	}
	SET_VARSIZE(c, p - (uint8 *) c);
	return (LatencySketch *) c;
}

static LatencySketchDense *
dense_alloc(int64 zero, int first, int slots)
{
	LatencySketchDense *d = palloc0(offsetof(LatencySketchDense, counts) + (Size) slots * sizeof(int64));

	SET_VARSIZE(d, offsetof(LatencySketchDense, counts) + (Size) slots * sizeof(int64));
	d->head.form = SKETCH_DENSE;
	d->head.zero = zero;
	d->first = first;
	return d;
}

static int
dense_slots(const LatencySketchDense *d)
{
	return (VARSIZE(d) - offsetof(LatencySketchDense, counts)) / sizeof(int64);
}

LatencySketchDense *
latency_sketch_dense(const LatencySketch *sketch, int first, int last)
{
	LatencySketchReader reader;
	LatencySketchDense *d;
	int			index;
	int64		count;

	/* the room of the sketch's own bins too */
	latency_sketch_reader_init(&reader, sketch);
	while (latency_sketch_reader_next(&reader, &index, &count))
	{
		first = Min(first, index);
		last = Max(last, index);
	}
	first = Max(first, LATENCY_SKETCH_MIN_BIN);
	last = Min(last, LATENCY_SKETCH_MAX_BIN);
	if (last < first)
		last = first;
	d = dense_alloc(sketch->zero, first, last - first + 1);
	latency_sketch_reader_init(&reader, sketch);
	while (latency_sketch_reader_next(&reader, &index, &count))
		d->counts[index - first] = count;
	return d;
}

bool
latency_sketch_dense_add(LatencySketchDense *dense, int index, int64 count)
{
	if (index < LATENCY_SKETCH_MIN_BIN)
	{
		add_count(&dense->head.zero, count);
		return true;
	}
	if (index < dense->first || index >= dense->first + dense_slots(dense))
		return false;
	add_count(&dense->counts[index - dense->first], count);
	return true;
}

/* A sketch's contents, compact. */
static LatencySketch *
compacted(const LatencySketch *sketch)
{
	const LatencySketchDense *d = (const LatencySketchDense *) sketch;

	if (sketch->form == SKETCH_COMPACT)
		return (LatencySketch *) sketch;
	return latency_sketch_compact(sketch->zero, d->first, d->counts, dense_slots(d));
}

/* --- text and binary forms --- */

static void
check_bin(int index, int previous, int64 count, const char *input)
{
	if (index < LATENCY_SKETCH_MIN_BIN || index > LATENCY_SKETCH_MAX_BIN)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("latency_sketch bin %d is out of range", index),
				 errdetail("Bins go from %d to %d.", LATENCY_SKETCH_MIN_BIN, LATENCY_SKETCH_MAX_BIN),
				 input ? errcontext("latency_sketch: \"%s\"", input) : 0));
	if (index <= previous)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("latency_sketch bins must be in ascending order, each once"),
				 errdetail("Bin %d follows bin %d.", index, previous),
				 input ? errcontext("latency_sketch: \"%s\"", input) : 0));
	if (count <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("latency_sketch bin %d has count " INT64_FORMAT ", not a positive count", index, count),
				 input ? errcontext("latency_sketch: \"%s\"", input) : 0));
}

/* A sketch read from outside, checked bin by bin (input, NULL when binary, names it in errors). */
typedef struct SketchBuilder
{
	const char *input;
	int64		zero;
	int64		total;
	int			previous;
	int64	   *counts;			/* SKETCH_BINS, from LATENCY_SKETCH_MIN_BIN */
} SketchBuilder;

static void
builder_init(SketchBuilder *b, int64 zero, const char *input)
{
	if (zero < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("latency_sketch zero count " INT64_FORMAT " is negative", zero),
				 input ? errcontext("latency_sketch: \"%s\"", input) : 0));
	b->input = input;
	b->zero = b->total = zero;
	b->previous = LATENCY_SKETCH_MIN_BIN - 1;
	b->counts = palloc0(SKETCH_BINS * sizeof(int64));
}

static void
builder_add(SketchBuilder *b, int64 index, int64 count)
{
	check_bin(index < PG_INT32_MIN ? PG_INT32_MIN : index > PG_INT32_MAX ? PG_INT32_MAX : (int) index,
			  b->previous, count, b->input);
	add_count(&b->total, count);
	b->counts[index - LATENCY_SKETCH_MIN_BIN] = count;
	b->previous = (int) index;
}

static LatencySketch *
builder_finish(SketchBuilder *b)
{
	return latency_sketch_compact(b->zero, LATENCY_SKETCH_MIN_BIN, b->counts, SKETCH_BINS);
}

PA_NORETURN static void
bad_text(const char *input)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "latency_sketch", input),
			 errhint("The form is \"v1 zero:N\" followed by \"bin:count\" pairs in ascending order of bin, such as \"v1 zero:0 -60:2 150:1\".")));
}

static int64
parse_int64(const char **p, const char *input)
{
	char	   *end;
	long long	v;

	if (!(**p == '-' || (**p >= '0' && **p <= '9')))
		bad_text(input);
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value is out of range for type latency_sketch: \"%s\"", input)));
	*p = end;
	return (int64) v;
}

PG_FUNCTION_INFO_V1(latency_sketch_in);
Datum
latency_sketch_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	SketchBuilder b;

	while (*p == ' ')
		p++;
	if (strncmp(p, "v1 zero:", 8) != 0)
		bad_text(input);
	p += 8;
	builder_init(&b, parse_int64(&p, input), input);
	for (;;)
	{
		int64		index;
		int64		count;

		if (*p != ' ' && *p != '\0')
			bad_text(input);
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		index = parse_int64(&p, input);
		if (*p++ != ':')
			bad_text(input);
		count = parse_int64(&p, input);
		builder_add(&b, index, count);
	}
	PG_RETURN_POINTER(builder_finish(&b));
}

PG_FUNCTION_INFO_V1(latency_sketch_out);
Datum
latency_sketch_out(PG_FUNCTION_ARGS)
{
	LatencySketch *s = PG_GETARG_LATENCY_SKETCH_P(0);
	StringInfoData buf;
	LatencySketchReader reader;
	int			index;
	int64		count;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 zero:" INT64_FORMAT, s->zero);
	latency_sketch_reader_init(&reader, s);
	while (latency_sketch_reader_next(&reader, &index, &count))
		appendStringInfo(&buf, " %d:" INT64_FORMAT, index, count);
	PG_RETURN_CSTRING(buf.data);
}

/* Fails unless the message holds n more bytes: a short value is bad data, not a broken protocol. */
static void
require_bytes(StringInfo buf, int n)
{
	if (buf->len - buf->cursor < n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("latency_sketch binary value is %d bytes short", n - (buf->len - buf->cursor))));
}

/* Binary form: the version (1), the zero count, the number of bins, then each bin's int16 index and int64 count. */
PG_FUNCTION_INFO_V1(latency_sketch_recv);
Datum
latency_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int32		bins;
	SketchBuilder b;

	require_bytes(buf, 1 + 8 + 4);
	version = pq_getmsgbyte(buf);
	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported latency_sketch binary version %d", version)));
	builder_init(&b, pq_getmsgint64(buf), NULL);
	bins = pq_getmsgint(buf, 4);
	if (bins < 0 || bins > SKETCH_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("latency_sketch has %d bins, not between 0 and %d", bins, SKETCH_BINS)));
	require_bytes(buf, bins * (2 + 8));
	for (int k = 0; k < bins; k++)
	{
		int			index = (int16) pq_getmsgint(buf, 2);

		builder_add(&b, index, pq_getmsgint64(buf));
	}
	PG_RETURN_POINTER(builder_finish(&b));
}

PG_FUNCTION_INFO_V1(latency_sketch_send);
Datum
latency_sketch_send(PG_FUNCTION_ARGS)
{
	LatencySketch *s = PG_GETARG_LATENCY_SKETCH_P(0);
	StringInfoData buf;
	LatencySketchReader reader;
	int			index;
	int64		count;
	int32		bins = 0;

	latency_sketch_reader_init(&reader, s);
	while (latency_sketch_reader_next(&reader, &index, &count))
		bins++;
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, 1);
	pq_sendint64(&buf, s->zero);
	pq_sendint32(&buf, bins);
	latency_sketch_reader_init(&reader, s);
	while (latency_sketch_reader_next(&reader, &index, &count))
	{
		pq_sendint16(&buf, (int16) index);
		pq_sendint64(&buf, count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* --- equality, merging, counting, quantiles --- */

static bool
sketches_equal(const LatencySketch *a, const LatencySketch *b)
{
	LatencySketchReader ra;
	LatencySketchReader rb;

	if (a->zero != b->zero)
		return false;
	latency_sketch_reader_init(&ra, a);
	latency_sketch_reader_init(&rb, b);
	for (;;)
	{
		int			ia,
					ib;
		int64		ca,
					cb;
		bool		more_a = latency_sketch_reader_next(&ra, &ia, &ca);
		bool		more_b = latency_sketch_reader_next(&rb, &ib, &cb);

		if (more_a != more_b)
			return false;
		if (!more_a)
			return true;
		if (ia != ib || ca != cb)
			return false;
	}
}

PG_FUNCTION_INFO_V1(latency_sketch_eq);
Datum
latency_sketch_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sketches_equal(PG_GETARG_LATENCY_SKETCH_P(0), PG_GETARG_LATENCY_SKETCH_P(1)));
}

PG_FUNCTION_INFO_V1(latency_sketch_ne);
Datum
latency_sketch_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!sketches_equal(PG_GETARG_LATENCY_SKETCH_P(0), PG_GETARG_LATENCY_SKETCH_P(1)));
}

PA_NORETURN static void
not_counted(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("latency_sketch cannot take away durations it does not count")));
}

/* The most bins a sketch can have: a compact one's own count, a dense one's slots. */
static int
bins_bound(const LatencySketch *sketch)
{
	if (sketch->form == SKETCH_COMPACT)
		return ((const LatencySketchCompact *) sketch)->bins;
	return dense_slots((const LatencySketchDense *) sketch);
}

/*
 * a and b merged, each bin's counts added (sign -1: b's taken away, which
 * must leave no count negative unless clamped: then a bin's excess over b),
 * compact.  Both are read in order of bin, side by side, so the work is
 * that of the bins they hold, not of every bin there is: kept buckets merge
 * one duration into theirs at each write.
 */
static LatencySketch *
merged(const LatencySketch *a, const LatencySketch *b, int sign, bool clamp)
{
	LatencySketchReader ra;
	LatencySketchReader rb;
	int			ia = 0;
	int			ib = 0;
	int64		ca = 0;
	int64		cb = 0;
	bool		has_a;
	bool		has_b;
	int64		zero = a->zero;
	int64		total = 0;
	int			previous = LATENCY_SKETCH_MIN_BIN - 1;
	LatencySketchCompact *c;
	uint8	   *p;

	c = palloc0(offsetof(LatencySketchCompact, data) +
				(Size) (bins_bound(a) + bins_bound(b)) * (2 + VARINT_MAX_BYTES));
	c->head.form = SKETCH_COMPACT;
	p = c->data;

	add_count(&zero, sign * b->zero);
	if (clamp)
		zero = Max(zero, 0);
	if (zero < 0)
		not_counted();
	add_count(&total, zero);
	c->head.zero = zero;

	latency_sketch_reader_init(&ra, a);
	latency_sketch_reader_init(&rb, b);
	has_a = latency_sketch_reader_next(&ra, &ia, &ca);
	has_b = latency_sketch_reader_next(&rb, &ib, &cb);
	while (has_a || has_b)
	{
		int			index;
		int64		count = 0;

		if (has_a && (!has_b || ia <= ib))
		{
			index = ia;
			count = ca;
			has_a = latency_sketch_reader_next(&ra, &ia, &ca);
		}
		else
			index = ib;
		if (has_b && ib == index)
		{
			add_count(&count, sign * cb);
			has_b = latency_sketch_reader_next(&rb, &ib, &cb);
		}
		if (clamp)
			count = Max(count, 0);
		if (count < 0)
			not_counted();
		if (count == 0)
			continue;
		add_count(&total, count);
		Assert(index > previous && index <= LATENCY_SKETCH_MAX_BIN);
		p = write_varint(p, (uint64) (index - previous));
		p = write_varint(p, (uint64) count);
		previous = index;
		c->bins++;
	}
	SET_VARSIZE(c, p - (uint8 *) c);
	return (LatencySketch *) c;
}

PG_FUNCTION_INFO_V1(latency_sketch_merge);
Datum
latency_sketch_merge(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(merged(PG_GETARG_LATENCY_SKETCH_P(0), PG_GETARG_LATENCY_SKETCH_P(1), 1, false));
}

/* For kept state: a sketch with another's durations taken away. */
PG_FUNCTION_INFO_V1(latency_sketch_minus);
Datum
latency_sketch_minus(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(merged(PG_GETARG_LATENCY_SKETCH_P(0), PG_GETARG_LATENCY_SKETCH_P(1), -1, false));
}

/* For kept state: the durations of a that b does not count, bin by bin. */
PG_FUNCTION_INFO_V1(latency_sketch_excess);
Datum
latency_sketch_excess(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(merged(PG_GETARG_LATENCY_SKETCH_P(0), PG_GETARG_LATENCY_SKETCH_P(1), -1, true));
}

static int64
sketch_total(const LatencySketch *s)
{
	LatencySketchReader reader;
	int			index;
	int64		count;
	int64		total = s->zero;

	latency_sketch_reader_init(&reader, s);
	while (latency_sketch_reader_next(&reader, &index, &count))
		add_count(&total, count);
	return total;
}

PG_FUNCTION_INFO_V1(latency_sketch_duration_count);
Datum
latency_sketch_duration_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(sketch_total(PG_GETARG_LATENCY_SKETCH_P(0)));
}

/*
 * The q-quantile in seconds as percentile_disc(q) defines it (the first
 * duration whose position reaches q of the count), within the accuracy of
 * it; NULL for an empty sketch.
 */
PG_FUNCTION_INFO_V1(latency_sketch_quantile);
Datum
latency_sketch_quantile(PG_FUNCTION_ARGS)
{
	LatencySketch *s = PG_GETARG_LATENCY_SKETCH_P(0);
	double		q = PG_GETARG_FLOAT8(1);
	int64		total;
	int64		rank;
	int64		seen;
	LatencySketchReader reader;
	int			index;
	int64		count;

	if (isnan(q) || q < 0 || q > 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("quantile %g is not between 0 and 1", q)));
	total = sketch_total(s);
	if (total == 0)
		PG_RETURN_NULL();
	rank = Max((int64) 1, (int64) ceil(q * (double) total));
	seen = s->zero;
	if (seen >= rank)
		PG_RETURN_FLOAT8(0.0);
	latency_sketch_reader_init(&reader, s);
	while (latency_sketch_reader_next(&reader, &index, &count))
	{
		seen += count;
		if (seen >= rank)
			PG_RETURN_FLOAT8(bin_value(index));
	}
	/* the rank is at most the total, which the bins add up to */
	Assert(false);
	PG_RETURN_NULL();
}

/* A sketch that an aggregate left dense, made compact (the aggregates' final function). */
PG_FUNCTION_INFO_V1(latency_sketch_final);
Datum
latency_sketch_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(compacted(PG_GETARG_LATENCY_SKETCH_P(0)));
}
