package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error so adapters can render it (an ephemeral hint, a
// 404-like reply, a "someone else decided" notice) without string matching.
type Kind string

const (
	KindInvalid   Kind = "invalid"   // the input is wrong; the message names the field and allowed values
	KindNotFound  Kind = "not_found" // the thing referred to does not exist
	KindForbidden Kind = "forbidden" // the actor's role does not allow the action
	KindConflict  Kind = "conflict"  // the state changed under the actor (already decided, out of stock)
	KindInternal  Kind = "internal"  // a bug or an outage; the user sees a generic text
)

// Error is the one error type the use cases return. Message is written for
// the person who acted: it says what was wrong and what is allowed.
type Error struct {
	Kind    Kind
	Field   string // the input field at fault, when there is one (for modals)
	Message string
	Err     error // the cause, for logs; never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalidf builds a KindInvalid error attached to a field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected error; users see only a generic message.
func Internal(err error, context string) *Error {
	return &Error{Kind: KindInternal, Message: context, Err: err}
}

// ErrorKind reports the kind of err, KindInternal for foreign errors.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage reports the text a user may see for err: the message for our
// own errors, a generic text for anything else so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again; if it keeps failing, tell your admin."
}

// ErrorField reports the input field an error is attached to, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
