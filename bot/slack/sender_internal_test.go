package slack

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// A card's picture (the digest's chart) is uploaded into the thread of
// the message that says the same in words.
func TestSenderUploadsPictureInThread(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var uploaded []byte
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.URL.Path+"?"+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/chat.postMessage":
			io.WriteString(w, `{"ok":true,"channel":"C0SELLERS","ts":"1700000000.000001"}`)
		case "/api/files.getUploadURLExternal":
			io.WriteString(w, `{"ok":true,"upload_url":"`+srv.URL+`/upload/F1","file_id":"F1"}`)
		case "/upload/F1":
			mu.Lock()
			uploaded = body
			mu.Unlock()
			io.WriteString(w, "OK")
		case "/api/files.completeUploadExternal":
			io.WriteString(w, `{"ok":true,"files":[{"id":"F1","title":"Funnel"}]}`)
		default:
			io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	defer srv.Close()
	api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(srv.URL+"/api/"))
	s := NewSender(api, SenderConfig{SellersChannel: "C0SELLERS", PostEvery: time.Millisecond})
	png := []byte("\x89PNG\r\n\x1a\nchart")
	card := present.Card{Title: "Weekly digest", Text: "12 invitations, 5 accepted", Image: &present.Image{Name: "funnel-2026-W19.png", Title: "Funnel", Alt: "12 invited, 5 accepted", PNG: png}}
	ref, err := s.send(context.Background(), domain.Outgoing{Key: "digest#2026-05-03", To: domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}}, card)
	if err != nil || ref != "C0SELLERS/1700000000.000001" {
		t.Fatalf("send = %q, %v", ref, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(string(uploaded), "chart") {
		t.Errorf("the PNG was not uploaded: %q", uploaded)
	}
	var complete string
	for _, g := range got {
		if strings.HasPrefix(g, "/api/files.completeUploadExternal") {
			complete = g
		}
	}
	if !strings.Contains(complete, "1700000000.000001") || !strings.Contains(complete, "C0SELLERS") {
		t.Errorf("the picture was not shared in the message's thread: %q", complete)
	}
}
