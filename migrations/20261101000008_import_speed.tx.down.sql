DROP TRIGGER IF EXISTS invoices_no_truncate ON invoices;
DROP TRIGGER IF EXISTS products_no_truncate ON products;
DROP TRIGGER IF EXISTS customers_no_truncate ON customers;
DROP TRIGGER IF EXISTS sales_lines_check_refs ON sales_lines;
DROP FUNCTION IF EXISTS cd_check_sales_line_refs();
ALTER TABLE sales_lines
    ADD CONSTRAINT sales_lines_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT sales_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products,
    ADD CONSTRAINT sales_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices;
