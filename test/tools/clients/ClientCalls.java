// The calls an app backend makes, through pgjdbc as it binds by default:
// setString for JSON, which pgjdbc sends as varchar.  Prints what
// client_calls.py and client_calls.js print.  Run with the source launcher:
// java -cp postgresql.jar ClientCalls.java URL NAME
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

public class ClientCalls {
	static Connection conn;

	static ResultSet one(String sql, Object... params) throws SQLException {
		PreparedStatement st = conn.prepareStatement(sql);
		for (int i = 0; i < params.length; i++) {
			Object p = params[i];
			if (p instanceof String) st.setString(i + 1, (String) p);
			else if (p instanceof Long) st.setLong(i + 1, (Long) p);
			else if (p instanceof Boolean) st.setBoolean(i + 1, (Boolean) p);
			else throw new IllegalArgumentException("parameter " + i);
		}
		ResultSet rs = st.executeQuery();
		rs.next();
		return rs;
	}

	public static void main(String[] args) throws Exception {
		conn = DriverManager.getConnection(args[0]);
		String name = args[1];
		ResultSet r = one("SELECT app_id, apptoken FROM push_actions.create_app(?)", "driver " + name);
		long app = r.getLong(1);
		String token = r.getString(2);
		String devices = "[{\"device_id\": 1, \"token\": \"" + name + "-a\", \"platform\": \"android\"},"
			+ " {\"device_id\": 2, \"token\": \"" + name + "-i\", \"platform\": \"ios\"}]";
		String push = one("SELECT push_actions.create_push(?, ?, ?)", app, "{\"message\": \"hi\"}", devices).getString(1);
		PreparedStatement st = conn.prepareStatement("SELECT action_id FROM push_actions.actions WHERE push_id = ? ORDER BY device_id");
		st.setString(1, push);
		ResultSet ids = st.executeQuery();
		ids.next();
		long android = ids.getLong(1);
		ids.next();
		long ios = ids.getLong(1);
		System.out.println("push " + push.length());
		String request = "{\"apptoken\": \"" + token + "\", \"select\": [\"device_id\", \"status\"], \"order\": \"device_id\"}";
		System.out.println("listing " + one("SELECT push_actions.list_push_devices(?)::text", request).getString(1));
		System.out.println("attempt " + one("SELECT push_actions.record_attempt(?, ?)::text", android, true).getString(1));
		System.out.println("event " + one("SELECT push_actions.record_event(?, ?)::text", android, "delivered").getString(1));
		one("SELECT push_actions.record_attempt(?, ?)", ios, true);
		String info = one("SELECT (push_actions.push_info(?, ?) -> 'push' ->> 'pending_count')", push, token).getString(1);
		System.out.println("push_info " + info);
		ResultSet d = one("SELECT delivery_id, delivery_token FROM push_actions.push_deliveries(?, ?) WHERE action_id = ?", push, token, ios);
		System.out.println("track " + one("SELECT push_actions.track_event(?, ?, ?)::text", d.getString(1), d.getString(2), "opened").getString(1));
		System.out.println("opened " + one("SELECT count(*) FROM push_actions.actions WHERE status = ? AND push_id = ?", "opened", push).getLong(1));
		conn.close();
	}
}
