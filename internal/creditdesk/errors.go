package creditdesk

import (
	"errors"
	"fmt"
)

// Error codes of the domain. The GraphQL layer maps them, in one place, to
// `extensions.code` (API.md): EINVALID is BAD_USER_INPUT, and so on.
const (
	EINVALID         = "BAD_USER_INPUT"
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ENOTFOUND        = "NOT_FOUND"
	ECONFLICT        = "CONFLICT"
	ETOOCOMPLEX      = "TOO_COMPLEX"
	EINTERNAL        = "INTERNAL"
)

// Error is a domain error: a code, a message for the user and, where the error
// is about one input, the field and the offending value.
type Error struct {
	Code    string
	Message string
	Field   string
	Value   string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns a BAD_USER_INPUT error about one field and its value; the
// message names both, as "field: value: what is wrong".
func FieldError(field, value, format string, args ...any) *Error {
	return &Error{
		Code:    EINVALID,
		Field:   field,
		Value:   value,
		Message: fmt.Sprintf("%s: %q: %s", field, value, fmt.Sprintf(format, args...)),
	}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of a domain
// error, "internal error" for anything else, so internal details (SQL, stack
// traces, other customers' data) never reach a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
