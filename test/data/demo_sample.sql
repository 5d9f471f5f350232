-- The demo's sample, which README's examples run against: campaign 245624 of
-- the Xtremepush example (app 1, token YOUR_APPTOKEN, and app 2), campaign
-- 777 of people with several devices (app 1), and the Pushy example's push
-- (app 3, key SECRET_API_KEY).
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
\i test/data/seed_pushy.sql
