-- message_status of one person: their messages across pushes (pgbench; the driver sets the app and person)
SELECT push_id, devices, status FROM push_actions.message_status WHERE app_id = :app AND profile_id = :person;
