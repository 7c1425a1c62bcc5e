DROP INDEX notes_dishonoured_idx;
DROP FUNCTION cd_credit_class_of(bigint[], date, int, int, numeric, int, numeric, int, int, numeric, numeric, int, int);
DROP FUNCTION cd_credit_class_rules(text, int, numeric, date, date, numeric, numeric, numeric, bigint, date, numeric, int, numeric, int, int, numeric, numeric, int, int);
