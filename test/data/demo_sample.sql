-- The demo's sample, which README's examples run against: campaign 245624 of
-- the Xtremepush example (app 1, token YOUR_APPTOKEN, and app 2), campaign
-- 777 of people with several devices (app 1), and the Pushy example's push
-- (app 3, key SECRET_API_KEY).  Installed with the extension, for a database
-- where push_actions was just created:
--   psql -d mydb -f "$(pg_config --sharedir)/extension/push_actions_sample.sql"
\ir seed_245624.sql
\ir multi_device.sql
\ir seed_pushy.sql
