package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

func longList(rows int) present.Card {
	c := present.Card{Title: "Sample requests", Text: "All of them", Context: "narrow with samples @creator"}
	for i := range rows {
		c.Sections = append(c.Sections, present.Section{
			Text:    fmt.Sprintf("S%d  @maya  P100 x1  Waiting for a manager", i+1),
			Fields:  []present.Field{{Label: "Followers", Value: "52000"}},
			Buttons: []present.Button{{Label: "Approve", Kind: present.ButtonAction, Action: present.FormatAction(present.ActionApprove, int64(i+1))}},
		})
	}
	return c
}

// A long list pages within Block Kit's limits: every page fits, the rows
// all appear once across the pages, and each page but the last offers the
// next.
func TestRenderPaginatesWithinLimits(t *testing.T) {
	for _, limit := range []int{maxMessageBlocks, maxViewBlocks} {
		c := longList(40)
		seen := map[string]int{}
		for page := 1; ; page++ {
			r := render(c, limit, page, "samples")
			if len(r.Blocks) > limit {
				t.Fatalf("page %d has %d blocks, limit %d", page, len(r.Blocks), limit)
			}
			b, _ := json.Marshal(r.Blocks)
			for i := range 40 {
				if strings.Contains(string(b), fmt.Sprintf(`"approve:%d"`, i+1)) && strings.Contains(string(b), fmt.Sprintf("S%d ", i+1)) {
					seen[strconv.Itoa(i+1)]++
				}
			}
			if !strings.Contains(string(b), pageAction+strconv.Itoa(page+1)) {
				break
			}
			if page > 40 {
				t.Fatal("paging never ends")
			}
		}
		if len(seen) != 40 {
			t.Errorf("limit %d: %d of 40 rows shown across pages", limit, len(seen))
		}
		for row, n := range seen {
			if n != 1 {
				t.Errorf("row %s shown %d times", row, n)
			}
		}
	}
}

// Texts stay within 3,000 characters, fields within 10 a section, and
// user text cannot ping (<!channel>) or link.
func TestRenderTextLimitsAndEscaping(t *testing.T) {
	c := present.Card{Title: strings.Repeat("T", 400), Text: strings.Repeat("é", 7000) + " <!channel> & <@U1>"}
	for i := range 23 {
		c.Fields = append(c.Fields, present.Field{Label: "L" + strconv.Itoa(i), Value: strings.Repeat("v", 3000)})
	}
	r := render(c, maxMessageBlocks, 1, "")
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *slackgo.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > maxHeaderChars {
				t.Errorf("header %d chars", n)
			}
		case *slackgo.SectionBlock:
			if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > maxTextChars {
				t.Errorf("section text %d chars", utf8.RuneCountInString(b.Text.Text))
			}
			if len(b.Fields) > maxSectionFields {
				t.Errorf("section with %d fields", len(b.Fields))
			}
			for _, f := range b.Fields {
				if utf8.RuneCountInString(f.Text) > maxFieldChars {
					t.Errorf("field %d chars", utf8.RuneCountInString(f.Text))
				}
			}
		}
	}
	out, _ := json.Marshal(r.Blocks)
	if strings.Contains(string(out), "<!channel>") || strings.Contains(string(out), `\u003c!channel\u003e`) {
		t.Errorf("user text reached Slack unescaped")
	}
	if !strings.Contains(string(out), "&amp;lt;!channel&amp;gt;") && !strings.Contains(string(out), `\u0026lt;!channel\u0026gt;`) {
		t.Errorf("escaped text missing: %.300s", out)
	}
}

// Buttons by kind: an action or form button carries its custom_id as
// action_id; a link button opens its URL.
func TestRenderButtons(t *testing.T) {
	c := present.Card{Buttons: []present.Button{
		{Label: "Approve", Kind: present.ButtonAction, Action: "approve:3", Style: "primary"},
		{Label: "Reject", Kind: present.ButtonForm, Action: "reject:3", Style: "danger"},
		{Label: "Video", Kind: present.ButtonLink, URL: "https://www.tiktok.com/@maya/video/1"},
		{Label: "Confirm link", Kind: present.ButtonAction, Action: "link-confirm:4"},
	}}
	b, _ := json.Marshal(render(c, maxMessageBlocks, 1, "").Blocks)
	for _, want := range []string{`"action_id":"approve:3"`, `"style":"primary"`, `"action_id":"reject:3"`, `"style":"danger"`, `"url":"https://www.tiktok.com/@maya/video/1"`, `"action_id":"link-confirm:4"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("blocks lack %s: %s", want, b)
		}
	}
}

func FuzzDecodeInteraction(f *testing.F) {
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"approve:1","value":"approve:1"}],"container":{"type":"message","message_ts":"1.2","channel_id":"C1"}}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"invite","private_metadata":"{\"s\":3}","state":{"values":{"creators":{"creators":{"type":"multi_external_select","selected_options":[{"value":"maya"}]}},"commission_rate":{"commission_rate":{"type":"plain_text_input","value":"15%"}}}}}}`)
	f.Add(`{"type":"block_suggestion","action_id":"creators","value":"ma"}`)
	f.Add(`{"type":"view_submission","view":{"state":{"values":{"a":{"b":{"type":"datepicker","selected_date":"2026-12-31"}}}}}}`)
	f.Add(``)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, raw string) {
		ic, ok := decodeInteraction([]byte(raw))
		if !ok {
			return
		}
		v := readValues(ic.View.State)
		m := decodeMeta(ic.View.PrivateMetadata)
		if f, ok := forms[ic.View.CallbackID]; ok {
			line, _ := f.line(v, m)
			_, _ = grammar.Parse(line, time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC), time.UTC)
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	f.Add(`{"type":"url_verification","challenge":"abc","token":"x"}`)
	f.Add(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`)
	f.Add(`{"type":"event_callback","event_id":"Ev2","event":{"type":"member_joined_channel","user":"U1","channel":"C1"}}`)
	f.Add(`{"type":"event_callback","event":{"type":"message","text":"hi"}}`)
	f.Add(`{"type":"app_rate_limited","minute_rate_limited":1}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, raw string) {
		ev, ok := parseEvent([]byte(raw))
		if ok && ev.challenge != "" && ev.inner != nil {
			t.Errorf("an event is both a challenge and a callback")
		}
	})
}

// The override field is the one the seller types free-hand: whatever is
// in it, the line built parses or is refused, never panics, and a
// refused rate is reported on its block.
func FuzzInviteOverrides(f *testing.F) {
	f.Add("@leo=12% @mia=9%", "15%")
	f.Add("@leo=81%", "15")
	f.Add("leo", "0%")
	f.Add("@=", "12.555%")
	f.Add(`@"x"=1 @a=b=c`, `"`)
	f.Fuzz(func(t *testing.T, over, rate string) {
		line, errs := inviteLine(values{"creators": {"maya"}, "products": {"P100"}, "overrides": {over}, "commission_rate": {rate}}, meta{})
		if len(errs) > 0 {
			for b := range errs {
				if b != "overrides" && b != "commission_rate" {
					t.Errorf("error on block %q", b)
				}
			}
			return
		}
		_, _ = grammar.Parse(line, time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC), time.UTC)
	})
}

// Only a body signed with the secret within the window passes.
func FuzzVerify(f *testing.F) {
	f.Add("token=x&text=plans", "v0=00", "0")
	f.Add("payload=%7B%7D", "", "")
	f.Fuzz(func(t *testing.T, body, sig, stamp string) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", stamp)
		if verify(h, []byte(body), "secret") == nil {
			t.Errorf("a forged signature %q passed", sig)
		}
		now := strconv.FormatInt(time.Now().Unix(), 10)
		h.Set("X-Slack-Request-Timestamp", now)
		h.Set("X-Slack-Signature", signature("secret", now, body))
		if err := verify(h, []byte(body), "secret"); err != nil {
			t.Errorf("a good signature failed: %v", err)
		}
	})
}

func signature(secret, stamp, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + stamp + ":" + body))
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func TestMentionNamesOnlyWholeMemberIDs(t *testing.T) {
	tests := []struct {
		name, in string
		ids      []string
		want     string
	}{
		{"one ID", "U0DANA is now a manager.", []string{"U0DANA"}, "<@U0DANA> is now a manager."},
		{"twice", "U0DANA no longer has a role (role U0DANA seller).", []string{"U0DANA"}, "<@U0DANA> no longer has a role (role <@U0DANA> seller)."},
		{"inside a longer word", "U0DANAX and XU0DANA stay.", []string{"U0DANA"}, "U0DANAX and XU0DANA stay."},
		{"after a name", "Dana (U0DANA) is now a seller.", []string{"U0DANA"}, "Dana (<@U0DANA>) is now a seller."},
		{"not a Slack user ID", "here is now a manager.", []string{"here"}, "here is now a manager."},
		{"a console member", "alice is now a manager.", []string{"alice"}, "alice is now a manager."},
		{"no IDs", "plain", nil, "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mention(tc.in, tc.ids); got != tc.want {
				t.Errorf("mention(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
