-- Engines on one stream (distributed mode): each alert step carries the seq of the log event
-- it was folded from (0 for an engine alone, which judges without logging its alerts). An
-- engine that starts recording alert history records the steps after the highest seq here.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS seq UInt64 DEFAULT 0;
