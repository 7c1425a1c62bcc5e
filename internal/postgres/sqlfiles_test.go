package postgres

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// bun substitutes a named argument wherever ?name appears in a statement,
// comments included: one named in a comment is replaced there too, and a
// value of several lines would end the comment and run as SQL. The
// statements' comments name their arguments without the question mark.
func TestSQLCommentsNameNoPlaceholders(t *testing.T) {
	placeholder := regexp.MustCompile(`\?[a-z_]`)
	files := 0
	err := fs.WalkDir(os.DirFS("sql"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		files++
		text, err := fs.ReadFile(os.DirFS("sql"), path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(text), "\n") {
			if _, comment, ok := strings.Cut(line, "--"); ok && placeholder.MatchString(comment) {
				t.Errorf("sql/%s:%d: a placeholder in a comment: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("read %d SQL files, want the whole sql directory", files)
	}
}
