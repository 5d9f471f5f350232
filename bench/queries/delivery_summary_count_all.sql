-- the scan floor: reads no column, planned on the smallest index
SELECT count(*) FROM actions
