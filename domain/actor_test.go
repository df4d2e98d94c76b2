package domain_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

func TestActorRequire(t *testing.T) {
	seller := domain.Actor{Role: domain.RoleSeller, MemberID: "U1", Name: "Sam"}
	manager := domain.Actor{Role: domain.RoleManager, MemberID: "U2", Name: "Dana"}
	creator := domain.Actor{Role: domain.RoleCreator, CreatorID: 7, Name: "@maya_glow"}
	unlinked := domain.Actor{Role: domain.RoleCreator}
	system := domain.System
	nobody := domain.Actor{}

	type check struct {
		name string
		fn   func(domain.Actor) error
	}
	team := check{"RequireTeam", func(a domain.Actor) error { return a.RequireTeam("invite creators") }}
	mgr := check{"RequireManager", func(a domain.Actor) error { return a.RequireManager("approve samples") }}
	crt := check{"RequireCreator", func(a domain.Actor) error { return a.RequireCreator("request samples") }}

	tests := []struct {
		actor   domain.Actor
		check   check
		allowed bool
		parts   []string
	}{
		{seller, team, true, nil},
		{manager, team, true, nil},
		{creator, team, false, []string{"Only the seller team can invite creators."}},
		{system, team, false, []string{"seller team"}},
		{nobody, team, false, []string{"seller team"}},

		{manager, mgr, true, nil},
		{seller, mgr, false, []string{"Only a manager can approve samples", "you are a seller"}},
		{creator, mgr, false, []string{"Only a manager", "you are a creator"}},
		{system, mgr, false, []string{"Only a manager"}},

		{creator, crt, true, nil},
		{unlinked, crt, false, []string{"Only a creator can request samples."}},
		{seller, crt, false, []string{"Only a creator"}},
		{manager, crt, false, []string{"Only a creator"}},
	}
	for _, tc := range tests {
		t.Run(tc.check.name+"/"+string(tc.actor.Role)+"/"+tc.actor.Display(), func(t *testing.T) {
			err := tc.check.fn(tc.actor)
			if tc.allowed {
				noErr(t, err)
				return
			}
			checkErr(t, err, domain.KindForbidden, "", tc.parts...)
		})
	}
}

func TestActorRefDisplayIsTeam(t *testing.T) {
	tests := []struct {
		a            domain.Actor
		ref, display string
		team         bool
	}{
		{domain.Actor{Role: domain.RoleSeller, MemberID: "U1", Name: "Sam"}, "member:U1", "Sam", true},
		{domain.Actor{Role: domain.RoleManager, MemberID: "U2"}, "member:U2", "U2", true},
		{domain.Actor{Role: domain.RoleCreator, CreatorID: 7, Name: "@maya_glow"}, "creator:7", "@maya_glow", false},
		{domain.Actor{Role: domain.RoleCreator, CreatorID: 9}, "creator:9", "creator 9", false},
		{domain.System, "system", "collabbot", false},
	}
	for _, tc := range tests {
		if got := tc.a.Ref(); got != tc.ref {
			t.Errorf("%+v Ref() = %q, want %q", tc.a, got, tc.ref)
		}
		if got := tc.a.Display(); got != tc.display {
			t.Errorf("%+v Display() = %q, want %q", tc.a, got, tc.display)
		}
		if got := tc.a.IsTeam(); got != tc.team {
			t.Errorf("%+v IsTeam() = %v, want %v", tc.a, got, tc.team)
		}
	}
}

func TestParseMemberRole(t *testing.T) {
	for _, s := range []string{"seller", "manager"} {
		r, err := domain.ParseMemberRole(s)
		if err != nil || string(r) != s {
			t.Errorf("ParseMemberRole(%q) = %q, %v", s, r, err)
		}
	}
	for _, s := range []string{"creator", "system", "", "Manager", "admin"} {
		_, err := domain.ParseMemberRole(s)
		checkErr(t, err, domain.KindInvalid, "role", "seller, manager or none")
		if s != "" && !strings.Contains(domain.ErrorMessage(err), s) {
			t.Errorf("message %q does not echo %q", domain.ErrorMessage(err), s)
		}
	}
}
