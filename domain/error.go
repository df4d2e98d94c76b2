package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
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
	// Fields lists every field error when an input had more than one
	// (Message then has one line each); see ErrorFields.
	Fields []FieldError
	// Decision is set on a conflict with a decision already taken, so an
	// adapter can show who decided and when without reading Message.
	Decision *Decision
	// Missing, Stale and Shortage say what a not-found or conflict is
	// about, for callers that word it their own way.
	Missing  *Missing
	Stale    *Missing
	Shortage *Shortage
	Err      error // the cause, for logs; never shown to users

	// day and phrase word a message around a date, so each reader sees
	// that date in their own zone (ErrorMessageIn); Message holds it in UTC.
	// moment marks a time of day that matters (not a day's start or end).
	day    time.Time
	moment bool
	phrase func(day string) string
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

// DayFormat is how a day reads in every message: "Mon 2 Jan 2006".
const DayFormat = "Mon 2 Jan 2006"

// Dated builds an Error whose message names a day. The domain knows no
// zone, so Message shows the day in UTC and ErrorMessageIn lets an adapter
// show it in its reader's.
func Dated(kind Kind, day time.Time, phrase func(day string) string) *Error {
	return &Error{Kind: kind, Message: phrase(day.UTC().Format(DayFormat)), day: day, phrase: phrase}
}

// Timed is Dated for a moment whose hour matters: 30 days after a
// rejection at 10:00 is not the whole of that day.
func Timed(kind Kind, at time.Time, phrase func(when string) string) *Error {
	return &Error{Kind: kind, Message: phrase(at.UTC().Format(DayFormat + " 15:04 MST")), day: at, moment: true, phrase: phrase}
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

// ErrorMessageIn is ErrorMessage with the day or moment a message names
// (see Dated, Timed) written by format, in the reader's zone.
func ErrorMessageIn(err error, format func(t time.Time, moment bool) string) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal && e.phrase != nil && format != nil {
		return e.phrase(format(e.day, e.moment))
	}
	return ErrorMessage(err)
}

// ErrorField reports the input field an error is attached to, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// FieldError is one problem with one input field. A form (a Slack modal, a
// Discord modal) shows it on the block its Field names.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problems collects every field error of one input, so a person fixes them
// all in one round. The zero value is ready to use.
type Problems struct {
	list []FieldError
}

// Add records err: a KindInvalid error adds its field errors; nil is
// ignored. Any other kind is kept as its message with no field.
func (p *Problems) Add(err error) {
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		p.list = append(p.list, FieldError{Message: ErrorMessage(err)})
		return
	}
	if len(e.Fields) > 0 {
		for _, f := range e.Fields {
			p.add(f)
		}
		return
	}
	p.add(FieldError{Field: e.Field, Message: e.Message})
}

func (p *Problems) add(f FieldError) {
	for _, have := range p.list {
		if have == f {
			return
		}
	}
	p.list = append(p.list, f)
}

// AddNew records the field errors of err whose fields have none yet: a
// later, more general check does not repeat what an earlier one said.
func (p *Problems) AddNew(err error) {
	for _, f := range ErrorFields(err) {
		if !p.Has(f.Field) {
			p.add(f)
		}
	}
}

// Has reports whether field already has a problem.
func (p *Problems) Has(field string) bool {
	for _, f := range p.list {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Empty reports whether nothing was recorded.
func (p *Problems) Empty() bool { return len(p.list) == 0 }

// Err is nil when nothing was recorded, else one KindInvalid error whose
// Fields list every problem in the order found; its Message has one line
// each and its Field is the first problem's.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	if len(p.list) == 1 {
		return &Error{Kind: KindInvalid, Field: p.list[0].Field, Message: p.list[0].Message}
	}
	msgs := make([]string, len(p.list))
	for i, f := range p.list {
		msgs[i] = f.Message
	}
	return &Error{Kind: KindInvalid, Field: p.list[0].Field, Message: strings.Join(msgs, "\n"), Fields: append([]FieldError(nil), p.list...)}
}

// ErrorFields lists the field errors of err: every one of a multi-field
// error, the single one of a field error, none otherwise.
func ErrorFields(err error) []FieldError {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalid {
		return nil
	}
	if len(e.Fields) > 0 {
		return append([]FieldError(nil), e.Fields...)
	}
	return []FieldError{{Field: e.Field, Message: e.Message}}
}

// Decision is who decided something and when.
type Decision struct {
	By      string // member ID, or AutoApprover
	Name    string // as shown to people
	At      time.Time
	Outcome string // "approved", "rejected"
}

// ErrorDecision reports the decision a conflict is about, or nil.
func ErrorDecision(err error) *Decision {
	var e *Error
	if errors.As(err, &e) {
		return e.Decision
	}
	return nil
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
