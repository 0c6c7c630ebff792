-- Empties the legacy rule overrides once their rows are in the log.
TRUNCATE TABLE alert_rule_overrides
