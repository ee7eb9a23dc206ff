DROP TABLE webhook_deliveries;
DROP TABLE indicator_alerts;
