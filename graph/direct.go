package graph

import (
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"
)

// Direct rendering of lists.
//
// gqlgen renders a list of objects one element at a time, each in its own
// goroutine, collecting the element's fields anew and resolving every field —
// a struct member included — through a field context and the middleware
// chain. For a report of 20,000 rows that is most of the request's CPU.
//
// directLists is a field interceptor that renders such a list itself when it
// knows every field the query selects on its elements: it collects the
// selection once per list, lets the field resolve as usual, and writes the
// JSON of all elements with the same scalar marshalers the executor uses.
// Fields behind a dataloader are loaded for the whole list in one batch before
// the first element is written. When anything does not fit — a field it does
// not know, @defer, a null where the schema forbids one, an error from a
// nested resolver — it hands the resolved list back to the executor unchanged,
// which renders it (and reports the error) as it always would. The answer is
// the same byte for byte either way; TestDirectListsMatchExecutor holds it to
// that.
type directLists struct {
	byType map[string]directList
}

// directList renders lists whose elements are of one object type: prepare
// compiles a selection on the elements, or reports false when the writer does
// not know all of it; render writes a resolved list, or reports false.
type directList interface {
	prepare(oc *graphql.OperationContext, sel ast.SelectionSet) (render func(ctx context.Context, res any) (graphql.Marshaler, bool), ok bool)
}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = (*directLists)(nil)

func (*directLists) ExtensionName() string                   { return "DirectLists" }
func (*directLists) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField renders a known list directly, or passes it on.
func (d *directLists) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return next(ctx)
	}
	t := fc.Field.Definition.Type
	if t.Elem == nil || t.Elem.Elem != nil {
		return next(ctx) // not a list of objects
	}
	l, ok := d.byType[t.Elem.NamedType]
	if !ok {
		return next(ctx)
	}
	render, ok := l.prepare(graphql.GetOperationContext(ctx), fc.Field.Selections)
	if !ok {
		return next(ctx)
	}
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	if m, ok := render(ctx, res); ok {
		return m, nil
	}
	return res, nil
}

// compiled is a selection set compiled against one object type: how to write
// a value of it, and the loads to batch before writing a list of them.
type compiled[T any] struct {
	// write appends v's JSON; false when v cannot be written directly.
	write func(ctx context.Context, w *bytes.Buffer, v T) bool
	// prime loads, in one batch per loader, what writing vs will read;
	// nil when nothing is loaded.
	prime func(ctx context.Context, vs []T)
}

// fieldDef compiles one selected field of T.
type fieldDef[T any] func(oc *graphql.OperationContext, f graphql.CollectedField) (compiled[T], bool)

// objectDef is an object type the direct writer knows: its GraphQL name, the
// interfaces it implements (for fragments on them) and the fields it can
// write from T, a pointer to the type's Go struct.
type objectDef[T any] struct {
	name       string
	interfaces []string
	fields     map[string]fieldDef[T]
}

func (o *objectDef[T]) compile(oc *graphql.OperationContext, sel ast.SelectionSet) (compiled[T], bool) {
	type step struct {
		key []byte
		c   compiled[T]
	}
	collected := graphql.CollectFields(oc, sel, append([]string{o.name}, o.interfaces...))
	steps := make([]step, 0, len(collected))
	var primes []func(context.Context, []T)
	for _, f := range collected {
		if f.IsDeferred() {
			return compiled[T]{}, false
		}
		var c compiled[T]
		if f.Name == "__typename" {
			name := o.name
			c.write = func(_ context.Context, w *bytes.Buffer, _ T) bool {
				graphql.MarshalString(name).MarshalGQL(w)
				return true
			}
		} else {
			def, ok := o.fields[f.Name]
			if !ok {
				return compiled[T]{}, false
			}
			if c, ok = def(oc, f); !ok {
				return compiled[T]{}, false
			}
		}
		var key bytes.Buffer
		graphql.MarshalString(f.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		steps = append(steps, step{key: key.Bytes(), c: c})
		if c.prime != nil {
			primes = append(primes, c.prime)
		}
	}
	out := compiled[T]{write: func(ctx context.Context, w *bytes.Buffer, v T) bool {
		w.WriteByte('{')
		for i := range steps {
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(steps[i].key)
			if !steps[i].c.write(ctx, w, v) {
				return false
			}
		}
		w.WriteByte('}')
		return true
	}}
	if len(primes) > 0 {
		out.prime = func(ctx context.Context, vs []T) {
			for _, p := range primes {
				p(ctx, vs)
			}
		}
	}
	return out, true
}

func (o *objectDef[T]) prepare(oc *graphql.OperationContext, sel ast.SelectionSet) (func(context.Context, any) (graphql.Marshaler, bool), bool) {
	c, ok := o.compile(oc, sel)
	if !ok {
		return nil, false
	}
	return func(ctx context.Context, res any) (graphql.Marshaler, bool) {
		vs, ok := res.([]T)
		if !ok {
			return nil, false
		}
		if c.prime != nil {
			c.prime(ctx, vs)
		}
		var w bytes.Buffer
		if !writeList(&w, len(vs), func(i int) bool { return c.write(ctx, &w, vs[i]) }) {
			return nil, false
		}
		b := w.Bytes()
		return graphql.WriterFunc(func(out io.Writer) { out.Write(b) }), true //nolint:errcheck
	}, true
}

// writeList writes a JSON array of n elements, the i-th with write(i); it
// stops, reporting false, at the first element write cannot write.
func writeList(w *bytes.Buffer, n int, write func(i int) bool) bool {
	w.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		if !write(i) {
			return false
		}
	}
	w.WriteByte(']')
	return true
}

// leaf writes a scalar or enum field with the executor's marshaler; m
// returns graphql.Null for a nullable field without a value.
func leaf[T any](m func(T) graphql.Marshaler) fieldDef[T] {
	c := compiled[T]{write: func(_ context.Context, w *bytes.Buffer, v T) bool {
		m(v).MarshalGQL(w)
		return true
	}}
	return func(*graphql.OperationContext, graphql.CollectedField) (compiled[T], bool) { return c, true }
}

// optional marshals a nullable field's value with m, or null when v is nil.
func optional[V any](v *V, m func(V) graphql.Marshaler) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	return m(*v)
}

// scalars marshals a list of scalars, as the executor's graphql.Array does.
func scalars[V any](vs []V, m func(V) graphql.Marshaler) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, "[") //nolint:errcheck
		for i, v := range vs {
			if i > 0 {
				io.WriteString(w, ",") //nolint:errcheck
			}
			m(v).MarshalGQL(w)
		}
		io.WriteString(w, "]") //nolint:errcheck
	})
}

// str marshals a string-based value (a String or an enum).
func str[S ~string](s S) graphql.Marshaler { return graphql.MarshalString(string(s)) }

// nested writes an object-valued member of T; nonNull fields fall back when
// the member is nil.
func nested[T, U any](o *objectDef[*U], get func(T) *U, nonNull bool) fieldDef[T] {
	return objectField(o, func(_ context.Context, v T) (*U, error) { return get(v), nil }, nil, nonNull)
}

// nestedList writes a member of T that is a non-null list of non-null
// objects ([U!]!), such as a scorecard's metrics; a nil element falls back.
func nestedList[T, U any](o *objectDef[*U], get func(T) []*U) fieldDef[T] {
	return nestedListOf(o, func(w *bytes.Buffer, v T, write func(*U) bool) bool {
		us := get(v)
		return writeList(w, len(us), func(i int) bool { return us[i] != nil && write(us[i]) })
	})
}

// valueList writes a member of T that is a non-null list of non-null
// objects held by value ([]U), such as a metrics row's dimension values.
func valueList[T, U any](o *objectDef[*U], get func(T) []U) fieldDef[T] {
	return nestedListOf(o, func(w *bytes.Buffer, v T, write func(*U) bool) bool {
		us := get(v)
		return writeList(w, len(us), func(i int) bool { return write(&us[i]) })
	})
}

// nestedListOf compiles the selection of a list member of T against o and
// writes the list with each, which writes the list's elements with write
// (writeList). The elements' fields are struct members: a selection that
// would load anything through a dataloader is left to the executor.
func nestedListOf[T, U any](o *objectDef[*U], each func(w *bytes.Buffer, v T, write func(*U) bool) bool) fieldDef[T] {
	return func(oc *graphql.OperationContext, f graphql.CollectedField) (compiled[T], bool) {
		inner, ok := o.compile(oc, f.Selections)
		if !ok || inner.prime != nil {
			return compiled[T]{}, false
		}
		return compiled[T]{write: func(ctx context.Context, w *bytes.Buffer, v T) bool {
			return each(w, v, func(u *U) bool { return inner.write(ctx, w, u) })
		}}, true
	}
}

// implementation compiles a selection on a GraphQL interface for one of its
// implementations; its writer writes x and reports done when x is of that
// implementation's Go type.
type implementation func(oc *graphql.OperationContext, sel ast.SelectionSet) (
	write func(ctx context.Context, w *bytes.Buffer, x any) (done, ok bool), compiledOK bool)

// implementationOf is the implementation written by o, for values of V held
// by value or by pointer; a nil *V is not written (ok false), so that the
// executor reports it.
func implementationOf[V any](o *objectDef[*V]) implementation {
	return func(oc *graphql.OperationContext, sel ast.SelectionSet) (func(context.Context, *bytes.Buffer, any) (bool, bool), bool) {
		c, ok := o.compile(oc, sel)
		if !ok || c.prime != nil {
			return nil, false
		}
		return func(ctx context.Context, w *bytes.Buffer, x any) (bool, bool) {
			switch v := x.(type) {
			case V:
				return true, c.write(ctx, w, &v)
			case *V:
				return true, v != nil && c.write(ctx, w, v)
			}
			return false, false
		}, true
	}
}

// interfaceList writes a member of T that is a non-null list of a GraphQL
// interface's non-null values (such as a metrics row's measure values): the
// selection is compiled for each implementation, fragments on the interface
// included, and each value is written with its own type's. A value of a type
// none of them knows falls back.
func interfaceList[T, I any](get func(T) []I, impls ...implementation) fieldDef[T] {
	return func(oc *graphql.OperationContext, f graphql.CollectedField) (compiled[T], bool) {
		writers := make([]func(context.Context, *bytes.Buffer, any) (bool, bool), len(impls))
		for i, impl := range impls {
			var ok bool
			if writers[i], ok = impl(oc, f.Selections); !ok {
				return compiled[T]{}, false
			}
		}
		write := func(ctx context.Context, w *bytes.Buffer, x any) bool {
			for _, wr := range writers {
				if done, ok := wr(ctx, w, x); done {
					return ok
				}
			}
			return false
		}
		return compiled[T]{write: func(ctx context.Context, w *bytes.Buffer, v T) bool {
			xs := get(v)
			return writeList(w, len(xs), func(i int) bool { return write(ctx, w, xs[i]) })
		}}, true
	}
}

// loaded writes an object-valued field that its resolver reads through a
// dataloader: the whole list's keys are loaded in one batch first, so that
// the resolver, called per element, finds its answer in the loader's cache.
// key reports false for an element without one (a null field).
func loaded[T, U any](o *objectDef[*U], key func(T) (int64, bool),
	loader func(*Loaders) *dataloadgen.Loader[int64, *U],
	resolve func(context.Context, T) (*U, error), nonNull bool) fieldDef[T] {
	load := func(ctx context.Context, vs []T) []*U {
		l, err := loadersFrom(ctx)
		if err != nil {
			return nil
		}
		keys := make([]int64, 0, len(vs))
		for _, v := range vs {
			if k, ok := key(v); ok {
				keys = append(keys, k)
			}
		}
		us, _ := loader(l).LoadAll(ctx, keys) // errors surface when written
		return us
	}
	return objectField(o, resolve, load, nonNull)
}

// objectField writes an object-valued field of T, read by get (a struct
// member or a resolver). load, for a field read through a dataloader, loads
// the field for a whole list and returns what it loaded; the loads of the
// object's own fields are then batched over those, a level at a time.
func objectField[T, U any](o *objectDef[*U], get func(context.Context, T) (*U, error),
	load func(context.Context, []T) []*U, nonNull bool) fieldDef[T] {
	return func(oc *graphql.OperationContext, f graphql.CollectedField) (compiled[T], bool) {
		inner, ok := o.compile(oc, f.Selections)
		if !ok {
			return compiled[T]{}, false
		}
		out := compiled[T]{write: func(ctx context.Context, w *bytes.Buffer, v T) bool {
			u, err := get(ctx, v)
			switch {
			case err != nil:
				return false
			case u == nil && nonNull:
				return false
			case u == nil:
				w.WriteString("null")
				return true
			}
			return inner.write(ctx, w, u)
		}}
		if load == nil && inner.prime == nil {
			return out, true
		}
		out.prime = func(ctx context.Context, vs []T) {
			var us []*U
			if load != nil {
				us = load(ctx, vs)
			} else {
				for _, v := range vs {
					u, _ := get(ctx, v)
					us = append(us, u)
				}
			}
			if inner.prime != nil {
				inner.prime(ctx, slices.DeleteFunc(us, func(u *U) bool { return u == nil }))
			}
		}
		return out, true
	}
}
