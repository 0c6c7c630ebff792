-- The highest log seq of a recorded alert step (0: none was folded from the log).
SELECT max(seq) AS s FROM alerts
