-- mod_auth_treff: Prosody 0.12 authentication provider backed by treff.
--
-- Copyright (C) treff contributors. AGPL-3.0-or-later, like the rest of treff.
--
-- Passwords live only in treff's account database. This module asks treff's internal endpoint
-- whether a password is right, over HTTP on loopback, *asynchronously*: the c2s session that is
-- logging in waits, every other session keeps being served. (mod_auth_dovecot from
-- prosody-modules does a blocking socket read here: measured on 0.12.3, one mistyped password
-- froze every XMPP session for the 2-4 s of Dovecot's failure delay.)
--
-- Configuration (per VirtualHost or global):
--
--   authentication = "treff"
--   treff_auth_url = "http://127.0.0.1:8471/internal/xmpp/auth"
--   treff_auth_secret_file = "/etc/prosody/treff-auth.secret" -- 0640 root:prosody, first line
--   treff_users_file = "/var/lib/treff/projections/xmpp-users" -- one user name per line
--   treff_auth_timeout = 10 -- seconds, optional
--
-- Relative file names are taken relative to the directory of the Prosody config file.
--
-- The contract with treff:
--   POST treff_auth_url
--     Authorization: Bearer <secret>
--     Content-Type: application/json
--     {"username": "...", "host": "...", "password": "..."}
--   Only HTTP 200 with the JSON body {"ok": true} is a success. Anything else (401, 403, 5xx, a
--   timeout, a refused connection, a body that is not that JSON) is a failure.
--
-- Accounts are managed in treff only: this provider cannot create, change or delete them, and
-- offers SASL PLAIN only (no SCRAM: that would need credentials stored on the Prosody side).

local async = require "util.async";
local http = require "net.http";
local json = require "util.json";
local new_sasl = require "util.sasl".new;
local lfs = require "lfs";

local host = module.host;

local auth_url = module:get_option_string("treff_auth_url");
-- get_option_path resolves a relative name against prosody.paths.config (core/moduleapi.lua).
local secret_file = module:get_option_path("treff_auth_secret_file", nil, "config");
local users_file = module:get_option_path("treff_users_file", nil, "config");
local timeout = module:get_option_number("treff_auth_timeout", 10);
if not timeout or timeout <= 0 then
	module:log("error", "treff_auth_timeout must be a positive number of seconds; using 10");
	timeout = 10;
end

local managed_by_treff = "Accounts are managed by treff";

-- A file that is read again only when it changed. Identity is device, inode, size, mtime and
-- ctime (lfs.attributes); the times alone have a resolution of one second. treff replaces its
-- files by writing a temporary file and renaming it over the old one, which always gives a new
-- inode, so even two updates within one second are noticed; ctime catches a chmod/chown that
-- makes an unreadable file readable. Checked lazily on each access: a stat(2), no timers, no
-- inotify. Problems are logged once per change of the file, not on every access.
local function watched_file(path, what, parse)
	local stamp, value, err;
	return function ()
		if not path then
			return nil, what .. " is not configured";
		end
		local attr, stat_err = lfs.attributes(path);
		if not attr then
			local new_stamp = "missing";
			if stamp ~= new_stamp then
				module:log("error", "Cannot read %s %s: %s", what, path, stat_err);
				stamp, value, err = new_stamp, nil, what .. " is missing";
			end
			return value, err;
		end
		local new_stamp = table.concat({
			tostring(attr.dev), tostring(attr.ino), tostring(attr.size),
			tostring(attr.modification), tostring(attr.change),
		}, ":");
		if new_stamp ~= stamp then
			stamp = new_stamp;
			local f, open_err = io.open(path, "r");
			if not f then
				module:log("error", "Cannot read %s %s: %s", what, path, open_err);
				value, err = nil, what .. " is unreadable";
				return value, err;
			end
			local content = f:read("a") or "";
			f:close();
			value, err = parse(content);
			if value then
				module:log("debug", "Read %s %s", what, path);
			else
				module:log("error", "Unusable %s %s: %s", what, path, err);
			end
		end
		return value, err;
	end
end

-- The shared secret: the first line, trimmed. Never logged.
local get_secret = watched_file(secret_file, "treff_auth_secret_file", function (content)
	local secret = content:match("^[^\r\n]*"):match("^%s*(.-)%s*$");
	if secret == "" then
		return nil, "the file is empty";
	end
	return secret;
end);

-- The users projection written by treff: one (lower-case) user name per line. Kept as a list
-- (for users()) and a set (for user_exists()).
local get_users = watched_file(users_file, "treff_users_file", function (content)
	local list, set = {}, {};
	for line in content:gmatch("[^\r\n]+") do
		local name = line:match("^%s*(.-)%s*$");
		if name ~= "" and not set[name] then
			list[#list + 1] = name;
			set[name] = true;
		end
	end
	return { list = list, set = set };
end);

-- Fail closed on bad configuration, loudly but without refusing to load: every password check
-- fails (a plain not-authorized for the client) until it is fixed, and since the files are
-- re-read lazily, fixing the secret file needs no restart or module reload.
if not auth_url then
	module:log("error", "treff_auth_url is not set; every login on %s will fail", host);
end
if not get_secret() then
	module:log("error", "No usable treff_auth_secret_file; every login on %s will fail", host);
end
if not users_file then
	module:log("error", "treff_users_file is not set; no user of %s will be known to exist", host);
end

local provider = {};

-- Asks treff. Returns true, or nil and a reason (for logs; never containing the password).
local function ask_treff(username, password)
	local secret = get_secret();
	if not (auth_url and secret) then
		return nil, "authentication is not configured";
	end

	-- The c2s stanza handler runs each session in a util.async runner (mod_c2s.lua,
	-- session.thread), so a waiter can park this session's coroutine until the HTTP answer is
	-- there while net.server's loop goes on serving everybody else. Anywhere else (e.g. a
	-- prosodyctl command calling test_password) waiting would have to block the whole process,
	-- so refuse instead.
	if not async.ready() then
		module:log("warn", "test_password called outside an async context; refusing instead of blocking");
		return nil, "not in an async context";
	end

	local wait, done = async.waiter();
	local finished, ok, reason = false, nil, nil;
	local request, timer;

	local function finish(result, why)
		if finished then return; end
		finished, ok, reason = true, result, why;
		if timer then timer:stop(); end
		done();
	end

	-- net.http in 0.12 has no timeout option of its own.
	request = http.request(auth_url, {
		method = "POST";
		headers = {
			["Authorization"] = "Bearer " .. secret;
			["Content-Type"] = "application/json";
		};
		body = json.encode({ username = username, host = host, password = password });
		suppress_errors = true;
	}, function (body, code)
		if finished then return; end -- timed out already, see below
		if code == 200 then
			local reply = json.decode(body or "");
			if type(reply) == "table" and reply.ok == true then
				finish(true);
			else
				module:log("warn", "Unexpected body from %s with HTTP 200; treating it as a failure", auth_url);
				finish(nil, "unexpected response body");
			end
		elseif code == 0 then
			-- net.http reports connection errors with code 0 and the reason in place of the body.
			module:log("warn", "Cannot reach %s: %s", auth_url, tostring(body));
			finish(nil, "endpoint unreachable");
		elseif code == 401 then
			finish(nil, "rejected by treff");
		else
			if code == 403 then
				module:log("warn", "%s refused our secret (HTTP 403); check treff_auth_secret_file", auth_url);
			elseif code >= 500 then
				module:log("warn", "%s answered HTTP %d", auth_url, code);
			end
			finish(nil, ("HTTP %d"):format(code));
		end
	end);

	if not finished then
		timer = module:add_timer(timeout, function ()
			timer = nil; -- it has fired; nothing to stop
			if finished then return; end
			module:log("warn", "No answer from %s within %gs", auth_url, timeout);
			finish(nil, "timeout");
			-- Stop waiting for the answer and drop the connection. The callback above may still
			-- run (with the reason "timeout"), but it ignores a finished request.
			if request then
				if request.cancel then
					request:cancel("timeout");
				elseif request.conn then
					http.destroy_request(request);
				end
			end
			-- Returning nothing: a number would reschedule the timer (core/moduleapi.lua).
		end);
	end

	wait();
	return ok, reason;
end

-- util/sasl/plain.lua SASLpreps the password before it gets here, so a password that SASLprep
-- changes would be checked in its prepared form and never match. treff refuses such passwords
-- when they are set (saslprep(pw) must equal pw), so nothing is done about it here.
--
-- A user missing from the users file is still sent to treff: an early "no" would answer
-- measurably faster and let anybody find out which members exist. treff decides (with
-- constant work for unknown users), and it is authoritative; the file only projects it.
function provider.test_password(username, password)
	local ok, reason = ask_treff(username, password);
	if ok then
		module:log("debug", "Authenticated user %q", username);
		return true;
	end
	module:log("debug", "Authentication failed for user %q: %s", username, reason);
	return nil, "Authentication failed";
end

function provider.user_exists(username)
	local users = get_users();
	if users and users.set[username] then
		return true;
	end
	return nil, "No such user";
end

function provider.users()
	local users = get_users();
	local list = users and users.list or {};
	local i = 0;
	return function ()
		i = i + 1;
		return list[i];
	end;
end

function provider.get_password()
	return nil, "Passwords are not available to Prosody";
end

function provider.set_password()
	return nil, managed_by_treff;
end

function provider.create_user()
	return nil, managed_by_treff;
end

function provider.delete_user()
	return nil, managed_by_treff;
end

-- PLAIN only, through plain_test (util/sasl/plain.lua), as mod_auth_ldap does in bind mode. The
-- second value is the account state (util/sasl.lua: true enabled, false disabled, nil unknown).
-- It is always "enabled": whether the account exists and may log in is treff's answer, and a
-- different SASL error for unknown or disabled users would tell them apart.
function provider.get_sasl_handler()
	return new_sasl(host, {
		plain_test = function (sasl, username, password, realm) -- luacheck: ignore 212/sasl 212/realm
			return provider.test_password(username, password), true;
		end;
	});
end

module:provides("auth", provider);
