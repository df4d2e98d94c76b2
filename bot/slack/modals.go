package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// A modal is filled in, turned into a line of the shared grammar and run
// like a typed /collab line: one parser, one set of rules and words. The
// grammar's field errors come back keyed by field; each input of a form
// says which fields it shows.

type inputKind int

const (
	textInput inputKind = iota
	longTextInput
	creatorsSelect // multi_external_select served by /slack/options
	productsSelect
	dateInput
	reasonSelect
	approvalSelect
)

type input struct {
	block       string // block_id and action_id
	label       string
	hint        string
	placeholder string
	kind        inputKind
	optional    bool
	fields      []string // error fields shown on this block
}

type form struct {
	kind   string // callback_id
	title  string // at most 24 characters
	submit string
	inputs []input
	// line builds the grammar line from the values; errs are problems
	// found on the way, by block.
	line func(v values, m meta) (line string, errs map[string]string)
}

// values are a submitted form's inputs by block: text, selected option
// values or a date.
type values map[string][]string

func (v values) one(block string) string {
	if xs := v[block]; len(xs) > 0 {
		return strings.TrimSpace(xs[0])
	}
	return ""
}

// meta is a modal's private_metadata: what it acts on and where to answer.
type meta struct {
	Sample      int64  `json:"s,omitempty"`
	Channel     string `json:"c,omitempty"`
	ResponseURL string `json:"r,omitempty"`
}

func (m meta) encode() string {
	b, _ := json.Marshal(m)
	if len(b) > 3000 { // Slack's limit; a response_url is never this long
		m.ResponseURL = ""
		b, _ = json.Marshal(m)
	}
	return string(b)
}

func decodeMeta(s string) meta {
	var m meta
	_ = json.Unmarshal([]byte(s), &m) // our own; a bad one answers in DM
	return m
}

var sampleInputs = []input{
	{block: "samples", label: "Free samples per creator", hint: "Leave empty for no free sample.", placeholder: "1", kind: textInput, optional: true, fields: []string{"samples", "quantity"}},
	{block: "stock", label: "Sample stock for this offer", placeholder: "20", kind: textInput, optional: true, fields: []string{"stock"}},
	{block: "approval", label: "Sample approval", kind: approvalSelect, optional: true, fields: []string{"approval"}},
	{block: "requirements", label: "Sample requirements", hint: "min-followers=10k min-views=2k min-gmv=500 categories=beauty,skincare post-days=14 terms=\"...\" sample-from=YYYY-MM-DD sample-until=YYYY-MM-DD", placeholder: "min-followers=10k post-days=14", kind: textInput, optional: true,
		fields: []string{"min_followers", "min_views", "min_gmv", "categories", "post_within_days", "terms", "sample_window", "options"}},
}

var forms = map[string]form{
	"invite": {kind: "invite", title: "Invite creators", submit: "Send invitations", line: inviteLine, inputs: append([]input{
		{block: "creators", label: "Creators", hint: "1 to 50 creators from the roster.", kind: creatorsSelect, fields: []string{"creators", "handle", "creator"}},
		{block: "products", label: "Products", hint: "1 to 100 products from the catalog.", kind: productsSelect, fields: []string{"products", "product"}},
		{block: "commission_rate", label: "Commission rate", hint: "1% to 80%, for every creator without their own rate below.", placeholder: "15%", kind: textInput, fields: []string{"commission_rate", "rate", "rates"}},
		{block: "overrides", label: "Rates for some creators", hint: "Creators paid another rate, like @leo=12% @mia=9%", placeholder: "@leo=12% @mia=9%", kind: textInput, optional: true},
		{block: "expires", label: "Answer by", hint: fmt.Sprintf("Default: %d days from today.", domain.DefaultInviteDays), kind: dateInput, optional: true, fields: []string{"expires"}},
		{block: "contact_email", label: "Contact e-mail", placeholder: "partners@shop.com", kind: textInput, optional: true, fields: []string{"contact_email", "email"}},
		{block: "name", label: "Campaign name", kind: textInput, optional: true, fields: []string{"name"}},
		{block: "message", label: "Message to the creators", kind: longTextInput, optional: true, fields: []string{"message"}},
	}, sampleInputs...)},
	"plan": {kind: "plan", title: "New open plan", submit: "Create plan", line: planLine, inputs: append([]input{
		{block: "name", label: "Plan name", placeholder: "Spring Sale", kind: textInput, fields: []string{"name", "plan_name"}},
		{block: "products", label: "Products at one rate", kind: productsSelect, optional: true, fields: []string{"products", "product"}},
		{block: "product_rate", label: "Rate for those products", placeholder: "12%", kind: textInput, optional: true},
		{block: "rules", label: "Other rates", hint: "Per product, per group or for all products, the most specific wins: P200=10% group:snacks=8% all=5%", placeholder: "group:snacks=8% all=5%", kind: textInput, optional: true, fields: []string{"rates", "commission_rate", "rate"}},
		{block: "start", label: "Starts", hint: "Default: today.", kind: dateInput, optional: true, fields: []string{"start"}},
		{block: "end", label: "Ends", hint: "Default: no end.", kind: dateInput, optional: true, fields: []string{"end"}},
	}, sampleInputs...)},
	"creator_add": {kind: "creator_add", title: "Add a creator", submit: "Add", line: creatorLine, inputs: []input{
		{block: "handle", label: "TikTok handle", placeholder: "@maya_glow", kind: textInput, fields: []string{"handle", "creator"}},
		{block: "discord", label: "Discord user ID", kind: textInput, optional: true, fields: []string{"discord", "discord_id"}},
		{block: "followers", label: "Followers", placeholder: "52k", kind: textInput, optional: true, fields: []string{"followers"}},
		{block: "views", label: "Average video views", placeholder: "8k", kind: textInput, optional: true, fields: []string{"avg_views", "views"}},
		{block: "gmv", label: "30-day GMV", placeholder: "1200.00", kind: textInput, optional: true, fields: []string{"gmv", "gmv_30d"}},
		{block: "niche", label: "Niche", placeholder: "beauty", kind: textInput, optional: true, fields: []string{"niche"}},
		{block: "categories", label: "Categories", placeholder: "beauty,skincare", kind: textInput, optional: true, fields: []string{"categories"}},
		{block: "tz", label: "Time zone", placeholder: "Europe/Paris", kind: textInput, optional: true, fields: []string{"timezone", "tz"}},
	}},
	"product_add": {kind: "product_add", title: "Add a product", submit: "Add", line: productLine, inputs: []input{
		{block: "id", label: "Product ID", placeholder: "P100", kind: textInput, fields: []string{"id", "product"}},
		{block: "title", label: "Title", placeholder: "Glow Serum", kind: textInput, fields: []string{"title"}},
		{block: "price", label: "Price", placeholder: "24.90", kind: textInput, optional: true, fields: []string{"price"}},
		{block: "group", label: "Group", placeholder: "skincare", kind: textInput, optional: true, fields: []string{"group"}},
		{block: "stock", label: "Sample stock", placeholder: "50", kind: textInput, optional: true, fields: []string{"stock"}},
	}},
	"reject": {kind: "reject", title: "Reject sample request", submit: "Reject", line: rejectLine, inputs: []input{
		{block: "reason", label: "Reason", kind: reasonSelect, fields: []string{"reason"}},
		{block: "note", label: "Note", hint: "Required with Other.", kind: longTextInput, optional: true, fields: []string{"note"}},
	}},
	"ship": {kind: "ship", title: "Mark sample shipped", submit: "Mark shipped", line: shipLine, inputs: []input{
		{block: "tracking", label: "Tracking number", kind: textInput, optional: true, fields: []string{"tracking"}},
	}},
}

// quote writes s as one quoted token of the grammar.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "“", `\“`, "”", `\”`)
	return `"` + r.Replace(s) + `"`
}

// kv appends key=value when the value is set.
func kv(b *strings.Builder, key, v string) {
	if v == "" {
		return
	}
	b.WriteString(" " + key + "=" + quote(v))
}

func sampleOptions(b *strings.Builder, v values) {
	if n := v.one("samples"); n != "" {
		b.WriteString(" samples=" + quote(n))
		kv(b, "stock", v.one("stock"))
		kv(b, "approval", v.one("approval"))
		if r := v.one("requirements"); r != "" {
			b.WriteString(" " + r)
		}
	}
}

func inviteLine(v values, _ meta) (string, map[string]string) {
	errs := map[string]string{}
	rates := map[string]string{}
	var extra []string
	var bad []string
	for _, tok := range strings.Fields(v.one("overrides")) {
		h, rate, ok := strings.Cut(strings.TrimPrefix(tok, "@"), "=")
		if !ok || !strings.HasPrefix(tok, "@") {
			bad = append(bad, fmt.Sprintf("Write each as @handle=rate, like @leo=12%% (got %q)", tok))
			continue
		}
		if _, err := domain.ParseRate("commission_rate", rate); err != nil {
			bad = append(bad, "@"+h+": "+domain.ErrorMessage(err))
			continue
		}
		if _, dup := rates[strings.ToLower(h)]; dup {
			bad = append(bad, "@"+h+" has two rates")
			continue
		}
		rates[strings.ToLower(h)] = rate
		extra = append(extra, h)
	}
	if len(bad) > 0 {
		errs["overrides"] = strings.Join(bad, "\n")
	}
	rate := v.one("commission_rate")
	if _, err := domain.ParseRate("commission_rate", rate); err != nil {
		errs["commission_rate"] = domain.ErrorMessage(err)
		// A stand-in rate, so the line still checks the form's other
		// fields: every error comes back at once.
		rate = "1%"
	}
	var b strings.Builder
	b.WriteString("invite")
	picked := map[string]bool{}
	for _, h := range v["creators"] {
		picked[strings.ToLower(h)] = true
		b.WriteString(" @" + h)
		if r, ok := rates[strings.ToLower(h)]; ok {
			b.WriteString("=" + r)
		}
	}
	for _, h := range extra {
		if !picked[strings.ToLower(h)] { // a rate for someone not picked invites them too
			b.WriteString(" @" + h + "=" + rates[strings.ToLower(h)])
		}
	}
	for _, p := range v["products"] {
		b.WriteString(" " + p)
	}
	r := strings.TrimSpace(rate)
	if !strings.HasSuffix(r, "%") {
		r += "%" // the default rate of invite needs its %
	}
	b.WriteString(" " + r)
	kv(&b, "expires", v.one("expires"))
	kv(&b, "email", v.one("contact_email"))
	kv(&b, "name", v.one("name"))
	sampleOptions(&b, v)
	return b.String(), errs
}

func planLine(v values, _ meta) (string, map[string]string) {
	errs := map[string]string{}
	var b strings.Builder
	b.WriteString("plan " + quote(v.one("name")))
	if ps := v["products"]; len(ps) > 0 {
		rate := v.one("product_rate")
		if rate == "" {
			errs["product_rate"] = "Give the rate the products you picked pay, like 12%"
			rate = "1%" // a stand-in, so the line still checks the other fields
		} else if _, err := domain.ParseRate("commission_rate", rate); err != nil {
			errs["product_rate"] = domain.ErrorMessage(err)
			rate = "1%"
		}
		for _, p := range ps {
			b.WriteString(" " + p + "=" + rate)
		}
	} else if v.one("product_rate") != "" {
		errs["products"] = "Pick the products the rate is for"
	}
	if r := v.one("rules"); r != "" {
		b.WriteString(" " + r)
	}
	kv(&b, "start", v.one("start"))
	kv(&b, "end", v.one("end"))
	sampleOptions(&b, v)
	return b.String(), errs
}

func creatorLine(v values, _ meta) (string, map[string]string) {
	var b strings.Builder
	h := v.one("handle")
	if !strings.HasPrefix(h, "@") {
		h = "@" + h
	}
	b.WriteString("creator add " + h)
	kv(&b, "discord", v.one("discord"))
	kv(&b, "followers", v.one("followers"))
	kv(&b, "views", v.one("views"))
	kv(&b, "gmv", v.one("gmv"))
	kv(&b, "niche", v.one("niche"))
	kv(&b, "categories", v.one("categories"))
	kv(&b, "tz", v.one("tz"))
	return b.String(), nil
}

func productLine(v values, _ meta) (string, map[string]string) {
	var b strings.Builder
	b.WriteString("product add " + v.one("id") + " " + quote(v.one("title")))
	kv(&b, "price", v.one("price"))
	kv(&b, "group", v.one("group"))
	kv(&b, "stock", v.one("stock"))
	return b.String(), nil
}

func rejectLine(v values, m meta) (string, map[string]string) {
	line := fmt.Sprintf("reject S%d %s", m.Sample, v.one("reason"))
	if n := v.one("note"); n != "" {
		line += " " + quote(n)
	}
	return line, nil
}

func shipLine(v values, m meta) (string, map[string]string) {
	line := fmt.Sprintf("ship S%d", m.Sample)
	if t := v.one("tracking"); t != "" {
		line += " " + quote(t)
	}
	return line, nil
}

// blockOf is the block that shows an error on field: the input that
// lists it, else the form's first input.
func (f form) blockOf(field string) string {
	for _, in := range f.inputs {
		for _, fl := range in.fields {
			if fl == field {
				return in.block
			}
		}
	}
	return f.inputs[0].block
}

// fieldErrors keys every field error of err by block, all at once.
func (f form) fieldErrors(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range domain.ErrorFields(err) {
		b := f.blockOf(fe.Field)
		if out[b] != "" {
			out[b] += "\n"
		}
		out[b] += fe.Message
	}
	if len(out) == 0 {
		out[f.inputs[0].block] = domain.ErrorMessage(err)
	}
	return out
}

// prefill is what a modal opens with, by block.
type prefill map[string][]string

// view builds the modal; note (the problems of a typed line) goes on top.
func (f form) view(pre prefill, m meta, note string) slackgo.ModalViewRequest {
	var blocks []slackgo.Block
	if note != "" {
		blocks = append(blocks, contextBlock(note))
	}
	for _, in := range f.inputs {
		blocks = append(blocks, in.build(pre[in.block]))
	}
	v := slackgo.ModalViewRequest{
		Type: slackgo.VTModal, CallbackID: f.kind, Title: plain(f.title), Submit: plain(f.submit), Close: plain("Cancel"),
		Blocks: slackgo.Blocks{BlockSet: blocks}, PrivateMetadata: m.encode(),
	}
	return v
}

func (in input) build(initial []string) slackgo.Block {
	var el slackgo.BlockElement
	first := ""
	if len(initial) > 0 {
		first = initial[0]
	}
	var ph *slackgo.TextBlockObject
	if in.placeholder != "" {
		ph = plain(in.placeholder)
	}
	zero := 0
	switch in.kind {
	case textInput, longTextInput:
		t := slackgo.NewPlainTextInputBlockElement(ph, in.block)
		t.InitialValue = first
		t.Multiline = in.kind == longTextInput
		el = t
	case creatorsSelect, productsSelect:
		s := &slackgo.MultiSelectBlockElement{Type: slackgo.MultiOptTypeExternal, ActionID: in.block, Placeholder: plain("Type to search"), MinQueryLength: &zero}
		for _, x := range initial {
			label := x
			if in.kind == creatorsSelect {
				label = "@" + x
			}
			s.InitialOptions = append(s.InitialOptions, slackgo.NewOptionBlockObject(x, plain(label), nil))
		}
		el = s
	case dateInput:
		d := slackgo.NewDatePickerBlockElement(in.block)
		d.InitialDate = first
		el = d
	case reasonSelect, approvalSelect:
		var opts []*slackgo.OptionBlockObject
		if in.kind == reasonSelect {
			for _, r := range domain.RejectReasons {
				opts = append(opts, slackgo.NewOptionBlockObject(string(r), plain(r.Label()), nil))
			}
		} else {
			opts = []*slackgo.OptionBlockObject{
				slackgo.NewOptionBlockObject("manager", plain("A manager approves each request"), nil),
				slackgo.NewOptionBlockObject("none", plain("No approval needed"), nil),
			}
		}
		s := slackgo.NewOptionsSelectBlockElement(slackgo.OptTypeStatic, plain("Choose"), in.block, opts...)
		for _, o := range opts {
			if o.Value == first {
				s.InitialOption = o
			}
		}
		el = s
	}
	var hint *slackgo.TextBlockObject
	if in.hint != "" {
		hint = plain(in.hint)
	}
	b := slackgo.NewInputBlock(in.block, plain(in.label), hint, el)
	b.Optional = in.optional
	return b
}

// readValues reads a view's state into values by block.
func readValues(st *slackgo.ViewState) values {
	out := values{}
	if st == nil {
		return out
	}
	for block, actions := range st.Values {
		for _, act := range actions {
			switch {
			case act.Value != "":
				out[block] = []string{act.Value}
			case act.SelectedDate != "":
				out[block] = []string{act.SelectedDate}
			case act.SelectedOption.Value != "":
				out[block] = []string{act.SelectedOption.Value}
			case len(act.SelectedOptions) > 0:
				for _, o := range act.SelectedOptions {
					out[block] = append(out[block], o.Value)
				}
			}
		}
	}
	return out
}

// prefilled is the modal for a typed line that did not parse, filled with
// what it had; false when the line names nothing a modal can act on.
func (a *Adapter) prefilled(ctx context.Context, actor domain.Actor, cmd grammar.Command, perr error, channel string) (slackgo.ModalViewRequest, bool) {
	loc := a.app.Location()
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02")
	}
	set := func(p prefill, block, v string) {
		if v != "" {
			p[block] = []string{v}
		}
	}
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	pre := prefill{}
	m := meta{Channel: channel}
	var f form
	switch cmd.Name {
	case "invite":
		f = forms["invite"]
		if r := cmd.Invite; r != nil {
			var over []string
			for _, t := range r.Creators {
				pre["creators"] = append(pre["creators"], t.Handle)
				if t.Rate != 0 {
					over = append(over, "@"+t.Handle+"="+t.Rate.String())
				}
			}
			pre["products"] = r.Products
			if r.Rate != 0 {
				set(pre, "commission_rate", r.Rate.String())
			}
			set(pre, "overrides", strings.Join(over, " "))
			set(pre, "expires", day(r.Expires))
			set(pre, "contact_email", r.ContactEmail)
			set(pre, "name", r.Name)
			set(pre, "message", r.Message)
			if s := r.Sample; s != nil {
				set(pre, "samples", num(int64(s.PerCreator)))
				set(pre, "stock", num(int64(s.Stock)))
			}
		}
	case "plan":
		f = forms["plan"]
		if r := cmd.Plan; r != nil {
			set(pre, "name", r.Name)
			var rules []string
			for _, x := range r.Rules {
				if x.Rate == 0 {
					continue // unreadable or out of range: the error names what was typed
				}
				rules = append(rules, x.String())
			}
			set(pre, "rules", strings.Join(rules, " "))
			set(pre, "start", day(r.Start))
			set(pre, "end", day(r.End))
		}
	case "creator add":
		f = forms["creator_add"]
		if c := cmd.Creator; c != nil {
			if c.Handle != "" {
				set(pre, "handle", "@"+c.Handle)
			}
			set(pre, "discord", c.DiscordID)
			set(pre, "followers", num(c.Followers))
			set(pre, "views", num(c.AvgViews))
			set(pre, "niche", c.Niche)
			set(pre, "categories", strings.Join(c.Categories, ","))
			set(pre, "tz", c.TimeZone)
		}
	case "product add":
		f = forms["product_add"]
		if p := cmd.Product; p != nil {
			set(pre, "id", p.ID)
			set(pre, "title", p.Title)
			set(pre, "group", p.Group)
			set(pre, "stock", num(int64(p.SampleStock)))
		}
	case "reject":
		if cmd.ID == 0 {
			return slackgo.ModalViewRequest{}, false
		}
		if err := actor.RequireManager("reject samples"); err != nil {
			return slackgo.ModalViewRequest{}, false
		}
		f = forms["reject"]
		m.Sample = cmd.ID
		set(pre, "reason", string(cmd.Reason))
		set(pre, "note", cmd.Text)
	default:
		return slackgo.ModalViewRequest{}, false
	}
	note := ""
	if perr != nil {
		var lines []string
		for _, fe := range domain.ErrorFields(perr) {
			msg, _, _ := strings.Cut(fe.Message, " Usage: ")
			lines = append(lines, msg)
		}
		note = "To finish what you typed: " + strings.Join(lines, " ")
	}
	return f.view(pre, m, note), true
}

// submit answers a view_submission: every field error at once, keyed by
// block, and nothing stored; or the form runs and the modal closes.
func (a *Adapter) submit(ctx context.Context, ic slackgo.InteractionCallback) any {
	f, ok := forms[ic.View.CallbackID]
	if !ok {
		return nil
	}
	m := decodeMeta(ic.View.PrivateMetadata)
	actor, refusal, err := a.actor(ctx, ic.User.ID)
	if err != nil {
		return slackgo.NewErrorsViewSubmissionResponse(map[string]string{f.inputs[0].block: domain.ErrorMessage(err)})
	}
	if refusal != "" {
		return slackgo.NewErrorsViewSubmissionResponse(map[string]string{f.inputs[0].block: refusal})
	}
	v := readValues(ic.View.State)
	line, errs := f.line(v, m)
	if len(errs) > 0 && line == "" {
		return slackgo.NewErrorsViewSubmissionResponse(errs)
	}
	cmd, err := grammar.Parse(line, a.app.Now(), a.app.Location())
	if err == nil && cmd.Invite != nil {
		// The message goes in as typed, not through the line: it may be long
		// and hold anything.
		cmd.Invite.Message = v.one("message")
		err = commands.CheckInvite(*cmd.Invite, a.app.Now(), a.app.Location())
	}
	if len(errs) > 0 {
		// The line's own errors stand; the other fields' are added.
		if err != nil {
			for block, msg := range f.fieldErrors(err) {
				if errs[block] == "" {
					errs[block] = msg
				}
			}
		}
		return slackgo.NewErrorsViewSubmissionResponse(errs)
	}
	if err != nil {
		return slackgo.NewErrorsViewSubmissionResponse(f.fieldErrors(err))
	}
	c, err := a.in.Execute(ctx, actor, cmd)
	if err != nil {
		if domain.ErrorKind(err) == domain.KindInternal {
			a.log.Error("slack: form failed", "form", f.kind, "err", err)
		}
		return slackgo.NewErrorsViewSubmissionResponse(f.fieldErrors(err))
	}
	user := ic.User.ID
	a.later("form answer", func(ctx context.Context) {
		msg := ephemeral(c, 1, "")
		if m.ResponseURL != "" {
			a.respond(ctx, m.ResponseURL, msg)
			return
		}
		a.tell(ctx, m.Channel, user, msg)
	})
	return nil
}
