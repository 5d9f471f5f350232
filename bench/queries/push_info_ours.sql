-- push_info of one push (pgbench or psql; the driver sets id and token)
SELECT push_actions.push_info(:id, :token);
