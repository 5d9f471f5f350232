-- an app's last 30 days by day in Berlin time, from the kept series
SELECT * FROM push_actions.delivery_times(1, NULL, now() - interval '30 days', now(), 'day', 'Europe/Berlin');
