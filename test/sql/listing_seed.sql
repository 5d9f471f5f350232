-- The seed's list/push-devices request (seeds/001) answered exactly as the
-- hosted API's sample answer: same six objects, same order.
SET search_path = push_actions, public;
BEGIN;
\i test/data/seed_245624.sql

SELECT list_push_devices('{
    "apptoken": "YOUR_APPTOKEN",
    "condition": [
          ["campaign_id", "=", 245624],
          ["error", "=", 1]
      ],
      "limit": 50,
      "offset": 0,
      "select": ["campaign_id", "action_id", "create_time", "device_id", "error_message"]
  }') AS answer \gset
SELECT :'answer'::jsonb = '{
    "code": 200,
    "success": true,
    "data": [
        {"action_id": 21714179, "campaign_id": 245624, "create_time": 1485883608, "device_id": 17186391, "error_message": "Not personalized"},
        {"action_id": 21687974, "campaign_id": 245624, "create_time": 1485876298, "device_id": 17186391, "error_message": "Not personalized"},
        {"action_id": 15257795, "campaign_id": 245624, "create_time": 1480674210, "device_id": 7039393, "error_message": "DEVICE_UNREGISTERED"},
        {"action_id": 8958858, "campaign_id": 245624, "create_time": 1474649166, "device_id": 7039393, "error_message": "Application is Uninstalled"},
        {"action_id": 8762755, "campaign_id": 245624, "create_time": 1474450109, "device_id": 7039393, "error_message": "Application is Uninstalled"},
        {"action_id": 1250084, "campaign_id": 245624, "create_time": 1467728373, "device_id": 3941948, "error_message": "Application is Uninstalled"}
    ]
}'::jsonb AS equals_seed_answer;
SELECT jsonb_pretty(:'answer'::jsonb);

-- the other app's failed actions of a campaign with the same id never show
SELECT jsonb_array_length(list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]]}') -> 'data') AS app1_rows,
       jsonb_array_length(list_push_devices('{"apptoken":"OTHER_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]]}') -> 'data') AS app2_rows;
SELECT list_push_devices('{"apptoken":"OTHER_APPTOKEN","condition":[["action_id","=",21714179]]}') AS other_app_cannot_see;

-- every column, default select and order
SELECT jsonb_pretty(list_push_devices('{"apptoken":"YOUR_APPTOKEN","limit":1}'));
-- an empty result
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",1]]}');
-- the BI view has the same columns plus app_id
SELECT * FROM push_devices WHERE app_id = 1 AND error = 1 ORDER BY action_id DESC LIMIT 2;
ROLLBACK;
