-- Views for analysts (psql, Grafana, Metabase). Days are UTC dates.

CREATE VIEW usage_daily AS
SELECT (to_timestamp(occurred_at) AT TIME ZONE 'UTC')::date AS day, command, platform, COUNT(*) AS events
FROM usage_events
GROUP BY 1, 2, 3;

CREATE VIEW usage_daily_users AS
SELECT (to_timestamp(occurred_at) AT TIME ZONE 'UTC')::date AS day, COUNT(DISTINCT user_key) AS users
FROM usage_events
GROUP BY 1;

CREATE VIEW usage_top_queries AS
SELECT command, lower(query) AS query, COUNT(*) AS events, MAX(occurred_at) AS last_seen
FROM usage_events
WHERE query IS NOT NULL AND command IN ('bio', 'quote', 'talks', 'ask')
GROUP BY 1, 2;

CREATE VIEW usage_unanswered AS
SELECT command, lower(query) AS query, COUNT(*) AS events, MAX(occurred_at) AS last_seen
FROM usage_events
WHERE status = 'not_found' AND query IS NOT NULL
GROUP BY 1, 2;

CREATE VIEW usage_latency AS
SELECT command,
       COUNT(*) AS events,
       percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_us) AS p50_us,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_us) AS p95_us,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_us) AS p99_us
FROM usage_events
GROUP BY command;
