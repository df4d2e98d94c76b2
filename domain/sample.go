package domain

import (
	"fmt"
	"strings"
	"time"
)

// Sample rules from TikTok Shop's seller guidance.
const (
	DefaultPostWithinDays = 14
	DecisionWindow        = 7 * 24 * time.Hour  // an undecided request expires after 7 days
	RetryAfterRejection   = 30 * 24 * time.Hour // a rejected creator may ask again after 30 days
	ExtensionDays         = 7
	DueSoon               = 3 * 24 * time.Hour
)

// Requirements a creator must meet to receive a free sample.
type Requirements struct {
	MinFollowers   int64
	MinAvgViews    int64
	MinGMV30d      Money
	Categories     []string // the creator's niche or one of their categories must be listed
	PostWithinDays int      // days after shipping to post the content (default 14)
	Terms          string
}

// SampleOffer is a free-sample offer attached to an open plan or to a
// targeted collaboration.
type SampleOffer struct {
	ID             int64
	PerCreator     int // units a creator may receive per product (default 1)
	Stock          int // units this offer may give out in all; 0 means as much as product stock allows
	Reserved       int // units approved so far
	WindowStart    time.Time
	WindowEnd      time.Time // zero: no end
	ApprovalExempt bool      // requests are approved at once, no manager needed
	Requirements   Requirements
}

// Validate checks the offer, fills defaults and reports every problem at
// once.
func (o *SampleOffer) Validate() error {
	var p Problems
	if o.PerCreator == 0 {
		o.PerCreator = 1
	}
	p.Add(CheckPerCreator(o.PerCreator))
	if o.Stock < 0 || o.Stock > 1_000_000 {
		p.Add(Invalidf("stock", "Sample stock must be from 0 to 1,000,000 (got %d)", o.Stock))
	}
	if !o.WindowEnd.IsZero() && !o.WindowEnd.After(o.WindowStart) {
		p.Add(Invalidf("sample_window", "Sample window must end after it starts"))
	}
	r := &o.Requirements
	if r.MinFollowers < 0 {
		p.Add(Invalidf("min_followers", "Minimum followers cannot be negative (got %d)", r.MinFollowers))
	}
	if r.MinAvgViews < 0 {
		p.Add(Invalidf("min_views", "Minimum average views cannot be negative (got %d)", r.MinAvgViews))
	}
	if r.MinGMV30d < 0 {
		p.Add(Invalidf("min_gmv", "Minimum 30-day GMV cannot be negative (got %s)", r.MinGMV30d))
	}
	if r.PostWithinDays == 0 {
		r.PostWithinDays = DefaultPostWithinDays
	}
	if r.PostWithinDays < 1 || r.PostWithinDays > 90 {
		p.Add(Invalidf("post_within_days", "Days to post must be from 1 to 90 (got %d)", r.PostWithinDays))
	}
	for i, c := range r.Categories {
		r.Categories[i] = strings.ToLower(strings.TrimSpace(c))
	}
	if TooLong(r.Terms, MaxTermsLength) {
		p.Add(Invalidf("terms", "Terms must be at most 1000 characters"))
	}
	return p.Err()
}

// MaxPerCreator is the most units of one product an offer gives a creator.
const MaxPerCreator = 10

// CheckPerCreator checks how many units an offer gives each creator.
func CheckPerCreator(n int) error {
	if n < 1 || n > MaxPerCreator {
		return Invalidf("samples", "Samples per creator must be from 1 to %d (got %d)", MaxPerCreator, n)
	}
	return nil
}

// Check says why a creator does not meet the offer at now, or nil.
func (o SampleOffer) Check(c Creator, now time.Time) error {
	if now.Before(o.WindowStart) {
		return Dated(KindInvalid, o.WindowStart, func(d string) string { return "Samples for this offer open on " + d + "." })
	}
	if !o.WindowEnd.IsZero() && !now.Before(o.WindowEnd) {
		return Dated(KindInvalid, o.WindowEnd, func(d string) string { return "Samples for this offer closed on " + d + "." })
	}
	return o.Requirements.Check(c)
}

// Unmet lists what a creator lacks for the offer at now ("at least 5000
// followers (you have 1000)"), empty when they qualify: the words a list of
// several offers shows beside each. day writes a window's day in the
// reader's zone, which the domain does not know.
func (o SampleOffer) Unmet(c Creator, now time.Time, day func(time.Time) string) []string {
	if now.Before(o.WindowStart) {
		return []string{"samples open on " + day(o.WindowStart)}
	}
	if !o.WindowEnd.IsZero() && !now.Before(o.WindowEnd) {
		return []string{"samples closed on " + day(o.WindowEnd)}
	}
	return o.Requirements.Unmet(c)
}

// Check says which requirements a creator misses, or nil.
func (r Requirements) Check(c Creator) error {
	if why := r.Unmet(c); len(why) > 0 {
		return Errorf(KindInvalid, "This sample needs %s.", strings.Join(why, "; "))
	}
	return nil
}

// Unmet lists the requirements a creator misses, worded to them.
func (r Requirements) Unmet(c Creator) []string {
	return r.unmet(c, "you have", "your count is not on file")
}

// Lacks is Unmet worded to the seller team, about the creator.
func (r Requirements) Lacks(c Creator) []string { return r.unmet(c, "has", "count not known") }

func (r Requirements) unmet(c Creator, have, unknown string) []string {
	var why []string
	count := func(n int64, s string) string {
		if n <= 0 {
			return unknown
		}
		return have + " " + s
	}
	if c.Followers < r.MinFollowers {
		why = append(why, fmt.Sprintf("at least %d followers (%s)", r.MinFollowers, count(c.Followers, fmt.Sprint(c.Followers))))
	}
	if c.AvgViews < r.MinAvgViews {
		why = append(why, fmt.Sprintf("at least %d average video views (%s)", r.MinAvgViews, count(c.AvgViews, fmt.Sprint(c.AvgViews))))
	}
	if c.GMV30d < r.MinGMV30d {
		why = append(why, fmt.Sprintf("at least %s 30-day GMV (%s)", r.MinGMV30d, count(int64(c.GMV30d), c.GMV30d.String())))
	}
	if len(r.Categories) > 0 && !overlaps(r.Categories, append([]string{c.Niche}, c.Categories...)) {
		why = append(why, "a niche in "+strings.Join(r.Categories, ", "))
	}
	return why
}

func overlaps(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h != "" && w == h {
				return true
			}
		}
	}
	return false
}

// SampleState is where a sample request stands.
type SampleState string

const (
	SampleRequested SampleState = "requested"
	SampleApproved  SampleState = "approved"
	SampleRejected  SampleState = "rejected"
	SampleCancelled SampleState = "cancelled"
	SampleExpired   SampleState = "expired"
	SampleShipped   SampleState = "shipped"
	SampleCompleted SampleState = "completed"
	SampleOverdue   SampleState = "overdue"
)

// SampleMoves is the sample state machine of PRODUCT.md.
var SampleMoves = map[SampleState][]SampleState{
	SampleRequested: {SampleApproved, SampleRejected, SampleCancelled, SampleExpired},
	SampleApproved:  {SampleShipped, SampleCancelled},
	SampleShipped:   {SampleCompleted, SampleOverdue},
	SampleOverdue:   {SampleCompleted},
}

// OpenSampleStates are the states in which a request blocks another for the
// same product: one open request per creator and product.
var OpenSampleStates = []SampleState{SampleRequested, SampleApproved, SampleShipped, SampleOverdue}

// RejectReason is why a manager refused a sample, in TikTok Shop's terms.
type RejectReason string

const (
	RejectNotMatch   RejectReason = "not_match"
	RejectOutOfStock RejectReason = "out_of_stock"
	RejectOffline    RejectReason = "offline"
	RejectOther      RejectReason = "other"
)

// RejectReasons lists the allowed reasons in display order.
var RejectReasons = []RejectReason{RejectNotMatch, RejectOutOfStock, RejectOffline, RejectOther}

// ParseRejectReason checks a rejection reason.
func ParseRejectReason(s string) (RejectReason, error) {
	for _, r := range RejectReasons {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Invalidf("reason", "Reason must be one of not_match, out_of_stock, offline, other (got %q)", s)
}

// Label is the reason as a person reads it.
func (r RejectReason) Label() string {
	switch r {
	case RejectNotMatch:
		return "Not a match for this product"
	case RejectOutOfStock:
		return "Out of stock"
	case RejectOffline:
		return "Product is offline"
	}
	return "Other"
}

// SampleRequest is a creator's request for a free sample of one product.
type SampleRequest struct {
	ID           int64
	CreatorID    int64
	ProductID    string
	OfferID      int64
	PlanID       int64 // set when requested through an open plan
	InvitationID int64 // set when requested through a targeted invitation
	Quantity     int
	State        SampleState
	Note         string // the creator's note to the managers
	RequestedAt  time.Time
	DecidedBy    string // member ID of the deciding manager, or AutoApprover
	// DeciderName is how the decider is shown to people; filled when the
	// request is read, not stored (a member may rename).
	DeciderName    string
	DecidedAt      time.Time
	RejectReason   RejectReason
	RejectNote     string
	ShippedAt      time.Time
	Tracking       string
	DueAt          time.Time
	Extended       bool
	ContentURL     string
	CompletedAt    time.Time
	PostWithinDays int
	// Version is the stored row's version, set by the store when it reads
	// or inserts the row; an update succeeds only if the row is still at
	// it (0: never stored).
	Version int64
}

// Ref names the request for people and commands: "S12".
func (s SampleRequest) Ref() string { return fmt.Sprintf("S%d", s.ID) }

// Open reports whether the request blocks a new one for the same product.
func (s SampleRequest) Open() bool {
	for _, st := range OpenSampleStates {
		if s.State == st {
			return true
		}
	}
	return false
}

// To moves the request to state next.
func (s *SampleRequest) To(next SampleState) error {
	if err := move("Sample request "+s.Ref(), s.State, next, SampleMoves); err != nil {
		return err
	}
	s.State = next
	return nil
}

// Decided reports whether a manager (or the exemption) already decided.
func (s SampleRequest) Decided() bool { return !s.DecidedAt.IsZero() }

// Approve records a manager's approval. A second decision is a conflict
// naming who decided first.
func (s *SampleRequest) Approve(by string, now time.Time) error {
	if err := s.decidable(); err != nil {
		return err
	}
	if err := s.To(SampleApproved); err != nil {
		return err
	}
	s.DecidedBy, s.DecidedAt = by, now
	return nil
}

// Reject records a manager's rejection; "other" needs a note.
func (s *SampleRequest) Reject(by string, reason RejectReason, note string, now time.Time) error {
	note = strings.TrimSpace(note)
	if reason == RejectOther && note == "" {
		return Invalidf("note", "A rejection for reason \"other\" needs a note saying why")
	}
	if TooLong(note, MaxNoteLength) {
		return Invalidf("note", "Note must be at most 500 characters")
	}
	if err := s.decidable(); err != nil {
		return err
	}
	if err := s.To(SampleRejected); err != nil {
		return err
	}
	s.DecidedBy, s.DecidedAt, s.RejectReason, s.RejectNote = by, now, reason, note
	return nil
}

// Decider is who decided, as shown to people.
func (s SampleRequest) Decider() string {
	if s.DeciderName != "" {
		return s.DeciderName
	}
	return s.DecidedBy
}

// CanDecide says why a manager can no longer approve or reject the
// request, or nil while it waits for a decision.
func (s SampleRequest) CanDecide() error {
	if err := s.decidable(); err != nil {
		return err
	}
	if s.State != SampleRequested {
		return Errorf(KindConflict, "Sample request %s is %s; only a requested sample can be decided.", s.Ref(), s.State)
	}
	return nil
}

// AutoApprover is who decided a request on an offer that needs no approval.
const AutoApprover = "automatic approval"

func (s SampleRequest) decidable() error {
	if s.State == SampleRequested || !s.Decided() {
		return nil
	}
	var e *Error
	if s.DecidedBy == AutoApprover {
		e = Errorf(KindConflict, "Sample request %s was approved automatically: its offer needs no approval.", s.Ref())
	} else {
		e = Errorf(KindConflict, "Sample request %s was already %s by %s.", s.Ref(), s.decisionWord(), s.Decider())
	}
	e.Decision = &Decision{By: s.DecidedBy, Name: s.Decider(), At: s.DecidedAt, Outcome: s.decisionWord()}
	return e
}

func (s SampleRequest) decisionWord() string {
	if s.RejectReason != "" {
		return "rejected"
	}
	return "approved"
}

// Ship marks the sample shipped and starts the posting deadline.
func (s *SampleRequest) Ship(tracking string, now time.Time) error {
	tracking = strings.TrimSpace(tracking)
	if TooLong(tracking, MaxTrackingLength) {
		return Invalidf("tracking", "Tracking number must be at most 100 characters")
	}
	if err := s.To(SampleShipped); err != nil {
		return err
	}
	days := s.PostWithinDays
	if days == 0 {
		days = DefaultPostWithinDays
	}
	s.ShippedAt, s.Tracking, s.DueAt = now, tracking, now.AddDate(0, 0, days)
	return nil
}

// Complete records the content link; a late link completes an overdue sample.
func (s *SampleRequest) Complete(url string, now time.Time) error {
	if err := s.To(SampleCompleted); err != nil {
		return err
	}
	s.ContentURL, s.CompletedAt = url, now
	return nil
}

// Extend gives one extra week to post, once, to a due-soon or overdue sample.
func (s *SampleRequest) Extend(now time.Time) error {
	if s.Extended {
		return Errorf(KindConflict, "Sample request %s was already extended once; only one extension is allowed.", s.Ref())
	}
	switch s.State {
	case SampleShipped:
		if s.DueAt.Sub(now) > DueSoon {
			ref := s.Ref()
			return Dated(KindConflict, s.DueAt, func(d string) string {
				return "Sample request " + ref + " is due " + d + "; it can be extended only within 3 days of its deadline or when overdue."
			})
		}
	case SampleOverdue:
	default:
		return Errorf(KindConflict, "Sample request %s is %s; only shipped (due soon) or overdue samples can be extended.", s.Ref(), s.State)
	}
	due := s.DueAt.AddDate(0, 0, ExtensionDays)
	if !due.After(now) {
		due = now.AddDate(0, 0, ExtensionDays)
	}
	s.DueAt, s.Extended = due, true
	if s.State == SampleOverdue {
		s.State = SampleShipped // the deadline moved: it is no longer overdue
	}
	return nil
}

// ExpiresAt is when an undecided request lapses.
func (s SampleRequest) ExpiresAt() time.Time { return s.RequestedAt.Add(DecisionWindow) }

// CanRequestAgain applies the one-open-request and 30-days-after-rejection
// rules against the creator's earlier requests for the same product.
func CanRequestAgain(earlier []SampleRequest, now time.Time) error {
	for _, e := range earlier {
		if e.Open() {
			return Errorf(KindConflict, "You already have sample request %s for this product (%s).", e.Ref(), e.State)
		}
		if e.State == SampleRejected {
			if again := e.DecidedAt.Add(RetryAfterRejection); now.Before(again) {
				ref := e.Ref()
				return Timed(KindConflict, again, func(d string) string {
					return "Your request " + ref + " for this product was rejected; you can ask again from " + d + "."
				})
			}
		}
	}
	return nil
}
