package slack

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// DefaultSocketIdle is how long a Socket Mode connection may stay silent
// (no ping, no envelope) before it is torn down and reopened. Slack pings
// every few seconds; 20 s of silence is a dead connection, and this
// reopens it within Slack's 30 s.
const DefaultSocketIdle = 20 * time.Second

// maxAck is the largest ack payload Slack accepts over the socket; a
// longer answer goes to response_url.
const maxAck = 20000

// SocketOptions tune Socket Mode.
type SocketOptions struct {
	// Idle is the read deadline: a connection silent this long is reopened
	// (default DefaultSocketIdle).
	Idle time.Duration
}

// RunSocket serves Slack over Socket Mode until ctx ends: the client
// given to New must carry the app-level token (slack.OptionAppLevelToken).
// Requests go to the same handlers as HTTP and are acked through the
// socket with what the HTTP body would have been.
func (a *Adapter) RunSocket(ctx context.Context, o SocketOptions) error {
	if o.Idle <= 0 {
		o.Idle = DefaultSocketIdle
	}
	// slack-go's own ping timer has been known not to fire while a read
	// blocks (slack-go/slack#1093); a read deadline on the connection
	// itself, renewed by every frame read (pings included), cannot miss.
	base := &net.Dialer{Timeout: 10 * time.Second}
	dialer := &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 10 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := base.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &idleConn{Conn: c, idle: o.Idle}, nil
		},
	}
	client := socketmode.New(a.api, socketmode.OptionDialer(dialer), socketmode.OptionPingInterval(o.Idle))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-done
			a.Wait()
			return nil
		case err := <-done:
			cancel()
			a.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return err
		case evt := <-client.Events:
			a.envelope(ctx, client, evt)
		}
	}
}

// idleConn renews its read deadline before every read, so a silent peer
// fails the read after idle.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// envelope handles one Socket Mode request. A redelivery (retry_attempt >
// 0) whose envelope was handled is acked and dropped; one never seen (the
// first delivery was lost, or this process restarted) is handled.
func (a *Adapter) envelope(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	req := evt.Request
	if req == nil || req.EnvelopeID == "" { // hello, disconnect: the client handles them
		if evt.Type == socketmode.EventTypeConnectionError || evt.Type == socketmode.EventTypeIncomingError {
			a.log.Warn("slack: socket mode", "event", evt.Type, "data", evt.Data)
		}
		return
	}
	first := a.seen.first("envelope:" + req.EnvelopeID)
	if !first && req.RetryAttempt > 0 {
		_ = client.Ack(*req)
		return
	}
	a.late.Add(1)
	go func() {
		defer a.late.Done()
		switch evt.Type {
		case socketmode.EventTypeEventsAPI:
			ans, _ := a.event(req.Payload)
			a.ack(client, req, ans, "")
		case socketmode.EventTypeInteractive:
			ic, ok := evt.Data.(slackgo.InteractionCallback)
			if !ok {
				_ = client.Ack(*req)
				return
			}
			a.ack(client, req, a.interaction(ctx, ic), ic.ResponseURL)
		case socketmode.EventTypeSlashCommand:
			sc, ok := evt.Data.(slackgo.SlashCommand)
			if !ok {
				_ = client.Ack(*req)
				return
			}
			a.ack(client, req, a.command(ctx, sc), sc.ResponseURL)
		default:
			_ = client.Ack(*req)
		}
	}()
}

// ack acks with the answer; one too large for the socket goes to
// response_url instead.
func (a *Adapter) ack(client *socketmode.Client, req *socketmode.Request, ans any, responseURL string) {
	if ans == nil {
		_ = client.Ack(*req)
		return
	}
	if b, err := json.Marshal(ans); err == nil && len(b) >= maxAck {
		_ = client.Ack(*req)
		if m, ok := ans.(*message); ok && responseURL != "" {
			a.later("large answer", func(ctx context.Context) { a.respond(ctx, responseURL, m) })
		}
		return
	}
	_ = client.Ack(*req, ans)
}
