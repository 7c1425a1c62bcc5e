DROP INDEX notes_dishonoured_idx;
DROP FUNCTION cd_credit_class_of(bigint[], date, int, int, numeric, int, numeric, int, int, numeric, numeric, int, int);
