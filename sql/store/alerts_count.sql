-- How many alerts match a page's conditions (the where slot as in sql/store/alerts_page.sql).
SELECT count() AS n FROM alerts FINAL {{where}}
