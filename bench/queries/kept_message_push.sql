-- message_status of one push: its messages, one per person (pgbench; the driver sets the push)
SELECT profile_id, device_id, devices, status FROM push_actions.message_status WHERE push_id = :push;
