// Package migrations holds creditdesk's SQL migrations. Each file is applied
// in one transaction (`*.tx.up.sql`) by `creditdesk migrate` and by the test
// harness, which keys its template database on their checksum.
package migrations

import "embed"

// FS holds every migration file, named `<version>_<name>.tx.up.sql` and
// `<version>_<name>.tx.down.sql`.
//
//go:embed *.sql
var FS embed.FS
