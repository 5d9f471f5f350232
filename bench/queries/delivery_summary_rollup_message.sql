-- ours: the roll-up rule per message, then messages per rolled-up status
SELECT r, count(*) FROM (SELECT push_id, profile_id, rollup_status(status) AS r FROM actions GROUP BY 1, 2) s GROUP BY r
