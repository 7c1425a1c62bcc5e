DROP TABLE IF EXISTS dealer_ratings, credit_investigations, collection_demands, visits, inventory_snapshots,
    targets, settlements, write_offs, note_status_changes, notes, payments, sales_lines, invoices,
    customer_history, customer_contacts, customers, policy_settings, policy_versions, import_files,
    import_batches, products, users, offices CASCADE;
DROP FUNCTION IF EXISTS cd_settle_invoices(), cd_refuse_update(), cd_refuse_delete(), cd_base(numeric, numeric), cd_div(numeric, numeric);
