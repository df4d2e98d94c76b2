package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits of an interaction request.
const (
	// MaxBody caps an interaction body; real ones are a few kilobytes.
	MaxBody = 64 << 10
	// MaxAge is how old a signed timestamp may be: a captured request
	// replayed later is refused.
	MaxAge = 5 * time.Minute
	// MaxSkew is how far ahead of our clock a timestamp may be.
	MaxSkew = 30 * time.Second
)

// Verifier checks Discord's Ed25519 signature over timestamp+body and the
// timestamp's freshness (discordgo.VerifyInteraction checks no time).
type Verifier struct {
	Key ed25519.PublicKey
	Now func() time.Time
}

// ParsePublicKey reads DISCORD_PUBLIC_KEY (64 hex characters).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("discord: the public key must be 64 hex characters")
	}
	return ed25519.PublicKey(b), nil
}

// Verify reports whether the request's signature holds for body and its
// timestamp is fresh.
func (v Verifier) Verify(h http.Header, body []byte) bool {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || len(v.Key) != ed25519.PublicKeySize {
		return false
	}
	ts := h.Get("X-Signature-Timestamp")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	age := now().Sub(time.Unix(secs, 0))
	if age > MaxAge || age < -MaxSkew {
		return false
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	return ed25519.Verify(v.Key, msg, sig)
}

// Handler is POST /discord/interactions: the signature and timestamp are
// checked on the capped raw body before it is decoded; a failure is a 401
// and nothing runs.
func (b *Bot) Handler(v Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		if !v.Verify(r.Header, body) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		i, err := DecodeInteraction(body)
		if err != nil {
			http.Error(w, "malformed interaction", http.StatusBadRequest)
			return
		}
		b.serve(r.Context(), i, func(resp *discordgo.InteractionResponse) error {
			body, err := json.Marshal(resp)
			if err != nil {
				return err
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			if _, err := w.Write(body); err != nil {
				return err
			}
			// A deferral is written while the answer is still being
			// worked out: it must reach Discord now, not when the
			// handler returns.
			return http.NewResponseController(w).Flush()
		})
	})
}

// DecodeInteraction reads a verified interaction body. Beyond JSON it
// checks what the handlers rely on, so they never meet a nil user or a
// data type that would make discordgo's accessors panic.
func DecodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		return nil, err
	}
	switch i.Type {
	case discordgo.InteractionPing:
		return &i, nil
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		if _, ok := i.Data.(discordgo.ApplicationCommandInteractionData); !ok {
			return nil, errors.New("discord: command interaction without command data")
		}
	case discordgo.InteractionMessageComponent:
		if _, ok := i.Data.(discordgo.MessageComponentInteractionData); !ok {
			return nil, errors.New("discord: component interaction without component data")
		}
	case discordgo.InteractionModalSubmit:
		if _, ok := i.Data.(discordgo.ModalSubmitInteractionData); !ok {
			return nil, errors.New("discord: modal interaction without modal data")
		}
	default:
		return nil, errors.New("discord: unknown interaction type " + strconv.Itoa(int(i.Type)))
	}
	if u := userOf(&i); u == nil || u.ID == "" {
		return nil, errors.New("discord: interaction without a user")
	}
	if i.ID == "" || i.Token == "" {
		return nil, errors.New("discord: interaction without id or token")
	}
	return &i, nil
}

// userOf is who acted: the member in a server, the user in a DM.
func userOf(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}
