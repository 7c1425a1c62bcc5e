DROP INDEX IF EXISTS targets_product_month_idx;
DROP TRIGGER IF EXISTS sales_lines_truncate_rollup ON sales_lines;
DROP TRIGGER IF EXISTS sales_lines_roll_up ON sales_lines;
DROP FUNCTION IF EXISTS cd_truncate_sales_rollup(), cd_roll_up_sales_lines();
DROP TABLE IF EXISTS sales_customer_months;
