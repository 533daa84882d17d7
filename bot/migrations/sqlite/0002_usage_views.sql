-- Views for analysts (sqlite3, Metabase). Days are UTC dates.

CREATE VIEW usage_daily AS
SELECT date(occurred_at, 'unixepoch') AS day, command, platform, COUNT(*) AS events
FROM usage_events
GROUP BY 1, 2, 3;

CREATE VIEW usage_daily_users AS
SELECT date(occurred_at, 'unixepoch') AS day, COUNT(DISTINCT user_key) AS users
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

-- The nearest-rank percentile: the smallest latency with at least that share of events at or below it.
CREATE VIEW usage_latency AS
WITH ranked AS (
    SELECT command, latency_us,
           ROW_NUMBER() OVER (PARTITION BY command ORDER BY latency_us) AS n,
           COUNT(*) OVER (PARTITION BY command) AS total
    FROM usage_events
)
SELECT command,
       MAX(total) AS events,
       MIN(CASE WHEN n >= 0.50 * total THEN latency_us END) AS p50_us,
       MIN(CASE WHEN n >= 0.95 * total THEN latency_us END) AS p95_us,
       MIN(CASE WHEN n >= 0.99 * total THEN latency_us END) AS p99_us
FROM ranked
GROUP BY command;
