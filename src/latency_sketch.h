/*
 * latency_sketch.h
 *	  The latency_sketch type: a mergeable summary of durations in seconds
 *	  whose quantiles are within LATENCY_SKETCH_ACCURACY of the exact ones
 *	  (relative error), the log-bucket construction of DDSketch (Masson, Rim
 *	  and Lee, VLDB 2019) over a bounded range, so no bucket is ever merged
 *	  into another and the bound holds for every quantile.
 *
 * Bin i counts the durations in (gamma^(i-1), gamma^i] seconds, gamma being
 * (1 + a) / (1 - a) for the accuracy a; its value, 2 gamma^i / (gamma + 1),
 * is within a of every duration it counts.  Durations below
 * LATENCY_SKETCH_MIN_SECONDS count in the zero bin, whose value is 0.
 *
 * A value has one of two forms under one type.  Stored values are compact:
 * the non-empty bins as varints.  An aggregate's state is dense (one count
 * per bin of a range that grows), so that adding a duration is one
 * increment; the aggregates' final function makes it compact.  Every
 * function takes either form; equal contents are equal values whatever
 * their forms, and the text and binary forms are the same for both.
 */
#ifndef LATENCY_SKETCH_H
#define LATENCY_SKETCH_H

#include "postgres.h"

#include "fmgr.h"

#define LATENCY_SKETCH_ACCURACY		0.0095
#define LATENCY_SKETCH_MIN_SECONDS	1e-6
#define LATENCY_SKETCH_MAX_SECONDS	1e9

/* The bins of durations from LATENCY_SKETCH_MIN_SECONDS to LATENCY_SKETCH_MAX_SECONDS. */
#define LATENCY_SKETCH_MIN_BIN		(-727)
#define LATENCY_SKETCH_MAX_BIN		1091

typedef enum LatencySketchForm
{
	SKETCH_COMPACT = 1,
	SKETCH_DENSE = 2
} LatencySketchForm;

/* The fields both forms start with. */
typedef struct LatencySketch
{
	int32		vl_len_;
	int32		form;			/* LatencySketchForm */
	int64		zero;			/* durations in the zero bin */
} LatencySketch;

/* SKETCH_DENSE: counts[k] is bin first + k; VARSIZE gives the capacity. */
typedef struct LatencySketchDense
{
	LatencySketch head;
	int32		first;
	int32		pad;
	int64		counts[FLEXIBLE_ARRAY_MEMBER];
} LatencySketchDense;

/*
 * SKETCH_COMPACT: bins non-empty bins, each as the varint of its distance
 * from the previous one's index (the first's from LATENCY_SKETCH_MIN_BIN - 1)
 * and the varint of its count, in ascending order of index.
 */
typedef struct LatencySketchCompact
{
	LatencySketch head;
	int32		bins;
	uint8		data[FLEXIBLE_ARRAY_MEMBER];
} LatencySketchCompact;

#define DatumGetLatencySketchP(X)	((LatencySketch *) PG_DETOAST_DATUM(X))
#define PG_GETARG_LATENCY_SKETCH_P(n) DatumGetLatencySketchP(PG_GETARG_DATUM(n))

/* Reads a sketch's non-empty bins in ascending order of index, either form. */
typedef struct LatencySketchReader
{
	const LatencySketch *sketch;
	int			position;		/* dense: next slot; compact: bins read */
	const uint8 *next;			/* compact: next byte */
	const uint8 *end;
	int			index;			/* compact: the last bin's index */
} LatencySketchReader;

extern void latency_sketch_reader_init(LatencySketchReader *reader, const LatencySketch *sketch);
extern bool latency_sketch_reader_next(LatencySketchReader *reader, int *index, int64 *count);

/* The bin of a duration in seconds (LATENCY_SKETCH_MIN_BIN - 1: the zero bin); errors out of range. */
extern int	latency_sketch_bin(double seconds);

/* A compact sketch of zero and the bins of counts (count per bin from first, n bins). */
extern LatencySketch *latency_sketch_compact(int64 zero, int first, const int64 *counts, int n);

/* A dense sketch of the same contents with room for bins first..last at least. */
extern LatencySketchDense *latency_sketch_dense(const LatencySketch *sketch, int first, int last);

/* Adds count durations to bin index (or the zero bin) of a dense sketch; false when outside its room. */
extern bool latency_sketch_dense_add(LatencySketchDense *dense, int index, int64 count);

#endif							/* LATENCY_SKETCH_H */
