-- message_status of one push as @role@ (pgbench; bench/roles.sh names the role and sets the push)
SET ROLE @role@;
SELECT profile_id, device_id, devices, status FROM push_actions.message_status WHERE push_id = :push;
RESET ROLE;
