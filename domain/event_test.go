package domain_test

import (
	"testing"

	"github.com/collabbot/collabbot/domain"
)

func TestRecipientRoundTrip(t *testing.T) {
	tests := []struct {
		s       string
		want    domain.Recipient
		surface domain.Surface
	}{
		{"creator:12", domain.Recipient{Kind: domain.ToCreator, CreatorID: 12}, domain.SurfaceDiscord},
		{"channel:approvals", domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals}, domain.SurfaceSlack},
		{"channel:sellers", domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}, domain.SurfaceSlack},
		{"member:U024BE7LH", domain.Recipient{Kind: domain.ToMember, MemberID: "U024BE7LH"}, domain.SurfaceSlack},
	}
	for _, tc := range tests {
		t.Run(tc.s, func(t *testing.T) {
			got, err := domain.ParseRecipient(tc.s)
			noErr(t, err)
			if got != tc.want {
				t.Errorf("ParseRecipient(%q) = %+v, want %+v", tc.s, got, tc.want)
			}
			if s := got.String(); s != tc.s {
				t.Errorf("String() = %q, want %q", s, tc.s)
			}
			if s := tc.want.String(); s != tc.s {
				t.Errorf("%+v.String() = %q, want %q", tc.want, s, tc.s)
			}
			if sf := got.Surface(); sf != tc.surface {
				t.Errorf("Surface() = %q, want %q", sf, tc.surface)
			}
		})
	}
}

func TestParseRecipientInvalid(t *testing.T) {
	for _, s := range []string{
		"", "creator", "creator:", "creator:0", "creator:-3", "creator:abc", "creator:1.5",
		"channel:", "channel:general", "channel:Approvals", "member:", "team:U1", "U1", ":U1",
	} {
		t.Run(s, func(t *testing.T) {
			r, err := domain.ParseRecipient(s)
			if err == nil {
				t.Fatalf("ParseRecipient(%q) = %+v, want an error", s, r)
			}
			checkErr(t, err, domain.KindInvalid, "recipient", "creator:<id>", "channel:approvals")
		})
	}
}
