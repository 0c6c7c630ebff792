-- The store's health check: the engine answers, and says which version it is.
SELECT version() AS v
