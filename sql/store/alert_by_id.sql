-- One alert (its newest step) by id.
SELECT {{columns}} FROM alerts FINAL WHERE alert_id = {id:String} LIMIT 1
