DROP TABLE result_access;
DROP TABLE populations;
DROP TABLE staged_definitions;
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE users;
