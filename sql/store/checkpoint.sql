-- Where a history writer stands (sql/006_writer_checkpoints.sql): its last stored seq and fold state.
SELECT seq, state FROM writer_checkpoints FINAL WHERE writer = {writer:String}
