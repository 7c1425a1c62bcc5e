package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Decode parses a JSON document keeping numbers as written (json.Number), so
// that figures are compared as the decimal strings they are.
func Decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Normalize sorts the arrays whose order the API leaves open (see
// Query.Unordered), in place.
func Normalize(v any, un []Unordered) {
	for _, u := range un {
		each(v, strings.Split(u.Path, "."), func(arr []any) {
			sort.SliceStable(arr, func(i, j int) bool {
				return fmt.Sprint(lookup(arr[i], u.Key)) < fmt.Sprint(lookup(arr[j], u.Key))
			})
		})
	}
}

// each calls f with every array found at path under v ("*" steps into every
// element of an array).
func each(v any, path []string, f func([]any)) {
	if len(path) == 0 {
		if arr, ok := v.([]any); ok {
			f(arr)
		}
		return
	}
	switch x := v.(type) {
	case map[string]any:
		each(x[path[0]], path[1:], f)
	case []any:
		if path[0] == "*" {
			for _, e := range x {
				each(e, path[1:], f)
			}
		}
	}
}

// lookup follows a dotted path of object keys.
func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Diff compares two decoded documents and describes up to max differences,
// each with its path; none means equal.
func Diff(want, got any, max int) []string {
	var out []string
	diff("", want, got, &out, max)
	return out
}

func diff(path string, a, b any, out *[]string, max int) {
	if len(*out) >= max {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: %s vs %s", orRoot(path), short(a), short(b)))
			return
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			xv, xok := x[k]
			yv, yok := y[k]
			switch {
			case !xok:
				*out = append(*out, fmt.Sprintf("%s.%s: missing vs %s", path, k, short(yv)))
			case !yok:
				*out = append(*out, fmt.Sprintf("%s.%s: %s vs missing", path, k, short(xv)))
			default:
				diff(path+"."+k, xv, yv, out, max)
			}
			if len(*out) >= max {
				return
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: %s vs %s", orRoot(path), short(a), short(b)))
			return
		}
		if len(x) != len(y) {
			*out = append(*out, fmt.Sprintf("%s: %d elements vs %d", orRoot(path), len(x), len(y)))
		}
		for i := 0; i < len(x) && i < len(y); i++ {
			diff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], out, max)
			if len(*out) >= max {
				return
			}
		}
	default:
		if fmt.Sprintf("%T:%v", a, a) != fmt.Sprintf("%T:%v", b, b) {
			*out = append(*out, fmt.Sprintf("%s: %s vs %s", orRoot(path), short(a), short(b)))
		}
	}
}

func orRoot(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
