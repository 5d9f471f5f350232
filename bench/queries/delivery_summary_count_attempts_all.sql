-- the column floor: deforms the two columns the summary reads
SELECT count(attempts) FROM actions
