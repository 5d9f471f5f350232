-- a campaign's last 30 days by hour, from the kept series
SELECT * FROM push_actions.delivery_times(1, 1001, now() - interval '30 days', now());
