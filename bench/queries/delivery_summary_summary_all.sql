-- ours: every action counted per status, attempts summed
SELECT delivery_summary(status, attempts) FROM actions
