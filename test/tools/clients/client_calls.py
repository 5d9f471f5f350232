#!/usr/bin/python3
"""The calls an app backend makes, through psycopg2 as it binds by default
(Python str for JSON).  Prints what client_calls.js and ClientCalls.java
print; test/t/release_client_drivers.pl compares them.  Connects with the
libpq environment."""
import json
import sys

import psycopg2

name = sys.argv[1]
conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT app_id, apptoken FROM push_actions.create_app(%s)", ("driver " + name,))
app, token = cur.fetchone()
devices = [{"device_id": 1, "token": name + "-a", "platform": "android"},
           {"device_id": 2, "token": name + "-i", "platform": "ios"}]
cur.execute("SELECT push_actions.create_push(%s, %s, %s)", (app, json.dumps({"message": "hi"}), json.dumps(devices)))
push = cur.fetchone()[0]
cur.execute("SELECT action_id FROM push_actions.actions WHERE push_id = %s ORDER BY device_id", (push,))
android, ios = [r[0] for r in cur.fetchall()]
print("push", len(push))
request = json.dumps({"apptoken": token, "select": ["device_id", "status"], "order": "device_id"})
cur.execute("SELECT push_actions.list_push_devices(%s)::text", (request,))
print("listing", cur.fetchone()[0])
cur.execute("SELECT push_actions.record_attempt(%s, %s)::text", (android, True))
print("attempt", cur.fetchone()[0])
cur.execute("SELECT push_actions.record_event(%s, %s)::text", (android, "delivered"))
print("event", cur.fetchone()[0])
cur.execute("SELECT push_actions.record_attempt(%s, %s)::text", (ios, True))
cur.execute("SELECT push_actions.push_info(%s, %s)::text", (push, token))
print("push_info", json.loads(cur.fetchone()[0])["push"]["pending_count"])
cur.execute("SELECT delivery_id, delivery_token FROM push_actions.push_deliveries(%s, %s) WHERE action_id = %s", (push, token, ios))
delivery_id, delivery_token = cur.fetchone()
cur.execute("SELECT push_actions.track_event(%s, %s, %s)::text", (delivery_id, delivery_token, "opened"))
print("track", cur.fetchone()[0])
cur.execute("SELECT count(*) FROM push_actions.actions WHERE status = %s AND push_id = %s", ("opened", push))
print("opened", cur.fetchone()[0])
