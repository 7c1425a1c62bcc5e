// Package csvimport loads the CSV files of the import format (API.md "CSV
// import format") into the database: `creditdesk import --dir DIR`.
//
// A whole directory is one transaction, all or nothing. Each file is parsed
// in Go with encoding/csv and streamed with COPY (binary, through a raw pgx
// connection) into a TEXT staging table that keeps each row's line number; a
// second connection does this ahead of the transaction, which validates and
// writes the files already staged (stager.go). While reading, the parser
// checks what must be checked row by row: required cells and the decimals of
// many values (amounts, quantities), and gathers the distinct values of the
// other columns. Everything else happens set-based in SQL: one query per
// file checks those distinct values (dates, enums, currencies, rates), and
// together with the parser's checks gives the first row, in line order,
// whose values are malformed; a second finds the first row that breaks a
// rule between rows or tables (unknown codes, duplicates, keys already in
// the database, the ledger rules of DOMAIN.md §2 and §9); then one INSERT …
// SELECT per table casts the staged text into the real tables. Where that
// INSERT joins what the rules read (the sales lines, the explicit ledger
// files), the rules are its conditions instead, and their own pass runs only
// when it leaves a row out. A bad row stops the load with
// `file:line: column: what is wrong` (a *LineError) and nothing is written.
//
// The receivables ledger (table settlements) is posted after the last
// ledger file: explicit payment allocations, note allocations, the reversals
// of dishonoured notes and write-offs are first checked together against
// every invoice's running open balance, then written; payments without an
// explicit allocation are finally allocated first-in, first-out (fifo.go).
//
// An import that at least doubles invoices, sales_lines, payments or
// settlements rebuilds that table's secondary indexes once after writing it
// instead of inserting every row into them (bulk.go).
package csvimport
