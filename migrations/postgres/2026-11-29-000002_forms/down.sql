DROP TABLE app_secrets;
DROP TABLE quota_counts;
