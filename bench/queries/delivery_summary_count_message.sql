-- the grouping floor: every message (push and person) grouped, with the cheapest aggregate
SELECT c AS r, count(*) FROM (SELECT push_id, profile_id, count(*) AS c FROM actions GROUP BY 1, 2) s GROUP BY c
