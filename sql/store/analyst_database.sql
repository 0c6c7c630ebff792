-- An analyst's connection reads the analysts' views by default (sql/070_analytics.sql and after).
USE cc_analytics
