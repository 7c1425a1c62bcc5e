-- Sales analysis (DOMAIN.md §5) and the metrics query: a monthly rollup of
-- the sales lines per customer.
--
-- Why customer × month and not customer × product × month: a customer ships a
-- handful of invoices a month with a handful of lines each, nearly always for
-- different products, so a rollup keyed by product as well would hold about
-- as many rows as sales_lines itself and save nothing. Keyed by customer and
-- month it is several times smaller than the lines and answers every
-- customer-level report (composition, ABC, customer share, target attainment,
-- seasonal index, metrics without a product dimension); product-level figures
-- read sales_lines through its covering indexes.
--
-- The rollup is derived data kept right by a statement-level trigger in the
-- same statement that inserts the lines, whatever the write path (import,
-- API, demo loader). Sales lines are append-only (no UPDATE, no DELETE), so
-- inserts and TRUNCATE are the only changes to follow. A test compares the
-- rollup with the lines.

CREATE TABLE sales_customer_months (
    customer_id bigint NOT NULL REFERENCES customers,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    -- Σ base_amount and Σ cost_amount (base currency), Σ quantity and the
    -- number of lines of the customer's lines shipped in the month.
    sales       numeric(20,2) NOT NULL,
    cost        numeric(20,2) NOT NULL,
    quantity    numeric(21,3) NOT NULL,
    lines       bigint NOT NULL CHECK (lines > 0),
    PRIMARY KEY (customer_id, month)
);
-- Whole-company reports scan a range of months.
CREATE INDEX sales_customer_months_month_idx ON sales_customer_months (month, customer_id)
    INCLUDE (sales, cost, quantity, lines);

INSERT INTO sales_customer_months (customer_id, month, sales, cost, quantity, lines)
SELECT customer_id, date_trunc('month', ship_date::timestamp)::date, sum(base_amount), sum(cost_amount), sum(quantity), count(*)
FROM sales_lines
GROUP BY 1, 2;

-- One set-based upsert per INSERT statement on sales_lines. Rows are
-- upserted in key order so that concurrent loads lock rollup rows in the
-- same order and cannot deadlock each other.
CREATE FUNCTION cd_roll_up_sales_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_customer_months AS r (customer_id, month, sales, cost, quantity, lines)
    SELECT customer_id, date_trunc('month', ship_date::timestamp)::date, sum(base_amount), sum(cost_amount), sum(quantity), count(*)
    FROM new_lines
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (customer_id, month) DO UPDATE
    SET sales    = r.sales + EXCLUDED.sales,
        cost     = r.cost + EXCLUDED.cost,
        quantity = r.quantity + EXCLUDED.quantity,
        lines    = r.lines + EXCLUDED.lines;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_lines_roll_up AFTER INSERT ON sales_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cd_roll_up_sales_lines();

CREATE FUNCTION cd_truncate_sales_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE sales_customer_months;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_lines_truncate_rollup AFTER TRUNCATE ON sales_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cd_truncate_sales_rollup();

-- Product targets of a month (product mix against targets).
CREATE INDEX targets_product_month_idx ON targets (month, product_id, customer_id) INCLUDE (amount)
    WHERE product_id IS NOT NULL;
