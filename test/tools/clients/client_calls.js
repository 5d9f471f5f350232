// The calls an app backend makes, through node-pg as it binds by default:
// a JS object for the payload (sent as JSON text) and a JS array for the
// devices (sent as a PostgreSQL array literal).  Prints what client_calls.py
// and ClientCalls.java print.  Connects with the libpq environment.
const { Client } = require('pg');

async function main(name) {
  const client = new Client();
  await client.connect();
  const one = async (sql, params) => (await client.query(sql, params)).rows[0];
  const { app_id: app, apptoken: token } = await one('SELECT app_id, apptoken FROM push_actions.create_app($1)', ['driver ' + name]);
  const devices = [{ device_id: 1, token: name + '-a', platform: 'android' },
                   { device_id: 2, token: name + '-i', platform: 'ios' }];
  const push = (await one('SELECT push_actions.create_push($1, $2, $3) AS id', [app, { message: 'hi' }, devices])).id;
  const ids = (await client.query('SELECT action_id FROM push_actions.actions WHERE push_id = $1 ORDER BY device_id', [push])).rows;
  const [android, ios] = ids.map((r) => r.action_id);
  console.log('push', push.length);
  const request = { apptoken: token, select: ['device_id', 'status'], order: 'device_id' };
  console.log('listing', (await one('SELECT push_actions.list_push_devices($1)::text AS a', [request])).a);
  console.log('attempt', (await one('SELECT push_actions.record_attempt($1, $2)::text AS s', [android, true])).s);
  console.log('event', (await one('SELECT push_actions.record_event($1, $2)::text AS s', [android, 'delivered'])).s);
  await one('SELECT push_actions.record_attempt($1, $2)', [ios, true]);
  const info = JSON.parse((await one('SELECT push_actions.push_info($1, $2)::text AS i', [push, token])).i);
  console.log('push_info', info.push.pending_count);
  const d = await one('SELECT delivery_id, delivery_token FROM push_actions.push_deliveries($1, $2) WHERE action_id = $3', [push, token, ios]);
  console.log('track', (await one('SELECT push_actions.track_event($1, $2, $3)::text AS t', [d.delivery_id, d.delivery_token, 'opened'])).t);
  console.log('opened', (await one('SELECT count(*) AS n FROM push_actions.actions WHERE status = $1 AND push_id = $2', ['opened', push])).n);
  await client.end();
}

main(process.argv[2]).catch((e) => { console.error(e.message); process.exit(1); });
